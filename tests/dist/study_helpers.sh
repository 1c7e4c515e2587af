# Shared by the tests/dist study scripts (sourced after cli_helpers.sh, with $same and $here):
# the comparison of two study output directories.

# same_study A B: the report, results and every run's record, metrics and checkpoint agree
# except for timings and provenance (without_timings.py); names the first file that differs.
same_study() {
  local a=$1 b=$2 f rel
  for f in report.md results.csv results.json; do
    [ -f "$a/$f" ] && [ -f "$b/$f" ] || { fail "$f missing in $a or $b"; return; }
  done
  for f in "$a/report.md" "$a/results.csv" "$a/results.json" "$a"/runs/*/run.json "$a"/runs/*/metrics.csv; do
    rel=${f#"$a"/}
    cmp -s <(python3 "$here/without_timings.py" "$f") <(python3 "$here/without_timings.py" "$b/$rel") ||
      fail "$rel differs: $(diff <(python3 "$here/without_timings.py" "$f") <(python3 "$here/without_timings.py" "$b/$rel") | head -5)"
  done
  for f in "$a"/runs/*/checkpoint.lnsck; do
    rel=${f#"$a"/}
    "$same" "$f" "$b/$rel" >/dev/null || fail "$rel: training state differs"
  done
  [ "$(ls "$a/runs")" = "$(ls "$b/runs")" ] || fail "run directories differ: $(ls "$a/runs") vs $(ls "$b/runs")"
}
