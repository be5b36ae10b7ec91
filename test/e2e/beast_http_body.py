from memreport import load, expect, KiB

r = load()
sessions = r.named("session")
listener = r.one("listener")
expect(len(sessions) == 4, "one task per session", len(sessions))
for s in sessions:
    expect(s["parent_id"] == listener["id"], "session spawned by the listener",
           (s["parent_id"], listener["id"]))
    expect(s["peak_live_bytes"] >= 300000,
           "a session's peak holds the 300 KB body it read",
           s["peak_live_bytes"])
    ops = s["operations"]
    expect(ops["socket"] >= 2, "a session reads and writes its socket", ops)
expect(listener["allocated_bytes"] < 64 * KiB,
       "the listener is not charged for its sessions' bodies",
       listener["allocated_bytes"])
expect(listener["operations"]["acceptor"] >= 4, "the listener accepts", listener["operations"])
no_task = r.summary["no_task"]
expect(no_task["peak_live_bytes"] < 64 * KiB,
       "outside any task: under 64 KiB at peak", no_task)
