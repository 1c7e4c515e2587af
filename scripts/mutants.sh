#!/usr/bin/env bash
# Hand-made mutation pass (tests/mutation/mutants.txt): applies one mutant at a time to the
# source, rebuilds the test executable that should catch it in build/rel (a Release build of
# this tree), runs it, restores the file byte for byte, and prints CAUGHT or SURVIVED with the
# failing test cases.
#   scripts/mutants.sh            every mutant
#   scripts/mutants.sh M3 M12     some
# Refuses to start when a mutated file has uncommitted changes, so a restore cannot lose work.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d build/rel ] || cmake -S . -B build/rel -DCMAKE_BUILD_TYPE=Release -DLNSLAB_WERROR=ON \
  -DLNSLAB_BUILD_BENCH=OFF >/dev/null

python3 - "$@" <<'PY'
import signal, subprocess, sys
import xml.etree.ElementTree as ET
# SIGTERM unwinds through the finally below, so the mutated file is restored.
signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped"))
wanted = set(sys.argv[1:])
blocks, cur = [], None
for line in open("tests/mutation/mutants.txt"):
    line = line.rstrip("\n")
    if line.startswith("#") or not line.strip():
        continue
    if line.startswith("@ "):
        cur = line[2:].split() + []
        blocks.append(cur)
    else:
        cur.append(line.strip())
exe_dir = {"lnslab_tests_lns": "tests/lns", "lnslab_nn_tests": "tests/nn"}
if wanted:  # in the order asked for
    blocks = sorted((b for b in blocks if b[0] in wanted), key=lambda b: sys.argv.index(b[0]))
for mid, path, target, old, new in blocks:
    if subprocess.run(["git", "diff", "--quiet", "--", path]).returncode != 0:
        sys.exit(f"{path} has uncommitted changes: commit them first")
    original = open(path, "rb").read()
    text = original.decode()
    if text.count(old) != 1:
        sys.exit(f"{mid}: the text to mutate occurs {text.count(old)} times in {path}")
    try:
        open(path, "w").write(text.replace(old, new))
        targets = [target, "lnslab"] if target == "lnslab_crash_test" else [target]
        build = subprocess.run(["cmake", "--build", "build/rel", "--target", *targets, "-j2"],
                               capture_output=True, text=True)
        if build.returncode != 0:
            print(f"{mid} {path}: does not compile (caught by the compiler)", flush=True)
            continue
        if target == "lnslab_crash_test":
            run = subprocess.run(["build/rel/tests/crash/lnslab_crash_test", "build/rel/cli/lnslab",
                                  "50", "8"], capture_output=True, text=True)
            failed = sorted({l[6:70] for l in run.stdout.splitlines() if l.startswith("FAIL: ")})
            verdict = "CAUGHT" if run.returncode != 0 else "SURVIVED"
            print(f"{mid} {path}: {verdict} by {len(failed)} checks: " + "; ".join(failed[:4]),
                  flush=True)
            continue
        # -x 20: stop after 20 failed assertions (an exhaustive test may fail millions).
        try:
            run = subprocess.run([f"build/rel/{exe_dir[target]}/{target}", "--reporter",
                                  "junit", "-x", "20"], capture_output=True, text=True,
                                 timeout=300)
        except subprocess.TimeoutExpired:
            print(f"{mid} {path}: CAUGHT by a hang (over 300 s; ctest's timeout fails it)",
                  flush=True)
            continue
        failed = []
        try:
            for case in ET.fromstring(run.stdout).iter("testcase"):
                if case.find("failure") is not None or case.find("error") is not None:
                    failed.append(case.get("name"))
        except ET.ParseError:
            failed.append("(the test executable crashed)")
        verdict = "CAUGHT" if run.returncode != 0 else "SURVIVED"
        print(f"{mid} {path}: {verdict} by {len(failed)} cases: " + "; ".join(failed[:4]),
              flush=True)
    finally:
        open(path, "wb").write(original)
PY
# Rebuild the unmutated executables.
cmake --build build/rel --target lnslab_tests_lns lnslab_nn_tests lnslab lnslab_crash_test -j2 >/dev/null
