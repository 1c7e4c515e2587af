#!/usr/bin/env bash
# Usage: test_find_package.sh BUILD_DIR CONSUMER_SOURCE_DIR
# Installs the build into a temporary prefix; a separate CMake project finds it with
# find_package(lnslab), and the installed lnslab, run from outside the source and build trees,
# finds its data (the default study and accelerator) in <prefix>/share/lnslab.
set -euo pipefail
build=$1
consumer=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake --install "$build" --prefix "$work/prefix" >/dev/null
cmake -S "$consumer" -B "$work/build" -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/build" >/dev/null
"$work/build/consumer"

fail() {
  echo "FAIL: $*" >&2
  exit 1
}
lnslab=$work/prefix/bin/lnslab
share=$work/prefix/share/lnslab
[ -x "$lnslab" ] || fail "no installed lnslab at $lnslab"
for f in studies/default.toml accelerators/lns8.toml energy/horowitz45.toml topologies/mlp.csv; do
  [ -f "$share/$f" ] || fail "not installed: share/lnslab/$f"
done
mkdir "$work/elsewhere"
cd "$work/elsewhere"
unset LNSLAB_DATA_DIR

# The default study: its plan loads the study, its accelerators (../accelerators/) and their
# energy tables (../energy/) and topologies from the installed tree.
"$lnslab" study --quick --plan --out "$work/q" >"$work/plan" 2>"$work/err" ||
  fail "installed lnslab study --quick --plan: $(cat "$work/err")"
grep -F -q -- "--accelerator $share/studies/../accelerators/lns8.toml" "$work/plan" ||
  fail "the plan's lns-full run is not on the installed accelerator: $(grep -- --accelerator "$work/plan")"

# lns-full without --accelerator: the installed accelerators/lns8.toml (a short synthetic run).
"$lnslab" train --data synthetic --numerics lns-full --optimizer lns-madam --epochs 1 \
  --train-limit 64 --test-limit 64 --batch 32 --widths 16 --out "$work/train" >"$work/train.log" 2>"$work/err" ||
  fail "installed lnslab train --numerics lns-full: $(cat "$work/err")"
grep -q "$share/accelerators/lns8.toml" "$work/train/run.json" ||
  fail "run.json does not name the installed accelerator: $(grep accelerator "$work/train/run.json")"

# A config from the installed tree simulates (its energy table is ../energy/ of it).
"$lnslab" sim "$share/accelerators/lns8.toml" --topology "$share/topologies/mlp.csv" \
  >"$work/sim" 2>"$work/err" || fail "installed lnslab sim: $(cat "$work/err")"

# LNSLAB_DATA_DIR overrides the lookup; a directory without the data: exit 2 naming the path.
LNSLAB_DATA_DIR="$share" "$lnslab" study --quick --plan --out "$work/q" >/dev/null ||
  fail "LNSLAB_DATA_DIR=$share"
set +e
LNSLAB_DATA_DIR="$work/nowhere" "$lnslab" study --quick --plan --out "$work/q" \
  >/dev/null 2>"$work/err"
rc=$?
set -e
[ "$rc" -eq 2 ] || fail "missing data directory: exit $rc, expected 2"
grep -q "$work/nowhere/studies/default.toml" "$work/err" ||
  fail "the error does not name the path searched: $(cat "$work/err")"
grep -q "LNSLAB_DATA_DIR" "$work/err" || fail "the error does not name LNSLAB_DATA_DIR"
echo "installed lnslab finds its data in $share"
