#!/usr/bin/env bash
# Runs memscope's tests under a sanitizer, in a separate build tree.
#
#   scripts/sanitize.sh asan|tsan [unit|lit|all] [MAIN_BUILD_DIR]
#
#   asan  AddressSanitizer + UndefinedBehaviorSanitizer (every report fatal)
#   tsan  ThreadSanitizer
#   unit  the runtime's unit tests (all of them; every runtime path)
#   lit   the end-to-end and reliability programs, compiled with the plugin
#         and linked with the sanitized runtime
#
# The tree is build/sanitize-<name> (configured once, rebuilt incrementally).
# The plugin is never sanitized (it is loaded into the system's clang); the
# lit run uses the main build's plugin, so MAIN_BUILD_DIR (default: build)
# must have been built.
set -euo pipefail
san=${1:?usage: scripts/sanitize.sh asan|tsan [unit|lit|all] [MAIN_BUILD_DIR]}
what=${2:-unit}
root=$(cd "$(dirname "$0")/.." && pwd)
main=$(cd "${3:-$root/build}" && pwd)
tree=$main/sanitize-$san
case $san in asan|tsan) ;; *) echo "sanitize: unknown sanitizer '$san' (asan or tsan)" >&2; exit 2;; esac
case $what in unit|lit|all) ;; *) echo "sanitize: unknown part '$what' (unit, lit or all)" >&2; exit 2;; esac

# Sanitizer behaviour, identical for every run:
# - allocator_may_return_null=1: a failing malloc returns null, so operator
#   new throws std::bad_alloc as the C++ standard says (the default aborts
#   with "allocation-size-too-big", which is what an uninstrumented ASan
#   program does as well, but the tests check the standard behaviour).
# - leaks: the unit run checks leaks, with the test files that leak on
#   purpose suppressed (test/sanitize/lsan.supp); the lit programs keep memory
#   past exit on purpose ("retained" bytes), so leak checking is off there.
common=allocator_may_return_null=1:abort_on_error=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export LSAN_OPTIONS=suppressions=$root/test/sanitize/lsan.supp:print_suppressions=0
export TSAN_OPTIONS=$common:halt_on_error=1:second_deadlock_stack=1
unit_asan=$common:detect_leaks=1
lit_asan=$common:detect_leaks=0

# Line tables only: the reports keep their file:line frames, and the tree
# builds about a sixth faster than with full debug info (104 -> 87 s for
# the TSan unit targets on 2 cores), which `make test` and CI pay twice.
if [ ! -f "$tree/build.ninja" ]; then
  cmake --preset default -S "$root" -B "$tree" \
    -DMEMSCOPE_SANITIZE=$san -DMEMSCOPE_BUILD_EXAMPLES=OFF \
    -DMEMSCOPE_BUILD_BENCH=OFF \
    "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -gline-tables-only -DNDEBUG" \
    "-DCMAKE_C_FLAGS_RELWITHDEBINFO=-O2 -gline-tables-only -DNDEBUG" >/dev/null
fi
targets=(memscope_rt memscope_rt_shared)
[ "$what" != lit ] && targets+=(memscope_unit_tests memscope_exit_helper)
cmake --build "$tree" -j2 --target "${targets[@]}"

status=0
if [ "$what" != lit ]; then
  echo "sanitize[$san]: unit tests"
  # Each test in its own process, with the environment ctest gives it.
  ASAN_OPTIONS=$unit_asan ctest --test-dir "$tree" -j2 --output-on-failure \
    -E '^(lit|install|sanitize|stress|bench)\.' || status=1
fi
if [ "$what" != unit ]; then
  echo "sanitize[$san]: end-to-end and reliability programs"
  site=$tree/test/lit.site.cfg.py
  # The sanitized tree's own site configuration, pointed at the main build's
  # (unsanitized) plugin and report tool.
  sed -e "s|^config.memscope_plugin = .*|config.memscope_plugin = \"$main/lib/memscope/memscope.so\"|" \
      -e "s|^config.memscope_report = .*|config.memscope_report = \"$main/bin/memscope-report\"|" \
      "$site" > "$tree/lit.site.sanitize.cfg.py"
  ASAN_OPTIONS=$lit_asan python3 /usr/lib/llvm-19/build/utils/lit/lit.py -sv \
    --param memscope_site_config="$tree/lit.site.sanitize.cfg.py" \
    "$root/test/e2e" "$root/test/reliability" || status=1
fi
exit $status
