import os
import sys

# lit's `not` builtin may drop PYTHONPATH for later commands: find the helper
# module next to this directory ourselves.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from memreport import load, expect

r = load()
f = r.one("finisher")
a = r.one("abandoned")
for t in (f, a):
    expect(t["state"] == "completed", f"{t['name']} completed", t)
    expect(t["live_bytes"] == 0, f"{t['name']} has nothing live", t)
    expect(t["free_count"] == t["alloc_count"], "every block freed", t)
expect(f["allocated_bytes"] >= 1024 + 3072 + 2048, "finisher charged all", f)
expect(f["retained_bytes"] >= 2048, "the hand-off outlived finisher", f)
expect(len(f["threads"]) == 2, "finisher ran on two threads", f["threads"])
expect(a["allocated_bytes"] >= 777, "abandoned charged its vector", a)
expect(a["retained_bytes"] == 0, "destroying the frame freed its vector", a)
