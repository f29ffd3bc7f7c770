"""Runs per second: one 40-turn run at a time (ensembles of one) versus one ensemble of
10,000 runs stepped together. Prints the figures and their ratio (target: >= 100).

    python benchmarks/ensemble.py [--single 200] [--ensemble 10000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from sim.engine.model import Ensemble
from sim.inputs.setup import build


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scenario", default="baseline")
    ap.add_argument("--single", type=int, default=200, help="runs stepped one at a time")
    ap.add_argument("--ensemble", type=int, default=10_000, help="runs stepped together")
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    setup = build(a.scenario)

    def single() -> float:
        t = time.perf_counter()
        for k in range(a.single):
            Ensemble(setup, seed=1, runs=[k]).run()
        return a.single / (time.perf_counter() - t)

    def ensemble() -> float:
        t = time.perf_counter()
        Ensemble(setup, seed=1, runs=a.ensemble).run()
        return a.ensemble / (time.perf_counter() - t)

    one = max(single() for _ in range(a.repeat))
    many = max(ensemble() for _ in range(a.repeat))
    check = Ensemble(setup, seed=1, runs=[a.single - 1]).run().level_history()[:, 0]
    assert np.array_equal(
        check, Ensemble(setup, seed=1, runs=a.single).run().level_history()[:, -1]
    )
    print(f"scenario {a.scenario}, {setup.turns} turns")
    print(f"one run at a time:        {one:10.1f} runs/s")
    print(
        f"ensemble of {a.ensemble:>6}:       {many:10.1f} runs/s "
        f"({a.ensemble / many:.2f} s for {a.ensemble} runs)"
    )
    print(f"ratio ensemble/single:    {many / one:10.1f}x  (target >= 100x)")


if __name__ == "__main__":
    main()
