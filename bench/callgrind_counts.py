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


def counts(builds, loops, n):
    """{loop: {name: instructions per iteration}} for {name: binary}."""
    out = {}
    with tempfile.TemporaryDirectory() as work:
        copies = {}
        for name, binary in builds.items():
            copy = os.path.join(work, name)
            shutil.copy(binary, copy)
            subprocess.run(["strip", "-g", copy], check=True)
            copies[name] = copy
        for what in loops:
            out[what] = {name: (instructions(b, what, 2 * n, work) -
                                instructions(b, what, n, work)) / n
                         for name, b in copies.items()}
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=20000)
    ap.add_argument("--loops", default="child,post,spawn,new,newtask,newother",
                    help="comma-separated loops of asio_await_count")
    ap.add_argument("builds", nargs="+")
    args = ap.parse_args()
    builds = dict(spec.split("=", 1) for spec in args.builds)
    got = counts(builds, args.loops.split(","), args.n)
    print(f"{'loop':<8}" + "".join(f"{name:>14}" for name in builds))
    for what, row in got.items():
        print(f"{what:<8}" + "".join(f"{row[name]:>14.1f}" for name in builds))


if __name__ == "__main__":
    main()
