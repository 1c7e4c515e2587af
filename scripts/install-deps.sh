#!/usr/bin/env bash
# Installs the Debian 12 packages lnslab needs to build, test and run its demo.
# Idempotent: when every package is already installed it does nothing (no apt-get update).
set -euo pipefail

packages=(
  g++ cmake make pkg-config
  libeigen3-dev libfmt-dev catch2 libbenchmark-dev libcli11-dev
  libtomlplusplus-dev zlib1g-dev nlohmann-json3-dev libpng-dev
  gnuplot-nox dataset-fashion-mnist clang-format git
  fortunes                  # English text for the transformer (/usr/share/games/fortunes)
  clang libclang-rt-14-dev  # libFuzzer and the sanitizer runtimes (scripts/fuzz.sh)
  python3                   # scripts/mutants.sh
  strace                    # kill -9 at each write (tests/crash)
  pybind11-dev python3-dev python3-numpy python3-pytest python3-torch
  # python3-torch calls the system BLAS: OpenBLAS instead of the reference BLAS (about 5x faster).
  libopenblas0-pthread
  libopenmpi-dev openmpi-bin  # studies and data-parallel training across MPI ranks (docs/distributed.md)
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  sudo_cmd=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
