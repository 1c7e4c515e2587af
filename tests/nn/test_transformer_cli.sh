#!/usr/bin/env bash
# `lnslab train --model transformer` and `lnslab generate` as a user runs them, on a small
# generated text (seconds): output files, a resumed run equal to an uninterrupted one, generated
# text, and exit code 2 with a message and no output files on bad input.
# Usage: test_transformer_cli.sh /path/to/lnslab
set -u
lnslab=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
check() { if ! eval "$2"; then echo "FAIL: $1"; fail=1; fi; }

# 60 short fortunes: 54 train, 6 validation.
for i in $(seq 1 60); do printf 'the cat %d sat on the mat.\nthe dog ran away.\n%%\n' $((i % 7)); done > "$work/corpus.txt"
shape=(--model transformer --data "$work/corpus.txt" --layers 1 --width 16 --batch 8 --seed 3)
tiny=("${shape[@]}" --heads 2 --context 16)

"$lnslab" train "${tiny[@]}" --epochs 2 --optimizer adam --lr 0.01 --out "$work/full" > "$work/full.log" 2>&1
check "transformer run succeeds" '[ $? -eq 0 ]'
check "metrics.csv header" 'head -1 "$work/full/metrics.csv" | grep -qx "epoch,lr,train_loss,train_bits_per_char,train_accuracy,val_loss,val_bits_per_char,val_perplexity_per_char,val_accuracy,seconds,tokens_per_second"'
check "metrics.csv has 2 epochs" '[ $(wc -l < "$work/full/metrics.csv") -eq 3 ]'
check "run.json has the validation bits/char and the unigram baseline" \
  'grep -q "\"final_val_bits_per_char\"" "$work/full/run.json" && grep -q "\"unigram_val_bits_per_char\"" "$work/full/run.json"'
check "run.json records the transformer sizes" 'grep -q "\"context\": 16" "$work/full/run.json" && grep -q "\"heads\": 2" "$work/full/run.json"'
check "the log states the corpus split and the epoch" 'grep -q "54 documents" "$work/full.log" && grep -q "windows of 16 characters" "$work/full.log"'

"$lnslab" train "${tiny[@]}" --epochs 1 --optimizer adam --lr 0.01 --out "$work/part" > /dev/null 2>&1
"$lnslab" train --resume "$work/part/checkpoint.lnsck" --epochs 2 --out "$work/part" > /dev/null 2>&1
check "resume succeeds" '[ $? -eq 0 ]'
check "resumed metrics equal the uninterrupted ones (all but seconds and tokens/s)" \
  'diff <(cut -d, -f1-9 "$work/full/metrics.csv") <(cut -d, -f1-9 "$work/part/metrics.csv") > /dev/null'

"$lnslab" train "${tiny[@]}" --epochs 1 --optimizer lns-madam --format lns8:eta0=0.016 --out "$work/lns" > /dev/null 2>&1
check "LNS Madam trains the transformer" '[ $? -eq 0 ] && grep -q "\"storage\": \"lns8:eta0=0.016" "$work/lns/run.json"'

"$lnslab" generate --checkpoint "$work/full/checkpoint.lnsck" --prompt "the " --tokens 40 --seed 2 > "$work/gen1" 2>&1
check "generate succeeds" '[ $? -eq 0 ]'
check "generate prints the prompt and 40 more characters" '[ $(head -c 4 "$work/gen1") = "the" ] && [ $(wc -c < "$work/gen1") -ge 45 ]'
"$lnslab" generate --checkpoint "$work/full/checkpoint.lnsck" --prompt "the " --tokens 40 --seed 2 > "$work/gen2" 2>&1
check "generate is deterministic per seed" 'cmp -s "$work/gen1" "$work/gen2"'

expect_input_error() {  # name, expected message part, args...
  local name=$1 part=$2
  shift 2
  rm -rf "$work/bad"
  "$lnslab" "$@" --out "$work/bad" > "$work/bad.log" 2>&1
  local rc=$?
  check "$name: exit code 2 (got $rc)" '[ $rc -eq 2 ]'
  check "$name: message names the problem" 'grep -q -- "$part" "$work/bad.log"'
  check "$name: no output files" '[ ! -e "$work/bad/metrics.csv" ] && [ ! -e "$work/bad/run.json" ]'
}
expect_input_error "missing corpus" "no such file or directory" train --model transformer --data "$work/nowhere"
: > "$work/empty.txt"
expect_input_error "empty corpus" "empty" train --model transformer --data "$work/empty.txt"
printf 'one\n%%\ntwo\n' > "$work/few.txt"
expect_input_error "too few documents for validation" "too few" train --model transformer --data "$work/few.txt"
expect_input_error "context longer than the text" "not more than the context of 512" train "${shape[@]}" --heads 2 --context 512
expect_input_error "width not a multiple of heads" "not a multiple of heads" train "${shape[@]}" --heads 3 --context 16
expect_input_error "a transformer option for the mlp" "--context: applies only to --model transformer" train --data synthetic --context 32
expect_input_error "an mlp option for the transformer" "--widths: does not apply to --model transformer" train "${tiny[@]}" --widths 32
expect_input_error "micro-batches for the transformer" "--micro-batches: does not apply to --model transformer" train "${tiny[@]}" --micro-batches 2
expect_input_error "a validation fraction for the transformer" "--validation: does not apply" train "${tiny[@]}" --validation 0.1
expect_input_error "unknown model" "expected mlp, cnn, transformer or cgan" train --data synthetic --model rnn

gen_error() {  # name, expected message part, args...
  local name=$1 part=$2
  shift 2
  "$lnslab" generate "$@" > "$work/gen.log" 2>&1
  local rc=$?
  check "$name: exit code 2 (got $rc)" '[ $rc -eq 2 ]'
  check "$name: message names the problem" 'grep -q -- "$part" "$work/gen.log"'
}
gen_error "generate: missing checkpoint" "expected a checkpoint file" --checkpoint "$work/none.lnsck" --prompt a
gen_error "generate: empty prompt" "--prompt: empty" --checkpoint "$work/full/checkpoint.lnsck" --prompt ""
gen_error "generate: no tokens" "--tokens 0" --checkpoint "$work/full/checkpoint.lnsck" --prompt a --tokens 0
"$lnslab" train --data synthetic --widths 8 --epochs 1 --out "$work/mlp" > /dev/null 2>&1
gen_error "generate: an mlp checkpoint" "holds a mlp model" --checkpoint "$work/mlp/checkpoint.lnsck" --prompt a

"$lnslab" bound --checkpoint "$work/full/checkpoint.lnsck" > "$work/bound.log" 2>&1
check "lnslab bound refuses a transformer checkpoint" '[ $? -eq 2 ] && grep -q "holds a transformer" "$work/bound.log"'

# The study grid of the Madam paper's language-model row (needs the fortunes package).
study=$(dirname "$0")/../../configs/studies/transformer.toml
"$lnslab" study "$study" --plan --out "$work/study" > "$work/plan" 2>&1
check "transformer study plan lists its 45 runs" '[ $? -eq 0 ] && grep -q "^45 runs" "$work/plan" && [ $(grep -c " to-run lnslab train --model transformer" "$work/plan") -eq 45 ]'
check "the plan passes no image limits to the transformer" '! grep -q -- "--train-limit" "$work/plan"'
"$lnslab" study "$study" --plan --quick --out "$work/study" > "$work/plan" 2>&1
check "quick transformer study: 15 runs of one epoch" '[ $? -eq 0 ] && grep -q "^15 runs" "$work/plan" && [ $(grep -c -- "--epochs 1 " "$work/plan") -eq 15 ]'

exit $fail
