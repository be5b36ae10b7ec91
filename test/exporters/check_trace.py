"""Structural check of a MEMSCOPE_TRACE file against the Chrome trace-event
format that Perfetto and chrome://tracing read, and against the report of
the same run.

usage: check_trace.py TRACE.json REPORT.json"""
import json
import sys

sys.path.insert(0, __import__("os").path.join(__import__("os").path.dirname(__file__), "..", "lib"))
from memreport import Report, expect  # noqa: E402

trace_path, report_path = sys.argv[1], sys.argv[2]
with open(trace_path, encoding="utf-8") as f:
    trace = json.load(f)
report = Report(report_path)

expect(isinstance(trace, dict) and isinstance(trace.get("traceEvents"), list),
       "a JSON object with a traceEvents array", type(trace))
other = trace.get("otherData", {})
expect(other.get("format") == "memscope-trace" and other.get("version") == 1,
       "otherData names the format and version", other)
expect(other.get("dropped_events") == 0, "no dropped events", other)

events = trace["traceEvents"]
phases = {}
for e in events:
    expect(isinstance(e, dict), "every event is an object", e)
    for key in ("ph", "name", "pid"):
        expect(key in e, f"every event has '{key}'", e)
    phases.setdefault(e["ph"], []).append(e)
expect(set(phases) <= {"M", "X", "C", "i"},
       "only metadata, complete, counter and instant events", sorted(phases))

# Metadata: a process name, and a named, sorted track per task that ran.
meta = phases.get("M", [])
expect(any(m["name"] == "process_name" for m in meta), "a process_name", meta[:3])
track_names = {m["tid"]: m["args"]["name"] for m in meta if m["name"] == "thread_name"}
tasks = {t["id"]: t for t in report.tasks}
for tid, name in track_names.items():
    expect(tid in tasks, f"track {tid} is a task of the report", name)
    expect(name.startswith(f"#{tid} ") and tasks[tid]["type"] in name,
           "track named '#id name [type]'", name)

# Run slices: well-formed, on named tracks, and for each thread they do not
# overlap (a thread runs one task at a time).
slices = [e for e in phases.get("X", []) if e.get("cat") == "task"]
lifetimes = {e["tid"]: e for e in phases.get("X", []) if e.get("cat") == "lifetime"}
expect(len(slices) + len(lifetimes) == len(phases.get("X", [])),
       "complete events are run slices or task lifetimes", None)
expect(len(slices) > 100, "many run slices", len(slices))
per_thread = {}
for s in slices:
    expect(isinstance(s["ts"], (int, float)) and s["ts"] >= 0, "ts >= 0", s)
    expect(isinstance(s["dur"], (int, float)) and s["dur"] >= 0, "dur >= 0", s)
    expect(s["tid"] in track_names, "slice on a named track", s)
    expect(s["name"] == tasks[s["tid"]]["name"], "slice named after its task", s)
    life = lifetimes.get(s["tid"])
    expect(life is not None and life["ts"] <= s["ts"] + 0.01 and
           s["ts"] + s["dur"] <= life["ts"] + life["dur"] + 0.01,
           "the slice lies within its task's lifetime span", (s, life))
    per_thread.setdefault(s["args"]["thread"], []).append(s)
for thread, ss in per_thread.items():
    ss.sort(key=lambda s: s["ts"])
    for a, b in zip(ss, ss[1:]):
        expect(a["ts"] + a["dur"] <= b["ts"] + 0.002,
               f"slices on thread {thread} do not overlap", (a, b))
expect(len(per_thread) >= 2, "slices from both executor threads", sorted(per_thread))

# Every task that was resumed has a track; busy time agrees with its slices
# (slices cover at least the busy time the runtime measured, within 1%).
session_tracks = [tid for tid, n in track_names.items() if "session(" in n]
expect(len(session_tracks) > 20, "a track per session", len(session_tracks))
busy_us = {}
for s in slices:
    busy_us[s["tid"]] = busy_us.get(s["tid"], 0.0) + s["dur"]
for tid in session_tracks[:20]:
    want = tasks[tid]["busy_ns"] / 1000.0
    got = busy_us[tid]
    expect(abs(got - want) <= max(0.01 * want, 2.0),
           f"task {tid}: slices add up to its busy time ({want:.3f} us)", got)

# Counters: live bytes per type over time, ordered, and the largest value
# seen is no more than what the type ever had allocated.
counters = [c for c in phases.get("C", []) if c["name"] == "live bytes by task type"]
expect(len(counters) >= 10, "a live-bytes counter series", len(counters))
expect(all(a["ts"] <= b["ts"] for a, b in zip(counters, counters[1:])),
       "counter samples in time order")
expect(any(c["args"].get("Background", 0) > 0 for c in counters),
       "the sessions' live bytes show up in the counter", counters[:3])
for name in ("live bytes outside tasks", "active tasks"):
    expect(any(c["name"] == name for c in phases["C"]), f"a '{name}' counter")
peak_active = max(c["args"]["tasks"] for c in phases["C"] if c["name"] == "active tasks")
expect(0 < peak_active <= report.summary["peak_concurrent_tasks"],
       "active tasks within the report's peak", peak_active)
print(f"trace ok: {len(slices)} slices on {len(track_names)} task tracks, "
      f"{len(counters)} counter samples")

# Recorded peaks: one instant per task track that held memory, inside its
# lifetime and with its peak; one global instant for the process-wide peak.
instants = phases.get("i", [])
process = [e for e in instants if e.get("s") == "g"]
expect(len(process) == 1 and process[0]["args"]["bytes"] == report.summary["peak_live_bytes"],
       "one process-wide peak instant with the report's figure", process)
task_peaks = [e for e in instants if e.get("s") == "t"]
expect(task_peaks, "task peak instants", len(instants))
for e in task_peaks:
    life = lifetimes.get(e["tid"])
    expect(life is not None and life["ts"] - 0.01 <= e["ts"] <= life["ts"] + life["dur"] + 0.01,
           "a task's peak lies within its lifetime span", (e, life))
    expect(e["args"]["bytes"] == life["args"]["peak_live_bytes"],
           "the instant carries the task's peak", (e, life))
print(f"peaks ok: {len(task_peaks)} task peak instants")
