#!/usr/bin/env python3
"""`graphdoc generate` of several binaries run alternately, with the floor in every round, so
that load on a shared machine falls on all of them alike. Wall-clock median, min and max, and
the median's ratio to the floor's median.

    bench/alternate.py NAME=PATH [NAME=PATH...]   (ROUNDS=11, DOCS=../shared/corpus/graph-v1.0)

The floor is target/release/examples/floor (`cargo build --release -p graphdoc --example floor`).
"""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)
docs = os.environ.get("DOCS", os.path.join(root, "..", "shared", "corpus", "graph-v1.0"))
rounds = int(os.environ.get("ROUNDS", "11"))
floor = os.path.join(root, "target", "release", "examples", "floor")
binaries = dict(arg.split("=", 1) for arg in sys.argv[1:])
if not binaries or not os.path.isdir(docs) or not os.path.exists(floor):
    sys.exit(__doc__)

out = os.path.join(tempfile.mkdtemp(), "out")
times = {name: [] for name in ["floor", *binaries]}
for _ in range(rounds):
    for name in times:
        shutil.rmtree(out, ignore_errors=True)
        command = [floor, docs] if name == "floor" else [binaries[name], "generate", "--out", out, docs]
        started = time.monotonic()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times[name].append(time.monotonic() - started)
shutil.rmtree(os.path.dirname(out), ignore_errors=True)
base = statistics.median(times["floor"])
print(f"{'binary':<24} {'median_s':>9} {'min_s':>7} {'max_s':>7} {'x_floor':>8}")
for name, runs in times.items():
    median = statistics.median(runs)
    print(f"{name:<24} {median:9.3f} {min(runs):7.3f} {max(runs):7.3f} {median / base:8.1f}")
