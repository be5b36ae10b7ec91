from memreport import load, expect

r = load()
sessions = r.named("session(")
expect(len(sessions) == 8, "one task per connection", len(sessions))
listener = r.one("listener(")
for s in sessions:
    expect(s["type"] == "NetworkIntensive", "sessions inferred NetworkIntensive",
           s["type"])
    expect(s["parent_id"] == listener["id"], "spawned by the listener",
           s["parent_id"])
    # 25 requests, each response a JSON array built from 10..99 items.
    expect(s["alloc_count"] >= 25 * 10, "a session's own allocations",
           s["alloc_count"])
    expect(s["live_bytes"] == 0, "nothing of a session left live",
           s["live_bytes"])
total_sessions = sum(s["allocated_bytes"] for s in sessions)
expect(listener["allocated_bytes"] < total_sessions / 10,
       "the listener holds none of the sessions' memory",
       (listener["allocated_bytes"], total_sessions))
clients = r.named("client(")
expect(len(clients) == 8 and all(c["type"] == "NetworkIntensive" for c in clients),
       "8 NetworkIntensive client tasks", [c["type"] for c in clients])
