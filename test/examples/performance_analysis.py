import sys
from memreport import load, expect, MiB

r = load()
cpu, io, net = (r.named("checksum_table"), r.named("write_and_verify"),
                r.named("udp_ping"))
expect(len(cpu) == 4 and len(io) == 4 and len(net) == 8, "4 + 4 + 8 tasks",
       (len(cpu), len(io), len(net)))
for group, typ in ((cpu, "CpuIntensive"), (io, "IoIntensive"),
                   (net, "NetworkIntensive")):
    for t in group:
        expect(t["type"] == typ, f"{t['name']} inferred {typ}", t["type"])
for t in cpu:
    expect(2 * MiB <= t["peak_live_bytes"] < 2 * MiB + 16 * 1024,
           "each CPU task peaks at its 2 MiB table", t["peak_live_bytes"])
for t in io:
    # the 64 KiB block, its copy, the streams' buffers
    expect(128 * 1024 <= t["peak_live_bytes"] < 256 * 1024,
           "each I/O task peaks at two 64 KiB blocks", t["peak_live_bytes"])

# The printed per-type figures agree with the report's.
out = open(sys.argv[2]).read()
for line in out.splitlines():
    if line.startswith("CpuIntensive"):
        avg = float(line.split("avg memory")[1].split()[0])
        mean = sum(t["peak_live_bytes"] for t in cpu) / len(cpu) / MiB
        expect(abs(avg - mean) < 0.001, "avg memory = mean peak", (avg, mean))
    if line.startswith("NetworkIntensive"):
        wait = float(line.split("avg wait")[1].split()[0])
        expect(wait > 0, "network tasks waited for their datagrams", wait)
per_task = [l for l in out.splitlines() if l.strip().startswith("task ")]
expect(len(per_task) == 12, "per-task metrics of the 12 I/O and network tasks",
       len(per_task))
