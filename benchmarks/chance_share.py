"""Share of the classroom log's change lines whose top reason is chance.

Plays the classroom scenario (rule-played seats, no injects) for several seeds and, like the
terminal UI's turn log (tui/story.py), explains every change of at least 0.005 over its turn
and takes its largest driver. Prints the share of lines led by chance (goal: under 25%) and
the distribution of top reasons.

    python benchmarks/chance_share.py [--seeds 10] [--scenario classroom]
"""

from __future__ import annotations

import argparse
from collections import Counter

import numpy as np

from sim.engine.explain import explain, top_drivers
from sim.engine.model import Ensemble
from sim.inputs.setup import build

SHOWN = 0.005  # the smallest change the log shows (tui/story.py)


def lines(scenario: str, seed: int) -> list[str]:
    m = Ensemble(build(scenario), seed=seed, runs=1, keep_snapshots=True)
    out = []
    while not m.done:
        m.step()
        t = m.turn
        contrib = explain(m, 0, t - 1, t)
        hist = m.level_history()[-2:, 0]
        change = hist[1] - hist[0]
        for d, k in zip(*np.nonzero(np.abs(change) >= SHOWN), strict=True):
            top = top_drivers(contrib, d, k, 1)
            out.append(top[0][0] if top else "none")
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scenario", default="classroom")
    ap.add_argument("--seeds", type=int, default=10)
    a = ap.parse_args()
    tops = Counter()
    for seed in range(a.seeds):
        tops.update(lines(a.scenario, seed))
    n = sum(tops.values())
    print(f"{a.scenario}: {n} change lines over {a.seeds} games")
    for name, c in tops.most_common():
        print(f"  {name:<18} {c:>5}  {c / n:6.1%}")
    print(f"chance is the top reason in {tops['noise'] / max(n, 1):.1%} of lines (goal < 25%)")


if __name__ == "__main__":
    main()
