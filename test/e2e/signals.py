"""Drives test/e2e/signals.cpp: real signals on a real server with clients
connected; checks exit statuses, reports and stderr.

usage: signals.py SERVER WORK_DIR"""
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from memreport import Report, expect  # noqa: E402

server, work = sys.argv[1], sys.argv[2]
with_fork = "--no-fork" not in sys.argv[3:]
BASE = {k: v for k, v in os.environ.items() if not k.startswith("MEMSCOPE_")}


def default_signals():
    # The test runner may have been started with SIGINT ignored (a
    # background job): give the server the defaults a terminal gives.
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_DFL)


def start(env, *args):
    p = subprocess.Popen([server, *args], env={**BASE, **env},
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True, preexec_fn=default_signals)
    line = p.stdout.readline()
    expect(line.startswith("port "), "the server says its port", line)
    return p, int(line.split()[1])


def connect(port, n):
    clients = []
    for _ in range(n):
        c = socket.create_connection(("127.0.0.1", port), timeout=5)
        c.sendall(b"ping")
        expect(c.recv(4) == b"ping", "echoed", None)
        clients.append(c)
    return clients


def stop(p, sig):
    p.send_signal(sig)
    out, err = p.communicate(timeout=20)
    return p.returncode, out, err


def wait_for(path):
    for _ in range(200):
        if os.path.exists(path):
            return
        time.sleep(0.05)


def sessions(path):
    return Report(path).named("session")


# 1. No handler of its own: each stop signal leaves a report of the three
#    connected sessions (64 KiB each, live) and the exit status is death by
#    that signal, as without memscope.
for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
    out = os.path.join(work, f"{sig.name}.json")
    trace = os.path.join(work, f"{sig.name}.trace.json")
    p, port = start({"MEMSCOPE_OUTPUT": out, "MEMSCOPE_TRACE": trace})
    clients = connect(port, 3)
    code, stdout, err = stop(p, sig)
    expect(code == -sig, f"{sig.name}: killed by {sig.name}", code)
    expect(err == "", f"{sig.name}: nothing on stderr", err)
    live = [t for t in sessions(out) if t["state"] != "completed"]
    expect(len(live) == 3, f"{sig.name}: three live sessions in the report",
           len(live))
    expect(all(t["live_bytes"] >= 64 * 1024 for t in live),
           f"{sig.name}: each holds its 64 KiB",
           [t["live_bytes"] for t in live])
    with open(trace) as f:
        expect(json.load(f)["otherData"]["format"] == "memscope-trace",
               f"{sig.name}: the trace was written too", None)
    for c in clients:
        c.close()

# A signal the program inherited as ignored (nohup, a shell's trap '' INT)
# stays ignored.
out = os.path.join(work, "ignored.json")
p = subprocess.Popen([server], env={**BASE, "MEMSCOPE_OUTPUT": out},
                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                     preexec_fn=lambda: signal.signal(signal.SIGINT,
                                                      signal.SIG_IGN))
p.stdout.readline()
p.send_signal(signal.SIGINT)
time.sleep(0.3)
expect(p.poll() is None and not os.path.exists(out),
       "inherited SIG_IGN: SIGINT still ignored", p.poll())
code, stdout, err = stop(p, signal.SIGTERM)
expect(code == -signal.SIGTERM and os.path.exists(out),
       "SIGTERM after it: report and death", code)

# 2. Its own handlers (asio::signal_set): memscope does not interfere; the
#    program stops cleanly and the report is the normal exit report.
out = os.path.join(work, "own.json")
p, port = start({"MEMSCOPE_OUTPUT": out}, "own")
clients = connect(port, 2)
code, stdout, err = stop(p, signal.SIGINT)
expect(code == 3, "own handler: the program's own exit status", code)
expect("own handler: signal 2" in stdout and "stopped cleanly" in stdout,
       "own handler ran", stdout)
expect(err == "", "own handler: nothing on stderr", err)
expect(len(sessions(out)) == 2, "own handler: exit report with two sessions",
       len(sessions(out)))
for c in clients:
    c.close()

