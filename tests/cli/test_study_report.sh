#!/usr/bin/env bash
# Usage: test_study_report.sh /path/to/lnslab /path/to/configs
# lnslab study --report-only prints the tables a finished study printed, from the run records in
# its out directory, without training and without writing a file; a missing record is exit code 2
# naming the run; options that do not apply are refused.
set -u
lnslab=$1
configs=$2
source "$(dirname "$0")/cli_helpers.sh"
study=$configs/studies/tiny.toml

"$lnslab" study "$study" --out "$work/sout" --jobs 2 >"$work/study.txt" 2>"$work/err" ||
  fail "tiny study: $(cat "$work/err")"
# The study's printed tables: from the first table line up to the blank line before "report:".
sed -n '/^| configuration/,/^report: /p' "$work/study.txt" | sed '$d' | sed '$d' >"$work/tables.txt"
[ -s "$work/tables.txt" ] || fail "the study printed no tables"
before=$(cd "$work" && find sout -type f | sort | xargs md5sum)

"$lnslab" study "$study" --out "$work/sout" --report-only >"$work/report.txt" 2>"$work/err" ||
  fail "--report-only: $(cat "$work/err")"
diff "$work/tables.txt" "$work/report.txt" >"$work/diff" ||
  fail "--report-only differs from the study's tables: $(head -5 "$work/diff")"
after=$(cd "$work" && find sout -type f | sort | xargs md5sum)
[ "$before" = "$after" ] || fail "--report-only changed or wrote files in the out directory"

# A run without its record: exit 2 naming it, nothing printed.
victim=$(cd "$work/sout/runs" && ls | head -1)
rm "$work/sout/runs/$victim/run.json"
expect_error "$victim" study "$study" --out "$work/sout" --report-only
expect_error "1 of 4 runs have no record" study "$study" --out "$work/sout" --report-only
"$lnslab" study "$study" --out "$work/sout" --report-only >"$work/partial.txt" 2>/dev/null
[ ! -s "$work/partial.txt" ] || fail "--report-only printed tables with a record missing"

expect_error "--jobs does not apply to --report-only" study "$study" --out "$work/sout" --report-only --jobs 2
expect_error "--report-only and --plan exclude each other" study "$study" --out "$work/sout" --report-only --plan
expect_error "--launcher mpi does not apply to --report-only" study "$study" --out "$work/sout" --report-only --launcher mpi

[ "$failures" -eq 0 ] && echo "study --report-only: all checks passed"
[ "$failures" -eq 0 ]
