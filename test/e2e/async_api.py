import sys
from memreport import load, expect

r = load()
out = open(sys.argv[2]).read().splitlines()
run = [t for t in r.tasks if t["name"] == "run(TaskType)"][0]

answer = r.one("answer()")
expect(answer["type"] == "Background", "spawn_tracked's constant type wins",
       answer["type"])
expect(answer["allocated_bytes"] >= 100000, "answer's 100 kB are its own",
       answer["allocated_bytes"])
expect(answer["parent_id"] == run["id"], "answer spawned by run",
       answer["parent_id"])

lam = [t for t in r.tasks if "lambda#1" in t["name"] and "run" in t["name"]]
expect(len(lam) == 1 and lam[0]["allocated_bytes"] >= 8000,
       "the function-object spawn is a task with its 8000 bytes",
       [(t["name"], t["allocated_bytes"]) for t in lam])

seed = r.one("seed_work()")
expect(seed["parent_id"] == run["id"] and seed["allocated_bytes"] >= 1 << 20,
       "co_await spawn_tracked(...): a task of its own with its MiB",
       (seed["parent_id"], seed["allocated_bytes"]))
expect(r.one("seed_raise()")["state"] == "completed", "seed_raise completed",
       None)
expect(r.one("seed_void()")["allocated_bytes"] >= 3000, "seed_void's 3000 bytes",
       r.one("seed_void()")["allocated_bytes"])
expect(r.summary["total_memory_bytes"] >= r.summary["live_memory_bytes"] + (1 << 20),
       "total memory = all allocated, live = what is left",
       (r.summary["total_memory_bytes"], r.summary["live_memory_bytes"]))

thrower = r.one("thrower()")
expect(thrower["state"] == "completed", "the throwing task completed",
       thrower["state"])

# Type chosen at run time (argv: 6 = Streaming), through create_tracked
# nested in spawn_tracked and in co_spawn: the plugin could not know it.
for name in ("typed_at_runtime()", "nested_value()"):
    t = r.one(name)
    expect(t["type"] == "Streaming", f"{name} has the run-time type",
           t["type"])
    expect(t["parent_id"] == run["id"], f"{name} spawned by run",
           t["parent_id"])
expect(r.one("typed_at_runtime()")["allocated_bytes"] >= 200000,
       "typed_at_runtime's 200 kB", r.one("typed_at_runtime()")["allocated_bytes"])

direct = r.one("direct_child()")
expect(direct["type"] == "MemoryIntensive", "direct create_tracked's type",
       direct["type"])
expect(direct["allocated_bytes"] >= 65536,
       "awaited directly, still its own task's 64 KiB", direct["allocated_bytes"])
expect(run["allocated_bytes"] < 65536, "run holds none of its children's memory",
       run["allocated_bytes"])

for name in ("three()", "four()", "quick()", "slow()"):
    t = r.one(name)
    expect(t["parent_id"] == run["id"], f"{name}: a task of its own under run",
           t["parent_id"])

workers = r.named("strand_worker")
expect(len(workers) == 4, "four strand workers", len(workers))
for w in workers:
    expect(w["allocated_bytes"] >= 400 and w["state"] == "completed",
           "each worker's 400 bytes", w)
consumer = r.one("consumer(")
expect(consumer["type"] == "Streaming", "the channel consumer is Streaming",
       consumer["type"])

# Variables: each recorded in the task that tracked it.
vars_ = [l.split() for l in out if l.startswith("variable ")]
by_name = {}
for v in vars_:
    fields = dict(f.split("=", 1) for f in v[2:])
    by_name.setdefault(v[1], []).append(fields)
expect(by_name["scratch"][0]["task"] == str(answer["id"]),
       "scratch recorded in answer's task", by_name["scratch"])
expect(by_name["scratch"][0]["bytes"] == "100000", "scratch owns 100000 bytes",
       by_name["scratch"])
expect(by_name["scratch"][0]["type"] == "std::vector<char>", "its type",
       by_name["scratch"])
expect(by_name["v"][0]["task"] == str(r.one("typed_at_runtime()")["id"]),
       "track_var_async in the awaiting task", by_name["v"])
expect(by_name["v"][0]["bytes"] == "200000", "v owns 200000 bytes", by_name["v"])
worker_ids = sorted(str(w["id"]) for w in workers)
expect(sorted(f["task"] for f in by_name["local"]) == worker_ids,
       "one record per strand worker", by_name["local"])
