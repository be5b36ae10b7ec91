import os
import sys

# lit's `not` builtin may drop PYTHONPATH for later commands: find the helper
# module next to this directory ourselves.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from memreport import load, expect

r = load()
fills = r.named("fill")
# The constructor's task (3000 bytes), the atexit task (5000 bytes) and any
# number of the spinning thread's tasks (64 bytes each).
big = sorted(t["allocated_bytes"] for t in fills if t["allocated_bytes"] >= 3000)
expect(len(big) == 2, "the constructor and atexit tasks are in the report",
       r.describe())
expect(3000 <= big[0] < 5000 and big[1] >= 5000,
       "they are charged their vectors", big)
ctor = [t for t in fills if 3000 <= t["allocated_bytes"] < 5000][0]
expect(ctor["state"] == "completed", "constructor task completed", ctor)
expect(ctor["retained_bytes"] >= 3000,
       "its vector outlived it (freed by a static destructor later)", ctor)
exit_task = [t for t in fills if t["allocated_bytes"] >= 5000][0]
expect(exit_task["live_bytes"] == 0, "atexit task freed its vector", exit_task)
no_task = r.summary["no_task"]
expect(no_task["alloc_count"] >= 2, "allocations before main counted", no_task)
# Every free has its allocation: accounting done before the runtime's own
# start-up (priority-101 constructors) is not wiped by a late initialiser.
expect(no_task["free_count"] <= no_task["alloc_count"] and
       no_task["freed_bytes"] <= no_task["allocated_bytes"],
       "no more frees than allocations in the no-task bucket", no_task)
expect(r.summary["memory_efficiency_percent"] <= 100,
       "efficiency at most 100%", r.summary["memory_efficiency_percent"])
