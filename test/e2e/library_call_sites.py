# library_call_sites.cpp: each library allocation is charged to the user
# line that called into the library (the `// SITE: name` lines of the
# source), with its bytes; the coroutine's own site is not charged them.
import os
import sys

from memreport import load, expect, KiB

r = load()
source = sys.argv[2]
lines = {}
with open(source, encoding="utf-8") as f:
    for n, text in enumerate(f, 1):
        if "// SITE: " in text:
            lines[text.split("// SITE: ")[1].strip()] = n


def here(site):
    return os.path.basename(site["file"]) == os.path.basename(source)


def bytes_at(name):
    """Bytes allocated at the line marked `name`, and the functions named."""
    at = [s for s in r.sites if here(s) and s["line"] == lines[name]]
    expect(at, f"a site at line {lines[name]} ({name})",
           [(s["kind"], s["line"], s["function"]) for s in r.sites if here(s)])
    expect(all(s["kind"] == "alloc" for s in at), f"{name}: ALLOC sites",
           [s["kind"] for s in at])
    return sum(s["allocated_bytes"] for s in at), {s["function"] for s in at}


def between(name, low, high):
    got, functions = bytes_at(name)
    expect(low <= got <= high, f"{name} (line {lines[name]}): {low}..{high} "
           "bytes", got)
    return functions


between("vector", 123457, 123457)
between("string", 234568, 234568)  # capacity + the terminating NUL
between("shared", 34567, 34567 + 64)  # the array and its control block
between("map", 3 * 4567, 3 * (4567 + 64))  # three nodes
plain = between("plain", 2 * 45679, 2 * 45679 + 256)  # two strings, growth
expect(all(f.startswith("plain_fill(") for f in plain),
       "the plain function's site names it", plain)

task = r.one("library_allocations")
expect(task["allocated_bytes"] >= 123457 + 234568 + 34567 + 3 * 4567 + 45679,
       "the task is still charged everything it allocated",
       task["allocated_bytes"])
expect(r.summary["no_task"]["allocated_bytes"] >= 45679,
       "main's plain_fill call is outside any task",
       r.summary["no_task"]["allocated_bytes"])
coroutine = [s for s in r.sites if s["kind"] == "coroutine" and here(s)]
expect(all(s["allocated_bytes"] < 4 * KiB for s in coroutine),
       "the coroutine's declaration line is no longer charged the library's "
       "allocations", [(s["line"], s["allocated_bytes"]) for s in coroutine])
