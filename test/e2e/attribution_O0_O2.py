import sys
from memreport import Report, expect

o0, o2 = Report(sys.argv[1]), Report(sys.argv[2])


def heap_figures(report):
    # Frame sizes legitimately differ between -O levels; heap figures must
    # not. Heap frames are allocations of their task (frame_bytes, frames),
    # one live for the whole task (its root frame) and freed at its end.
    return {t["name"]: (t["allocated_bytes"] - t["frame_bytes"],
                        t["freed_bytes"] - t["frame_bytes"],
                        t["alloc_count"] - t["frames"],
                        t["free_count"] - t["frames"],
                        t["peak_live_bytes"] - t["frame_bytes"], t["state"])
            for t in report.tasks}


f0, f2 = heap_figures(o0), heap_figures(o2)
print("-O0", f0)
print("-O2", f2)
expect(sorted(f0) == sorted(f2), "the same tasks at -O0 and -O2",
       (sorted(f0), sorted(f2)))
# Asio's own coroutines (co_spawn's entry point) are not instrumented: their
# frames come from its recycling allocator, counted as C allocations of the
# task, and their sizes differ between -O levels too (a few dozen bytes).
def close(a, b):
    return (a[2:4] == b[2:4] and a[5] == b[5] and
            all(abs(x - y) <= 128 for x, y in zip(a[:2] + a[4:5], b[:2] + b[4:5])))
for name in f0:
    expect(close(f0[name], f2[name]), f"same heap figures for {name}",
           (f0[name], f2[name]))
indexer = [t for t in o2.tasks if "indexer" in t["name"]][0]
expect(indexer["alloc_count"] >= 101, "vector + 100 map nodes in indexer",
       indexer["alloc_count"])
holder = [t for t in o2.tasks if "holder" in t["name"]][0]
expect(holder["retained_bytes"] >= 5000, "holder's string outlived it",
       holder["retained_bytes"])
