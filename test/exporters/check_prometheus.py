"""/metrics against a real Prometheus server (Debian's `prometheus`), all on
loopback: the instrumented service serves MEMSCOPE_METRICS; this script
checks the exposition text itself, starts Prometheus scraping the service
every 200 ms, and queries it through its HTTP API. Meanwhile /metrics is
scraped in a tight loop and reports are written from a non-executor thread:
the service's executor heartbeats must stay on time (printed, and bounded).

usage: check_prometheus.py SERVICE_BINARY WORK_DIR"""
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

service, work = sys.argv[1], sys.argv[2]
prometheus = shutil.which("prometheus")
if not prometheus:
    sys.exit("prometheus not found: run scripts/install-deps.sh")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url, timeout=2.0):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.status, r.headers.get("Content-Type", ""), r.read().decode()


def fail(msg):
    print(msg, file=sys.stderr)
    raise SystemExit(1)


os.makedirs(work, exist_ok=True)
metrics_port, prom_port = free_port(), free_port()
metrics_url = f"http://127.0.0.1:{metrics_port}/metrics"
env = {k: v for k, v in os.environ.items() if not k.startswith("MEMSCOPE_")}
env["MEMSCOPE_METRICS"] = f"127.0.0.1:{metrics_port}"
env["MEMSCOPE_OUTPUT"] = os.path.join(work, "report.json")
# Runs until this script closes its stdin (at most 30 s).
svc = subprocess.Popen([service, "30000", "2", "--write-reports",
                        os.path.join(work, "running.json"), "--until-eof"],
                       env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True)
