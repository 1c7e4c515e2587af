#!/usr/bin/env bash
# Usage: test_lns_commands.sh /path/to/lnslab
# Checks `lnslab format` and `lnslab closure`: outputs, exit code 2 with a message naming the
# problem for each class of bad input, and no partial output file.
set -u
lnslab=$1
source "$(dirname "$0")/cli_helpers.sh"

"$lnslab" --version | grep -q "lnslab" || fail "--version"
"$lnslab" --help | grep -q "format" || fail "--help lists the subcommands"
"$lnslab" format --help | grep -q -- "--dump" || fail "format --help"

out=$("$lnslab" format lns8:eta0=0.016 lns12:eta0=0.001 fp16) || fail "format exit code"
echo "$out" | grep -q "lns12:eta0=0.001" || fail "format prints the spec"
echo "$out" | grep -E -q "largest magnitude +2.71834" || fail "format: lns8 largest magnitude"

"$lnslab" format lns4:gamma=1 --dump >"$work/dump.csv" || fail "format --dump"
[ "$(head -1 "$work/dump.csv")" = "code,sign,k,value" ] || fail "dump header"
[ "$(wc -l <"$work/dump.csv")" -eq 17 ] || fail "dump has 16 codes"
grep -q "^9,1,1,-0.125$" "$work/dump.csv" || fail "dump: code 9 of lns4:gamma=1 is -2^(1-4)"

"$lnslab" format lns8:gamma=8 --json "$work/f.json" >/dev/null || fail "format --json"
grep -q '"sum_table_entries"' "$work/f.json" || fail "format json content"

"$lnslab" closure lns8:eta0=0.016 --op add --csv "$work/add.csv" >"$work/summary" ||
  fail "closure exit code"
[ "$(wc -l <"$work/add.csv")" -eq 65537 ] || fail "closure csv: 65536 rows and a header"
grep -q "65536 pairs" "$work/summary" || fail "closure summary"
grep -q "^64,64," "$work/add.csv" || fail "closure csv row 64,64"

# Bad input: each class gets exit code 2 and a message naming the problem.
expect_error "out of range" format lns20:eta0=0.1
expect_error "eta0" format lns8:eta0=-1
expect_error "base" format lns8:base=1
expect_error "unknown" format fp64
expect_error "unknown key" format lns8:eta0=0.1,speed=2
expect_error "--op" closure lns8:eta0=0.016 --op pow
expect_error "at most 12 bits" closure lns16:eta0=0.001 --op add
expect_error "adder" closure lns8:eta0=0.016 --op add --adder magic
expect_error "spec" format
mkdir -p "$work/ro" && chmod 555 "$work/ro"
if [ "$(id -u)" -ne 0 ]; then
  expect_error "cannot write" closure lns8:eta0=0.016 --op add --csv "$work/ro/x.csv"
fi
expect_error "cannot write" closure lns8:eta0=0.016 --op add --csv "$work/missing-dir/x.csv"
[ ! -e "$work/missing-dir/x.csv" ] || fail "no partial file"
# A failing run leaves no partial CSV: the bad op is detected before any output.
expect_error "--op" closure lns8:eta0=0.016 --op nope --csv "$work/none.csv"
[ ! -e "$work/none.csv" ] || fail "no output file on error"

[ "$failures" -eq 0 ] && echo "all CLI checks passed"
exit $((failures > 0))
