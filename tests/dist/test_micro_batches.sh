#!/usr/bin/env bash
# lnslab train --micro-batches 6 on 1, 2 and 3 MPI ranks (and with no mpirun) gives the same
# training state (parameter bits, optimizer state, losses) for several optimizers and numerics,
# with batch norm, and when a run is resumed on another number of ranks.
#   test_micro_batches.sh MPIRUN LNSLAB SAME_TRAINING_STATE
set -u
mpirun=$1
lnslab=$2
same=$3
source "$(dirname "$0")/../cli/cli_helpers.sh"
source "$(dirname "$0")/mpi_helpers.sh"

common=(--data synthetic --train-limit 600 --test-limit 200 --batch 64)
base=("${common[@]}" --micro-batches 6)
# Each configuration: a name and its options (every optimizer family, lns-weights, batch norm).
configs=(
  "adam|--optimizer adam --epochs 2"
  "sgd-bn|--optimizer sgd --batchnorm --epochs 2"
  "lns-madam|--optimizer lns-madam --format lns8:eta0=0.016 --epochs 2"
  "lns-adam-stochastic|--optimizer lns-adam --rounding stochastic --epochs 2"
)
for entry in "${configs[@]}"; do
  name=${entry%%|*}
  read -r -a opts <<<"${entry#*|}"
  "$lnslab" train "${base[@]}" "${opts[@]}" --out "$work/$name-alone" >"$work/$name-alone.log" 2>&1 ||
    fail "$name: train without mpirun failed: $(tail -3 "$work/$name-alone.log")"
  for n in 1 2 3; do
    mpi -n "$n" "$lnslab" train "${base[@]}" "${opts[@]}" --out "$work/$name-n$n" \
      >"$work/$name-n$n.log" 2>&1 || fail "$name: mpirun -n $n failed: $(tail -3 "$work/$name-n$n.log")"
    "$same" "$work/$name-alone/checkpoint.lnsck" "$work/$name-n$n/checkpoint.lnsck" >/dev/null ||
      fail "$name: -n $n differs from the run without mpirun"
  done
done

# The test can tell runs apart: 6 micro-batches are not the whole batch at once (the gradient is
# summed in another order, batch norm sees smaller batches).
"$lnslab" train "${common[@]}" --optimizer sgd --batchnorm --epochs 2 \
  --out "$work/whole" >/dev/null 2>&1 || fail "train without micro-batches failed"
"$same" "$work/sgd-bn-alone/checkpoint.lnsck" "$work/whole/checkpoint.lnsck" >/dev/null &&
  fail "micro-batches 6 and the whole batch give the same state: the comparison sees nothing"

# lns-full: every product on the simulated accelerator; simulated totals are every rank's.
full=(--data synthetic --train-limit 256 --test-limit 64 --batch 64 --micro-batches 6
  --optimizer lns-madam --numerics lns-full --epochs 1)
"$lnslab" train "${full[@]}" --out "$work/full-alone" >"$work/full.log" 2>&1 ||
  fail "lns-full without mpirun failed: $(tail -3 "$work/full.log")"
mpi -n 2 "$lnslab" train "${full[@]}" --out "$work/full-n2" >"$work/full2.log" 2>&1 ||
  fail "lns-full on 2 ranks failed: $(tail -3 "$work/full2.log")"
"$same" "$work/full-alone/checkpoint.lnsck" "$work/full-n2/checkpoint.lnsck" ||
  fail "lns-full: -n 2 differs from the run without mpirun"
steps() { grep -o '"cycles_per_step": *[0-9.e+]*' "$1/run.json"; }
[ -n "$(steps "$work/full-alone")" ] && [ "$(steps "$work/full-alone")" = "$(steps "$work/full-n2")" ] ||
  fail "lns-full: simulated cycles per step differ: $(steps "$work/full-alone") vs $(steps "$work/full-n2")"

# Resume on another number of ranks: 1 epoch on 2 ranks, the second on 3 = 2 epochs on 1.
mpi -n 2 "$lnslab" train "${base[@]}" --optimizer adam --epochs 1 --out "$work/part" \
  >"$work/part.log" 2>&1 || fail "first epoch on 2 ranks failed: $(tail -3 "$work/part.log")"
mpi -n 3 "$lnslab" train --resume "$work/part/checkpoint.lnsck" --epochs 2 --out "$work/part" \
  >"$work/resume.log" 2>&1 || fail "resume on 3 ranks failed: $(tail -3 "$work/resume.log")"
"$same" "$work/adam-alone/checkpoint.lnsck" "$work/part/checkpoint.lnsck" ||
  fail "2 ranks then 3 (resumed) differ from one process"

# Misuse: exit 2 with a message naming the input.
mpi -n 4 "$lnslab" train "${base[@]}" --epochs 1 --out "$work/bad4" >"$work/bad4.log" 2>&1
rc=$?
[ "$rc" -eq 2 ] || fail "6 micro-batches on 4 ranks exited $rc, expected 2"
[ "$(grep -c "cannot be shared by 4 processes" "$work/bad4.log")" -eq 4 ] ||
  fail "4 ranks: not every rank refused: $(cat "$work/bad4.log")"
[ -e "$work/bad4" ] && fail "6 micro-batches on 4 ranks left an output directory"
mpi -n 2 "$lnslab" train --data synthetic --epochs 1 --out "$work/bad-none" >"$work/none.log" 2>&1
rc=$?
[ "$rc" -eq 2 ] || fail "2 ranks without --micro-batches exited $rc, expected 2"
grep -q "needs --micro-batches" "$work/none.log" || fail "no --micro-batches: $(cat "$work/none.log")"
expect_error "micro-batches 0 must be in" train --data synthetic --micro-batches 0 --out "$work/z"
mpi -n 2 "$lnslab" train --resume "$work/missing.lnsck" --epochs 2 >"$work/missing.log" 2>&1
rc=$?
[ "$rc" -eq 2 ] || fail "resume of a missing checkpoint on 2 ranks exited $rc, expected 2"
[ "$(grep -c "missing.lnsck" "$work/missing.log")" -eq 2 ] ||
  fail "missing checkpoint: not both ranks refused: $(cat "$work/missing.log")"

[ "$failures" -eq 0 ] && echo "micro-batches: all checks passed"
exit $((failures > 0))
