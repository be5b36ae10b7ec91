"""The /metrics endpoint under hostile clients: garbage bytes, other methods,
an oversized request head, a client that connects and says nothing, a burst
of connections closed at once. The endpoint answers or hangs up, keeps
serving real scrapes, binds loopback when given only a port, and the
program's own output and exit status are unchanged.

usage: check_metrics_hostile.py SERVICE_BINARY"""
import os
import socket
import subprocess
import sys
import time

service = sys.argv[1]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fail(msg):
    print(msg, file=sys.stderr)
    sys.exit(1)


def exchange(port, payload, timeout=6.0):
    """Send payload, return whatever comes back before the server hangs up."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        try:
            s.sendall(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass
        chunks = []
        try:
            while True:
                data = s.recv(65536)
                if not data:
                    break
                chunks.append(data)
        except (ConnectionResetError, socket.timeout):
            pass
        return b"".join(chunks)


def scrape(port):
    reply = exchange(port, b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
    if not reply.startswith(b"HTTP/1.1 200") or b"memscope_" not in reply:
        fail(f"a real scrape was not served: {reply[:200]!r}")
    return reply


port = free_port()
env = {k: v for k, v in os.environ.items() if not k.startswith("MEMSCOPE_")}
env["MEMSCOPE_METRICS"] = str(port)  # a port alone: loopback
plain = subprocess.run([service, "300", "2"], env={k: v for k, v in env.items()
                       if k != "MEMSCOPE_METRICS"}, capture_output=True,
                       text=True, timeout=60)
# Runs until its stdin closes (at most 60 s): as long as the clients need.
proc = subprocess.Popen([service, "60000", "2", "--until-eof"], env=env,
                        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                        stderr=subprocess.PIPE, text=True)
deadline = time.monotonic() + 10
while True:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        break
    except OSError:
        if time.monotonic() > deadline:
            fail("the metrics endpoint never listened on 127.0.0.1")
        time.sleep(0.05)

# Bound to loopback only: the machine's other addresses refuse.
# (This machine's own global address, from `ip`; connecting to it stays on
# this machine.)
host_ip = None
try:
    addrs = subprocess.run(["ip", "-4", "-o", "addr", "show", "scope", "global"],
                           capture_output=True, text=True, timeout=10).stdout
    for line in addrs.splitlines():
        host_ip = line.split()[3].split("/")[0]
        break
except (OSError, IndexError, subprocess.TimeoutExpired):
    pass
if host_ip and not host_ip.startswith("127."):
    try:
        socket.create_connection((host_ip, port), timeout=1).close()
        fail(f"metrics endpoint reachable on {host_ip}: it must bind loopback")
    except OSError:
        print(f"not reachable on {host_ip}: loopback only")

silent = socket.create_connection(("127.0.0.1", port))  # says nothing
t0 = time.monotonic()
scrape(port)  # served once the silent client's 2 s allowance runs out
print(f"scrape beside a silent client: {time.monotonic() - t0:.2f} s")
silent.close()

answers = {
    "garbage": exchange(port, bytes(range(256)) * 8),
    "delete": exchange(port, b"DELETE /metrics HTTP/1.1\r\n\r\n"),
    "not found": exchange(port, b"GET /../../etc/passwd HTTP/1.1\r\n\r\n"),
    "oversized": exchange(port, b"GET /metrics?" + b"A" * (1 << 20)),
    "no request line": exchange(port, b"\r\n\r\n"),
}
for name, reply in answers.items():
    print(f"{name}: {reply[:40]!r}")
    if reply and not reply.startswith(b"HTTP/1.1 "):
        fail(f"{name}: not an HTTP answer: {reply[:80]!r}")
if not answers["delete"].startswith(b"HTTP/1.1 405"):
    fail(f"DELETE: expected 405, got {answers['delete'][:40]!r}")
if not answers["not found"].startswith(b"HTTP/1.1 404"):
    fail(f"unknown path: expected 404, got {answers['not found'][:40]!r}")
if b"root:" in answers["not found"]:
    fail("served a file")

if proc.poll() is not None:
    fail(f"the program died: exit {proc.returncode}, {proc.stderr.read()!r}")
# 200 clients that connect and hang up at once, 20 at a time (more than
# the listen backlog may be refused by the kernel: that is not harm).
refused = 0
for _ in range(10):
    burst = []
    for _ in range(20):
        try:
            burst.append(socket.create_connection(("127.0.0.1", port), timeout=2))
        except OSError:
            refused += 1
    for c in burst:
        c.close()
print(f"burst of 200 connect+close: {refused} refused by the kernel")
scrape(port)

out, err = proc.communicate(input="", timeout=60)
if proc.returncode != 0:
    fail(f"the program exited {proc.returncode}: {err}")
if err.strip():
    fail(f"unexpected stderr: {err!r}")
# The service prints its own summary; the lines that do not depend on
# timing (all but the heartbeat figures) read the same as without metrics.
steady = lambda text: [l for l in text.splitlines() if not l.startswith("heartbeats")]
if steady(out) != steady(plain.stdout) or not steady(out):
    fail(f"output differs: {out[:200]!r} vs {plain.stdout[:200]!r}")
print("hostile clients: endpoint and program unharmed")
