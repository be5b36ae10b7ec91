import os
import sys

# lit's `not` builtin may drop PYTHONPATH for later commands: find the helper
# module next to this directory ourselves.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from memreport import Report, expect

directory, out = sys.argv[1], sys.argv[2]
pids = {}
for line in open(out):
    if line.startswith("pid "):
        _, which, pid = line.split()
        pids[int(which)] = int(pid)
expect(set(pids) == {1, 2}, "both children ran", pids)

files = sorted(os.listdir(directory))
want = sorted(["r.json", f"r.json.{pids[1]}"])
expect(files == want, "the parent's report and child 1's, nothing else", files)

def kept(report):
    return sorted(t["allocated_bytes"] for t in report.named("keep")
                  if t["allocated_bytes"] >= 1000)

parent = Report(os.path.join(directory, "r.json"))
child = Report(os.path.join(directory, f"r.json.{pids[1]}"))
p, c = kept(parent), kept(child)
expect(len(p) == 2 and p[0] >= 1111 and p[0] < 2222 and p[1] >= 2222 and p[1] < 7000,
       "the parent's report has the parent's two tasks only", parent.describe())
expect(len(c) == 2 and c[0] >= 1111 and c[0] < 2222 and c[1] >= 7000 and c[1] < 9000,
       "the child's report has the inherited task and its own", child.describe())
