#!/usr/bin/env bash
# Usage: test_docs_check.sh /path/to/lnslab SOURCE_DIR
# scripts/docs.sh --check fails naming the file, the block and the line when one digit of a
# produced block changes (on a copy of README.md, whose study tables are rendered from
# docs/runs/quick), passes on the unchanged copy and on a change outside the block, and
# --update restores the block; a command that fails and a malformed marker are reported.
set -u
lnslab=$1
src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
docs() { "$src/scripts/docs.sh" "$@" --bin "$lnslab" --root "$src"; }

cp "$src/README.md" "$work/README.md"
docs --check "$work/README.md" >"$work/log" 2>&1 || fail "the unchanged README fails: $(cat "$work/log")"

# One digit of the first table row of the produced block (the line after the marker and header).
marker=$(grep -n '^<!-- produced by: lnslab study' "$work/README.md" | head -1 | cut -d: -f1)
[ -n "$marker" ] || fail "README.md has no produced study block"
row=$((marker + 3))
sed -n "${row}p" "$work/README.md" | grep -q '^| FP32 Adam .*83\.39' || fail "line $row is not the FP32 Adam row"
sed "${row}s/83\.39/83.38/" "$work/README.md" >"$work/altered.md"
cp "$work/altered.md" "$work/README.md"
docs --check "$work/README.md" >"$work/log" 2>&1
rc=$?
[ "$rc" -eq 1 ] || fail "--check on an altered digit exited $rc, expected 1"
grep -q "README.md:$row: the block produced by \`lnslab study configs/studies/default.toml --quick --out docs/runs/quick --report-only\` (marker at line $marker)" "$work/log" ||
  fail "--check does not name the file, line and block: $(cat "$work/log")"
grep -q "in the file: .*83.38" "$work/log" || fail "--check does not show the file's line: $(cat "$work/log")"
grep -q "the output: .*83.39" "$work/log" || fail "--check does not show the output's line: $(cat "$work/log")"

docs --update "$work/README.md" >"$work/log" 2>&1 || fail "--update failed: $(cat "$work/log")"
cmp -s "$work/README.md" "$src/README.md" || fail "--update did not restore the block"

# A digit outside any block is not the check's business.
sed '1s/$/ 12345/' "$src/README.md" >"$work/README.md"
docs --check "$work/README.md" >"$work/log" 2>&1 || fail "a change outside the blocks fails: $(cat "$work/log")"

# A fenced block: the first line is `$ COMMAND`; a run-first block runs before it.
cat >"$work/page.md" <<'MD'
<!-- run first -->
```sh
lnslab format lns6:base=1.5 --json made.json > /dev/null
```

<!-- produced by: lnslab format lns6:base=1.5 -->
```
```

<!-- produced by: grep -c '"bits"' made.json -->
```
```
MD
docs --update "$work/page.md" >"$work/log" 2>&1 || fail "--update of a new page: $(cat "$work/log")"
grep -q '^\$ lnslab format lns6:base=1.5$' "$work/page.md" || fail "no command line in the block: $(cat "$work/page.md")"
grep -q '^bits  *6$' "$work/page.md" || fail "the block lacks the output: $(cat "$work/page.md")"
grep -A3 "produced by: grep" "$work/page.md" | grep -q '^1$' || fail "the run-first block did not run: $(cat "$work/page.md")"
docs --check "$work/page.md" >"$work/log" 2>&1 || fail "--check after --update: $(cat "$work/log")"
[ ! -e "$src/made.json" ] || fail "a command wrote into the source tree"
sed 's/^bits  *6$/bits 7/' "$work/page.md" >"$work/page2.md"
docs --check "$work/page2.md" >"$work/log" 2>&1 && fail "--check passes a changed fenced block"
grep -q "page2.md:[0-9]*: the block produced by \`lnslab format lns6:base=1.5\`" "$work/log" || fail "fenced block not named: $(cat "$work/log")"

# A failing command is a failure naming it; a marker without its block is a usage error (2).
printf '<!-- produced by: lnslab format nope -->\n```\n```\n' >"$work/bad.md"
docs --check "$work/bad.md" >"$work/log" 2>&1
[ $? -eq 1 ] || fail "a failing command did not fail the check"
grep -q "bad.md:1: command failed (exit 2): lnslab format nope" "$work/log" || fail "failing command not named: $(cat "$work/log")"
printf '<!-- produced by: lnslab format lns8:eta0=0.016 -->\ntext\n' >"$work/open.md"
docs --check "$work/open.md" >"$work/log" 2>&1
[ $? -eq 2 ] || fail "a marker without an end line is not a usage error"
grep -q "open.md:1: .*end of produced block" "$work/log" || fail "unclosed marker not explained: $(cat "$work/log")"

[ "$failures" -eq 0 ] && echo "docs check: all checks passed"
[ "$failures" -eq 0 ]
