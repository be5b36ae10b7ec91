from memreport import load, expect, KiB

r = load()
listener = r.one("listener")
sessions = r.named("session")
expect(len(sessions) == 6, "6 session tasks", len(sessions))
for s in sessions:
    expect(s["parent_id"] == listener["id"], "session parent is the listener",
           (s["parent_id"], listener["id"]))
    expect(s["allocated_bytes"] >= 100 * KiB, "session charged >= 100 KiB",
           s["allocated_bytes"])
    expect(s["peak_live_bytes"] >= 100 * KiB, "session peak >= 100 KiB",
           s["peak_live_bytes"])
    expect(s["state"] == "completed", "session completed", s["state"])
    expect(s["live_bytes"] == 0, "session freed everything", s["live_bytes"])
    expect(s["frame_bytes"] > 0, "session frame recorded", s["frame_bytes"])
ids = [t["id"] for t in r.tasks]
expect(len(set(ids)) == len(ids), "unique task ids", ids)
expect(listener["allocated_bytes"] < 100 * KiB,
       "listener not charged for its sessions' buffers",
       listener["allocated_bytes"])
