from memreport import load, expect

r = load()
dispatcher = [t for t in r.tasks if t["name"] == "dispatcher()"]
expect(len(dispatcher) == 1, "one dispatcher task", [t["name"] for t in r.tasks])
dispatcher = dispatcher[0]
workers = [t for t in r.tasks if t["id"] != dispatcher["id"]]
expect(len(workers) == 4, "one task per spawned lambda", len(workers))
sizes = sorted(t["allocated_bytes"] for t in workers)
for i, size in enumerate(sizes):
    # 64*(i+1) strings of 200 chars, plus the vector's array.
    expect(size >= 64 * (i + 1) * 201, f"worker {i} charged for its strings", sizes)
for t in workers:
    expect("lambda" in t["name"], "a lambda task says so in its name", t["name"])
    expect(t["type"] == "Background", "timer loop in the lambda: Background", t["type"])
    expect(t["spawn_site"] is not None and t["spawn_site"]["line"] == 21,
           "spawn site is the co_spawn call (line 21)", t["spawn_site"])
    expect(t["spawn_site"]["function"] == "dispatcher()",
           "the spawn site names the function that spawns", t["spawn_site"])
for t in workers:
    expect(t["parent_id"] == dispatcher["id"], "workers' parent is the dispatcher",
           t["parent_id"])
expect(dispatcher["allocated_bytes"] < 64 * 201,
       "the dispatcher is not charged for its workers", dispatcher["allocated_bytes"])
