"""Helpers for end-to-end checks: load a memscope report, validate it against
the JSON Schema shipped in the repository, and query tasks and sites.

Each check script asserts figures with `expect(...)`, which prints what was
expected and what the report says before failing, so a red test explains
itself without rerunning anything."""
import json
import os
import sys

import jsonschema

ROOT = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", ".."))
SCHEMA = os.path.join(ROOT, "runtime", "report.schema.json")

KiB = 1024
MiB = 1024 * 1024


class Report:
    def __init__(self, path):
        with open(path, encoding="utf-8") as f:
            self.doc = json.load(f)
        with open(SCHEMA, encoding="utf-8") as f:
            jsonschema.validate(self.doc, json.load(f))
        self.path = path
        self.summary = self.doc["summary"]
        self.tasks = self.doc["tasks"]
        self.sites = self.doc["sites"]

    def named(self, fragment):
        """Tasks whose root function name contains `fragment`."""
        return [t for t in self.tasks if fragment in t["name"]]

    def one(self, fragment):
        found = self.named(fragment)
        expect(len(found) == 1, f"exactly one task named like '{fragment}'",
               [t["name"] for t in self.tasks])
        return found[0]

    def by_id(self, task_id):
        for t in self.tasks:
            if t["id"] == task_id:
                return t
        raise AssertionError(f"no task with id {task_id} in {self.path}")

    def sites_in(self, function_fragment):
        return [s for s in self.sites if function_fragment in s["function"]]

    def describe(self):
        rows = [f"  {t['id']:>5} {t['name'][:40]:<40} {t['type']:<16} {t['state']:<9} "
                f"alloc={t['allocated_bytes']} live={t['live_bytes']} "
                f"peak={t['peak_live_bytes']} parent={t['parent_id']}"
                for t in self.tasks]
        return "\n".join(rows)


def expect(condition, what, actual=None):
    if condition:
        return
    msg = f"expected {what}"
    if actual is not None:
        msg += f"; got {actual}"
    print(msg, file=sys.stderr)
    raise SystemExit(1)


def load(argv=None):
    argv = sys.argv if argv is None else argv
    if len(argv) < 2:
        raise SystemExit("usage: check.py REPORT.json")
    report = Report(argv[1])
    print(report.describe())
    return report
