#!/usr/bin/env bash
# Installs everything memscope's build, demo and tests need on Debian 12.
# Idempotent: packages already present are left alone, and apt is only
# consulted when something is missing.
set -euo pipefail

packages=(
  cmake ninja-build git python3
  clang-19 libclang-19-dev llvm-19-dev llvm-19-tools
  libboost1.81-dev libfmt-dev nlohmann-json3-dev
  libasio-dev
  # Asio's and Beast's own examples, built with the plugin in test/upstream.
  libboost1.81-doc
  libgtest-dev libgmock-dev libbenchmark-dev
  python3-jsonschema
  # memscope-report exporters (issue 4): libFuzzer runtime for the report
  # reader's fuzz target; headless Chromium and a real Prometheus server for
  # the HTML report and /metrics tests.
  libclang-rt-19-dev chromium prometheus
  heaptrack
  clang-14
  # Issue 14: memscope-report --pprof (protobuf, zlib, pprof's own
  # profile.proto; go tool pprof reads the profile back in the tests),
  # memscope-top (ncurses; FTXUI is not in Debian 12), tmux for its test.
  libprotobuf-dev protobuf-compiler zlib1g-dev golang-github-google-pprof-dev
  golang-go libncurses-dev tmux
  # Issue 11: allocators linked before and after the runtime (allocator
  # modes, test/reliability/allocator_modes).
  libjemalloc-dev libgoogle-perftools-dev
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

# The HTML report bundles a chart library installed with npm at build time.
# A machine may already have node/npm from elsewhere (e.g. NodeSource, whose
# nodejs ships npm and conflicts with Debian's npm package): only ask apt for
# Debian's nodejs + npm when there is no npm at all.
if ! command -v npm >/dev/null 2>&1; then
  missing+=(nodejs npm)
fi

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: run as root or install sudo (missing: ${missing[*]})" >&2; exit 1; }
  SUDO=sudo
fi

echo "install-deps: installing ${missing[*]}"
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
