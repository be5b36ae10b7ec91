#!/usr/bin/env python3
"""Instructions per iteration of bench/asio_await_count.cpp (or, with
--loops, of another fixed-count bench such as library_call_count.cpp) under
callgrind, for one or more builds of it: (Ir(2N) - Ir(N)) / N, so start-up,
exit and the runtime's threads' idle work cancel out (docs/performance.md).

usage: callgrind_counts.py [--n N] [--loops a,b,...] NAME=BINARY ...
Binaries are copied and stripped first: valgrind 3.19 cannot read the
DWARF 5 that clang-19 writes."""
import argparse
import os
import re
import shutil
import subprocess
import tempfile


def instructions(binary, what, n, work):
    out = os.path.join(work, "cg.out")
    subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",
                    binary, what, str(n)], check=True, capture_output=True)
    with open(out) as f:
        m = re.search(r"^summary: (\d+)", f.read(), re.M)
    return int(m.group(1))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=20000)
    ap.add_argument("--loops", default="child,post,spawn,new,newtask,newother",
                    help="comma-separated loops of asio_await_count")
    ap.add_argument("builds", nargs="+")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as work:
        builds = []
        for spec in args.builds:
            name, binary = spec.split("=", 1)
            copy = os.path.join(work, name)
            shutil.copy(binary, copy)
            subprocess.run(["strip", "-g", copy], check=True)
            builds.append((name, copy))
        print(f"{'loop':<8}" + "".join(f"{name:>14}" for name, _ in builds))
        for what in args.loops.split(","):
            row = []
            for _, binary in builds:
                a = instructions(binary, what, args.n, work)
                b = instructions(binary, what, 2 * args.n, work)
                row.append((b - a) / args.n)
            print(f"{what:<8}" + "".join(f"{v:>14.1f}" for v in row))


if __name__ == "__main__":
    main()
