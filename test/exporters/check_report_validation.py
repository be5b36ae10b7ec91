"""memscope-report on reports with bad numbers: every count the tool reads,
set to a negative, fractional, too large or non-numeric value, is refused
with exit status 2 and one line naming the file and the field; control
bytes in names are escaped; a directory is named as such.

usage: check_report_validation.py MEMSCOPE_REPORT GOOD.json WORK_DIR"""
import copy
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from memreport import expect  # noqa: E402

tool, good_path, work = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(work, exist_ok=True)
good = json.load(open(good_path))


def run(doc, name):
    path = os.path.join(work, name)
    with open(path, "w") as f:
        f.write(doc if isinstance(doc, str) else json.dumps(doc))
    p = subprocess.run([tool, path], capture_output=True, text=True, timeout=30)
    return path, p


BAD = [-5, 1.5, 2 ** 64, "7", True]
checked = 0
for where, obj_of in [
        ("summary", lambda d: d["summary"]),
        ("summary.no_task", lambda d: d["summary"]["no_task"]),
        ("tasks[0]", lambda d: d["tasks"][0]),
        ("sites[0]", lambda d: d["sites"][0])]:
    for field, value in list(obj_of(good).items()):
        if not isinstance(value, int) or isinstance(value, bool):
            continue
        for bad in BAD:
            doc = copy.deepcopy(good)
            obj_of(doc)[field] = bad
            path, p = run(doc, "bad.json")
            lines = p.stderr.splitlines()
            # Fields memscope-report does not read may stay unchecked; the
            # ones it reads must be refused.
            if p.returncode == 0:
                continue
            checked += 1
            expect(p.returncode == 2 and len(lines) == 1 and path in lines[0]
                   and f"{where}.{field} is " in lines[0],
                   f"{where}.{field}={bad!r}: one line naming file and field",
                   p.stderr)
for field in ("allocated_bytes", "live_bytes", "peak_live_bytes", "alloc_count",
              "freed_bytes", "busy_ns", "created_ns", "id"):
    for bad in BAD:
        doc = copy.deepcopy(good)
        doc["tasks"][0][field] = bad
        path, p = run(doc, "task.json")
        expect(p.returncode == 2 and f"tasks[0].{field} is " in p.stderr,
               f"tasks[0].{field}={bad!r} refused", (p.returncode, p.stderr))
doc = copy.deepcopy(good)
doc["tasks"][0]["id"] = 0
path, p = run(doc, "id0.json")
expect(p.returncode == 2 and "tasks[0].id is 0: expected an integer from 1"
       in p.stderr, "task id 0 is out of the schema's range", p.stderr)
doc = copy.deepcopy(good)
doc["tasks"][0]["threads"] = [64]
path, p = run(doc, "thread64.json")
expect(p.returncode == 2 and "threads[] is 64" in p.stderr,
       "a thread index past 63", p.stderr)
expect(checked > 20, "most summary, task and site counts are checked", checked)

# version 1.0 is not version 1 (and not "version 0").
text = json.dumps(good).replace('"version": 1,', '"version": 1.0,', 1)
path, p = run(text, "v10.json")
expect(p.returncode == 2 and "report version 1.0 is not supported" in p.stderr,
       "version 1.0 named as written", p.stderr)

# A number no type holds: one line, not an exception's text.
text = json.dumps(good).replace('"version": 1,', '"version": 1e777,', 1)
path, p = run(text, "huge.json")
expect(p.returncode == 2 and "number out of range" in p.stderr and
       "json.exception" not in p.stderr, "1e777 is corrupt JSON", p.stderr)

# Control bytes in names and files: escaped in every table line.
doc = copy.deepcopy(good)
doc["tasks"][0]["name"] = "evil\x1b[2J\x07name"
doc["sites"][0]["file"] = "dir\nfile.cpp"
path, p = run(doc, "control.json")
expect(p.returncode == 0, "a report with odd names is still a report", p.stderr)
expect("\x1b" not in p.stdout and "\x07" not in p.stdout,
       "no raw control byte reaches the terminal", p.stdout[:200])
expect("evil\\x1b[2J\\x07name" in p.stdout, "the name shown escaped",
       p.stdout[:2000])

# A directory.
p = subprocess.run([tool, work], capture_output=True, text=True, timeout=30)
expect(p.returncode == 2 and p.stderr.strip().endswith(
    "is a directory, not a report file") and len(p.stderr.splitlines()) == 1,
    "a directory is named as such", p.stderr)
print("report validation: ok", checked)
