#!/usr/bin/env bash
# Usage: test_sim_model.sh /path/to/lnslab /path/to/configs
# `lnslab sim --model`: the workload of the network lnslab train builds (nn/workload.hpp): its
# widths, the same numbers as the shipped topology file for the default CNN, and exit code 2 with
# a message for each misuse.
set -u
lnslab=$1
configs=$2
source "$(dirname "$0")/cli_helpers.sh"
lns8="$configs/accelerators/lns8.toml"

# expect_layer NAME PASS MxNxK: a row of the per-layer table.
expect_layer() {
  grep -E -q "^$1 +$2 +$3 " "$work/table" || fail "no row '$1 $2 $3' in: $(cat "$work/table")"
}

# --model cnn --widths 8,16 at batch 4: 8 and 16 channels (28x28 input, conv 5x5 pad 2, pool,
# conv 5x5, pool, classifier from 16x5x5).
"$lnslab" sim "$lns8" --model cnn --widths 8,16 --batch 4 --train >"$work/table" ||
  fail "sim --model cnn --widths 8,16 exit code"
grep -q "workload --model cnn (8 GEMMs, 3 updates, batch 4, training step)" "$work/table" ||
  fail "the header names the model workload: $(head -1 "$work/table")"
expect_layer conv1 forward 3136x8x25
expect_layer conv2 forward 400x16x200
expect_layer fc forward 4x10x400
expect_layer conv2 backward_data 400x200x16
expect_layer fc backward_weight 400x10x4
grep -E -q "^conv1 +backward_data" "$work/table" && fail "conv1 has no dX GEMM (the first layer)"

# A hidden width is a layer of its own; mlp widths likewise.
"$lnslab" sim "$lns8" --model cnn --widths 8,16,64 >"$work/table" || fail "cnn hidden width"
expect_layer fc1 forward 1x64x400
expect_layer fc2 forward 1x10x64
"$lnslab" sim "$lns8" --model mlp --widths 100 --input 1x16x16 --classes 3 >"$work/table" ||
  fail "mlp --input --classes"
expect_layer fc1 forward 1x100x256
expect_layer fc2 forward 1x3x100

# The default models cost exactly what the shipped topology files cost: the JSON reports differ
# only in the workload's source (and the measured simulation time).
for net in cnn mlp; do
  "$lnslab" sim "$lns8" --topology "$configs/topologies/$net.csv" --train --batch 128 \
    --json "$work/csv.json" >/dev/null || fail "sim --topology $net.csv"
  "$lnslab" sim "$lns8" --model "$net" --train --batch 128 --json "$work/model.json" \
    >/dev/null || fail "sim --model $net"
  grep -v -e '"source"' -e '"simulation_ms"' "$work/csv.json" >"$work/a"
  grep -v -e '"source"' -e '"simulation_ms"' "$work/model.json" >"$work/b"
  [ "$(wc -l <"$work/a")" -gt 100 ] || fail "$net: the JSON report is too short"
  diff "$work/a" "$work/b" >"$work/diff" || fail "$net: --model differs from $net.csv: $(head -20 "$work/diff")"
  grep -q '"source": "--model '"$net"'"' "$work/model.json" || fail "$net: workload source"
done

expect_error "without --topology and --gemm" sim "$lns8" --model cnn --topology "$configs/topologies/cnn.csv"
expect_error "without --topology and --gemm" sim "$lns8" --model mlp --gemm 1,2,3
expect_error "--widths describes --model" sim "$lns8" --topology "$configs/topologies/cnn.csv" --widths 8,16
expect_error "--widths describes --model" sim "$lns8" --widths 8,16
expect_error "--input describes --model" sim "$lns8" --gemm 1,2,3 --input 1x16x16
expect_error "two channel counts" sim "$lns8" --model cnn --widths 8
expect_error "at least 12x12" sim "$lns8" --model cnn --input 1x8x8
expect_error "expected CxHxW" sim "$lns8" --model mlp --input 28x28
expect_error "expected CxHxW" sim "$lns8" --model mlp --input 1x28x0
expect_error "--model" sim "$lns8" --model rnn
expect_error "--widths" sim "$lns8" --model mlp --widths 0

[ "$failures" -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "sim --model: all checks passed"
