from memreport import load, expect

r = load()
main = r.one("main_task")
# worker and child are awaited children: their memory is main_task's.
expect(main["allocated_bytes"] >= 75000,
       "noexcept children's allocations charged to their task",
       main["allocated_bytes"])
expect(not r.named("worker()"), "an awaited noexcept child is not a task",
       [t["name"] for t in r.tasks])
rooted = r.one("rooted")
expect(rooted["allocated_bytes"] >= 12345,
       "[[memscope::task_root]] starts a task of its own", rooted["allocated_bytes"])
expect(rooted["parent_id"] == main["id"], "spawned from main_task",
       (rooted["parent_id"], main["id"]))
expect(r.summary["no_task"]["allocated_bytes"] < 4096,
       "nothing of the coroutines outside any task", r.summary["no_task"])
