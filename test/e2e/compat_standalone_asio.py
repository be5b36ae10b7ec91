from memreport import load, expect, MiB

r = load()
sessions = r.named("session(")
expect(len(sessions) == 4, "one task per standalone-Asio session", len(sessions))
listener = r.one("listener(")
for s in sessions + r.named("client("):
    expect(s["type"] == "NetworkIntensive", f"{s['name']} NetworkIntensive",
           s["type"])
for s in sessions:
    expect(s["parent_id"] == listener["id"], "sessions spawned by the listener",
           s["parent_id"])
    expect(s["alloc_count"] >= 16, "each session's 16 lines", s["alloc_count"])
expect(len(r.named("client(")) == 4, "4 spawn_tracked clients",
       len(r.named("client(")))
c = r.one("crunch(")
expect(c["type"] == "CpuIntensive", "create_tracked's type", c["type"])
expect(c["allocated_bytes"] >= MiB, "crunch's 1 MiB", c["allocated_bytes"])
# Standalone Asio's handler tracking is switched on too: the sessions'
# socket operations are observed and run in their tasks.
for s in sessions:
    expect(s["operations"]["socket"] >= 2, "standalone Asio operations observed",
           s["operations"])
expect(r.summary["operations_followed"] > 0, "operations followed",
       r.summary["operations_followed"])
