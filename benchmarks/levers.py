"""The size of each lever model v3 is about, in levels (or shares of runs), printed as a table.

Each row is a pair of ensembles on common random numbers (same seed, same run indices):
a control and a treatment that differ in one lever; the effect is the mean over runs of
the treatment minus the control, over the window's turns (levels: the mean level of the
listed dyad and track; signed: the share of runs with the agreement in force at the
window's end). A lever counts when it moves the model by at least 0.05 (1% of the 0-5
scale, or 5 points of runs). This is a measurement, not a test: rules live in
tests/rules/ and claims in config/claims.yaml.

    python benchmarks/levers.py [--runs 200] [--seed 5]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sim.engine.model import Ensemble  # noqa: E402
from sim.inputs.schema import Shock  # noqa: E402
from sim.inputs.setup import build  # noqa: E402
from sim.vocabulary import ENABLERS, TRACKS  # noqa: E402

AT = 4  # shocks are injected at 2021-Q1, as the shipped forward scenarios fire theirs


def shock(**kw) -> Shock:
    return Shock(id="lever", name="lever", **kw)


US_UP = shock(indices={"us_engagement": 0.25}, index_means={"us_engagement": 0.2})
US_DOWN = shock(indices={"us_engagement": -0.3}, index_means={"us_engagement": -0.25})
HOSTILE = shock(
    indices={"russian_aggression": 0.4, "china_assertiveness": -0.3},
    index_means={"russian_aggression": 0.4, "china_assertiveness": -0.3},
)

#: (name, dyad, track or 'signed:<enabler>', window, control, treatment); an arm is
#: (scenario, overrides, shocks)
LEVERS = [
    (
        "US engagement sponsors exercises",
        "JPN-GBR",
        "exercise",
        (5, 40),
        ("baseline", [], []),
        ("baseline", [], [US_UP]),
    ),
    (
        "US retrenchment: urgency for Japan",
        "JPN-NATO",
        "dialogue",
        (5, 40),
        ("baseline", [], []),
        ("us-retrenchment", [], []),
    ),
    (
        "US retrenchment: urgency (France)",
        "JPN-FRA",
        "dialogue",
        (5, 40),
        ("baseline", [], []),
        ("baseline", [], [US_DOWN]),
    ),
    (
        "Japan's legal limits eased (0.65 -> 0.35)",
        "JPN-FRA",
        "exercise",
        (5, 40),
        ("baseline", ["JPN.domestic_constraint=0.65"], []),
        ("baseline", ["JPN.domestic_constraint=0.35"], []),
    ),
    (
        "Japan's legal limits eased, UK",
        "JPN-GBR",
        "exercise",
        (5, 40),
        ("baseline", ["JPN.domestic_constraint=0.65"], []),
        ("baseline", ["JPN.domestic_constraint=0.35"], []),
    ),
    (
        "NAC friction 0.3 -> 0.7 (settled)",
        "JPN-NATO",
        "exercise",
        (20, 40),
        ("baseline", ["NATO.consensus_friction=0.3"], []),
        ("baseline", ["NATO.consensus_friction=0.7"], []),
    ),
    (
        "a member withholds exercises (DEU)",
        "JPN-NATO",
        "exercise",
        (5, 40),
        ("baseline", [], []),
        ("baseline", ["DEU.withhold_exercise=0.6"], []),
    ),
    (
        "Brexit: France's value rises",
        "JPN-FRA",
        "exchange",
        (5, 40),
        ("baseline", [], []),
        ("brexit-bandwidth", [], []),
    ),
    (
        "budget squeeze on Germany",
        "JPN-DEU",
        "exercise",
        (5, 40),
        ("baseline", [], []),
        ("budget-squeeze", [], []),
    ),
    (
        "a 2+2 format drives the ISA",
        "JPN-DEU",
        "signed:isa",
        (0, 40),
        ("baseline", [], []),
        ("baseline", [], [shock(enablers={"JPN-DEU.two_plus_two": "sign"})]),
    ),
    (
        "Korean crisis: UK exercises",
        "JPN-GBR",
        "exercise",
        (5, 40),
        ("baseline", [], []),
        ("korea-crisis", [], []),
    ),
    (
        "UK RAA signed: forces flown in",
        "JPN-GBR",
        "exercise",
        (5, 40),
        ("baseline", [], []),
        ("uk-raa-signed", [], []),
    ),
    (
        "Korean crisis: UK RAA",
        "JPN-GBR",
        "signed:raa",
        (0, 40),
        ("baseline", [], []),
        ("korea-crisis", [], []),
    ),
    (
        "UK tilt: RAA (presence appetite 0.9)",
        "JPN-GBR",
        "signed:raa",
        (0, 20),
        ("baseline", ["GBR.presence_appetite=0.3"], []),
        ("baseline", ["GBR.presence_appetite=0.9", "GBR.regional_interests=0.8"], []),
    ),
    (
        "UK tilt: exercises",
        "JPN-GBR",
        "exercise",
        (5, 40),
        ("baseline", ["GBR.presence_appetite=0.3"], []),
        ("baseline", ["GBR.presence_appetite=0.9", "GBR.regional_interests=0.8"], []),
    ),
    (
        "Germany drops caution: ISA",
        "JPN-DEU",
        "signed:isa",
        (0, 40),
        ("baseline", [], []),
        ("baseline", ["DEU.china_caution=0.1"], []),
    ),
    (
        "Germany drops caution: exercise",
        "JPN-DEU",
        "exercise",
        (30, 40),
        ("baseline", [], []),
        ("baseline", ["DEU.china_caution=0.1"], []),
    ),
    (
        "Germany's bandwidth doubled",
        "JPN-DEU",
        "exercise",
        (5, 40),
        ("baseline", [], []),
        ("baseline", ["DEU.bandwidth=4.8"], []),
    ),
    (
        "hostile era: France RAA",
        "JPN-FRA",
        "signed:raa",
        (0, 40),
        ("baseline", [], []),
        ("baseline", [], [HOSTILE]),
    ),
    (
        "hostile era: UK RAA",
        "JPN-GBR",
        "signed:raa",
        (0, 40),
        ("baseline", [], []),
        ("baseline", [], [HOSTILE]),
    ),
]


def metric(m: Ensemble, dyad: str, what: str, window) -> np.ndarray:
    d = m.setup.dyads.index(dyad)
    lo, hi = window
    if what.startswith("signed:"):
        e = ENABLERS.index(what.split(":")[1])
        return m.signed_at[hi][:, d, e].astype(float)
    k = TRACKS.index(what)
    lv = np.stack([m.initial_levels] + [r.levels for r in m.history])  # (T+1, R, D, K)
    return lv[lo : hi + 1, :, d, k].mean(axis=0)


def arm(spec, runs, seed, turns=40):
    scenario, overrides, shocks = spec
    m = Ensemble(build(scenario, overrides), seed=seed, runs=runs)
    m.signed_at = {0: m.signed.copy()}
    for t in range(1, turns + 1):
        if t == AT:
            for s in shocks:
                m.inject(s)
        m.step()
        m.signed_at[t] = m.signed.copy()
    return m


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--seed", type=int, default=5)
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    print(f"{'lever':<44} {'metric':<26} {'control':>8} {'treated':>8} {'effect':>8}")
    for name, dyad, what, window, ctrl, treat in LEVERS:
        try:
            c = metric(arm(ctrl, args.runs, args.seed), dyad, what, window)
            t = metric(arm(treat, args.runs, args.seed), dyad, what, window)
        except Exception as exc:  # a lever this engine does not have
            print(f"{name:<44} not in this engine: {str(exc).splitlines()[0][:60]}")
            continue
        eff = float(np.mean(t - c))
        flag = "" if abs(eff) >= 0.05 else "  (< 0.05)"
        label = f"{dyad} {what} t{window[0]}-{window[1]}"
        print(f"{name:<44} {label:<26} {c.mean():>8.3f} {t.mean():>8.3f} {eff:>+8.3f}{flag}")
    print(f"({args.runs} runs per arm, seed {args.seed}, {time.perf_counter() - t0:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