# 3. MEMSCOPE_REPORT_SIGNAL=SIGUSR2 (any case): a report now, the server runs
#    on and answers; a second request replaces it with newer figures.
out = os.path.join(work, "usr2.json")
p, port = start({"MEMSCOPE_OUTPUT": out, "MEMSCOPE_REPORT_SIGNAL": "sigusr2"})
clients = connect(port, 1)
p.send_signal(signal.SIGUSR2)
wait_for(out)
time.sleep(0.2)
expect(len(sessions(out)) == 1, "SIGUSR2: report with one session",
       len(sessions(out)))
clients += connect(port, 2)  # still serving
os.unlink(out)
p.send_signal(signal.SIGUSR2)
wait_for(out)
time.sleep(0.2)
expect(len(sessions(out)) == 3, "second SIGUSR2: three sessions",
       len(sessions(out)))
code, stdout, err = stop(p, signal.SIGTERM)
expect(code == -signal.SIGTERM, "then SIGTERM still kills", code)
expect(err == "", "SIGUSR2: nothing on stderr", err)
for c in clients:
    c.close()

# 4. GET /report on the metrics server.
with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    mport = s.getsockname()[1]
out = os.path.join(work, "http.json")
p, port = start({"MEMSCOPE_OUTPUT": out, "MEMSCOPE_METRICS": f"127.0.0.1:{mport}"})
clients = connect(port, 2)
with urllib.request.urlopen(f"http://127.0.0.1:{mport}/report", timeout=5) as r:
    body = r.read().decode()
expect(r.status == 200 and out in body, "GET /report says where", body)
expect(len(sessions(out)) == 2, "GET /report: two sessions", len(sessions(out)))
code, stdout, err = stop(p, signal.SIGINT)
expect(code == -signal.SIGINT, "GET /report then SIGINT kills", code)
for c in clients:
    c.close()

# 5. A pre-forking server: the worker child has its own signal thread, so
#    SIGTERM leaves its report beside the parent's (<path>.<pid>) and kills
#    it; the parent, which waited, exits normally with its own report.
if with_fork:
    out = os.path.join(work, "fork.json")
    p = subprocess.Popen([server, "fork"], env={**BASE, "MEMSCOPE_OUTPUT": out},
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         preexec_fn=default_signals)
    first = [p.stdout.readline().split(), p.stdout.readline().split()]
    child = int([l for l in first if l[0] == "child"][0][1])
    port = int([l for l in first if l[0] == "port"][0][1])
    clients = connect(port, 2)
    os.kill(child, signal.SIGTERM)
    stdout, err = p.communicate(timeout=20)
    expect("child killed by 15" in stdout, "the worker died by SIGTERM", stdout)
    expect(p.returncode == 0, "the parent exited normally", p.returncode)
    expect(len(sessions(f"{out}.{child}")) == 2,
           "the worker's report has its two sessions", None)
    expect(os.path.exists(out), "the parent's own report", None)
    for c in clients:
        c.close()

# 6. Bad MEMSCOPE_REPORT_SIGNAL values: one line, the program runs as usual
#    (SIGUSR2 then keeps its default action: death).
for value in ("SIGKILL", "SIGSEGV", "9", "\x1b[31mred", "x" * 5000):
    p, port = start({"MEMSCOPE_OUTPUT": os.path.join(work, "bad.json"),
                     "MEMSCOPE_REPORT_SIGNAL": value})
    code, stdout, err = stop(p, signal.SIGTERM)
    lines = err.splitlines()
    expect(len(lines) == 1 and lines[0].startswith(
        "memscope: ignoring MEMSCOPE_REPORT_SIGNAL=") and "\x1b" not in err
        and len(lines[0]) < 400, f"bad signal {value[:10]!r}: one short line",
        err[:300])
    expect(code == -signal.SIGTERM, "still killed by SIGTERM", code)
p, port = start({"MEMSCOPE_REPORT_SIGNAL": "SIGUSR2"})
code, stdout, err = stop(p, signal.SIGTERM)
expect("MEMSCOPE_OUTPUT is not set" in err, "report signal without output",
       err)

print("signals: ok")
