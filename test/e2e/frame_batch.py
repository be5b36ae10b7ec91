"""frame_batch.cpp: the report with the frame batch (on) and without it
(MEMSCOPE_FRAME_BATCH=off) agree on every figure the batch touches, and the
program's own mid-loop snapshots print the same in both runs."""
import sys

from memreport import Report, expect

on, off = Report(sys.argv[1]), Report(sys.argv[2])
with open(sys.argv[3]) as f:
    printed_on = f.read()
with open(sys.argv[4]) as f:
    printed_off = f.read()
print(printed_on)
expect(printed_on == printed_off, "the same snapshots with and without the batch",
       (printed_on, printed_off))
expect("mid-loop: frames " in printed_on and "sum " in printed_on,
       "a mid-loop snapshot and the result", printed_on)

FIGURES = ["allocated_bytes", "freed_bytes", "live_bytes", "peak_live_bytes",
           "alloc_count", "free_count", "frame_bytes", "frames", "live_frames",
           "retained_bytes"]
a, b = on.one("looper"), off.one("looper")
for k in FIGURES:
    expect(a[k] == b[k], f"looper's {k} the same with and without the batch",
           (a[k], b[k]))
# 1 root frame, 1000 children, 10 bigger() with 10 grandchildren.
expect(a["frames"] == 1021, "every frame counted", a["frames"])
expect(a["live_frames"] == 0, "no frame left live", a["live_frames"])
expect(a["peak_live_bytes"] >= 100000, "the kept block in the peak",
       a["peak_live_bytes"])


def site_rows(r):
    return sorted((s["function"], s["line"], s["allocated_bytes"], s["freed_bytes"],
                   s["alloc_count"], s["free_count"]) for s in r.sites)


expect(site_rows(on) == site_rows(off), "the same site figures",
       (site_rows(on), site_rows(off)))
child = [s for s in on.sites if s["function"].startswith("child")]
expect(len(child) == 1 and child[0]["alloc_count"] == 1000 and
       child[0]["free_count"] == 1000, "child's site: 1000 frames, all freed", child)
s_on, s_off = on.summary, off.summary
for k in ["total_allocated_bytes", "total_freed_bytes", "total_allocations",
          "total_frees", "peak_live_bytes", "live_memory_bytes", "retained_bytes"]:
    expect(s_on[k] == s_off[k], f"summary {k} the same", (s_on[k], s_off[k]))
expect(s_on["peak_live_bound_bytes"] == 0, "an exact process-wide peak",
       s_on["peak_live_bound_bytes"])
