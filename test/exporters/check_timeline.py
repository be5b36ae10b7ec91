"""The report's timeline: samples in time order, values consistent with the
report (no type holds more than it allocated), and the sessions' memory
visible over time.

usage: check_timeline.py REPORT.json"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from memreport import load, expect  # noqa: E402

r = load()
tl = r.doc.get("timeline")
expect(tl is not None, "a timeline in the report")
samples = tl["samples"]
expect(tl["period_ms"] == 5, "MEMSCOPE_SAMPLE_MS honoured", tl["period_ms"])
expect(len(samples) >= 20, "a sample every ~5 ms over 400 ms", len(samples))
ts = [s["t_ns"] for s in samples]
expect(ts == sorted(ts), "samples in time order")
types = tl["types"]
bg = types.index("Background")
allocated = sum(t["allocated_bytes"] for t in r.tasks if t["type"] == "Background")
peak = max(s["live_bytes_by_type"][bg] for s in samples)
expect(0 < peak <= allocated, "Background live bytes seen, within what was allocated",
       (peak, allocated))
# The largest tasks listed in a sample exist and are sorted.
ids = {t["id"] for t in r.tasks}
for s in samples:
    sizes = [live for _, live in s["top_tasks"]]
    expect(sizes == sorted(sizes, reverse=True), "top tasks largest first", s)
    expect(all(i in ids for i, _ in s["top_tasks"]), "top tasks are tasks", s)
expect(max(s["active_tasks"] for s in samples) <= r.summary["peak_concurrent_tasks"],
       "active tasks within the peak")
print(f"timeline ok: {len(samples)} samples, peak Background live {peak}")
