#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz (clang, ASan + UBSan) in build/fuzz and runs them.
#   scripts/fuzz.sh TARGET [SECONDS]   one target (default 60 s), e.g. scripts/fuzz.sh topology 600
#   scripts/fuzz.sh all SECONDS        every target for SECONDS each (what scripts/test.sh runs)
#   scripts/fuzz.sh build              only build
#   LNSLAB_FUZZ_RUNS=1000000 scripts/fuzz.sh TARGET 3600   stop after 10^6 inputs (or the time)
# Seeds come from tests/fuzz/corpus/TARGET (read only); inputs the fuzzer finds interesting go
# to build/fuzz/corpus/TARGET, crashes to build/fuzz/artifacts/. Exits non-zero on a finding.
set -euo pipefail
cd "$(dirname "$0")/.."

targets=(format adder datapath energy accelerator topology study idx checkpoint run_record)
what=${1:?usage: scripts/fuzz.sh TARGET|all|build [SECONDS]}
seconds=${2:-60}
jobs=$(nproc 2>/dev/null || echo 2)

# Only the libraries the targets link and the targets themselves: no tests, CLI, benchmarks,
# Python module or MPI launcher. -O1 without debug info keeps the build short; the sanitizers
# still name the function and line through symbols.
cmake -S . -B build/fuzz -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_CXX_FLAGS_DEBUG="-O1 -gline-tables-only" -DLNSLAB_WERROR=ON -DLNSLAB_FUZZ=ON \
  -DLNSLAB_BUILD_TESTS=OFF -DLNSLAB_BUILD_CLI=OFF -DLNSLAB_BUILD_BENCH=OFF \
  -DLNSLAB_BUILD_PYTHON=OFF -DLNSLAB_MPI=OFF >/dev/null
if [ "$what" = all ]; then
  cmake --build build/fuzz -j "$jobs" --target "${targets[@]/#/fuzz_}" >/dev/null
elif [ "$what" = build ]; then
  cmake --build build/fuzz -j "$jobs" >/dev/null
else
  cmake --build build/fuzz -j "$jobs" --target "fuzz_$what" >/dev/null
fi
[ "$what" = build ] && exit 0

run() {
  local t=$1
  mkdir -p "build/fuzz/corpus/$t" build/fuzz/artifacts
  echo "== fuzz $t for ${seconds}s"
  # -timeout: an input taking over 10 s is a finding (a reader must not hang on bad input).
  local log=build/fuzz/$t.log rc=0
  # Scratch files of the path-taking readers in memory when /dev/shm exists.
  [ -d /dev/shm ] && export TMPDIR=/dev/shm
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "build/fuzz/tests/fuzz/fuzz_$t" "build/fuzz/corpus/$t" "tests/fuzz/corpus/$t" \
    -max_total_time="$seconds" -runs="${LNSLAB_FUZZ_RUNS:--1}" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="build/fuzz/artifacts/$t-" >"$log" 2>&1 || rc=$?
  grep -E '^stat::(number_of_executed_units|peak_rss_mb)|DONE' "$log" || true
  if [ "$rc" -ne 0 ]; then
    echo "fuzz_$t: finding (exit $rc); the input is in build/fuzz/artifacts/, the log in $log"
    grep -E -A40 '==[0-9]+==ERROR|runtime error|uncaught exception|deadly signal' "$log" | head -80
  fi
  return "$rc"
}

if [ "$what" = all ]; then
  for t in "${targets[@]}"; do run "$t"; done
else
  run "$what"
fi
