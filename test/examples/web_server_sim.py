from memreport import load, expect

r = load()
handlers = r.named("handler(")
expect(len(handlers) == 10, "10 handler tasks", len(handlers))
for h in handlers:
    expect(h["type"] == "NetworkIntensive", "handlers typed NetworkIntensive",
           h["type"])
    expect(h["state"] == "completed", "handler completed", h["state"])
    # 100 requests, each building a 10-row response (several allocations).
    expect(h["alloc_count"] >= 100 * 10, "a handler's own allocations",
           h["alloc_count"])
    expect(h["resume_count"] >= 200, "resumed per wait", h["resume_count"])
c = r.one("collector")
expect(c["type"] == "IoIntensive", "collector typed IoIntensive", c["type"])
# Its vector of 1000 strings (32 bytes each); the strings' characters were
# allocated by the handlers and stay charged to them.
expect(1000 * 32 <= c["peak_live_bytes"] < 200 * 1024,
       "collector's peak is its vector of responses", c["peak_live_bytes"])
expect(r.summary["peak_concurrent_tasks"] >= 12, "12 tasks at once",
       r.summary["peak_concurrent_tasks"])
