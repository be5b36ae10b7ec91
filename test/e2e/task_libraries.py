from memreport import load, expect, KiB

r = load()
workers = r.named("worker(")
expect(len(workers) == 4, "one task per spawn_detached worker",
       [t["name"] for t in r.tasks])
for t in workers:
    expect(100000 <= t["allocated_bytes"] - t["frame_bytes"] < 100000 + 4 * KiB,
           "a worker is charged its own block", t)
expect(not r.named("make_task_self_deleting"),
       "the library's self-deleting wrapper is not a task",
       [t["name"] for t in r.tasks])
expect(not r.named("numbers("), "a synchronous generator is never a task",
       [t["name"] for t in r.tasks])
expect(not r.named("when_all"), "when_all's internals are not a task",
       [t["name"] for t in r.tasks])
parent = r.one("parent(")
# The parent: the generator's 100 blocks of 1000 (it resumed them), not the
# workers' 100 KB blocks.
expect(100 * 1000 <= parent["allocated_bytes"] < 100 * 1000 + 16 * KiB,
       "the parent is charged the generator's blocks, not its workers'", parent)
joiner = r.one("joiner(")
expect(joiner["type"] != "Streaming",
       "when_all's internal co_yield does not type its awaiter Streaming",
       joiner["type"])
expect(len(r.tasks) == 6, "the parent, its four workers and the joiner only",
       [t["name"] for t in r.tasks])
# The generator iterated from main: its 10 blocks are outside any task.
expect(r.summary["no_task"]["allocated_bytes"] >= 10 * 1000,
       "the generator's blocks outside any task", r.summary["no_task"])
