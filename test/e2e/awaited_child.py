from memreport import load, expect, MiB

r = load()
parent = r.one("parent_task")
expect(not r.named("make_block"), "the awaited child is not a task",
       [t["name"] for t in r.tasks])
expect(parent["allocated_bytes"] >= MiB, "parent charged >= 1 MiB",
       parent["allocated_bytes"])
expect(parent["peak_live_bytes"] >= MiB, "parent peak >= 1 MiB",
       parent["peak_live_bytes"])
expect(parent["freed_bytes"] >= MiB, "the 1 MiB credited back to the parent",
       parent["freed_bytes"])
expect(parent["live_bytes"] == 0, "nothing left live", parent["live_bytes"])
expect(parent["resume_count"] >= 1, "parent resumed", parent["resume_count"])
site = [s for s in r.sites if s["allocated_bytes"] >= MiB]
expect(site, "a site holding the 1 MiB", r.sites)
expect(r.summary is not None, "a summary")
