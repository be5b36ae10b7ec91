"""memscope-report --pprof, read back by pprof itself (`go tool pprof` from
Debian's golang-go): four sample types, one sample per (task root, site)
whose stack is site -> root, labels task_type and task_root, and figures
equal to the report's.

usage: check_pprof.py REPORT.json PROFILE.pb.gz"""
import collections
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from memreport import Report, expect  # noqa: E402

report = Report(sys.argv[1])
profile = sys.argv[2]
NO_ROOT = "[root not known]"
home = tempfile.mkdtemp(prefix="memscope-pprof-")


def pprof(*args):
    p = subprocess.run(["go", "tool", "pprof", *args, profile], capture_output=True,
                       text=True, timeout=120, env=dict(os.environ, HOME=home))
    expect(p.returncode == 0, f"go tool pprof {' '.join(args)} runs", p.stderr)
    return p.stdout


def readable(name):
    return name.replace("(anonymous namespace)::", "")


# What the profile must hold, from the report: the runtime's exact figures
# per (task root, site) ("root_sites"); for a report without them, per site
# under the root it is attributed to (the root function it is written in).
roots = {readable(t["name"]): t["type"] for t in report.tasks}
sites = {s.get("index"): s for s in report.sites}
want = {}


def add_sample(root, s, figures):
    fn = readable(s["function"])
    fn = "[unknown site]" if fn in ("", "<unknown>") else fn
    allocs, allocated, frees, live = figures
    frees = min(frees, allocs)
    # Sites on one line (several columns) share a pprof location: summed.
    key = (root, fn, s["line"])
    add = (allocs, allocated, allocs - frees, live)
    want[key] = tuple(a + b for a, b in zip(want.get(key, (0, 0, 0, 0)), add))


if "root_sites" in report.doc:
    for p in report.doc["root_sites"]:
        if p["allocated_bytes"] == 0 and p["live_bytes"] == 0:
            continue
        root = {"no_task": "[no task]", "unknown": NO_ROOT}.get(p["root_kind"])
        if root is None:
            root = readable(p["root"]["function"])
        add_sample(root, sites[p["site"]], (p["alloc_count"], p["allocated_bytes"],
                                            p["free_count"], p["live_bytes"]))
else:
    for s in report.sites:
        if s["allocated_bytes"] == 0 and s["live_bytes"] == 0:
            continue
        fn = readable(s["function"])
        add_sample(fn if fn in roots else NO_ROOT, s,
                   (s["alloc_count"], s["allocated_bytes"], s.get("free_count", 0),
                    s["live_bytes"]))

# -raw: every sample with its values, stack and labels.
raw = pprof("-raw")
expect("alloc_objects/count alloc_space/bytes inuse_objects/count inuse_space/bytes" in raw,
       "the four sample types", raw[:400])
expect("PeriodType: space bytes" in raw, "a heap profile's period type", raw[:200])
uptime = report.summary.get("uptime_ns", 0)
if uptime >= 10**6:  # pprof prints the run's duration (from the report's uptime)
    expect(re.search(r"^Duration: [\d.]+", raw, re.M), "the run's duration", raw[:200])
locations = {}
# "ID: 0x0 M=1 NAME FILE:LINE s=START" and, where pprof shortened a C++
# name for display, "(FULL NAME)" after it.
for m in re.finditer(r"^\s+(\d+): 0x0 M=\d+ (.*?) (\S*):(\d+) s=\d+(?:\((.*)\))?$", raw, re.M):
    locations[m.group(1)] = (m.group(5) or m.group(2), int(m.group(4)))
samples = re.findall(r"^\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+): ([\d ]+)\n\s+(.*)$", raw, re.M)
got = {}
for *values, stack, labels in samples:
    frames = [locations[i] for i in stack.split()]
    expect(len(frames) == 2, "stack: site, then task root", frames)
    tags = dict(re.findall(r"(\w+):\[(.*?)\](?=\s+\w+:\[|\s*$)", labels))
    expect(set(tags) == {"task_type", "task_root"}, "labels task_type and task_root", labels)
    expect(frames[1][0] == tags["task_root"], "the outer frame is the task root", (frames, tags))
    if tags["task_root"] in roots:
        expect(tags["task_type"] == roots[tags["task_root"]], "task_type is the root's", tags)
    key = (tags["task_root"], frames[0][0], frames[0][1])
    got[key] = tuple(a + int(b) for a, b in zip(got.get(key, (0, 0, 0, 0)), values))
expect(got == want, "one sample per (root, site) with the report's figures",
       {"missing": sorted(set(want) - set(got)), "extra": sorted(set(got) - set(want)),
        "differ": [(k, got[k], want[k]) for k in want if k in got and got[k] != want[k]]})

# -top: flat allocated bytes per function, in the report's units (bytes).
# pprof may show a C++ name without its parameter list (overloads then
# share a row): both sides are compared without them.
top = pprof("-top", "-unit=B", "-sample_index=alloc_space", "-nodecount=1000",
            "-nodefraction=0", "-edgefraction=0")
flat = {}
for m in re.finditer(r"^\s*(\d+)B\s+[\d.]+%\s+[\d.]+%\s+(\d+)B\s+[\d.]+%\s+(.*)$", top, re.M):
    flat[m.group(3).strip()] = int(m.group(1))
def shown(fn):
    cut = re.split(r"[(<]", fn, maxsplit=1)[0]
    return cut if cut else fn


by_fn = collections.Counter()
for (root, fn, line), v in want.items():
    by_fn[shown(fn)] += v[1]
flat = {shown(k): v for k, v in flat.items() if v}
expect(flat == {k: v for k, v in by_fn.items() if v},
       "pprof -top: allocated bytes per function", (flat, by_fn, top))
total = sum(v[1] for v in want.values())
expect(f"of {total}B total" in top, "pprof -top: total allocated bytes", (total, top[:300]))

# -tags: live bytes per task_root label.
tags = pprof("-tags", "-sample_index=inuse_space")
live_by_root = collections.Counter()
for (root, fn, line), v in want.items():
    live_by_root[root] += v[3]
section = tags[tags.find("task_root:"):]
section = section[:section.find("\n\n")] if "\n\n" in section else section
seen = {}
for m in re.finditer(r"^\s+([\d.]+)([kMG]?B)\s+\(\s*[\d.]+%\):\s+(.*)$", section, re.M):
    scale = {"B": 1, "kB": 1024, "MB": 1024**2, "GB": 1024**3}[m.group(2)]
    seen[m.group(3).strip()] = float(m.group(1)) * scale
for root, live in live_by_root.items():
    if live:
        expect(root in seen and abs(seen[root] - live) <= max(1.0, live * 0.01),
               f"pprof -tags: live bytes of {root}", (seen, live, section))
print(f"pprof ok: {len(got)} samples, {len(flat)} functions, "
      f"{sum(1 for v in live_by_root.values() if v)} roots holding memory")
