#!/usr/bin/env python3
"""Encoding 10^7 float32 values from Python against the same kernel from C++, side by side.

    PYTHONPATH=build/release/python python3 bench/python_encode.py \\
        --cpp build/release/bench/lnslab-bench

Python: the medians of the wall and CPU (process) time of Format.encode over --repeats calls,
with a preallocated output (out=, what the C++ benchmark does) and with a new output array per
call. C++: the medians of --repeats repetitions of lnslab-bench's Encode/<format>/n:10000000 row
(Google Benchmark real_time and cpu_time). On a shared, loaded machine the wall times include
waiting for a core; the CPU times do not.
"""
import argparse
import json
import statistics
import subprocess
import time

import numpy as np

import lnslab

N = 10_000_000
FORMATS = {"lns8": "lns8:eta0=0.016", "lns12": "lns12:eta0=0.001"}


def python_ms(spec, repeats, preallocated):
    f = lnslab.Format(spec)
    x = np.random.default_rng(3).standard_normal(N).astype(np.float32)
    out = np.empty(N, f.code_dtype)
    f.encode(x, out=out)  # warm up: tables, pages
    wall, cpu = [], []
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        if preallocated:
            f.encode(x, out=out)
        else:
            f.encode(x)
        cpu.append((time.process_time() - start_cpu) * 1e3)
        wall.append((time.perf_counter() - start) * 1e3)
    return statistics.median(wall), statistics.median(cpu)


def cpp_ms(bench, name, repeats):
    r = subprocess.run([bench, f"--benchmark_filter=^Encode/{name}/n:10000000$",
                        f"--benchmark_repetitions={repeats}", "--benchmark_format=json"],
                       check=True, capture_output=True, text=True)
    rows = [b for b in json.loads(r.stdout)["benchmarks"] if b.get("run_type") == "iteration"]
    # kMillisecond rows
    return (statistics.median(b["real_time"] for b in rows),
            statistics.median(b["cpu_time"] for b in rows))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--cpp", help="path of lnslab-bench (omit to time Python only)")
    p.add_argument("--repeats", type=int, default=15)
    args = p.parse_args()
    print(f"# lnslab {lnslab.revision}; {N} float32 values; medians of {args.repeats}")
    print("format  time  python out= (ms)  python new (ms)  C++ (ms)  ratio out=  ratio new")
    for name, spec in FORMATS.items():
        pre = python_ms(spec, args.repeats, True)
        new = python_ms(spec, args.repeats, False)
        c = cpp_ms(args.cpp, name, args.repeats) if args.cpp else None
        for i, kind in enumerate(("wall", "cpu")):
            line = f"{name:7} {kind:5} {pre[i]:17.2f} {new[i]:16.2f}"
            if c:
                line += f" {c[i]:9.2f} {pre[i] / c[i]:11.2f} {new[i] / c[i]:10.2f}"
            print(line)

if __name__ == "__main__":
    main()
