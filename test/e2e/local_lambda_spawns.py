from memreport import load, expect, KiB

r = load()
names = [t["name"] for t in r.tasks]
handlers = [t for t in r.tasks if t["name"].endswith("(int)")]
expect(len(handlers) == 4, "one task per spawned handler lambda", names)
for t in handlers:
    expect(100000 <= t["allocated_bytes"] - t["frame_bytes"] < 100000 + 4 * KiB,
           "a handler is charged its own block", t)
servers = [t for t in r.tasks if t["name"].endswith("(long)")]
expect(len(servers) == 1, "the spawning lambda is one task", names)
expect(1000 <= servers[0]["allocated_bytes"] - servers[0]["frame_bytes"]
       < 1000 + 16 * KiB,
       "the spawning lambda is charged its own block, not its handlers'",
       servers[0])
expect(len(r.tasks) == 5, "the spawning lambda and its four handlers only",
       names)
