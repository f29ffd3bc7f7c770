"""How `wargame calibrate --posterior` scales with workers: local processes and Dask
(prints figures; not a test).

    .venv/bin/python benchmarks/calibration_scaling.py                     # 2,000 particles
    .venv/bin/python benchmarks/calibration_scaling.py --particles 4000 --workers 1,2,4
    .venv/bin/python benchmarks/calibration_scaling.py --dask tcp://HOST:8786   # a cluster

One ABC-SMC step's simulation (sim/research/posterior.py `Problem.simulate`): P particles
drawn uniformly from the priors, `--runs` runs each of the baseline, the replay and the
hindcast, handed to the engine in chunks of about P / workers particles (at most `CHUNK`).
It is timed here (SerialEvaluator), in pools of W local processes (PoolEvaluator, what
`--workers W` starts) and on a local Dask cluster of W single-threaded workers
(DaskEvaluator, what `--dask ADDRESS` uses), or on the cluster `--dask` names. Each line
gives particles/s and the speed-up over the serial run; the efficiency is the speed-up over
W (goal: 0.8 or more at 2 workers on an idle machine). Every evaluator must give the same
distances to the last bit: the engine's draws depend on (seed, run, turn, site), never on
the worker or the chunk; the script says so or exits 1.

This process sets glibc's heap thresholds as the `wargame` command does (sim/heap.py).
Starting workers and sending them the problem is left out (a calibration starts them once
for all its generations); the first step after a start warms the workers and is not timed.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sim.heap import roomy_heap  # noqa: E402
from sim.research.posterior import Problem  # noqa: E402
from sim.research.posterior_workers import (  # noqa: E402
    DaskEvaluator,
    PoolEvaluator,
    SerialEvaluator,
)


def timed(
    problem: Problem, theta: np.ndarray, runs: int, ev, repeats: int
) -> tuple[float, np.ndarray]:
    """Seconds per step (best of `repeats`, after one warm-up step) and the distances."""
    problem.simulate(theta[: max(1, len(theta) // 10)], runs, (0, 0, 0), ev)
    best, dist = float("inf"), None
    for _ in range(repeats):
        t0 = time.perf_counter()
        dist, _ = problem.simulate(theta, runs, (1, 2, 3), ev)
        best = min(best, time.perf_counter() - t0)
    return best, dist


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--particles", type=int, default=2000)
    ap.add_argument("--runs", type=int, default=4, help="runs per particle (default 4)")
    ap.add_argument("--workers", default=None, help="worker counts, e.g. 1,2 (default: 1..cores)")
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--dask", default=None, help="a Dask scheduler to time instead of a local one")
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    roomy_heap(force=True)  # as `wargame calibrate` runs (sim/heap.py)

    cores = os.cpu_count() or 1
    counts = (
        [int(x) for x in a.workers.split(",")]
        if a.workers
        else sorted({1, 2, cores} if cores > 1 else {1})
    )
    problem = Problem.build()
    rng = np.random.default_rng(a.seed)
    theta = problem.lo + rng.random((a.particles, len(problem.keys))) * (problem.hi - problem.lo)
    print(
        f"one step: {a.particles} particles x {a.runs} runs of {len(problem.setups)} "
        f"scenarios, {len(problem.keys)} keys; {cores} cores"
    )

    base, ref = timed(problem, theta, a.runs, SerialEvaluator(problem), a.repeats)
    print(f"serial (this process)       {base:7.2f} s  {a.particles / base:7.0f} particles/s")
    same = True

    def report(label: str, w: int, sec: float, dist: np.ndarray) -> None:
        nonlocal same
        ok = np.array_equal(dist, ref)
        same &= ok
        up = base / sec
        print(
            f"{label:27s} {sec:7.2f} s  {a.particles / sec:7.0f} particles/s  "
            f"speed-up {up:4.2f}  efficiency {up / w:4.2f}  same distances: {'yes' if ok else 'NO'}"
        )

    for w in counts:
        if w < 2:
            continue
        with PoolEvaluator(problem, w) as ev:
            sec, dist = timed(problem, theta, a.runs, ev, a.repeats)
        report(f"{w} local processes", w, sec, dist)

    if a.dask:
        with DaskEvaluator(problem, a.dask) as ev:
            sec, dist = timed(problem, theta, a.runs, ev, a.repeats)
        report(f"Dask {a.dask} ({ev.workers} workers)", max(ev.workers, 1), sec, dist)
    else:
        import logging

        from dask.distributed import LocalCluster

        logging.getLogger("distributed").setLevel(logging.ERROR)
        for w in counts:
            cluster = LocalCluster(
                n_workers=w, threads_per_worker=1, processes=True, dashboard_address=None
            )
            with cluster, DaskEvaluator(problem, cluster.scheduler_address) as ev:
                sec, dist = timed(problem, theta, a.runs, ev, a.repeats)
            report(f"Dask, {w} local worker(s)", w, sec, dist)

    if not same:
        print("FAIL: an evaluator gave different distances")
        return 1
    print("every evaluator gave the same distances")
    return 0


if __name__ == "__main__":
    sys.exit(main())
