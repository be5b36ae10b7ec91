"""Runs one of Asio's or Beast's example servers, built with memscope, under a
bounded loopback client; stops it with SIGTERM (the report is written on the
way out, docs/design.md §6) and checks who was charged for what.

usage: drive.py {http|websocket|chat|echo} SERVER REPORT.json"""
import base64
import os
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from memreport import Report, expect, KiB  # noqa: E402

kind, server, report_path = sys.argv[1:4]
DEADLINE = time.monotonic() + 60


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def connect(port):
    while True:
        try:
            return socket.create_connection(("127.0.0.1", port), timeout=10)
        except OSError:
            if time.monotonic() > DEADLINE:
                raise
            time.sleep(0.05)


def recv_exactly(s, n):
    data = b""
    while len(data) < n:
        chunk = s.recv(n - len(data))
        if not chunk:
            raise EOFError(f"connection closed after {len(data)} of {n} bytes")
        data += chunk
    return data


def http_request(s, request):
    """One request on a kept-alive connection; the reply up to its body's
    Content-Length."""
    s.sendall(request)
    data = b""
    while b"\r\n\r\n" not in data:
        data += s.recv(65536)
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    return head + b"\r\n\r\n" + body + recv_exactly(s, length - len(body))


def ws_handshake(s, port):
    key = base64.b64encode(os.urandom(16)).decode()
    s.sendall((f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
               f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
               "Sec-WebSocket-Version: 13\r\n\r\n").encode())
    head = b""
    while b"\r\n\r\n" not in head:
        head += s.recv(1)
    expect(head.startswith(b"HTTP/1.1 101"), "websocket upgrade accepted", head[:80])


def ws_send(s, payload):
    mask = os.urandom(4)
    n = len(payload)
    header = bytes([0x82])  # FIN, binary
    if n < 126:
        header += bytes([0x80 | n])
    elif n < 65536:
        header += bytes([0x80 | 126]) + struct.pack(">H", n)
    else:
        header += bytes([0x80 | 127]) + struct.pack(">Q", n)
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    s.sendall(header + mask + masked)


def ws_recv(s):
    """One message: frames up to the one with FIN (Beast fragments)."""
    message = b""
    while True:
        b0, b1 = recv_exactly(s, 2)
        n = b1 & 0x7F
        if n == 126:
            n = struct.unpack(">H", recv_exactly(s, 2))[0]
        elif n == 127:
            n = struct.unpack(">Q", recv_exactly(s, 8))[0]
        message += recv_exactly(s, n)
        if b0 & 0x80:
            return message


def stop(proc, own_handler=False):
    """SIGTERM. A server without a handler of its own still dies by it; one
    with a signal_set (Asio's examples) stops as it always does."""
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise AssertionError("the server did not stop on SIGTERM")
    want = 0 if own_handler else -signal.SIGTERM
    expect(proc.returncode == want, "the server stops on SIGTERM as without memscope",
           (proc.returncode, proc.stderr.read()[-500:]))


def stop_and_read(proc, own_handler=False):
    """Stops the server (stop()) and reads the report it left."""
    stop(proc, own_handler)
    r = Report(report_path)
    print(r.describe())
    return r


def start(args):
    env = dict(os.environ, MEMSCOPE_OUTPUT=report_path)
    return subprocess.Popen([server] + args, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)


def sessions_and_listener(r, session_name, listener_name):
    sessions = r.named(session_name)
    listeners = r.named(listener_name)
    expect(len(listeners) == 1, f"one {listener_name} task",
           [t["name"] for t in r.tasks])
    return sessions, listeners[0]


