"""The HTML page of a report with many tasks: every table capped at
kHtmlMaxRows rows of data with a note that says so, shown a page of 100
rows at a time, and the page small (issue 14: a 300,000-task report once
made a 141 MB page that Chromium never finished drawing).

usage: check_html_capped.py PAGE.html LISTED_TASKS"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

page, listed = sys.argv[1], int(sys.argv[2])
MAX_ROWS, PAGE_ROWS = 2000, 100


def expect(cond, what, got):
    if not cond:
        sys.exit(f"expected {what}; got {got}")


html = open(page, encoding="utf-8").read()
expect(len(html) < 10 * 1000 * 1000, "a page under 10 MB", len(html))
m = re.search(r'<script id="memscope-data" type="application/json">(.*?)</script>', html, re.S)
data = json.loads(m.group(1))
expect(data["counts"]["tasks"] == listed, "the page knows how many tasks there are", data["counts"])
expect(len(data["tasks"]) == min(listed, MAX_ROWS), "the task table capped", len(data["tasks"]))
expect(len(data["outlived"]) <= MAX_ROWS, "the outlived table capped", len(data["outlived"]))
peaks = [t["peak_live_bytes"] for t in data["tasks"]]
expect(peaks == sorted(peaks, reverse=True), "the tasks with the highest peak", peaks[:5])

chromium = shutil.which("chromium") or shutil.which("chromium-browser")
with tempfile.TemporaryDirectory(prefix="memscope-chromium-") as profile:
    p = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                        "--disable-background-networking", f"--user-data-dir={profile}",
                        "--enable-logging=stderr", "--v=0", "--virtual-time-budget=5000",
                        "--dump-dom", "file://" + os.path.abspath(page)],
                       capture_output=True, text=True, timeout=120)
console = [l for l in p.stderr.splitlines() if ":CONSOLE" in l]
expect(not console, "no console output", console)
dom = p.stdout
status = dict(re.findall(r'data-([a-z]+)="([^"]*)"',
                         re.search(r'<div id="memscope-status"([^>]*)>', dom).group(1)))
expect(status.get("state") == "rendered" and status.get("errors") == "0", "the page drawn", status)
table = dom[dom.find('id="task-table"'):]
table = table[:table.find("</table>")]
expect(table.count("<tr>") == PAGE_ROWS + 1, f"{PAGE_ROWS} task rows drawn (and the header)",
       table.count("<tr>"))
expect(f"rows 1-{PAGE_ROWS} of {min(listed, MAX_ROWS)}" in dom, "a pager on the task table", None)
expect(f"The {MAX_ROWS} tasks with the highest peak of {listed} listed" in dom or listed <= MAX_ROWS,
       "a note that the table is capped", None)
print(f"capped html ok: {len(html)} bytes, {len(data['tasks'])} of {listed} tasks, "
      f"drawn in {status.get('ms')} ms")
