#!/usr/bin/env bash
# Builds lnslab-bench (Release) and runs it; prints each LNS family's items_per_second as a ratio
# to the fp32 family of the same op and arguments from the same run.
# Usage: scripts/bench.sh [build-dir] [extra google-benchmark flags...]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build-bench}"
shift || true
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DLNSLAB_BUILD_TESTS=OFF \
  -DLNSLAB_BUILD_CLI=OFF -DLNSLAB_BUILD_BENCH=ON >/dev/null
cmake --build "$build" --target lnslab-bench -j2 >/dev/null
csv="$(mktemp)"
trap 'rm -f "$csv"' EXIT
echo "machine: $(lscpu | sed -n 's/^Model name: *//p') ($(nproc) cpus); compiler: $(c++ --version | head -1)"
echo "revision: $(git -C "$root" rev-parse --short=12 HEAD)$(git -C "$root" diff --quiet HEAD -- lns bench || echo ' (with uncommitted changes)')"

# One table per kernel ISA: the best the CPU has (AVX-512 where available), then capped at AVX2
# when the best is wider. The fp32 elementwise baselines follow the same ISA (bench_main.cpp).
ratio_table() {
  awk -F, '
    /^name,/ { for (i = 1; i <= NF; i++) col[$i] = i; next }
    col["items_per_second"] && $1 ~ /^"/ {
      name = $1; gsub(/"/, "", name); ips = $col["items_per_second"] + 0;
      sub(/\/real_time$/, "", name);
      n = split(name, p, "/"); op = p[1]; type = p[2]; args = "";
      for (i = 3; i <= n; i++) args = args "/" p[i];
      order[++count] = name; rate[name] = ips; opof[name] = op; typeof_[name] = type; argsof[name] = args;
      if (type ~ /^fp32/ && !((op, args) in base)) { base[op, args] = ips; basename[op, args] = op "/" type args }
    }
    END {
      printf "%-40s %14s  %-36s %8s\n", "benchmark", "items/s", "baseline", "ratio";
      for (k = 1; k <= count; k++) {
        nm = order[k]; key = opof[nm] SUBSEP argsof[nm];
        if (typeof_[nm] ~ /^fp32/ || !(key in base)) { printf "%-40s %14.4g\n", nm, rate[nm]; continue }
        printf "%-40s %14.4g  %-36s %7.3fx\n", nm, rate[nm], basename[key], rate[nm] / base[key];
      }
    }' "$1"
}

for isa in best avx2; do
  "$build/bench/lnslab-bench" --lnslab_isa=$isa --benchmark_min_time=0.2 --benchmark_format=csv \
    "$@" >"$csv" 2>"$csv.err"
  used="$(sed -n 's/^lnslab_kernel_isa: *//p' "$csv.err" | head -1)"
  rm -f "$csv.err"
  if [ "$isa" = avx2 ] && [ "$used" != avx2 ]; then break; fi  # no AVX2 on this CPU
  echo
  echo "== kernel ISA: ${used:-unknown} (--lnslab_isa=$isa)"
  ratio_table "$csv"
  if [ "$used" != avx512 ]; then break; fi  # best was already AVX2 or portable
done
