from memreport import load, expect, KiB

r = load()
expect(r.summary["allocator"]["mode"] == "full",
       "memscope's operator new and malloc in effect", r.summary["allocator"])
c = r.one("c_family")
freer = r.one("freer")
# What c_family asked for, function by function (realloc: the new size is an
# allocation, the old one a free; pvalloc rounds up to whole pages).
asked = {
    "malloc": 100000, "calloc": 110000, "realloc grow": 1000 + 120000,
    "realloc shrink": 130000 + 1300, "reallocarray": 140000,
    "posix_memalign": 150000, "aligned_alloc": 160000, "memalign": 170000,
    "valloc": 180000, "pvalloc": 192512, "strdup": 200001,
    "realloc(NULL)": 210000, "std::string": 200001,
}
total = sum(asked.values())
# The coroutine frame and Asio's per-thread recycling blocks come on top.
expect(total <= c["allocated_bytes"] <= total + 8 * KiB,
       f"c_family charged what it asked for ({total} B, + its frame)",
       c["allocated_bytes"])
# realloc credits the old blocks (1000 + 130000) inside c_family, the string
# frees its buffer, and freer frees malloc, calloc, realloc grow, valloc and
# strdup blocks: all credited to c_family, whichever task freed them.
freed_by_freer = 100000 + 110000 + 120000 + 180000 + 200001
freed_inside = 1000 + 130000 + 200001
expect(c["freed_bytes"] >= freed_by_freer + freed_inside,
       "frees from freer credited back to c_family", c["freed_bytes"])
still_live = 1300 + 140000 + 150000 + 160000 + 170000 + 192512 + 210000
expect(still_live <= c["live_bytes"] <= still_live + 8 * KiB,
       "c_family's blocks that nobody freed are live", c["live_bytes"])
expect(freer["allocated_bytes"] < 4 * KiB, "freer is not charged c_family's blocks",
       freer["allocated_bytes"])
expect(freer["freed_bytes"] < 4 * KiB, "freer is not credited c_family's frees",
       freer["freed_bytes"])
