from memreport import load, expect

r = load()
want = {"user_service": "IoIntensive", "payment_service": "NetworkIntensive",
        "analytics_service": "CpuIntensive", "gateway": "NetworkIntensive"}
tasks = {name: r.one(name + "(") for name in want}
for name, t in tasks.items():
    expect(t["type"] == want[name], f"{name} typed {want[name]}", t["type"])
    expect(t["state"] == "completed", f"{name} completed", t["state"])
# 1000 user records of ~60 characters: more than 1000 allocations.
expect(tasks["user_service"]["alloc_count"] >= 1000, "one string per user",
       tasks["user_service"]["alloc_count"])
# 50 batches of 1000 doubles grown by push_back: > 50 x 8000 bytes.
expect(tasks["analytics_service"]["allocated_bytes"] >= 50 * 8000,
       "analytics allocates its batches",
       tasks["analytics_service"]["allocated_bytes"])
# The analytics batches are freed batch by batch: its peak stays near one.
expect(tasks["analytics_service"]["peak_live_bytes"] < 64 * 1024,
       "one batch at a time", tasks["analytics_service"]["peak_live_bytes"])
run = r.one("run(")
for t in tasks.values():
    expect(t["parent_id"] == run["id"], f"{t['name']} spawned by run()",
           t["parent_id"])
# How many of the pool's two threads took work is scheduling (on a loaded
# machine one thread can take the whole run), so the figure asserted is
# memscope's: the summary counts exactly the threads its tasks ran on, and
# no more than the pool has. Work forced onto several threads is asserted by
# reliability/thread_exit and e2e/thread_pool_1000.
ran_on = set()
for t in r.tasks:
    ran_on.update(t["threads"])
expect(1 <= r.summary["threads"] <= 2 and
       ran_on == set(range(r.summary["threads"])),
       "the summary counts the pool threads the tasks ran on",
       (r.summary["threads"], sorted(ran_on)))
