"""usage: signals_beast.py SERVER WORK_DIR"""
import os
import signal
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from memreport import Report, expect  # noqa: E402

server, work = sys.argv[1], sys.argv[2]
root = os.path.join(work, "www")
os.makedirs(root, exist_ok=True)
with open(os.path.join(root, "index.html"), "w") as f:
    f.write("<html>" + "x" * 5000 + "</html>\n")
with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
out = os.path.join(work, "beast.json")
env = {k: v for k, v in os.environ.items() if not k.startswith("MEMSCOPE_")}
env["MEMSCOPE_OUTPUT"] = out


def defaults():
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_DFL)


p = subprocess.Popen([server, "127.0.0.1", str(port), root, "2"], env=env,
                     stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                     preexec_fn=defaults)
clients = []
for _ in range(100):
    try:
        clients.append(socket.create_connection(("127.0.0.1", port), timeout=5))
        break
    except OSError:
        time.sleep(0.05)
expect(clients, "the server accepts connections", None)
for _ in range(3):
    clients.append(socket.create_connection(("127.0.0.1", port), timeout=5))
for c in clients:  # keep-alive: each session stays open after its answer
    c.sendall(b"GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n")
    got = b""
    while b"</html>" not in got:
        got += c.recv(65536)
p.send_signal(signal.SIGINT)
stdout, err = p.communicate(timeout=30)
expect(p.returncode == -signal.SIGINT, "killed by SIGINT, as without memscope",
       p.returncode)
expect(err == b"", "nothing on stderr", err)
r = Report(out)
sessions = [t for t in r.tasks if "do_session" in t["name"]
            and t["state"] != "completed"]
expect(len(sessions) == 4, "four open sessions in the report",
       [t["name"] for t in r.tasks])
for c in clients:
    c.close()
print("beast: ok")
