"""Compiles every input of test/analysis and test/ir to an object file with
the plugin, at -O0 and -O2, so that code generation runs on each of them
(their own RUN lines often stop at -fsyntax-only or -emit-llvm, where a crash
in codegen would hide). The files that must fail to compile say so with a
`RUN: not` line and are skipped.

usage: compile_to_objects.py CLANGXX PLUGIN INCLUDE_DIR TEST_ROOT OUT_DIR"""
import concurrent.futures
import os
import subprocess
import sys

clangxx, plugin, include, root, out = sys.argv[1:6]
os.makedirs(out, exist_ok=True)
jobs = []
for suite in ("analysis", "ir"):
    d = os.path.join(root, suite)
    for name in sorted(os.listdir(d)):
        if not name.endswith(".cpp"):
            continue
        path = os.path.join(d, name)
        with open(path, encoding="utf-8") as f:
            if "RUN: not" in f.read():
                continue
        for opt in ("-O0", "-O2"):
            obj = os.path.join(out, f"{suite}-{name}{opt}.o")
            jobs.append(([clangxx, "-std=c++20", opt, f"-I{include}",
                          f"-I{os.path.join(d, 'Inputs')}",
                          "-isystem", os.path.join(d, "Inputs", "sys"),
                          "-Wno-c++23-lambda-attributes", f"-fplugin={plugin}",
                          "-c", path, "-o", obj], obj))


def compile_one(job):
    cmd, obj = job
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0 or not os.path.exists(obj):
        return (" ".join(cmd), p.returncode, p.stderr[-2000:])
    return None


with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
    failures = [f for f in pool.map(compile_one, jobs) if f]
count = len(jobs)
for cmd, rc, err in failures:
    print(f"FAILED ({rc}): {cmd}\n{err}")
print(f"{count - len(failures)} passed, {len(failures)} failed")
sys.exit(1 if failures else 0)