port = free_port()
if kind == "http":
    # Keep-alive connections, still open at SIGTERM: Beast 1.81's example
    # crashes whenever a session ends (its completion handler rethrows a
    # null exception_ptr), with or without memscope. Request bodies are
    # test/e2e/beast_http_body.cpp's.
    root = tempfile.mkdtemp()
    page = os.urandom(300000)
    with open(os.path.join(root, "page.bin"), "wb") as f:
        f.write(page)
    proc = start(["127.0.0.1", str(port), root, "1"])
    conns = [connect(port) for _ in range(8)]
    for _ in range(2):
        for s in conns:
            reply = http_request(s, b"GET /page.bin HTTP/1.1\r\nHost: x\r\n\r\n")
            expect(reply.endswith(page), "GET returns the file unchanged", len(reply))
    r = stop_and_read(proc)
    sessions, listener = sessions_and_listener(r, "do_session", "do_listen")
    expect(len(sessions) == 8, "one task per connection", len(sessions))
    for s in sessions:
        expect(s["operations"]["socket"] >= 2, "a session reads and writes",
               s["operations"])
        expect(s["allocated_bytes"] >= 1024,
               "a session is charged its request, response and stream",
               s["allocated_bytes"])
    expect(listener["allocated_bytes"] < 16 * KiB,
           "the listener is not charged for its sessions", listener["allocated_bytes"])
    expect(r.summary["no_task"]["peak_live_bytes"] < 64 * KiB,
           "outside any task: under 64 KiB at peak", r.summary["no_task"])
elif kind == "websocket":
    proc = start(["127.0.0.1", str(port), "1"])
    conns = [connect(port) for _ in range(3)]
    for s in conns:
        ws_handshake(s, port)
    message = os.urandom(100 * 1024)
    for _ in range(3):
        for s in conns:
            ws_send(s, message)
        for s in conns:
            expect(ws_recv(s) == message, "the message echoed unchanged")
    for s in conns:
        s.close()
    time.sleep(0.3)
    r = stop_and_read(proc)
    sessions, listener = sessions_and_listener(r, "do_session", "do_listen")
    expect(len(sessions) == 3, "one task per websocket session", len(sessions))
    for s in sessions:
        expect(s["peak_live_bytes"] >= 100 * KiB,
               "a session holds its 100 KB frames and buffers", s["peak_live_bytes"])
    expect(listener["allocated_bytes"] < 16 * KiB,
           "the listener keeps only its own (the stream it builds as the spawn "
           "argument is the session's)", listener["allocated_bytes"])
elif kind == "chat":
    proc = start([str(port)])
    people = [connect(port) for _ in range(3)]
    time.sleep(0.3)
    people[0].sendall(b"hello from zero\n")
    for p in people:
        line = b""
        while not line.endswith(b"\n"):
            line += p.recv(1)
        expect(line == b"hello from zero\n", "every participant gets the line", line)
    for p in people:
        p.close()
    time.sleep(0.3)
    r = stop_and_read(proc, own_handler=True)
    readers = r.named("reader")
    writers = r.named("writer")
    listener = r.one("listener")
    expect(len(readers) == 3 and len(writers) == 3,
           "a reader and a writer task per participant",
           [t["name"] for t in r.tasks])
    expect(all(t["parent_id"] == listener["id"] for t in readers + writers),
           "spawned from the listener's task", [t["parent_id"] for t in readers])
    # The listener's own: its frame, its accept operations (Asio takes them
    # from its recycling allocator, a C allocation) and the chat_session
    # objects it makes, about 2.5 KiB per participant; a reader alone holds
    # 8 KiB.
    expect(listener["allocated_bytes"] < 12 * KiB,
           "the listener is not charged its sessions", listener["allocated_bytes"])
elif kind == "echo":
    proc = start([])
    port = 55555  # fixed in the example
    for i in range(4):
        with connect(port) as s:
            msg = os.urandom(20000)
            s.sendall(msg)
            got = recv_exactly(s, len(msg))
            expect(got == msg, "echoed unchanged")
    time.sleep(0.2)
    r = stop_and_read(proc, own_handler=True)
    sessions, listener = sessions_and_listener(r, "echo", "listener")
    expect(len(sessions) == 4, "one echo task per connection", len(sessions))
    for s in sessions:
        expect(s["operations"]["socket"] >= 2, "reads and writes observed",
               s["operations"])
else:
    raise SystemExit(f"unknown kind {kind}")
