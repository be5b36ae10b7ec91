#!/usr/bin/env python3
"""Writes a large synthetic memscope report (format version 1), shaped like a
long-running server's: many completed sessions, a share of them leaving
memory behind, hundreds of sites, a full timeline.

usage: gen_report.py OUT.json [--tasks N] [--sites N] [--seed S]

The default, 250,000 tasks, gives a file of about 200 MB (the size at which
issue 14 measured memscope-report)."""
import argparse
import json
import random

TYPES = ["CpuIntensive", "IoIntensive", "NetworkIntensive", "MemoryIntensive",
         "GpuCompute", "Mixed", "Streaming", "Background", "Unknown"]
ROOTS = [("session(boost::asio::basic_stream_socket<boost::asio::ip::tcp, "
          "boost::asio::any_io_executor>, std::shared_ptr<cache::Store>)",
          "NetworkIntensive"),
         ("handle_request(http::request<http::string_body>, "
          "std::shared_ptr<app::Router>)", "NetworkIntensive"),
         ("flush_segment(std::filesystem::path, std::vector<std::byte>)",
          "IoIntensive"),
         ("compact_index(app::IndexShard &, std::size_t)", "CpuIntensive"),
         ("heartbeat(boost::asio::steady_timer &)", "Background"),
         ("replicate(app::Peer &, std::span<const app::Record>)", "Mixed"),
         ("stream_updates(app::Subscription)", "Streaming")]
DIR = "/home/builder/src/github.com/example/kvstore/server/src/"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--tasks", type=int, default=250000)
    ap.add_argument("--sites", type=int, default=600)
    ap.add_argument("--seed", type=int, default=14)
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    files = [f"{DIR}{name}.cpp" for name in
             ("session", "router", "segment", "index", "timer", "replica",
              "stream", "cache", "codec", "buffer")]
    sites = []
    for i in range(a.sites):
        root = ROOTS[i % len(ROOTS)][0]
        sites.append({"index": i, "kind": "alloc", "file": files[i % len(files)],
                      "line": 20 + i, "column": 5 + i % 30,
                      "function": root if i % 3 else f"helper_{i}(std::string_view)",
                      "allocated_bytes": 0, "freed_bytes": 0, "live_bytes": 0,
                      "alloc_count": 0, "free_count": 0})
    tot = {"alloc": 0, "freed": 0, "allocs": 0, "frees": 0, "retained": 0}
    with open(a.out, "w", encoding="utf-8") as f:
        f.write('{"format":"memscope","version":1,"summary":')
        # Tasks first into a list of lines (the summary needs their sums).
        lines = []
        active = 0
        for i in range(a.tasks):
            root, ttype = ROOTS[rnd.randrange(len(ROOTS))]
            site = sites[rnd.randrange(a.sites)]
            allocated = rnd.randrange(256, 64 * 1024)
            leaks = rnd.random() < 0.9  # most tasks leave a little behind
            completed = rnd.random() < 0.98
            live = rnd.randrange(16, allocated // 4) if leaks else 0
            if not completed:
                active += 1
            allocs = rnd.randrange(2, 200)
            frees = allocs - (1 if live else 0)
            site["allocated_bytes"] += allocated
            site["live_bytes"] += live
            site["freed_bytes"] += allocated - live
            site["alloc_count"] += allocs
            site["free_count"] += frees
            tot["alloc"] += allocated
            tot["freed"] += allocated - live
            tot["allocs"] += allocs
            tot["frees"] += frees
            retained = live if completed else 0
            tot["retained"] += retained
            created = i * 1000 + rnd.randrange(1000)
            task = {"id": i + 1, "name": root,
                    "spawn_site": {"file": files[0], "line": 41, "column": 3,
                                   "function": "listener(boost::asio::ip::tcp::acceptor)"},
                    "root_site": {"file": site["file"], "line": 12, "column": 1,
                                  "function": root},
                    "type": ttype, "parent_id": 1 if i else 0,
                    "state": "completed" if completed else "suspended",
                    "allocated_bytes": allocated, "freed_bytes": allocated - live,
                    "live_bytes": live, "peak_live_bytes": allocated // 2 + live,
                    "alloc_count": allocs, "free_count": frees,
                    "frame_bytes": 512, "frames": 3,
                    "live_frames": 0 if completed else 1, "created_ns": created,
                    "completed_ns": created + rnd.randrange(10**6) if completed else None,
                    "resume_count": rnd.randrange(1, 50),
                    "busy_ns": rnd.randrange(1000, 10**6), "threads": [0, 1],
                    "memory_efficiency": round((allocated - live) / allocated, 6),
                    "retained_bytes": retained}
            lines.append(json.dumps(task, separators=(",", ":")))
        summary = {"uptime_ns": a.tasks * 1000, "threads": 2,
                   "task_count": a.tasks, "active_tasks": active,
                   "completed_tasks": a.tasks - active,
                   "peak_concurrent_tasks": 512,
                   "total_memory_bytes": tot["alloc"] - tot["freed"],
                   "total_allocated_bytes": tot["alloc"],
                   "total_freed_bytes": tot["freed"],
                   "total_allocations": tot["allocs"], "total_frees": tot["frees"],
                   "memory_efficiency_percent": 100.0 * tot["freed"] / tot["alloc"],
                   "retained_bytes": tot["retained"], "max_tasks": a.tasks,
                   "folded_tasks": 0, "task_records": a.tasks,
                   "busy_time_measured": True,
                   "no_task": {"allocated_bytes": 4096, "freed_bytes": 0,
                               "live_bytes": 4096, "peak_live_bytes": 4096,
                               "alloc_count": 1, "free_count": 0}}
        f.write(json.dumps(summary, separators=(",", ":")))
        f.write(',"by_type":{},"tasks":[\n')
        f.write(",\n".join(lines))
        f.write('\n],"folded":[],"sites":[\n')
        f.write(",\n".join(json.dumps(s, separators=(",", ":")) for s in sites))
        samples = []
        for k in range(2048):
            samples.append({"t_ns": k * a.tasks * 1000 // 2048,
                            "active_tasks": rnd.randrange(512),
                            "no_task_live_bytes": 4096,
                            "live_bytes_by_type": [rnd.randrange(10**7) for _ in TYPES],
                            "top_tasks": [[rnd.randrange(1, a.tasks), rnd.randrange(10**6)]
                                          for _ in range(8)]})
        f.write('\n],"timeline":')
        f.write(json.dumps({"period_ms": 10, "types": TYPES, "samples": samples},
                           separators=(",", ":")))
        f.write("}\n")


if __name__ == "__main__":
    main()
