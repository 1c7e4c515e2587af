"""Docs blocks produced by commands (run through scripts/docs.sh; standard library only).

A block of a Markdown file is *produced* when the line before it is

    <!-- produced by: COMMAND -->

and COMMAND's standard output is the block. Two kinds of block follow the marker:

- a fenced block (the next line starts with ```): its first line is `$ COMMAND`, the rest is the
  output, up to the closing ``` line;
- Markdown text (anything else, e.g. a table): the output itself, up to the line
  `<!-- end of produced block -->`.

A line `<!-- run first -->` directly before a fenced block (e.g. ```sh) runs that block's lines
as a bash script before the blocks below it (its output is not kept; it must succeed), e.g. a
short training run whose checkpoint a block reads: the reader sees the commands themselves.

Each file's commands run with bash (-o pipefail) in a fresh scratch directory that holds
a symbolic link to every entry of the repository root (so `configs/...` and `docs/runs/...` read
as from the root, and files a command writes stay out of the tree), with `lnslab` first on PATH,
LC_ALL=C and no standard input; run-first blocks run in order, and the produced blocks between
two of them run at once (--jobs, default the number of CPUs), so a block must not depend on
another block's files. Output and block are compared line by line, exactly except for
trailing white space on a line (invisible in Markdown).

  --update   rewrites each produced block with its command's output
  --check    fails (exit 1) naming the file, the block (line and command) and the first differing
             line when an output differs from its block or a command fails

The binary: --bin PATH, else $LNSLAB_BIN, else the first of build/test-release/cli/lnslab,
build/dev/cli/lnslab, build/release/cli/lnslab under the root. Files: the arguments (Markdown
files or directories of them), else README.md and docs/*.md of the root.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

PRODUCED = re.compile(r"^<!-- produced by: (.+) -->$")
RUN_FIRST = re.compile(r"^<!-- run first -->$")
END_OF_TEXT = "<!-- end of produced block -->"
FENCE = "```"
DEFAULT_BINARIES = ["build/test-release/cli/lnslab", "build/dev/cli/lnslab",
                    "build/release/cli/lnslab"]
# Entries of the root not linked into the scratch directory.
NOT_LINKED = {".git"}


class UsageError(Exception):
    pass


class Block:
    """A produced block: lines[start:end] is its content (without the fence lines)."""

    def __init__(self, marker_line, command, start, end, fenced):
        self.marker_line = marker_line  # 0-based index of the marker
        self.command = command
        self.start = start
        self.end = end
        self.fenced = fenced


def parse(path, lines):
    """The file's steps in order: ("run", line, command) and ("block", Block)."""
    steps = []
    i = 0
    while i < len(lines):
        m_run = RUN_FIRST.match(lines[i])
        m_block = PRODUCED.match(lines[i])
        if m_run:
            if not (i + 1 < len(lines) and lines[i + 1].startswith(FENCE)):
                raise UsageError(f"{path}:{i + 1}: '<!-- run first -->' must be directly "
                                 "followed by a fenced block of commands")
            end = i + 2
            while end < len(lines) and lines[end].rstrip() != FENCE:
                end += 1
            if end == len(lines):
                raise UsageError(f"{path}:{i + 2}: the fenced block after the marker is never "
                                 "closed (expected a ``` line)")
            steps.append(("run", i, "\n".join(lines[i + 2:end])))
            i = end
        elif m_block:
            command = m_block.group(1)
            if i + 1 < len(lines) and lines[i + 1].startswith(FENCE):
                end = i + 2
                while end < len(lines) and lines[end].rstrip() != FENCE:
                    end += 1
                if end == len(lines):
                    raise UsageError(f"{path}:{i + 2}: the fenced block after the marker is "
                                     "never closed (expected a ``` line)")
                steps.append(("block", Block(i, command, i + 2, end, True)))
                i = end
            else:
                end = i + 1
                while end < len(lines) and lines[end].rstrip() != END_OF_TEXT:
                    if PRODUCED.match(lines[end]) or RUN_FIRST.match(lines[end]):
                        break
                    end += 1
                if end == len(lines) or lines[end].rstrip() != END_OF_TEXT:
                    raise UsageError(f"{path}:{i + 1}: the produced text after the marker has "
                                     f"no '{END_OF_TEXT}' line (a fenced block must start on "
                                     "the line right after the marker)")
                steps.append(("block", Block(i, command, i + 1, end, False)))
                i = end
        i += 1
    return steps


def make_scratch(root, binary):
    scratch = Path(tempfile.mkdtemp(prefix="lnslab-docs-"))
    for entry in sorted(root.iterdir()):
        if entry.name not in NOT_LINKED:
            (scratch / entry.name).symlink_to(entry)
    bindir = scratch / ".docs-bin"
    bindir.mkdir()
    (bindir / "lnslab").symlink_to(binary)
    return scratch, bindir


def remove_scratch(scratch):
    # Links only point into the tree: remove them, never follow them.
    for dirpath, dirnames, filenames in os.walk(scratch, topdown=False, followlinks=False):
        for name in filenames + dirnames:
            p = Path(dirpath) / name
            if p.is_symlink() or p.is_file():
                p.unlink()
            else:
                p.rmdir()
    scratch.rmdir()


def run(command, scratch, bindir):
    env = dict(os.environ)
    env["PATH"] = f"{bindir}{os.pathsep}{env.get('PATH', '')}"
    env["LC_ALL"] = "C"
    return subprocess.run(["bash", "-o", "pipefail", "-c", command], cwd=scratch, env=env,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=900)


def expected_lines(block, stdout):
    out = stdout.split("\n")
    if out and out[-1] == "":
        out.pop()
    out = [line.rstrip() for line in out]
    return ([f"$ {block.command}"] + out) if block.fenced else out


