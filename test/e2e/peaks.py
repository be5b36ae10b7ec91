"""Checks for peaks.cpp: recorded (not sampled) task and process peaks.

usage: peaks.py single REPORT.json PROGRAM_OUTPUT
       peaks.py html REPORT.json PROGRAM_OUTPUT PAGE.html
       peaks.py threads REPORT.json PROGRAM_OUTPUT"""
import json
import re
import sys

from memreport import Report, expect

BLOCKS = 19 * 104858  # what the burst task allocates and frees (1.9 MiB)
KiB = 1024
# Sleeps are lower bounds; the runtime's clock conversion differs between
# snapshots by far less than this.
SLACK_NS = 500_000

mode, report_path, out_path = sys.argv[1], sys.argv[2], sys.argv[3]
r = Report(report_path)
s = r.summary
with open(out_path) as f:
    out = f.read()

if mode == "threads":
    true_peak = int(re.search(r"true peak (\d+)", out).group(1))
    bound = s["peak_live_bound_bytes"]
    expect(bound >= 5 * 64 * KiB,
           "a bound of at least 5 threads x 64 KiB (main and four workers)", bound)
    expect(abs(s["peak_live_bytes"] - true_peak) < bound,
           f"the process peak within {bound} bytes of the true {true_peak}",
           s["peak_live_bytes"])
    expect(s["peak_live_bytes"] >= 4 * 1084 * KiB,
           "the process peak holds the four threads' blocks", s["peak_live_bytes"])
    print(f"threads ok: peak {s['peak_live_bytes']}, true {true_peak}, "
          f"error {s['peak_live_bytes'] - true_peak}, bound {bound}")
    sys.exit(0)

m = re.search(r"task (\d+) live (\d+) process (\d+) before (\d+) after (\d+) "
              r"freed (\d+)", out)
expect(m, "the program's marks", out)
task_id, task_live, process_live, before, after, freed = map(int, m.groups())
task = r.by_id(task_id)

# The sampler (1 s) saw nothing of it: the figures below are recorded.
seen = max((live for smp in r.doc["timeline"]["samples"]
            for tid, live in smp["top_tasks"] if tid == task_id), default=0)
expect(seen < BLOCKS, "the sampler missed the burst (the test reaches what it names)", seen)

# The task's peak: its live bytes before the burst plus the burst, exactly.
# Its time is a moment at which the task held it (runtime/src/tasks/
# task_peak.hpp): reached after the 2 ms before the allocations, recorded
# at the task's first free after them at the latest (its own snapshot's
# frees are the runtime's, which do not count).
expect(task["peak_live_bytes"] == task_live + BLOCKS,
       f"task peak = {task_live} + {BLOCKS}", task["peak_live_bytes"])
at = task["peak_live_at_ns"]
expect(at is not None and before + 2_000_000 - SLACK_NS <= at <= freed + SLACK_NS,
       f"task peak time on the burst's plateau, [{before} + 2 ms, {freed}]", at)

# The process: one allocating thread, so exact: live bytes before the burst
# plus the burst (nothing else allocates in between; tolerance 0).
expect(s["peak_live_bound_bytes"] == 0, "exact (one thread)", s["peak_live_bound_bytes"])
expect(s["peak_live_bytes"] == process_live + BLOCKS,
       f"process peak = {process_live} + {BLOCKS}", s["peak_live_bytes"])
expect(before + 2_000_000 - SLACK_NS <= s["peak_live_at_ns"] <= after - 2_000_000 + SLACK_NS,
       "process peak time inside the burst", s["peak_live_at_ns"])

if mode == "html":
    with open(sys.argv[4], encoding="utf-8") as f:
        page = f.read()
    blob = re.search(r'<script id="memscope-data" type="application/json">(.*?)</script>',
                     page, re.S)
    expect(blob, "the page's embedded data")
    data = json.loads(blob.group(1))
    expect(data["summary"]["peak_live_bytes"] == s["peak_live_bytes"] and
           data["summary"]["peak_live_at_ns"] == s["peak_live_at_ns"],
           "the process peak in the page", data["summary"])
    shown = {t["id"]: t for t in data["chart_tasks"]}
    expect(task_id in shown, "the burst task among the charted tasks", list(shown))
    expect(shown[task_id]["peak_live_bytes"] == task["peak_live_bytes"] and
           shown[task_id]["peak_live_at_ns"] == at,
           "its exact peak point in the chart data", shown[task_id])
    # The page draws recorded peaks as points of their own.
    expect("peak: true" in page and "peak live (all memory)" in page,
           "the charts' peak markers in the page's script")
print(f"{mode} ok: task peak {task['peak_live_bytes']} at {at} ns, process peak "
      f"{s['peak_live_bytes']} at {s['peak_live_at_ns']} ns")
