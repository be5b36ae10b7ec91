#!/usr/bin/env python3
"""memscope-report on reports the size of a long-running service's (issue
14): two synthetic reports of about 200 MB (bench/gen_report.py), then

- the text tables and --diff: wall time and peak RSS (target <= 5 s,
  <= 500 MB);
- --html: wall time, RSS and the page's size (target <= 10 MB), and how
  long headless Chromium takes to draw it (target <= 10 s): the page's own
  measure (performance.now() when its script has drawn everything) and the
  wall time of the whole browser run.

Run by `make bench` (run_bench.py, group "reports") or on its own:
usage: report_scale.py [--build build] [--quick] [--work DIR]"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def measured(cmd):
    """Runs cmd; returns (wall seconds, peak RSS in MiB)."""
    began = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - began
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed: {proc.stderr.read()}")
    return wall, usage.ru_maxrss / 1024.0


def chromium_draw(page):
    """(in-page ms until drawn, browser wall seconds) for one headless load."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        return None, None
    with tempfile.TemporaryDirectory(prefix="memscope-bench-chromium-") as profile:
        began = time.monotonic()
        p = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu",
                            "--no-first-run", "--disable-background-networking",
                            f"--user-data-dir={profile}", "--window-size=1400,1800",
                            "--dump-dom", "file://" + os.path.abspath(page)],
                           capture_output=True, text=True, timeout=120)
        wall = time.monotonic() - began
    m = re.search(r'<div id="memscope-status"([^>]*)>', p.stdout)
    attrs = dict(re.findall(r'data-([a-z]+)="([^"]*)"', m.group(1))) if m else {}
    if attrs.get("state") != "rendered":
        raise RuntimeError(f"chromium did not render the page: {attrs}")
    return float(attrs.get("ms", "nan")), wall


def run(build, quick, work=None, log=print):
    """Returns rows (what, target, measured, ok) and the raw figures."""
    report = os.path.join(build, "bin", "memscope-report")
    tasks = 50000 if quick else 250000
    own = work is None
    work = work or tempfile.mkdtemp(prefix="memscope-report-scale-")
    rows, res = [], {"tasks": tasks}
    try:
        a, b = os.path.join(work, "a.json"), os.path.join(work, "b.json")
        log(f"generating two reports of {tasks} tasks")
        for path, seed in ((a, 14), (b, 15)):
            subprocess.run([sys.executable, os.path.join(HERE, "gen_report.py"), path,
                            "--tasks", str(tasks), "--seed", str(seed)], check=True)
        mb = os.path.getsize(a) / 1e6
        res["report_mb"] = mb
        size = f"{mb:.0f} MB report"

        def row(what, wall, rss, wall_limit, rss_limit):
            rows.append((f"memscope-report {what}, {size}",
                         f"<= {wall_limit:g} s, <= {rss_limit} MB",
                         f"{wall:.2f} s, {rss:.0f} MB", wall <= wall_limit and rss <= rss_limit))

        log("memscope-report: text tables")
        wall, rss = measured([report, a])
        res["text"] = {"seconds": wall, "rss_mb": rss}
        row("text tables", wall, rss, 5, 500)
        log("memscope-report --diff")
        wall, rss = measured([report, "--diff", a, b])
        res["diff"] = {"seconds": wall, "rss_mb": rss}
        row("--diff (two such reports)", wall, rss, 5, 500)
        log("memscope-report --html")
        page = os.path.join(work, "report.html")
        wall, rss = measured([report, "--html", page, a])
        page_mb = os.path.getsize(page) / 1e6
        res["html"] = {"seconds": wall, "rss_mb": rss, "page_mb": page_mb}
        rows.append((f"memscope-report --html, {size}: page size", "<= 10 MB",
                     f"{page_mb:.1f} MB ({wall:.2f} s, {rss:.0f} MB RSS)", page_mb <= 10))
        log("headless Chromium draws the page")
        ms, browser = chromium_draw(page)
        if ms is not None:
            res["html"].update({"draw_ms": ms, "browser_seconds": browser})
            rows.append(("  Chromium: page drawn / whole browser run", "<= 10 s",
                         f"{ms / 1000:.2f} s / {browser:.2f} s", browser <= 10))
    finally:
        if own:
            shutil.rmtree(work, ignore_errors=True)
    return rows, res


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default="build")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--work")
    args = ap.parse_args()
    rows, res = run(args.build, args.quick, args.work,
                    log=lambda m: print(f"bench: {m}", file=sys.stderr, flush=True))
    print(json.dumps(res, indent=1))
    for what, target, got, ok in rows:
        print(f"{what:<60} {target:<22} {got:<34} {'ok' if ok else 'MISSED'}")
    return 0 if all(r[3] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
