"""usage: trace_ring.py TRACE.json REPORT.json STDERR"""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from memreport import Report, expect  # noqa: E402

trace = json.load(open(sys.argv[1]))
report = Report(sys.argv[2])
err = open(sys.argv[3]).read().splitlines()

dropped = trace["otherData"]["dropped_events"]
# 8 tasks x 10000 hops x 2 events on one thread: far more than 65536.
expect(dropped > 80000, "older events were dropped", dropped)
expect(trace["otherData"]["kept"] == "newest", "the trace says what it kept",
       trace["otherData"])
expect(len(err) == 1 and err[0].startswith("memscope: the trace kept the newest")
       and str(dropped) in err[0], "one stderr line with the count", err)

events = trace["traceEvents"]
slices = [e for e in events if e["ph"] == "X" and e["cat"] == "task"]
lifetimes = [e for e in events if e["ph"] == "X" and e["cat"] == "lifetime"]
last = report.one("last()")
expect(any(s["tid"] == last["id"] for s in slices),
       "the last task's run slices are in the trace (the newest events)",
       len(slices))
expect(len(slices) <= 65536, "at most one ring of slices", len(slices))
# Every task's lifetime is a span on its track that contains its slices.
by_task = {e["tid"]: e for e in lifetimes}
expect(last["id"] in by_task, "the last task has a lifetime span", lifetimes[:2])
for s in slices:
    life = by_task.get(s["tid"])
    expect(life is not None, "a slice's task has a lifetime span", s)
    expect(life["ts"] <= s["ts"] + 0.01 and
           s["ts"] + s["dur"] <= life["ts"] + life["dur"] + 0.01,
           "the slice lies within its task's lifetime", (s, life))
hoppers = report.named("hopper")
expect(len(hoppers) == 8 and all(t["id"] in by_task for t in hoppers),
       "every hopper has a lifetime span", [t["id"] for t in hoppers])
# The span starts at creation and ends at completion, or at the end of the
# task's last run slice when a handler of its last operation ran after it
# (trace_json.cpp, 40e65f6).
for t in hoppers:
    life = by_task[t["id"]]
    end_us = max([t["completed_ns"] / 1000] +
                 [s["ts"] + s["dur"] for s in slices if s["tid"] == t["id"]])
    expect(abs(life["ts"] * 1000 - t["created_ns"]) < 1000 and
           abs(life["ts"] + life["dur"] - end_us) < 1,
           "lifetime = created..max(completed, last slice end)",
           (life, t["created_ns"], t["completed_ns"], end_us))
print("trace ring: ok")
