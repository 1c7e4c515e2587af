#!/usr/bin/env bash
# `lnslab train` as a user runs it (synthetic data, so it is fast): output files, a resumed run
# equal to an uninterrupted one, exit code 2 and no output files on bad input.
# Usage: test_train_cli.sh /path/to/lnslab
set -u
lnslab=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
check() { if ! eval "$2"; then echo "FAIL: $1"; fail=1; fi; }

common=(--data synthetic --widths 32 --batch 64 --seed 5 --schedule step=2)

"$lnslab" train "${common[@]}" --epochs 3 --optimizer lns-madam --format lns10:eta0=0.004 \
  --out "$work/full" > "$work/full.log" 2>&1
check "uninterrupted run succeeds" '[ $? -eq 0 ]'
check "metrics.csv header" 'head -1 "$work/full/metrics.csv" | grep -qx "epoch,lr,train_loss,train_accuracy,test_loss,test_accuracy,seconds"'
check "metrics.csv has 3 epochs" '[ $(wc -l < "$work/full/metrics.csv") -eq 4 ]'
check "run.json final_test_accuracy in [0, 1]" 'grep -Eq "\"final_test_accuracy\": (0\.[0-9]+|1|1\.0)," "$work/full/run.json"'
check "run.json records the seed and revision" 'grep -q "\"seed\": 5" "$work/full/run.json" && grep -q git_revision "$work/full/run.json"'
check "checkpoint written" '[ -s "$work/full/checkpoint.lnsck" ]'
check "no temporary files left" '[ -z "$(ls "$work/full" | grep tmp)" ]'
check "plain lines when not a terminal" 'grep -q "^epoch 3/3 " "$work/full.log"'

"$lnslab" train "${common[@]}" --epochs 2 --optimizer lns-madam --format lns10:eta0=0.004 \
  --out "$work/part" > /dev/null 2>&1
"$lnslab" train --resume "$work/part/checkpoint.lnsck" --epochs 3 --out "$work/part" > "$work/resume.log" 2>&1
check "resume succeeds" '[ $? -eq 0 ]'
check "resumed metrics equal the uninterrupted ones (all but seconds)" \
  'diff <(cut -d, -f1-6 "$work/full/metrics.csv") <(cut -d, -f1-6 "$work/part/metrics.csv") > /dev/null'

"$lnslab" train "${common[@]}" --epochs 1 --optimizer lion --out "$work/lion" > "$work/lion.log" 2>&1
check "an optimizer added in its own file trains (lion)" '[ $? -eq 0 ] && grep -q "\"optimizer\": \"lion\"" "$work/lion/run.json"'

expect_input_error() {  # name, expected message part, args...
  local name=$1 part=$2
  shift 2
  rm -rf "$work/bad"
  "$lnslab" train "$@" --out "$work/bad" > "$work/bad.log" 2>&1
  local rc=$?
  check "$name: exit code 2 (got $rc)" '[ $rc -eq 2 ]'
  check "$name: message names the problem" 'grep -q -- "$part" "$work/bad.log"'
  check "$name: no output files" '[ ! -e "$work/bad/metrics.csv" ] && [ ! -e "$work/bad/run.json" ]'
}
expect_input_error "unknown optimizer" "unknown optimizer 'rmsprop'" --data synthetic --optimizer rmsprop
expect_input_error "bad format spec" "--format" --data synthetic --optimizer lns-madam --format lns8:eta=0.1
expect_input_error "lr not a multiple of eta0" "integer multiple" --data synthetic --optimizer lns-madam --lr 0.01
expect_input_error "a setting Madam does not take" "--momentum: does not apply to optimizer 'madam'" --data synthetic --optimizer madam --momentum 0.5
expect_input_error "a setting SGD does not take" "--g-bound" --data synthetic --optimizer sgd --g-bound 5
expect_input_error "a format for an FP32 run" "--format: does not apply to optimizer 'adam'" --data synthetic --optimizer adam --format lns10:eta0=0.004
expect_input_error "rounding for LNS Madam" "--rounding: does not apply to optimizer 'lns-madam'" --data synthetic --optimizer lns-madam --rounding nearest
expect_input_error "bad schedule" "step=x" --data synthetic --schedule step=x
expect_input_error "missing data" "no file" --data "$work/nowhere"
mkdir -p "$work/baddata"
printf 'garbage' > "$work/baddata/train-images-idx3-ubyte"
printf 'garbage' > "$work/baddata/train-labels-idx1-ubyte"
expect_input_error "malformed IDX" "truncated header" --data "$work/baddata"
printf 'LNSLABCK garbage' > "$work/corrupt.lnsck"
expect_input_error "corrupt checkpoint" "--resume" --resume "$work/corrupt.lnsck" --epochs 5
expect_input_error "resume with a different setting" "lr" --resume "$work/part/checkpoint.lnsck" --epochs 5 --lr 0.032
expect_input_error "resume of a finished run" "already completed 3 epochs" --resume "$work/part/checkpoint.lnsck"
expect_input_error "an unknown --isa" "isa 'sse9'" "${common[@]}" --epochs 1 --isa sse9