def first_difference(doc, produced):
    for k in range(max(len(doc), len(produced))):
        a = doc[k] if k < len(doc) else None
        b = produced[k] if k < len(produced) else None
        if a != b:
            return k, a, b
    return None


def describe(line):
    return "(no line)" if line is None else repr(line)


def run_steps(steps, scratch, bindir, jobs):
    """Runs every step; the blocks between two run-first steps at most `jobs` at once (they only
    read what came before them). Returns the completed processes in step order."""
    results = [None] * len(steps)
    pending = []

    def flush():
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            futures = {i: pool.submit(run, steps[i][1].command, scratch, bindir) for i in pending}
            for i, f in futures.items():
                results[i] = f.result()
        pending.clear()

    for i, step in enumerate(steps):
        if step[0] == "block":
            pending.append(i)
            continue
        flush()
        results[i] = run(step[2], scratch, bindir)
    flush()
    return results


def process(path, root, binary, update, jobs):
    """Returns (blocks, failures); rewrites the file when update and something changed."""
    text = path.read_text()
    lines = text.split("\n")
    steps = parse(path, lines)
    blocks = [s[1] for s in steps if s[0] == "block"]
    if not blocks:
        return 0, 0
    failures = 0
    replacements = []
    scratch, bindir = make_scratch(root, binary)
    try:
        results = run_steps(steps, scratch, bindir, jobs)
    finally:
        remove_scratch(scratch)
    for step, r in zip(steps, results):
        line = step[1].marker_line if step[0] == "block" else step[1]
        command = step[1].command if step[0] == "block" else step[2]
        if r.returncode != 0:
            failures += 1
            tail = "\n".join("    " + s for s in r.stderr.strip().split("\n")[-5:])
            print(f"{path}:{line + 1}: command failed (exit {r.returncode}): {command}\n{tail}")
            continue
        if step[0] == "run":
            continue
        block = step[1]
        produced = expected_lines(block, r.stdout)
        doc = [s.rstrip() for s in lines[block.start:block.end]]
        diff = first_difference(doc, produced)
        if diff is None:
            continue
        if update:
            replacements.append((block, produced))
            continue
        failures += 1
        k, a, b = diff
        print(f"{path}:{block.start + k + 1}: the block produced by `{block.command}` (marker at "
              f"line {block.marker_line + 1}) differs from the command's output at its line "
              f"{k + 1}:\n  in the file: {describe(a)}\n  the output:  {describe(b)}")
    if update and replacements:
        for block, produced in sorted(replacements, key=lambda rb: rb[0].start, reverse=True):
            lines[block.start:block.end] = produced
        tmp = path.with_name(path.name + ".docs-tmp")
        tmp.write_text("\n".join(lines))
        os.replace(tmp, path)
        print(f"{path}: rewrote {len(replacements)} of {len(blocks)} blocks")
    return len(blocks), failures


def find_binary(root, given):
    if given:
        p = Path(given)
        if not (p.is_file() and os.access(p, os.X_OK)):
            raise UsageError(f"lnslab binary '{given}': not an executable file")
        return p.resolve()
    for rel in DEFAULT_BINARIES:
        p = root / rel
        if p.is_file() and os.access(p, os.X_OK):
            return p.resolve()
    raise UsageError("no lnslab binary: build one (e.g. cmake --build build/dev --target lnslab), "
                     "or give --bin PATH or LNSLAB_BIN; looked for " +
                     ", ".join(str(root / r) for r in DEFAULT_BINARIES))


def files_of(root, args):
    if not args:
        return [root / "README.md"] + sorted((root / "docs").glob("*.md"))
    files = []
    for a in args:
        p = Path(a)
        if p.is_dir():
            files += sorted(p.glob("*.md"))
        elif p.is_file():
            files.append(p)
        else:
            raise UsageError(f"'{a}': no such file or directory")
    return files


def main():
    ap = argparse.ArgumentParser(prog="scripts/docs.sh", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    mode = ap.add_mutually_exclusive_group(required=True)
    mode.add_argument("--update", action="store_true", help="rewrite produced blocks")
    mode.add_argument("--check", action="store_true", help="fail on any differing block")
    ap.add_argument("--root", default=str(Path(__file__).resolve().parent.parent),
                    help="repository root the commands run from (default: this script's)")
    ap.add_argument("--bin", default=os.environ.get("LNSLAB_BIN", ""),
                    help="the lnslab binary (default: $LNSLAB_BIN or a build under the root)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                    help="blocks of one file run at once between run-first steps (default: "
                    "the number of CPUs)")
    ap.add_argument("files", nargs="*", help="Markdown files or directories (default: "
                    "README.md and docs/*.md of the root)")
    a = ap.parse_args()
    try:
        root = Path(a.root).resolve()
        if not root.is_dir():
            raise UsageError(f"--root '{a.root}': not a directory")
        binary = find_binary(root, a.bin)
        files = files_of(root, a.files)
        total_blocks = total_failures = 0
        t0 = time.monotonic()
        for f in files:
            t = time.monotonic()
            n, failed = process(f, root, binary, a.update, a.jobs)
            total_blocks += n
            total_failures += failed
            if n:
                print(f"{f}: {n} blocks, {failed} failed ({time.monotonic() - t:.0f} s)")
    except UsageError as e:
        print(f"scripts/docs.sh: error: {e}", file=sys.stderr)
        return 2
    verb = "updated" if a.update else "checked"
    print(f"{verb} {total_blocks} produced blocks in {len(files)} files with {binary} "
          f"({time.monotonic() - t0:.0f} s): "
          f"{'all match' if total_failures == 0 else f'{total_failures} failed'}")
    return 0 if total_failures == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
