"""Checks root_sites.cpp's report: exact figures per (task root, site), and
memscope-report's tables built from them (sites by task root, leak
suspects by the line that allocated the memory)."""
import json
import re
import subprocess
import sys

from memreport import load, expect

r = load(sys.argv[:2])
source, report_tool = sys.argv[2], sys.argv[3]

# Lines of the source marked "// @name".
marks = {}
with open(source, encoding="utf-8") as f:
    for number, text in enumerate(f, 1):
        m = re.search(r"// @(\w+)", text)
        if m and "RUN" not in text:
            marks[m.group(1)] = number

sites = {s["index"]: s for s in r.sites}
pairs = r.doc["root_sites"]
expect(r.doc["root_sites_omitted"] == 0, "no pair left out",
       r.doc["root_sites_omitted"])


def root_name(p):
    if p["root_kind"] == "coroutine":
        return p["root"]["function"].split("(")[0]
    return p["root_kind"]


def pair(root, mark):
    line = marks[mark]
    # The new expression's site (a spawn on the same line has a site of its
    # own: what co_spawn allocates before the coroutine starts, a C
    # allocation through Asio's recycling allocator).
    found = [p for p in pairs if root_name(p) == root
             and sites[p["site"]]["line"] == line
             and sites[p["site"]]["kind"] != "spawn"
             and sites[p["site"]]["file"].endswith("root_sites.cpp")]
    expect(len(found) == 1, f"one ({root}, line {line}) pair",
           [(root_name(p), sites[p['site']]['line']) for p in pairs])
    return found[0]


def figures(p):
    return (p["allocated_bytes"], p["live_bytes"], p["alloc_count"],
            p["free_count"])


# Sessions leave 16 KiB each in the global cache: by its line and root.
expect(figures(pair("session", "cache")) == (3 * 16384, 3 * 16384, 3, 0),
       "session's cache line: 3 x 16 KiB, all live",
       figures(pair("session", "cache")))
expect(figures(pair("session", "tmp")) == (3000, 0, 3, 3),
       "session's balanced line", figures(pair("session", "tmp")))
# The spawn's argument, allocated in main before the session's coroutine
# started, counts for session; the one session 0 freed is credited back.
expect(figures(pair("session", "conn")) == (3 * 2000, 2 * 2000, 3, 1),
       "the spawn argument's line counts for session",
       figures(pair("session", "conn")))
# Two roots at the same helper line, split exactly; freer's free of a
# writer block is credited to (writer, helper), freer has no pair.
expect(figures(pair("reader", "helper")) == (15000, 15000, 3, 0),
       "reader's share of the helper line", figures(pair("reader", "helper")))
expect(figures(pair("writer", "helper")) == (14000, 7000, 2, 1),
       "writer's share, its block freed by freer credited back",
       figures(pair("writer", "helper")))
# freer owns none of the blocks it freed: only its own frame and what
# co_spawn allocated for it, all freed.
freer = [p for p in pairs if root_name(p) == "freer"]
expect(all(p["live_bytes"] == 0 for p in freer) and
       not [p for p in freer if sites[p["site"]]["line"] == marks["helper"]],
       "freer owns none of the blocks it freed", freer)
helper = [s for s in r.sites if s["line"] == marks["helper"]
          and s["file"].endswith("root_sites.cpp")]
expect(len(helper) == 1 and helper[0]["allocated_bytes"] == 29000 and
       helper[0]["live_bytes"] == 22000, "the helper site is the sum", helper)
# Folded or listed, the workers' pair keeps every byte.
want = sum(100 + i % 3 for i in range(30))
expect(figures(pair("worker", "worker")) == (want, 0, 30, 30),
       "worker's line over 30 tasks", figures(pair("worker", "worker")))
expect(r.summary["folded_tasks"] >= 20, "balanced tasks folded at run time",
       r.summary["folded_tasks"])
# Outside any task: the "no task" root.
expect(figures(pair("no_task", "outside")) == (4321, 4321, 1, 0),
       "main's block outside tasks", figures(pair("no_task", "outside")))
# Every site is the sum of its pairs.
for index, s in sites.items():
    mine = [p for p in pairs if p["site"] == index]
    expect(sum(p["allocated_bytes"] for p in mine) == s["allocated_bytes"] and
           sum(p["live_bytes"] for p in mine) == s["live_bytes"] and
           sum(p["alloc_count"] for p in mine) == s["alloc_count"],
           f"site {index} is the sum of its pairs", (s, mine))

# memscope-report: the leak suspects name the line and root with exact
# bytes (the sessions are folded in the report with MEMSCOPE_MAX_TASKS=1:
# only the pairs still know their memory), most live first.
text = subprocess.run([report_tool, r.path], check=True, capture_output=True,
                      text=True).stdout
