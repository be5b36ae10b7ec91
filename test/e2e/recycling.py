from memreport import load, expect

r = load()
s = r.summary
listed = r.named("worker")
folded = [f for f in r.doc["folded"] if "worker" in f["name"]]
total = len(listed) + sum(f["count"] for f in folded)
expect(total == 20000, "every worker task listed or folded", total)
expect(s["task_count"] == 20001, "summary counts folded tasks (and spawner)",
       s["task_count"])
expect(s["folded_tasks"] >= 19000, "old completed tasks folded",
       s["folded_tasks"])
# Every byte is still there: task i allocated exactly 64 + i % 7 bytes at
# its line (a precise site: exact whatever was folded), beside its frame
# (charged by its size: frame_bytes) and what co_spawn allocates for it
# through Asio's recycling allocator (under 2 KiB a task).
want = sum(64 + i % 7 for i in range(20000))
# (Per line: at -O2 the new[] is charged to the worker's coroutine line
# together with its frame; see the session note on issue 11.)
site_bytes = sum(x["allocated_bytes"] for x in r.sites_in("worker"))
expect(want <= site_bytes <= want + 20000 * 2 * 1024,
       f"{want} bytes allocated at the worker's sites, and their frames",
       r.sites_in("worker"))
got = sum(t["allocated_bytes"] - t["frame_bytes"] for t in listed) + \
    sum(f["allocated_bytes"] - f["frame_bytes"] for f in folded)
expect(want <= got <= want + 20000 * 2 * 1024,
       f"{want} bytes allocated by workers in all, and their spawn state", got)
expect(all(f["freed_bytes"] == f["allocated_bytes"] for f in folded),
       "folded tasks freed everything", folded)
# One allocation and one frame per worker, at least.
expect(sum(f["alloc_count"] for f in folded) +
       sum(t["alloc_count"] for t in listed) >= 2 * 20000,
       "one allocation and one frame per worker",
       sum(f["alloc_count"] for f in folded) + sum(t["alloc_count"] for t in listed))
# The table did not keep a record per task ever spawned: records were
# reused (the bound is loose: a loaded machine may delay the sweeps).
expect(s["task_records"] < 10000, "task records recycled", s["task_records"])
import json
import sys
doc = json.load(open(sys.argv[2]))
trace = doc["traceEvents"]
slices = [e for e in trace if e["ph"] == "X"]
listed_ids = {t["id"] for t in r.tasks}
folded_slices = [e for e in slices if e["tid"] not in listed_ids]
expect(len(folded_slices) > 1000, "run slices of recycled tasks in the trace",
       len(folded_slices))
# A task is named by its root coroutine from its first resume on; when the
# per-thread event buffer fills up, the last tasks may have only their spawn
# event (before the root coroutine ran) and stay unnamed.
unknown = [e for e in folded_slices if e["name"] == "<unknown>"]
named = [e for e in folded_slices if e["name"] != "<unknown>"]
expect(all("worker" in e["name"] or "spawner" in e["name"] for e in named),
       "recycled tasks' slices named by their root coroutine",
       {e["name"] for e in named})
expect(not unknown or (doc["otherData"]["dropped_events"] > 0 and
                       len(unknown) * 100 < len(folded_slices)),
       "unnamed slices only at a full event buffer", len(unknown))
folded_slices = named
names = {e["tid"]: e["args"]["name"] for e in trace
         if e["ph"] == "M" and e["name"] == "thread_name"}
expect(all("worker" in names.get(e["tid"], "") or "spawner" in names.get(e["tid"], "")
           for e in folded_slices),
       "a named track for each recycled task", list(names.items())[:5])

ids = [t["id"] for t in r.tasks]
expect(ids == sorted(ids) and len(set(ids)) == len(ids),
       "listed tasks in id order, ids unique")
