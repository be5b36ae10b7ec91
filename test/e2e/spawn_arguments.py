from memreport import load, expect, KiB

r = load()
listener = [t for t in r.tasks if t["name"] == "listener()"][0]
sessions = r.named("session(")
expect(len(sessions) == 5, "one task per session", len(sessions))
for s in sessions:
    expect(s["parent_id"] == listener["id"], "spawned by the listener",
           (s["parent_id"], listener["id"]))
    expect(s["allocated_bytes"] >= 40000,
           "a session is charged the Conn built in its spawn expression",
           s["allocated_bytes"])
    expect(s["live_bytes"] == 0, "and frees it", s["live_bytes"])
expect(listener["allocated_bytes"] < 4 * KiB,
       "the listener is not charged its sessions' Conns",
       listener["allocated_bytes"])

chat = r.one("chat_listener")
for name, size in (("reader", 20000), ("writer", 30000)):
    tasks = r.named(name + "()")
    expect(len(tasks) == 3, f"one {name} task per participant",
           [t["name"] for t in r.tasks])
    for t in tasks:
        expect(t["allocated_bytes"] >= size, f"{name} charged its buffer",
               t["allocated_bytes"])
        expect(t["parent_id"] == chat["id"], f"{name} spawned by the chat listener",
               (t["parent_id"], chat["id"]))
expect(chat["allocated_bytes"] < 3 * 30000,
       "the chat listener is not charged for readers and writers",
       chat["allocated_bytes"])
