#!/usr/bin/env bash
# Installs dependencies, builds lnslab (Release) and runs the main job.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release -DLNSLAB_BUILD_TESTS=OFF \
  -DLNSLAB_BUILD_BENCH=OFF >/dev/null
cmake --build build/release -j "$(nproc 2>/dev/null || echo 2)" --target lnslab

echo
echo "== The Madam paper's formats (12/10/8-bit, base 1+eta0) and the LNS-Madam base 2^(1/8)"
build/release/cli/lnslab format lns12:eta0=0.001 lns10:eta0=0.004 lns8:eta0=0.016 lns8:gamma=8 --stats