prom = None
try:
    # The endpoint comes up with the program; wait until sessions run.
    deadline = time.time() + 10
    while True:
        try:
            status, ctype, body = get(metrics_url)
            if "session(int, Cache &)" in body:
                break
        except OSError:
            pass
        if time.time() > deadline or svc.poll() is not None:
            fail(f"no sessions on /metrics (port {metrics_port}): "
                 f"{svc.stderr.read() if svc.poll() is not None else ''}")
        time.sleep(0.05)

    # --- The exposition text itself --------------------------------------
    if status != 200 or not ctype.startswith("text/plain; version=0.0.4"):
        fail(f"bad response: {status} {ctype}")
    declared, samples = {}, []
    for line in body.splitlines():
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ", 3)
            declared[name] = kind
        elif line and not line.startswith("#"):
            m = re.fullmatch(r'([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)', line)
            if not m:
                fail(f"not an exposition line: {line!r}")
            float(m.group(3))
            samples.append((m.group(1), m.group(2) or "", float(m.group(3))))
    for name, labels, _ in samples:
        if name not in declared:
            fail(f"{name} has no # TYPE")
        if declared[name] == "counter" and not name.endswith("_total"):
            fail(f"counter {name} must end in _total")
    type_labels = {l for n, l, _ in samples if n == "memscope_type_live_bytes"}
    if len(type_labels) != 9:
        fail(f"one live_bytes series per task type (9), got {sorted(type_labels)}")
    fn_labels = {l for n, l, _ in samples if n == "memscope_function_live_bytes"}
    if not 1 <= len(fn_labels) <= 51:
        fail(f"function label set bounded (<= 50 + other): {len(fn_labels)}")
    if not any("session(int, Cache &)" in l for l in fn_labels):
        fail(f"the sessions' root function is a label: {sorted(fn_labels)}")
    try:
        get(f"http://127.0.0.1:{metrics_port}/other")
        fail("/other should be 404")
    except urllib.error.HTTPError as e:
        if e.code != 404:
            fail(f"/other gave {e.code}")

    # --- Hammer /metrics while the service runs ----------------------------
    scrapes, stop = [0], threading.Event()

    def hammer():
        while not stop.is_set():
            try:
                get(metrics_url)
                scrapes[0] += 1
            except OSError:
                pass
    hammer_thread = threading.Thread(target=hammer, daemon=True)
    hammer_thread.start()

    # --- A real Prometheus scraping it --------------------------------------
    prom_dir = tempfile.mkdtemp(prefix="prom-", dir=work)
    config = os.path.join(prom_dir, "prometheus.yml")
    with open(config, "w") as f:
        f.write(f"""global:
  scrape_interval: 200ms
  scrape_timeout: 150ms
scrape_configs:
  - job_name: memscope-service
    static_configs:
      - targets: ['127.0.0.1:{metrics_port}']
        labels: {{instance_group: test}}
""")
    prom = subprocess.Popen([prometheus, f"--config.file={config}",
                             f"--storage.tsdb.path={prom_dir}/data",
                             f"--web.listen-address=127.0.0.1:{prom_port}",
                             "--log.level=warn"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    api = f"http://127.0.0.1:{prom_port}/api/v1/query?query="

    def query(q):
        _, _, text = get(api + urllib.parse.quote(q))
        doc = json.loads(text)
        if doc.get("status") != "success":
            fail(f"query {q} failed: {doc}")
        return doc["data"]["result"]

    # Prometheus applies discovered targets after ~5 s, then scrapes.
    deadline = time.time() + 20
    results = {}
    wanted = {
        "up": 'up{job="memscope-service"}',
        "created": 'sum(memscope_type_tasks_created_total{job="memscope-service"})',
        "sessions": 'memscope_function_tasks_created_total{function=~"session[(].*"}',
        "types": 'count(memscope_type_live_bytes)',
        "rate": 'sum(rate(memscope_type_tasks_created_total[2s]))',
    }
    while time.time() < deadline:
        try:
            results = {k: query(q) for k, q in wanted.items()}
            if all(results.values()) and float(results["rate"][0]["value"][1]) > 0:
                break
        except OSError:
            pass
        if prom.poll() is not None:
            fail(f"prometheus exited: {prom.stderr.read()[-2000:]}")
        time.sleep(0.2)
    print("prometheus answered:", {k: [r["value"][1] for r in v] for k, v in results.items()})
    if not results.get("up") or results["up"][0]["value"][1] != "1":
        fail(f"target not up: {results.get('up')}")
    if not results.get("types") or results["types"][0]["value"][1] != "9":
        fail(f"9 type series: {results.get('types')}")
    if not results.get("sessions") or float(results["sessions"][0]["value"][1]) < 10:
        fail(f"sessions counted through Prometheus: {results.get('sessions')}")
    if not results.get("rate") or float(results["rate"][0]["value"][1]) <= 0:
        fail(f"tasks created per second > 0: {results.get('rate')}")
    stop.set()
    hammer_thread.join()

    out, err = svc.communicate(input="", timeout=30)
    print(out.strip())
    print(f"/metrics scraped {scrapes[0]} times by the test while the service ran")
    if svc.returncode != 0 or err.strip():
        fail(f"service exit {svc.returncode}, stderr: {err}")
    m = re.search(r"p50 ([\d.]+) p99 ([\d.]+) max ([\d.]+)", out)
    p50, p99, worst = map(float, m.groups())
    # Generous bound for a shared CI machine: an export that held executor
    # threads (a lock around a snapshot, a report written on an executor)
    # shows up as lateness of the scrape's or report's duration, every time.
    if p99 > 50 or worst > 250:
        fail(f"executor heartbeats late while exporting: p99 {p99} ms, max {worst} ms")
    if scrapes[0] < 20:
        fail(f"the test scraped only {scrapes[0]} times")
    created = float(results["created"][0]["value"][1])
    with open(os.path.join(work, "report.json")) as f:
        report = json.load(f)
    total = len(report["tasks"]) + report["summary"]["folded_tasks"]
    if not 0 < created <= total:
        fail(f"Prometheus saw {created} tasks; the report has {total}")
    print("prometheus ok")
finally:
    if svc.poll() is None:
        svc.kill()
        svc.wait()
    if prom is not None:
        prom.terminate()
        try:
            prom.wait(timeout=10)
        except subprocess.TimeoutExpired:
            prom.kill()
            prom.wait()
