from memreport import load, expect, KiB

r = load()
sessions = r.named("line_session")
expect(len(sessions) == 4, "one task per line session", len(sessions))
for s in sessions:
    expect(s["peak_live_bytes"] >= 200000,
           "the dynamic buffer grown by async_read_until is the session's",
           s["peak_live_bytes"])
listener = r.one("listener")
expect(listener["allocated_bytes"] < 16 * KiB,
       "the listener is not charged its sessions' buffers",
       listener["allocated_bytes"])
res = r.one("resolver_task")
expect(res["operations"]["resolver"] >= 1, "the resolver operation observed",
       res["operations"])
expect(res["allocated_bytes"] >= 100,
       "the resolver's results are built in its task", res["allocated_bytes"])
cb = r.one("callback_task")
expect(cb["allocated_bytes"] >= 80000,
       "lambdas posted from the task (directly and from a timer handler) "
       "allocate in it", cb["allocated_bytes"])
expect(cb["operations"]["timer"] >= 2 and cb["operations"]["handler"] >= 2,
       "timers and posted handlers observed", cb["operations"])
expect(r.summary["no_task"]["peak_live_bytes"] < 64 * KiB,
       "outside any task: under 64 KiB at peak", r.summary["no_task"])
