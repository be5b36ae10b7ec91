# removed_allocations.cpp: the instrumented build allocates exactly as often
# as the plain one (which counted with its own operator new), and the one
# allocation the optimizer keeps is charged to its line.
import os
import sys

from memreport import load, expect

r = load()
with open(sys.argv[2], encoding="utf-8") as f:
    plain = int([l for l in f if l.startswith("allocations ")][0].split()[1])
source = sys.argv[3]
with open(source, encoding="utf-8") as f:
    kept_line = [n for n, l in enumerate(f, 1) if "// SITE: kept" in l][0]

expect(plain < 100, "the plain build's optimizer removed the 3000 "
       "non-escaping allocations (else this test proves nothing)", plain)
uninstrumented = load([None, sys.argv[4]])
expect(r.summary["total_allocations"] == uninstrumented.summary["total_allocations"],
       "as many allocations as the uninstrumented build (both counted by the runtime)",
       (r.summary["total_allocations"], uninstrumented.summary["total_allocations"]))
kept = [s for s in r.sites if s["line"] == kept_line
        and os.path.basename(s["file"]) == os.path.basename(source)]
expect(len(kept) == 1 and kept[0]["kind"] == "alloc"
       and kept[0]["allocated_bytes"] == 12345 * 4
       and kept[0]["function"].startswith("work("),
       f"the kept allocation's precise site, line {kept_line}, 49380 bytes",
       [(s["kind"], s["line"], s["allocated_bytes"], s["function"]) for s in r.sites])
