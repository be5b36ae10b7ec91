"""Bad exporter settings: one "memscope:" line on stderr each, and the
program runs on unharmed (same output, exit status 0).

usage: check_bad_config.py SERVICE_BINARY"""
import os
import socket
import subprocess
import sys

service = sys.argv[1]
base = {k: v for k, v in os.environ.items() if not k.startswith("MEMSCOPE_")}


def run(extra, want):
    env = dict(base, **extra)
    p = subprocess.run([service, "100", "1"], env=env, capture_output=True,
                       text=True, timeout=60)
    lines = p.stderr.splitlines()
    ok = (p.returncode == 0 and "cache keeps" in p.stdout and len(lines) == 1
          and lines[0].startswith("memscope: ") and want in lines[0])
    print(f"{extra}: exit {p.returncode}, stderr {lines}")
    if not ok:
        sys.exit(f"expected one 'memscope: ...{want}...' line and a normal run")


with socket.socket() as taken:
    taken.bind(("127.0.0.1", 0))
    taken.listen(1)
    port = taken.getsockname()[1]
    run({"MEMSCOPE_METRICS": f"127.0.0.1:{port}"},
        f"cannot serve metrics on '127.0.0.1:{port}': Address already in use")
run({"MEMSCOPE_METRICS": "nonsense"}, "MEMSCOPE_METRICS='nonsense' is not HOST:PORT")
run({"MEMSCOPE_METRICS": "10.0.0.1.2:80"}, "is not HOST:PORT")
run({"MEMSCOPE_TRACE": "/nonexistent-dir/trace.json"},
    "cannot write trace to '/nonexistent-dir/trace.json': No such file or directory")
run({"MEMSCOPE_SAMPLE_MS": "-3"},
    "ignoring MEMSCOPE_SAMPLE_MS='-3'")
# A report or trace path that is not a regular file (a FIFO here; /dev/null
# in real life) is written into, not renamed over.
import stat
import tempfile
import threading
with tempfile.TemporaryDirectory() as d:
    fifo = os.path.join(d, "pipe")
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(open(fifo, "rb").read()))
    reader.start()
    p = subprocess.run([service, "50", "1"], env=dict(base, MEMSCOPE_OUTPUT=fifo),
                       capture_output=True, text=True, timeout=60)
    reader.join(timeout=30)
    if p.returncode != 0 or p.stderr or not stat.S_ISFIFO(os.stat(fifo).st_mode):
        sys.exit(f"report into a FIFO: exit {p.returncode}, stderr {p.stderr!r}")
    if not got or not got[0].startswith(b'{"format":"memscope"'):
        sys.exit(f"the FIFO's reader got no report: {got[:1]!r}")
    print(f"report written into a FIFO ({len(got[0])} bytes), FIFO kept")
print("bad configuration ok")