# The ISA of the float products is recorded, and a checkpoint resumes only at its own.
"$lnslab" train "${common[@]}" --epochs 1 --optimizer adam --isa portable --out "$work/isa" > /dev/null 2>&1
check "--isa portable trains and is recorded" '[ $? -eq 0 ] && grep -q "\"isa\": \"portable\"" "$work/isa/run.json"'
"$lnslab" train "${common[@]}" --epochs 1 --optimizer adam --out "$work/isa-best" > "$work/isa-best.log" 2>&1
check "--isa best records a concrete ISA" 'grep -Eq "\"isa\": \"(avx512|avx2|portable)\"" "$work/isa-best/run.json" && grep -Eq "isa (avx512|avx2|portable)$" "$work/isa-best.log"'
if ! grep -q '"isa": "portable"' "$work/isa-best/run.json"; then
  expect_input_error "resume at another ISA" "isa" --resume "$work/isa/checkpoint.lnsck" --epochs 2 --isa best
else
  echo "note: this CPU runs only the portable ISA; resume at another ISA not checked"
fi

# The class-conditional GAN: sample grids, scores with the classifier's hash, bit-identical resume.
gan_data=(--model cgan --data synthetic --train-limit 256 --batch 64 --seed 2
  --score-cache "$work/cache")
gan=("${gan_data[@]}" --widths 4 --optimizer adam --lr 2e-4)
"$lnslab" train "${gan[@]}" --epochs 2 --out "$work/gan" > "$work/gan.log" 2>&1
check "cgan run succeeds" '[ $? -eq 0 ]'
check "cgan: the classifier is trained once and cached" 'ls "$work/cache"/feature-classifier-*.lnsck > /dev/null'
check "cgan: a PNG grid per epoch" 'for e in 1 2; do [ "$(head -c 8 "$work/gan/samples-epoch-$e.png" | od -An -tx1 | tr -d " ")" = 89504e470d0a1a0a ] || exit 1; done'
check "cgan: metrics.csv header" 'head -1 "$work/gan/metrics.csv" | grep -qx "epoch,lr,discriminator_loss,discriminator_accuracy,generator_loss,frechet_distance,sample_class_accuracy,seconds"'
check "cgan: run.json has the scores and the classifier hash" 'grep -q "\"frechet_distance\"" "$work/gan/run.json" && grep -q "\"feature_classifier_hash\": \"crc32:" "$work/gan/run.json" && grep -q "\"initial_metrics\"" "$work/gan/run.json"'
"$lnslab" train "${gan[@]}" --epochs 1 --out "$work/gan-part" > "$work/gan-part.log" 2>&1
check "cgan: the second run loads the cached classifier" 'grep -q "^feature classifier: .*(crc32:" "$work/gan-part.log" && ! grep -q "training it once" "$work/gan-part.log"'
"$lnslab" train --resume "$work/gan-part/checkpoint.lnsck" --epochs 2 --score-cache "$work/cache" --out "$work/gan-part" > /dev/null 2>&1
check "cgan: resumed metrics equal the uninterrupted ones (all but seconds)" \
  'diff <(cut -d, -f1-7 "$work/gan/metrics.csv") <(cut -d, -f1-7 "$work/gan-part/metrics.csv") > /dev/null'
check "cgan: resumed grid equals the uninterrupted one" 'cmp -s "$work/gan/samples-epoch-2.png" "$work/gan-part/samples-epoch-2.png"'
expect_input_error "score cache for a classifier" "--score-cache: applies to --model cgan only" --data synthetic --score-cache "$work/cache"
expect_input_error "cgan with lns-full" "not lns-full" "${gan_data[@]}" --optimizer lns-madam --numerics lns-full
expect_input_error "cgan with a validation split" "no validation split" "${gan[@]}" --validation 0.1
expect_input_error "cgan with two widths" "one positive base width" "${gan_data[@]}" --widths 4,8

exit $fail
