from memreport import load, expect

r = load()
thrower = r.one("thrower")
waiter = r.one("waiter")
bystander = r.one("bystander")
expect(not r.named("deep"), "awaited children are not tasks",
       [t["name"] for t in r.tasks])
# thrower: 4 x 4096 scratch (children) + 65536 after the catch.
expect(thrower["allocated_bytes"] >= 4 * 4096 + 65536,
       "thrower charged for children and the post-exception block",
       thrower["allocated_bytes"])
# thrower's printf is the program's first output: stdio then takes stdout's
# buffer from malloc (4 KiB on a pipe), a C allocation of the thrower's that
# stdio keeps to the end. Nothing else of it stays.
expect(thrower["live_bytes"] in (0, 4096),
       "thrower freed all but stdout's buffer", thrower["live_bytes"])
expect(thrower["state"] == "completed", "thrower completed", thrower["state"])
# The waiter's frame was destroyed while suspended: its 32 KiB was freed
# by the destruction and credited back to it; it is completed.
expect(waiter["allocated_bytes"] >= 32768, "waiter charged 32 KiB",
       waiter["allocated_bytes"])
expect(waiter["live_bytes"] == 0, "waiter's memory credited back on destroy",
       waiter["live_bytes"])
expect(waiter["state"] == "completed", "destroyed waiter is completed",
       waiter["state"])
# Nothing leaked into the task that ran next, nor into no-task.
expect(16384 <= bystander["allocated_bytes"] < 32768,
       "bystander charged only for its own vector", bystander["allocated_bytes"])
