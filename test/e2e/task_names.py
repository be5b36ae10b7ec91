import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from memreport import Report, expect  # noqa: E402

r = Report(sys.argv[1])
trace = json.load(open(sys.argv[2]))

sessions = sorted(r.named("session"), key=lambda t: t["id"])
expect([t.get("label") for t in sessions] ==
       [f"session {i}" for i in range(4)], "each session has its name",
       [t.get("label") for t in sessions])
expect(all(t["name"] == "session(int)" for t in sessions),
       "the name field stays the root function", [t["name"] for t in sessions])
worker = r.one("worker()")
expect(worker.get("label") == "worker for \x1b[31mclient\x1b[0m 7",
       "set_task_name inside the task", worker.get("label"))
run = r.one("run()")
expect("label" not in run, "an unnamed task has no label", run)

tracks = {e["tid"]: e["args"]["name"] for e in trace["traceEvents"]
          if e["ph"] == "M" and e["name"] == "thread_name"}
expect(tracks.get(sessions[3]["id"], "").endswith('"session 3" [NetworkIntensive]')
       or '"session 3"' in tracks.get(sessions[3]["id"], ""),
       "the trace track carries the name", tracks.get(sessions[3]["id"]))
lives = {e["tid"]: e["name"] for e in trace["traceEvents"]
         if e["ph"] == "X" and e.get("cat") == "lifetime"}
expect(lives.get(sessions[2]["id"]) == "task session 2",
       "the lifetime span is named after the task", lives.get(sessions[2]["id"]))
print("task names: ok")
