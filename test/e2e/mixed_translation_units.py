from memreport import load, expect

r = load()
sessions = r.named("reader_session")
expect(len(sessions) == 3, "one task per session", len(sessions))
writers = r.named("writer")
expect(len(writers) == 3, "one task per writer", len(writers))
for w in writers:
    expect(w["allocated_bytes"] >= 100000, "a writer is charged its line",
           w["allocated_bytes"])
for s in sessions:
    # The buffer grows inside uninstrumented code; the operations that grow
    # it are tracked where their templates were instantiated with the plugin
    # (the linker keeps one copy of each): so the session is charged at
    # least its coroutine frames, and the program runs unharmed either way.
    expect(s["frame_bytes"] > 0, "the session's frames are its own", s["frame_bytes"])
    expect(s["parent_id"] == r.one("listener")["id"], "spawned by the listener",
           s["parent_id"])
# What grows the lines' buffers runs in the translation unit compiled without
# the plugin, so it is outside any task, as docs/reading-the-numbers.md says.
expect(r.summary["no_task"]["allocated_bytes"] >= 3 * 100001,
       "the uninstrumented half's buffers are outside any task",
       r.summary["no_task"])
