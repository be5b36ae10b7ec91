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
# Not "two threads": on a loaded machine the pool's second thread can find the
# queue empty for the whole run (CI saw it), and that is scheduling, not a
# figure memscope computes. Cross-thread attribution has its own tests in e2e.
expect(r.summary["threads"] >= 1, "ran on the pool", r.summary["threads"])
