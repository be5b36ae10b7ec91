#!/usr/bin/env bash
# Installs memscope into a temporary prefix and uses it from outside the
# source tree in the three ways docs/design.md §2 promises: the plain compiler
# line, find_package + memscope_instrument(), and the toolchain file. Each
# built program must run, print the same line as uninstrumented, and write a
# report that memscope-report reads, showing the root task's 1 MiB.
set -euo pipefail
build_dir=$1
src_dir=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/memscope-install.XXXXXX")
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix

cmake --install "$build_dir" --prefix "$prefix" > "$work/install.log"
for f in lib/memscope/memscope.so lib/memscope/memscope-frontend.so lib/memscope/asio_tracking.hpp lib/libmemscope_rt.a lib/libmemscope_rt.so \
         include/memscope/abi.h include/memscope/task_types.def include/memscope/async_memory.hpp \
         include/memscope/async_runtime.hpp include/memscope/task_profiles.hpp \
         include/memscope/track_var.hpp lib/cmake/memscope/memscopeConfig.cmake \
         lib/cmake/memscope/memscope-toolchain.cmake bin/memscope-report \
         bin/memscope-top; do
  [[ -e $prefix/$f ]] || { echo "missing from the install: $f"; exit 1; }
done

check_run() { # name binary
  local name=$1 bin=$2
  local out
  out=$(MEMSCOPE_OUTPUT="$work/$name.json" "$bin")
  [[ $out == "external app: 42" ]] || { echo "$name: unexpected output '$out'"; exit 1; }
  "$prefix/bin/memscope-report" "$work/$name.json" > "$work/$name.txt"
  python3 - "$work/$name.json" "$name" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
roots = [t for t in doc["tasks"] if "external_root" in t["name"]]
assert len(roots) == 1, f"{sys.argv[2]}: expected one external_root task, got {[t['name'] for t in doc['tasks']]}"
assert roots[0]["allocated_bytes"] >= 1 << 20, f"{sys.argv[2]}: root charged {roots[0]['allocated_bytes']}"
print(f"{sys.argv[2]}: external_root charged {roots[0]['allocated_bytes']} bytes")
PY
}

check_api() { # name binary: the API header's program
  local name=$1 bin=$2
  local out
  out=$(MEMSCOPE_OUTPUT="$work/$name-api.json" "$bin")
  [[ $out == "api app: 1048576, task peak >= 1 MiB: yes" ]] || { echo "$name: api_app printed '$out'"; exit 1; }
  python3 - "$work/$name-api.json" "$name" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
roots = [t for t in doc["tasks"] if t["name"].startswith("api_root")]
assert len(roots) == 1 and roots[0]["type"] == "CpuIntensive", f"{sys.argv[2]}: api_root tasks {roots}"
assert roots[0]["peak_live_bytes"] >= 1 << 20, f"{sys.argv[2]}: api_root peak {roots[0]['peak_live_bytes']}"
print(f"{sys.argv[2]}: api_root (CpuIntensive) peak {roots[0]['peak_live_bytes']} bytes")
PY
}

# 1. The plain compiler line.
clang++-19 -std=c++20 -fplugin="$prefix/lib/memscope/memscope.so" \
  "$src_dir/external/app.cpp" -L"$prefix/lib" -Wl,-rpath,"$prefix/lib" \
  -lmemscope_rt -o "$work/plain"
check_run plain "$work/plain"

# 2. find_package(memscope) + memscope_instrument().
cmake -S "$src_dir/external" -B "$work/pkg" -G Ninja \
  -DCMAKE_CXX_COMPILER=clang++-19 -DUSE_MEMSCOPE_PACKAGE=ON \
  -DCMAKE_PREFIX_PATH="$prefix" > "$work/pkg.log"
cmake --build "$work/pkg" > "$work/pkg-build.log"
check_run package "$work/pkg/app"
check_api package "$work/pkg/api_app"

# 3. The toolchain file on the unmodified project.
cmake -S "$src_dir/external" -B "$work/tc" -G Ninja \
  -DCMAKE_TOOLCHAIN_FILE="$prefix/lib/cmake/memscope/memscope-toolchain.cmake" \
  > "$work/tc.log"
cmake --build "$work/tc" > "$work/tc-build.log"
check_run toolchain "$work/tc/app"
check_api toolchain "$work/tc/api_app"
echo "install: all three ways work"
