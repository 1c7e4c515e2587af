#!/usr/bin/env bash
# Installs dependencies, builds lnslab (Release) and runs the main job: the quick bit-width study
# (FP32 vs 12/10/8-bit LNS training on Fashion-MNIST, costed on the simulated accelerators).
#   scripts/demo.sh                 quick study into study-out/
#   scripts/demo.sh --full          the whole default study (about an hour on 2 cores)
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release -DLNSLAB_BUILD_TESTS=OFF \
  -DLNSLAB_BUILD_BENCH=OFF >/dev/null
cmake --build build/release -j "$(nproc 2>/dev/null || echo 2)" --target lnslab

mode=--quick
if [ "${1:-}" = "--full" ]; then mode=--full; fi
echo
echo "== lnslab study $mode (runs are cached in study-out/runs: a second call only re-reports)"
build/release/cli/lnslab study $mode --out study-out
echo
echo "The report is study-out/report.md (plots in study-out/plots/, data in study-out/results.csv)."
