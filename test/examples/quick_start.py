from memreport import load, expect, MiB

r = load()
t = r.one("process_block")
expect(t["state"] == "completed", "the tracked task completed", t["state"])
expect(MiB <= t["allocated_bytes"] < MiB + 64 * 1024,
       "1 MiB (plus its frame and timer) charged to it", t["allocated_bytes"])
expect(MiB <= t["peak_live_bytes"] < MiB + 64 * 1024, "its peak is 1 MiB",
       t["peak_live_bytes"])
expect(t["live_bytes"] == 0, "nothing of it left live", t["live_bytes"])
expect(t["spawn_site"]["file"].endswith("quick_start.cpp"),
       "spawned in quick_start.cpp", t["spawn_site"])
run = r.one("run")
expect(run["allocated_bytes"] < 64 * 1024, "the spawner holds none of the MiB",
       run["allocated_bytes"])
expect(t["parent_id"] == run["id"], "run() is its parent", t["parent_id"])
