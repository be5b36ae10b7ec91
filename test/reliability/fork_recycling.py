import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from memreport import Report, expect

directory, out = sys.argv[1], sys.argv[2]
pid = next(int(l.split()[1]) for l in open(out) if l.startswith("pid "))
child = Report(os.path.join(directory, f"r.json.{pid}"))
s = child.summary
listed = child.named("work")
folded = [f for f in child.doc["folded"] if "work" in f["name"]]
total = len(listed) + sum(f["count"] for f in folded)
expect(total == 20000, "every task of the child listed or folded", total)
want = sum(64 + i % 7 for i in range(20000))
got = sum(t["allocated_bytes"] for t in listed) + \
    sum(f["allocated_bytes"] for f in folded)
# Task i allocated its 64 + i % 7 byte block, and its frame unless the
# optimiser put the frame on main's stack (it does at -O1, not under ASan).
allocs = sum(f["alloc_count"] for f in folded) + sum(t["alloc_count"] for t in listed)
expect(allocs in (20000, 40000), "one block per task (and one frame each)", allocs)
frame = listed[0]["frame_bytes"]
expect(got == want + (allocs - 20000) * frame,
       f"{want} bytes of blocks (+ frames): every byte of every task", got)
expect(s["task_records"] < 10000, "the child recycled task records",
       s["task_records"])
