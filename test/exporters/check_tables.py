"""memscope-report --json agrees with the report it was made from.

usage: check_tables.py REPORT.json TABLES.json (made with --top 3 --sort retained)"""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from memreport import Report, expect  # noqa: E402

r = Report(sys.argv[1])
with open(sys.argv[2], encoding="utf-8") as f:
    t = json.load(f)

expect(t["sort"] == "retained" and t["top"] == 3, "options echoed", (t["sort"], t["top"]))
s = t["summary"]
expect(s["tasks"] == len(r.tasks) + r.summary["folded_tasks"], "task count", s["tasks"])
expect(s["allocated_bytes"] == r.summary["total_allocated_bytes"], "allocated bytes")
expect(s["retained_bytes"] == sum(x["retained_bytes"] for x in r.tasks
                                  if x["state"] == "completed"),
       "retained bytes summed over completed tasks", s["retained_bytes"])

expect(len(t["tasks"]) == 3, "--top 3 tasks", len(t["tasks"]))
want = sorted((x["retained_bytes"] for x in r.tasks), reverse=True)[:3]
expect([x["retained_bytes"] for x in t["tasks"]] == want, "sorted by retained", want)
want = sorted((x["peak_live_bytes"] for x in r.tasks), reverse=True)[:3]
expect([x["peak_live_bytes"] for x in t["tasks_by_peak"]] == want, "by peak", want)

sessions = [x for x in r.tasks if "session(" in x["name"]]
fn = [g for g in t["by_function"] if g["key"].startswith("session(")]
expect(len(fn) == 1, "one session row per root function", t["by_function"])
expect(fn[0]["tasks"] == len(sessions), "session count", fn[0]["tasks"])
expect(fn[0]["allocated_bytes"] == sum(x["allocated_bytes"] for x in sessions),
       "session bytes", fn[0]["allocated_bytes"])

# Sites merged per file:line; the line that allocates what the cache keeps
# holds memory at exit and is named for the tasks that outlived it.
expect(all(":" in x["site"] or x["site"] == "<unknown>" for x in t["sites"]),
       "sites as file:line", t["sites"])
# (<unknown>: allocations outside instrumented code, such as what the C and
# C++ runtimes took before main, may come first.)
live = [x for x in t["live_sites"] if x["site"] != "<unknown>"]
expect(live and live[0]["site"].startswith("service.cpp:") and live[0]["live_bytes"] >= 64 * 1024,
       "the cache's 64 KiB still live at its site", live)
outlived = t["outlived"]
expect(len(outlived) == 3 and all(o["retained_bytes"] > 0 for o in outlived),
       "three tasks that left memory behind", outlived)
session_outlived = [o for o in t["outlived"] if o["name"].startswith("session(")]
if session_outlived:
    expect(any(x["site"] == live[0]["site"] for x in session_outlived[0]["sites"]),
           "a session's outlived memory points at the cache's site", session_outlived[0])
print("tables ok")
