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
# Every byte is still there: task i allocated exactly 64 + i % 7 bytes.
want = sum(64 + i % 7 for i in range(20000))
got = sum(t["allocated_bytes"] for t in listed) + \
    sum(f["allocated_bytes"] for f in folded)
expect(got == want, f"{want} bytes allocated by workers in all", got)
expect(all(f["freed_bytes"] == f["allocated_bytes"] for f in folded),
       "folded tasks freed everything", folded)
expect(sum(f["alloc_count"] for f in folded) +
       sum(t["alloc_count"] for t in listed) == 20000,
       "one allocation per worker")
# The table did not keep a record per task ever spawned: records were
# reused (the bound is loose: a loaded machine may delay the sweeps).
expect(s["task_records"] < 10000, "task records recycled", s["task_records"])
ids = [t["id"] for t in r.tasks]
expect(ids == sorted(ids) and len(set(ids)) == len(ids),
       "listed tasks in id order, ids unique")
