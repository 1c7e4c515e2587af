# Shared by the tests/cli scripts (sourced after setting $lnslab): a scratch directory removed on
# exit, a failure counter, and the check of a misuse (exit code 2 and a message on stderr).
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0

fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# expect_error "<pattern in stderr>" args...: exit code 2 and the message.
expect_error() {
  local pattern=$1
  shift
  "$lnslab" "$@" >"$work/out" 2>"$work/err"
  local rc=$?
  [ "$rc" -eq 2 ] || fail "lnslab $* exited $rc, expected 2"
  grep -q -- "$pattern" "$work/err" || fail "lnslab $*: stderr lacks '$pattern': $(cat "$work/err")"
}