print(text)
suspects = text.split("Leak suspects:")[1].split("\n\n")[0].splitlines()[2:]
rows = [l.split() for l in suspects if "root_sites.cpp" in l]
# (retained, at completion, also has what Asio freed a moment after: the
# spawn's own state)
expect(rows[0][:2] == ["51.9", "KiB"] and rows[0][4] == "3" and
       rows[0][6].startswith("session") and
       f"root_sites.cpp:{marks['cache']}" in suspects[0],
       "session first, its cache line first", suspects)
expect(f"root_sites.cpp:{marks['conn']}" in suspects[1], "then its spawn "
       "argument's line", suspects)
order = [l.split()[6] for l in suspects if re.match(r"\s+\d", l)]
expect(order[:3] == ["session(int,", "reader()", "writer()"],
       "suspects by bytes still live", order)
expect("allocated by completed tasks and still live: 73.4 KiB" in text or
       "allocated by completed tasks and still live:" in text,
       "the exact outlived total", text)
by_root = text.split("Sites by task root")[1].split("\n\n")[0]
# (beside its frame and its spawn's state, all freed)
expect(re.search(r"writer\(\)\s+\d+ sites\s+[\d.]+ KiB\s+6\.8 KiB\s+\d+\n"
                 r"(\s+root_sites\.cpp:\d+.*\n)*?"
                 r"\s+root_sites\.cpp:%d\s+13\.7 KiB\s+6\.8 KiB\s+2\n" % marks["helper"],
                 by_root + "\n"),
       "writer's root row, and its helper line", by_root)
expect(re.search(rf"root_sites\.cpp:{marks['helper']}\s+14\.6 KiB\s+14\.6 KiB\s+3",
                 by_root), "reader's helper line", by_root)
expect("[no task]" in by_root, "the no-task root listed", by_root)

# --json: roots with their sites, exact.
tables = json.loads(subprocess.run([report_tool, "--json", r.path], check=True,
                                   capture_output=True, text=True).stdout)
expect(tables["exact_roots"] is True, "exact roots", tables.get("exact_roots"))
roots = {g["root"].split("(")[0]: g for g in tables["roots"]}
expect(roots["writer"]["live_bytes"] == 7000 and
       roots["writer"]["sites"][0]["allocated_bytes"] == 14000,
       "writer's root in --json", roots.get("writer"))
sus = tables["leak_suspects"]
expect(sus[0]["root"].startswith("session") and
       sus[0]["live_bytes"] == 3 * 16384 + 2 * 2000 and
       sus[0]["sites"][0]["live_bytes"] == 3 * 16384,
       "session's suspect row in --json", sus[0])

# --html: a root's row opens its sites (#open-roots opens them all), drawn
# by headless Chromium without console output.
import os
import shutil
import tempfile

chromium = shutil.which("chromium") or shutil.which("chromium-browser")
expect(chromium, "chromium (scripts/install-deps.sh)")
page = sys.argv[4] + ".html"
subprocess.run([report_tool, "--html", page, r.path], check=True,
               capture_output=True)
with tempfile.TemporaryDirectory(prefix="memscope-chromium-") as profile:
    p = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu",
                        "--no-first-run", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync",
                        "--enable-logging=stderr", "--v=0",
                        "--virtual-time-budget=5000", f"--user-data-dir={profile}",
                        "--dump-dom", "file://" + os.path.abspath(page) + "#open-roots"],
                       capture_output=True, text=True, timeout=120)
expect(p.returncode == 0, "chromium renders the page", p.stderr[-2000:])
console = [l for l in p.stderr.splitlines() if ":CONSOLE" in l]
expect(not console, "no console output", console)
dom = p.stdout
status = re.search(r'<div id="memscope-status"([^>]*)>', dom)
attrs = dict(re.findall(r'data-([a-z]+)="([^"]*)"', status.group(1))) if status else {}
expect(attrs.get("state") == "rendered" and attrs.get("errors") == "0",
       "the page's script finished", attrs)
expect(int(attrs.get("expandable", "0")) >= 5, "root rows that open their sites",
       attrs)
functions = dom[dom.find('id="function-table"'):]
functions = functions[:functions.find("</table></td>") + 200]
expect('class="details"' in functions, "an opened root row", functions[:2000])
session_row = dom[dom.find('id="function-table"'):]
session_row = session_row[session_row.find("session("):]
details = session_row[session_row.find('class="details"'):]
details = details[:details.find("</table>")]
expect(f"root_sites.cpp:{marks['cache']}" in details and
       f"root_sites.cpp:{marks['conn']}" in details and
       "48.0 KiB" in details, "session's row opens its cache and argument lines",
       details[:3000])
