# library_call_sites_c.cpp: strdup's 56790 bytes at the user line, in the
# copier task.
import os
import sys

from memreport import load, expect

r = load()
source = sys.argv[2]
with open(source, encoding="utf-8") as f:
    line = [n for n, l in enumerate(f, 1) if "// SITE: strdup" in l][0]
at = [s for s in r.sites if s["line"] == line
      and os.path.basename(s["file"]) == os.path.basename(source)]
expect(sum(s["allocated_bytes"] for s in at) == 56790,
       f"strdup's 56790 bytes at line {line}",
       [(s["kind"], s["line"], s["allocated_bytes"]) for s in r.sites])
expect(r.one("copier")["allocated_bytes"] >= 56790, "charged to the task",
       r.one("copier")["allocated_bytes"])
