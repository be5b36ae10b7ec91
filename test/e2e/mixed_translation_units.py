from memreport import load, expect

r = load()
sessions = r.named("reader_session")
expect(len(sessions) == 3, "one task per session", len(sessions))
writers = r.named("writer")
for w in writers:
    expect(w["allocated_bytes"] >= 100000, "a writer is charged its line",
           w["allocated_bytes"])
for s in sessions:
    # The buffer grows inside uninstrumented code; the operations that grow
    # it are tracked where their templates were instantiated with the plugin
    # (the linker keeps one copy of each): so the session is charged at
    # least its coroutine frames, and the program runs unharmed either way.
    expect(s["frame_bytes"] > 0, "the session's frames are its own", s["frame_bytes"])
