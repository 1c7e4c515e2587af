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

# --model transformer: the per-position Linear GEMMs at M = batch x context, each sample's and
# head's attention products (P x P x dh scores, P x dh x P values; dh = width / heads) and their
# four gradient GEMMs, and the updates of the five Linear layers and the two embedding tables.
"$lnslab" sim "$lns8" --model transformer --layers 1 --width 16 --heads 4 --context 8 --batch 2 \
  --train >"$work/table" || fail "sim --model transformer exit code"
grep -q "workload --model transformer (63 GEMMs, 7 updates, batch 2, training step)" "$work/table" ||
  fail "transformer header: $(head -1 "$work/table")"
expect_layer block1.attn.qkv forward 16x48x16
expect_layer block1.mlp.up forward 16x64x16
expect_layer head forward 16x256x16
expect_layer head backward_weight 16x256x16
[ "$(grep -E -c "^block1.attn.attention.sc +forward +8x8x4 " "$work/table")" -eq 8 ] ||
  fail "2 samples x 4 heads of Q K^T, 8x8x4: $(grep attention "$work/table" | head -3)"
[ "$(grep -E -c "^block1.attn.attention.va +forward +8x4x8 " "$work/table")" -eq 8 ] ||
  fail "2 samples x 4 heads of P V, 8x4x8"
[ "$(grep -E -c "^block1.attn.attention.d[PVQK] +backward_data +8x[48]x[48] " "$work/table")" -eq 32 ] ||
  fail "four gradient GEMMs per sample and head"
"$lnslab" sim "$lns8" --model transformer --layers 1 --width 16 --heads 4 --context 8 --batch 2 \
  >"$work/table" || fail "sim --model transformer forward"
grep -q "workload --model transformer (21 GEMMs, 0 updates, batch 2)" "$work/table" ||
  fail "the forward GEMMs of the transformer's step: $(head -1 "$work/table")"
# The defaults are lnslab train's (2 layers, width 64, 4 heads, context 64).
"$lnslab" sim "$lns8" --model transformer --batch 32 --train >"$work/table" || fail "defaults"
expect_layer block2.attn.qkv forward 2048x192x64
expect_layer head forward 2048x256x64

# --model cgan --train: both networks' step (G. generator, D. discriminator on real and fake).
"$lnslab" sim "$lns8" --model cgan --train --batch 4 >"$work/table" || fail "sim --model cgan"
grep -q "workload --model cgan (25 GEMMs, 6 updates, batch 4, training step)" "$work/table" ||
  fail "cgan header: $(head -1 "$work/table")"
expect_layer G.fc forward 4x3136x74
expect_layer D.conv1 forward 1568x32x176  # the 2 x 4 real and generated images
expect_layer D.conv1 forward 784x32x176   # the generator's pass through D: 4 images

expect_error "not a multiple of heads" sim "$lns8" --model transformer --width 10 --heads 4
expect_error "--layers applies only to --model transformer" sim "$lns8" --model mlp --layers 2
expect_error "--context applies only to --model transformer" sim "$lns8" --gemm 1,2,3 --context 8
expect_error "--widths does not apply to --model transformer" sim "$lns8" --model transformer --widths 8
expect_error "--input does not apply to --model transformer" sim "$lns8" --model transformer --input 1x8x8
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
