#!/usr/bin/env bash
# Usage: test_data_dir.sh /path/to/build/cli/lnslab
# The build tree's lnslab finds its data (README §Install and the data directory) in
# <build>/share/lnslab, from any working directory; LNSLAB_DATA_DIR overrides it; a data
# directory without the file is exit code 2 naming the path searched.
set -u
lnslab=$1
source "$(dirname "$0")/cli_helpers.sh"
cd "$work"
unset LNSLAB_DATA_DIR
share=$(cd "$(dirname "$lnslab")/../share/lnslab" 2>/dev/null && pwd) ||
  fail "no data directory beside the build's lnslab"
[ -f "$share/studies/default.toml" ] || fail "the build did not copy configs/studies/default.toml"

"$lnslab" study --quick --plan --out "$work/q" >"$work/plan" 2>"$work/err" ||
  fail "study --quick --plan from $work: $(cat "$work/err")"
grep -F -q -- "--accelerator $share/studies/../accelerators/lns8.toml" "$work/plan" ||
  fail "the plan is not the default study of $share: $(grep -- --accelerator "$work/plan")"

"$lnslab" train --data synthetic --numerics lns-full --optimizer lns-madam --epochs 1 \
  --train-limit 64 --test-limit 64 --batch 32 --widths 16 --out "$work/t0" >/dev/null \
  2>"$work/err" || fail "train --numerics lns-full: $(cat "$work/err")"
grep -F -q "\"$share/accelerators/lns8.toml\"" "$work/t0/run.json" ||
  fail "run.json does not name $share/accelerators/lns8.toml"

LNSLAB_DATA_DIR="$share" "$lnslab" study --quick --plan --out "$work/q" >/dev/null 2>&1 ||
  fail "LNSLAB_DATA_DIR=$share"

LNSLAB_DATA_DIR="$work/nowhere" "$lnslab" study --quick --plan >/dev/null 2>"$work/err"
rc=$?
[ "$rc" -eq 2 ] || fail "LNSLAB_DATA_DIR without the data: exit $rc, expected 2"
grep -q "$work/nowhere/studies/default.toml" "$work/err" || fail "error lacks the path: $(cat "$work/err")"
grep -q "LNSLAB_DATA_DIR" "$work/err" || fail "error lacks LNSLAB_DATA_DIR: $(cat "$work/err")"

LNSLAB_DATA_DIR="$work/nowhere" "$lnslab" train --data synthetic --numerics lns-full \
  --optimizer lns-madam --epochs 1 --out "$work/t" >/dev/null 2>"$work/err"
rc=$?
[ "$rc" -eq 2 ] || fail "train lns-full without the data: exit $rc, expected 2"
grep -q "$work/nowhere/accelerators/lns8.toml" "$work/err" ||
  fail "train error lacks the path: $(cat "$work/err")"

[ "$failures" -eq 0 ] || exit 1
echo "data directory: ok"
