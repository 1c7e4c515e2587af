#!/usr/bin/env bash
# mpirun -n 3 lnslab study --launcher mpi: rank 0 hands a tiny synthetic study's runs to 2 worker
# ranks and writes everything; the report equals the local study's (timings and provenance
# aside). A bad study is refused on every rank with exit 2 before any run; misuse exits 2.
#   test_study_ranks.sh MPIRUN LNSLAB SAME_TRAINING_STATE SOURCE_DIR
set -u
mpirun=$1
lnslab=$2
same=$3
here=$4
source "$here/../cli/cli_helpers.sh"
source "$here/mpi_helpers.sh"
source "$here/study_helpers.sh"

study=$here/../../configs/studies/tiny.toml
mkdir -p "$work/local" "$work/mpi" "$work/tmp"
(cd "$work/local" && "$lnslab" study "$study" --out out --jobs 2 >log.txt 2>&1) ||
  fail "local study failed: $(tail -3 "$work/local/log.txt")"
(cd "$work/mpi" && TMPDIR="$work/tmp" mpi -n 3 "$lnslab" study "$study" --out out --launcher mpi >log.txt 2>&1) ||
  fail "study on 3 ranks failed: $(tail -5 "$work/mpi/log.txt")"
grep -q "4 runs on 2 worker ranks" "$work/mpi/log.txt" || fail "not run on 2 worker ranks: $(head -3 "$work/mpi/log.txt")"
same_study "$work/local/out" "$work/mpi/out"
# The worker ranks' scratch directories are gone.
ls "$work/tmp" | grep -q '^lnslab-run-' && fail "scratch directories left in $work/tmp"

# Re-run: everything cached, nothing runs (one rank alone is the local case).
(cd "$work/mpi" && mpi -n 1 "$lnslab" study "$study" --out out --launcher mpi >again.txt 2>&1) ||
  fail "re-run on 1 rank failed: $(tail -3 "$work/mpi/again.txt")"
grep -q "4 runs already done" "$work/mpi/again.txt" || fail "re-run redid runs: $(cat "$work/mpi/again.txt")"

# A bad study: exit 2 on every rank, no output.
printf 'name = "bad"\ndata = "synthetic"\nseeds = [1]\nepochs = 0\n[[runs]]\noptimizer = "adam"\n' >"$work/bad.toml"
mpi -n 3 "$lnslab" study "$work/bad.toml" --out "$work/bad-out" --launcher mpi >"$work/bad.log" 2>&1
rc=$?
[ "$rc" -eq 2 ] || fail "bad study on 3 ranks exited $rc, expected 2: $(cat "$work/bad.log")"
for r in 1 2; do
  grep -q "rank $r: rank 0 rejected the study" "$work/bad.log" || fail "rank $r did not refuse the bad study: $(cat "$work/bad.log")"
done
[ -e "$work/bad-out" ] && fail "a bad study left $work/bad-out"

# Misuse of the launcher options.
expect_error "--jobs does not apply to --launcher mpi" study "$study" --out "$work/x" --launcher mpi --jobs 2
expect_error "expected local or mpi" study "$study" --out "$work/x" --launcher slurm
expect_error "--rank-timeout applies only to --launcher mpi" study "$study" --out "$work/x" --rank-timeout 5
expect_error "--launcher mpi does not apply to --plan" study "$study" --out "$work/x" --launcher mpi --plan
[ -e "$work/x" ] && fail "misuse left $work/x"

[ "$failures" -eq 0 ] && echo "study on ranks: all checks passed"
exit $((failures > 0))
