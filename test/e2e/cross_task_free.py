from memreport import load, expect, KiB

r = load()
producer = r.one("producer")
consumer = r.one("consumer")
expect(producer["allocated_bytes"] >= 4 * 256 * KiB,
       "producer charged for 4 x 256 KiB", producer["allocated_bytes"])
expect(producer["freed_bytes"] >= 4 * 256 * KiB,
       "the consumer's frees credited to the producer", producer["freed_bytes"])
expect(producer["live_bytes"] == 0, "producer has nothing live",
       producer["live_bytes"])
expect(consumer["freed_bytes"] < 256 * KiB,
       "consumer not credited with the producer's blocks",
       consumer["freed_bytes"])
expect(consumer["allocated_bytes"] < 256 * KiB,
       "consumer not charged for the producer's blocks",
       consumer["allocated_bytes"])
# The 1 MiB freed by the consumer was allocated while the producer ran:
# its site (the producer coroutine or a line in it) has nothing live.
producer_sites = r.sites_in("producer")
expect(producer_sites, "a site in producer", [s["function"] for s in r.sites])
expect(sum(s["allocated_bytes"] for s in producer_sites) >= 4 * 256 * KiB,
       "producer sites charged", producer_sites)
expect(all(s["live_bytes"] == 0 for s in producer_sites),
       "producer sites credited back", producer_sites)
