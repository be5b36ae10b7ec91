import os
import sys

# lit's `not` builtin may drop PYTHONPATH for later commands: find the helper
# module next to this directory ourselves.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from memreport import Report, expect

r = Report(sys.argv[1])
cap = [l for l in open(sys.argv[2]) if l.startswith("capacity ")]
expect(len(cap) == 1, "the program printed its capacities", cap)
vec, string, buf = map(int, cap[0].split()[1:])

def frame_charge(t):
    # The frame is on the heap (charged) unless the optimiser elided its
    # allocation (-O2 HALO: then it is on the caller's stack).
    return (0, t["frame_bytes"])

def beside_frame(t, extra):
    # What a task allocated beside its frame and `extra` bytes: the
    # bad_alloc objects it caught (the C++ runtime takes them from malloc and
    # frees them), well under 1 KiB.
    return any(0 <= t["allocated_bytes"] - extra - c < 1024
               for c in frame_charge(t))

f = r.one("failures")
# No failed allocation was charged. Its printf is the program's first
# output: stdio takes stdout's buffer (4 KiB on a pipe) then, and keeps it.
expect(f["live_bytes"] in (0, 4096), "only stdout's buffer stays", f)
expect(beside_frame(f, f["live_bytes"]) and f["alloc_count"] <= 1 + 1 + 4,
       "failed allocations charge nothing (the frame, the exception objects)",
       f)
h = r.one("handler_retry")
expect(beside_frame(h, 4096), "only the frame, the reserve and the "
       "exception object charged", h)
expect(h["live_bytes"] == 0, "handler_retry freed everything", h)
a = r.one("aligned")
expect(a["alloc_count"] in (300, 301) and a["free_count"] == a["alloc_count"],
       "300 over-aligned blocks (and the frame)", a)
expect(a["allocated_bytes"] - 100 * (64 + 3 * 256 + 4096) in frame_charge(a),
       "over-aligned sizes charged exactly", a)
g = r.one("growth")
expect(g["state"] == "completed", "growth completed", g)
# The final buffers (as the program measured them) and the two heap objects
# (a vector and a string) outlived the task; every intermediate was freed.
expect(g["retained_bytes"] == vec + string + buf + 24 + 32,
       "exactly the grown buffers outlived the task", g)
