"""Where the model's levels are set: by the wishes, or by what holds them down.

The 2019 ratings can be met by moderate wishes that the levels follow, or by high wishes
held down by budgets, caps and the meeting of offers. In the second regime a motive's
change moves a wish near the top of its logistic, and a binding budget takes back what it
adds, so the report's motive claims lose their effect. This script runs the baseline to
2024 (turn 20) at the config's values, over draws of the shipped posterior and over
Latin-hypercube points of the ranges, one run each, and prints per source:

- the mean wish of the Indo-Pacific side and of its partners, the mean offer and level;
- the wish's headroom, the slope of 5·σ at the wish (1.25 at mid-scale, 0 at the top):
  how much a unit of motive still moves the wish;
- the share of actor-runs whose offers are cut below their capped wish by funding.

The last line gives the posterior's headroom and funding cuts as ratios to the config's.
A measurement, not a test.

    python benchmarks/regime.py [--draws 128] [--turn 20] [--seed 0]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sim.engine.actors import ceilings  # noqa: E402
from sim.engine.model import Ensemble  # noqa: E402
from sim.inputs.setup import build  # noqa: E402
from sim.research.posterior_file import parameter_sample  # noqa: E402
from sim.vocabulary import SCALE  # noqa: E402


def measure(setup, n: int, turn: int, seed: int, source: str) -> dict[str, float]:
    params = None
    if source != "point":
        ps = parameter_sample(setup, n, 1, seed, prior=source == "prior")
        params = ps.run_params(setup)
    m = Ensemble(setup, seed=seed, runs=n, run_params=params, keep_snapshots=True)
    m.run(turn)
    sl = m.slots
    cap = ceilings(m.snapshots[-1], sl.dyad, sl.actor, sl.partner)  # (R, S, K)
    want = m.history[-1].desired.reshape(cap.shape)  # slot = 2·dyad + side
    offers = m.offered.reshape(cap.shape)
    cut = (offers < np.minimum(want, cap) - 1e-9).any(axis=2)  # (R, S) a slot funded short
    actor_cut = np.zeros((n, len(setup.actors)), bool)
    np.logical_or.at(actor_cut.T, sl.actor, cut.T)
    indo = setup.indo[sl.actor]  # (S,) the slot's actor sits in the Indo-Pacific
    return {
        "wish (Indo-Pacific side)": float(want[:, indo].mean()),
        "wish (partners)": float(want[:, ~indo].mean()),
        "offer": float(offers.mean()),
        "level": float(m.levels.mean()),
        "wish headroom": float((want * (SCALE - want) / SCALE).mean()),
        "actors cut by funding": float(actor_cut.mean()),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--draws", type=int, default=128)
    ap.add_argument("--turn", type=int, default=20)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    setup = build("baseline")
    rows = {s: measure(setup, a.draws, a.turn, a.seed, s) for s in ("point", "posterior", "prior")}
    print(f"baseline, turn {a.turn}, {a.draws} runs per source")
    print(f"{'':28s}" + "".join(f"{s:>12s}" for s in rows))
    for key in rows["point"]:
        print(f"{key:28s}" + "".join(f"{rows[s][key]:12.3f}" for s in rows))
    p, q = rows["point"], rows["posterior"]
    print(
        f"posterior / point: wish headroom {q['wish headroom'] / p['wish headroom']:.2f}, "
        f"actors cut by funding {q['actors cut by funding']:.2f} against "
        f"{p['actors cut by funding']:.2f}"
    )


if __name__ == "__main__":
    main()
