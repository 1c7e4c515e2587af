#!/usr/bin/env bash
# Installs dependencies, builds lnslab and runs every test and the docs check (scripts/docs.sh
# --check: every produced block of README.md and docs/ against its command); then builds and runs
# the test suite once more under AddressSanitizer + UndefinedBehaviorSanitizer, then runs every
# libFuzzer target of tests/fuzz for a few seconds. Exits non-zero on any failure.
#   scripts/test.sh            all three
#   LNSLAB_SKIP_SANITIZE=1 scripts/test.sh   only the Release pass (no sanitizers, no fuzzing)
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh

jobs=$(nproc 2>/dev/null || echo 2)

echo "== Release build with -Werror"
cmake -S . -B build/test-release -DCMAKE_BUILD_TYPE=Release -DLNSLAB_WERROR=ON \
  -DLNSLAB_BUILD_BENCH=ON >/dev/null
cmake --build build/test-release -j "$jobs"
ctest --test-dir build/test-release --output-on-failure -j "$jobs"
echo "== docs blocks produced by commands (scripts/docs.sh --check, this build's lnslab)"
scripts/docs.sh --check --bin build/test-release/cli/lnslab

if [ "${LNSLAB_SKIP_SANITIZE:-0}" != "1" ]; then
  echo "== AddressSanitizer + UndefinedBehaviorSanitizer build"
  # -O1 without debug info keeps the sanitizer build quick on 2 cores.
  cmake -S . -B build/test-asan -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG=-O1 -DLNSLAB_WERROR=ON \
    -DLNSLAB_SANITIZE=ON -DLNSLAB_BUILD_BENCH=OFF >/dev/null
  cmake --build build/test-asan -j "$jobs"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --test-dir build/test-asan --output-on-failure -j "$jobs" -LE slow

  echo "== libFuzzer targets (clang, ASan + UBSan), ${LNSLAB_FUZZ_SECONDS:-8} s each"
  scripts/fuzz.sh all "${LNSLAB_FUZZ_SECONDS:-8}"
fi

echo "== all tests passed"
