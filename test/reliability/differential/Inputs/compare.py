"""Runs a program built without and with memscope and compares what the
user can observe: stdout, stderr and the exit status (signals included).
The instrumented run also writes a report, which must be whole.

usage: compare.py PLAIN INSTRUMENTED REPORT [ARGS...]"""
import json
import os
import subprocess
import sys

plain, instrumented, report, *args = sys.argv[1:]
env = {k: v for k, v in os.environ.items() if not k.startswith("MEMSCOPE_")}


def run(binary, extra):
    p = subprocess.run([binary, *args], env={**env, **extra}, capture_output=True,
                       timeout=120)
    return p.returncode, p.stdout, p.stderr


a = run(plain, {})
if os.path.exists(report):
    os.unlink(report)
b = run(instrumented, {"MEMSCOPE_OUTPUT": report})
failed = False
for what, x, y in (("exit status", a[0], b[0]), ("stdout", a[1], b[1]),
                   ("stderr", a[2], b[2])):
    if x != y:
        failed = True
        print(f"DIFFERENT {what}:\n--- without memscope\n{x!r}\n--- with memscope\n{y!r}")
if not failed and a[0] < 0:
    # Killed by a signal (std::terminate: SIGABRT): exit-time code does not
    # run, so there is no report, and no partial one either.
    leftovers = [f for f in os.listdir(os.path.dirname(report) or ".")
                 if f.startswith(os.path.basename(report))]
    if leftovers:
        failed = True
        print(f"a killed program left report files behind: {leftovers}")
elif not failed:
    with open(report) as f:
        doc = json.load(f)
    if doc.get("format") != "memscope" or not doc.get("tasks"):
        failed = True
        print(f"report {report} is not a whole memscope report with tasks")
if failed:
    sys.exit(1)
print(f"same: exit {a[0]}, {len(a[1])} bytes stdout, {len(a[2])} bytes stderr")
