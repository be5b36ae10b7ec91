import sys
from memreport import load, expect, MiB

r = load()
cpu, io, net = r.one("cpu_work"), r.one("io_work"), r.one("network_work")
expect(cpu["type"] == "CpuIntensive", "cpu_work typed CpuIntensive", cpu["type"])
expect(io["type"] == "IoIntensive", "io_work typed IoIntensive", io["type"])
expect(net["type"] == "NetworkIntensive", "network_work typed NetworkIntensive",
       net["type"])
expect(8_000_000 <= cpu["peak_live_bytes"] < 8_000_000 + 64 * 1024,
       "the CPU task's 8 MB vector is its peak", cpu["peak_live_bytes"])
# The monitor's figure is the report's largest per-task peak.
out = open(sys.argv[2]).read()
line = [l for l in out.splitlines() if "Peak memory per task" in l][0]
mb = float(line.split(":")[1].split()[0])
expect(abs(mb - cpu["peak_live_bytes"] / MiB) < 0.01,
       "the analysis' peak matches the report", (mb, cpu["peak_live_bytes"]))
for t in (io, net):
    expect(t["peak_live_bytes"] < 256 * 1024, f"{t['name']} stays small",
           t["peak_live_bytes"])
    expect(t["alloc_count"] >= 100, f"{t['name']} made its 100+ allocations",
           t["alloc_count"])
