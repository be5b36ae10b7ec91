"""Runs each program N times with a report; every run must keep its exit
status (the first run's), print no memscope line, and leave a whole report."""
import json
import os
import subprocess
import sys
import tempfile

n = int(sys.argv[1])
for prog in sys.argv[2:]:
    expected = None
    for i in range(n):
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "r.json")
            env = {k: v for k, v in os.environ.items() if not k.startswith("MEMSCOPE_")}
            env["MEMSCOPE_OUTPUT"] = out
            p = subprocess.run([prog], env=env, capture_output=True, timeout=60)
            if expected is None:
                expected = p.returncode
            assert p.returncode == expected, (prog, i, p.returncode, p.stderr[-2000:])
            assert b"memscope:" not in p.stderr, (prog, i, p.stderr[-2000:])
            json.load(open(out))
            assert not [f for f in os.listdir(d) if ".tmp." in f], (prog, i)
    print(f"{os.path.basename(prog)}: {n} runs, exit {expected} every time")
