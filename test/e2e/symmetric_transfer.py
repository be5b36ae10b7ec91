from memreport import load, expect

r = load()
top = r.one("top_level")
expect(not r.named("middle"), "middle frames belong to top_level's task",
       [t["name"] for t in r.tasks])
# 6 leaf vectors of 100 ints, plus frames that go through operator new.
expect(top["allocated_bytes"] >= 6 * 400, "top_level charged for leaf vectors",
       top["allocated_bytes"])
expect(top["frame_bytes"] > 0, "frames counted", top["frame_bytes"])
expect(top["state"] == "completed", "top_level completed", top["state"])
expect(top["live_bytes"] == 0, "all freed", top["live_bytes"])
leaf = r.named("leaf")
expect(len(leaf) == 1, "the second root is its own task", [t["name"] for t in r.tasks])
expect(leaf[0]["id"] != top["id"], "distinct ids")
expect(leaf[0]["parent_id"] == 0, "a runtime root has no parent", leaf[0]["parent_id"])
expect(40 <= leaf[0]["allocated_bytes"] < 6 * 400,
       "second root charged only for its own vector", leaf[0]["allocated_bytes"])
