"""Checks the report of allocator_modes/Inputs/program.cpp for one allocator mode.

usage: check_mode.py REPORT.json MODE STDERR [--plain-lib]
MODE is what summary.allocator.mode must say; STDERR the program's stderr,
which has one `memscope:` line about the allocator exactly when the mode is
not "full"."""
import sys
import os

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "lib"))
from memreport import Report, expect, KiB  # noqa: E402

report, mode, stderr = sys.argv[1], sys.argv[2], sys.argv[3]
plain_lib = "--plain-lib" in sys.argv
r = Report(report)
a = r.summary["allocator"]
expect(a["mode"] == mode, f"allocator mode {mode}", a)
lines = [l for l in open(stderr, encoding="utf-8", errors="replace")
         if l.startswith("memscope:") and "in effect" in l]
if mode == "full":
    expect(not lines, "no allocator line in full mode", lines)
else:
    expect(len(lines) == 1, "one memscope: line about the allocator", lines)
    expect("not memscope's" in lines[0], "the line says what it found", lines[0])
    if mode == "safe":
        expect("LD_PRELOAD=" in lines[0] and "link -lmemscope_rt" in lines[0],
               "the line says what to do", lines[0])
expect(a["frees_observed"] == (mode != "safe"), "frees observed unless safe", a)

w = r.one("worker")
# The frame (on the heap: the task is kept in a global) is charged too.
frames = (w["frame_bytes"],)
if mode in ("full", "malloc"):
    # Exact: the new[] (freed), the malloc and the strdup (kept), the frame.
    asked = 100000 + 200000 + len("memscope") + 1 + (300000 if plain_lib else 0)
    expect(w["allocated_bytes"] - asked in frames,
           f"worker charged exactly {asked} B and its frame", w)
    expect(w["live_bytes"] == asked - 100000,
           "the new[] freed, the C blocks live (outlived the task)", w)
else:
    # Safe mode: what instrumented code allocated with new (the new[] and
    # the frame); frees are not seen, C allocations not counted.
    expect(w["allocated_bytes"] - 100000 in frames,
           "worker charged its new[] and its frame", w)
print(f"allocator mode {mode}: ok")
