from memreport import load, expect

r = load()
top = r.one("top()")
for name, typ in (("sum_squares", None), ("count_words", "Streaming"),
                  ("parse_table", "MemoryIntensive")):
    t = r.one(name)
    expect(t["parent_id"] == top["id"], f"{name} is a task under top()",
           t["parent_id"])
    expect(t["state"] == "completed", f"{name} completed", t["state"])
    if typ:
        expect(t["type"] == typ, f"{name}'s create_tracked type", t["type"])
# The generators are children: their frames are their creator's memory.
expect(not [t for t in r.tasks
            if t["name"].startswith(("squares(", "words("))],
       "generators are not tasks", [t["name"] for t in r.tasks])
ss = r.one("sum_squares")
# Synchronous generators are transparent (no frame hooks): a generator's
# frame on the heap is an allocation of the task that created it, beside
# that task's own frame (at -O2 Clang may elide it into its caller's frame).
expect(ss["frames"] == 1 and ss["alloc_count"] >= 1,
       "sum_squares holds its own frame and its generator's",
       (ss["frames"], ss["frame_bytes"], ss["alloc_count"], ss["allocated_bytes"]))
cw = r.one("count_words")
expect(cw["alloc_count"] >= 3, "the words generator's strings are count_words'",
       cw["alloc_count"])
pt = r.one("parse_table")
expect(pt["peak_live_bytes"] >= 512 * 1024, "parse_table's 512 KiB",
       pt["peak_live_bytes"])
expect(top["peak_live_bytes"] < 64 * 1024, "top holds none of it",
       top["peak_live_bytes"])
