from memreport import load, expect

r = load()
workers = r.named("worker")
expect(len(workers) == 1000, "1000 worker tasks", len(workers))
expect(len({t["id"] for t in workers}) == 1000, "1000 distinct ids")
# The `new char[1000 + i]` line (23) is a precise site: exactly 1000 allocations
# of sum(1000 + i) bytes, all freed.
want = sum(1000 + i for i in range(1000))
line_sites = [s for s in r.sites_in("worker") if s["line"] == 23]
expect(len(line_sites) == 1, "one site for the new[] at line 23",
       [(s["function"], s["line"]) for s in r.sites])
site = line_sites[0]
expect(site["alloc_count"] == 1000, "1000 allocations at the site",
       site["alloc_count"])
expect(site["allocated_bytes"] == want, f"{want} bytes at the site",
       site["allocated_bytes"])
expect(site["live_bytes"] == 0, "all freed", site["live_bytes"])
for t in workers:
    expect(t["state"] == "completed", "worker completed", t["state"])
    expect(t["live_bytes"] == 0, "worker freed all", t)
    expect(t["allocated_bytes"] == t["freed_bytes"], "alloc == freed", t)
    expect(t["allocated_bytes"] >= 1000, "worker charged for its block", t)
    expect(t["peak_live_bytes"] >= 1000, "peak covers the block", t)
# Beside its frames (charged by their size, frame_bytes), each task holds
# its own block and what co_spawn allocates for it through Asio's recycling
# allocator (the entry point's frame, about 0.9 KiB, unless a recycled block
# served it): never another task's block.
blocks = sorted(t["allocated_bytes"] - t["frame_bytes"] for t in workers)
expect(all(1000 <= b < 2000 + 2 * 1024 for b in blocks),
       "each task charged its own 1000 + i block and Asio's spawn state only",
       blocks[:5] + blocks[-5:])
threads = set()
for t in workers:
    threads.update(t["threads"])
expect(len(threads) >= 2, "work ran on several threads", threads)
