"""The HTML report in headless Chromium (Debian's `chromium`): the page loads
offline with no console output or script error, every chart renders and
the flame graph is drawn.
Keeps a screenshot next to the page (and in build/test/artifacts/).

usage: check_html.py PAGE.html SCREENSHOT.png [ARTIFACT_DIR (default <build>/test/artifacts)]"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

page, shot = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
# Default: <build>/test/artifacts (the screenshot is <build>/test/<suite>/Output/...).
artifacts = sys.argv[3] if len(sys.argv) > 3 else os.path.normpath(
    os.path.join(os.path.dirname(shot), "..", "..", "artifacts"))
chromium = shutil.which("chromium") or shutil.which("chromium-browser")
if not chromium:
    sys.exit("chromium not found: run scripts/install-deps.sh")

with open(page, encoding="utf-8") as f:
    html = f.read()
# Self-contained: nothing is fetched from anywhere.
external = re.findall(r'<(?:script|link|img)[^>]+(?:src|href)=["\']?(?:https?:)?//', html)
if external:
    sys.exit(f"the page references external resources: {external[:3]}")

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--hide-scrollbars",
         "--enable-logging=stderr", "--v=0", "--virtual-time-budget=5000",
         "--window-size=1400,1800"]


def run(extra):
    with tempfile.TemporaryDirectory(prefix="memscope-chromium-") as profile:
        p = subprocess.run([chromium, *FLAGS, f"--user-data-dir={profile}", *extra,
                            "file://" + page],
                           capture_output=True, text=True, timeout=60)
    # Chromium logs every console message (and uncaught error) as CONSOLE.
    console = [l for l in p.stderr.splitlines() if ":CONSOLE" in l]
    if console:
        sys.exit("console output while loading the page:\n" + "\n".join(console))
    if p.returncode != 0:
        sys.exit(f"chromium exited {p.returncode}:\n{p.stderr[-2000:]}")
    return p.stdout


dom = run(["--dump-dom"])
m = re.search(r'<div id="memscope-status"([^>]*)>', dom)
if not m:
    sys.exit("no status element in the rendered page")
attrs = dict(re.findall(r'data-([a-z]+)="([^"]*)"', m.group(1)))
print("page status:", attrs)
if attrs.get("state") != "rendered":
    sys.exit(f"the page's script did not finish: {attrs}")
if attrs.get("errors") != "0":
    sys.exit(f"script errors on the page: {attrs}")
if attrs.get("charts") != "4" or attrs.get("canvases") != "4":
    sys.exit(f"expected 4 charts drawn on 4 sized canvases: {attrs}")
# Recorded peaks drawn as points: the process-wide one and each charted
# task's (its exact peak at its time, even between two samples).
if int(attrs.get("peaks", "0")) < 2:
    sys.exit(f"expected the process peak and task peaks drawn on the charts: {attrs}")
# The flame graph (d3-flame-graph): all memory -> type -> root -> site, at
# least one frame per level, with the service's session root among them.
if int(attrs.get("flame", "0")) < 4:
    sys.exit(f"the flame graph drew {attrs.get('flame')} frames, expected 4 or more")
flame = dom[dom.find('id="flame-graph"'):dom.find('id="flame-details"')]
if "all memory" not in flame or not re.search(r"session\(", flame):
    sys.exit("the flame graph has no 'all memory' frame or no session( root")
rows = dom.count("<tr>")
if rows < 20:
    sys.exit(f"tables have only {rows} rows")

if os.path.exists(shot):
    os.remove(shot)
run([f"--screenshot={shot}"])
with open(shot, "rb") as f:
    png = f.read()
if not png.startswith(b"\x89PNG") or len(png) < 20000:
    sys.exit(f"no usable screenshot ({len(png)} bytes)")
if artifacts:
    os.makedirs(artifacts, exist_ok=True)
    shutil.copy(shot, os.path.join(artifacts, "html-report.png"))
print(f"html ok: {rows} table rows, screenshot {shot} ({len(png)} bytes)")
