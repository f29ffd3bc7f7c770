"""Validation of the calibrated model against the report's own findings.

Each check runs one seeded ensemble (default 200 runs) and compares a simulated median and
90% interval with a target from the report:

- the 2019-Q4 end of the 2012–2019 replay against the ratings of digest §3 (every dyad and
  track within ±0.5; composite order UK > France > NATO and Germany; Summary; Ch7 ›
  Different Lines of Effort); the ratings and their tolerance are read from
  config/calibration.yaml (`ratings:`, sim/inputs/calibration.py);
- the 2019 enabler matrix (digest §3), as the share of runs that reproduce it;
- the timing profile of exercises in rand_events.csv (digest §9: 16 exercise rows in
  2012–2015, 28 in 2016–2019; config/calibration.yaml `activity:`);
- the sensitivities the report's logic implies (Ch5 › Training and Exercises; Ch3 ›
  Training and Exercises; Ch7 › Temper Expectations; Ch3 › Dialogues; Ch5 › Defense
  Exchanges), each a paired comparison on common random numbers (same seed, same runs).

`wargame validate-model` prints the table and exits 1 if any check fails.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.inputs.outcomes import Outcome
from sim.vocabulary import SECOND


def ratings(patterns=None) -> dict[str, tuple[float, float, float]]:
    """The report's ratings at the data cut (digest §3), per dyad: dialogue, exchange,
    exercise (config/calibration.yaml, or `patterns` as sim.inputs.calibration reads it)."""
    from sim.inputs.calibration import load_calibration

    doc = patterns if patterns is not None else load_calibration()
    return {dyad: r.values() for dyad, r in doc.ratings.dyads.items()}


def tolerance(patterns=None) -> float:
    """How far from a rating a simulated median may lie (config/calibration.yaml)."""
    from sim.inputs.calibration import load_calibration

    return (patterns if patterns is not None else load_calibration()).ratings.tolerance


#: The 2019 enabler matrix (digest §3): True signed, False absent; n/a cells are left out.
ENABLER_MATRIX: dict[str, dict[str, bool]] = {
    "JPN-GBR": {"isa": True, "acsa": True, "equipment": True, "two_plus_two": True, "raa": False},
    "JPN-FRA": {"isa": True, "acsa": True, "equipment": True, "two_plus_two": True, "raa": False},
    "JPN-DEU": {"isa": False, "equipment": True, "two_plus_two": False},
    "JPN-NATO": {"isa": True, "partnership": True},
}
MATRIX_SHARE = 0.8


def exercise_rows(patterns=None) -> dict[str, tuple[int, ...]]:
    """Exercise rows of rand_events.csv per dyad in 2012–2015 and 2016–2019 (digest §9;
    config/calibration.yaml `activity.counts`)."""
    from sim.inputs.calibration import load_calibration

    doc = patterns if patterns is not None else load_calibration()
    return {d: tuple(t["exercise"].values()) for d, t in doc.activity.counts.items()}


def __getattr__(name: str):
    # RATINGS, TOLERANCE and EXERCISE_ROWS as module attributes, read from the patterns file
    # when first asked for (a bad file is an InputError of the command that reads it)
    lazy = {"RATINGS": ratings, "TOLERANCE": tolerance, "EXERCISE_ROWS": exercise_rows}
    if name in lazy:
        return lazy[name]()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


HISTORY = "history-2012-2019"
BASELINE = "baseline"
SHOCK_TURN = 4  # 2021-Q1 in the forward scenarios (start 2020-Q1)


@dataclass
class Check:
    """One line of the validation table."""

    name: str
    target: str
    median: float
    lo: float
    hi: float
    passed: bool

    def row(self) -> str:
        mark = "pass" if self.passed else "FAIL"
        return (
            f"{self.name:<38} {self.target:<24} {self.median:>7.2f}  "
            f"[{self.lo:>6.2f}, {self.hi:>6.2f}]  {mark}"
        )


def _stats(x: np.ndarray) -> tuple[float, float, float]:
    lo, med, hi = np.percentile(np.asarray(x, float), [5, 50, 95])
    return float(med), float(lo), float(hi)


def _ensemble(scenario: str, runs: int, seed: int, overrides: list[str] | None = None):
    from sim.engine.model import Ensemble
    from sim.inputs.setup import build

    return Ensemble(build(scenario, overrides or []), seed=seed, runs=runs).run()


# ------------------------------------------------------------------------- the replay


def replay(runs: int = 200, seed: int = 0):
    """The 2012–2019 replay as one ensemble."""
    return _ensemble(HISTORY, runs, seed)


def end_state_checks(model, patterns=None) -> list[Check]:
    """2019-Q4 levels against the ratings (±0.5) and the composite order (digest §3)."""
    from sim.vocabulary import TRACKS

    out = []
    end = model.levels
    rates, tol = ratings(patterns), tolerance(patterns)
    for dyad, rating in rates.items():
        d = model.setup.dyads.index(dyad)
        for k, track in enumerate(TRACKS):
            med, lo, hi = _stats(end[:, d, k])
            out.append(
                Check(
                    f"2019-Q4 {dyad} {track}",
                    f"{rating[k]:g} ± {tol:g}",
                    med,
                    lo,
                    hi,
                    abs(med - rating[k]) <= tol,
                )
            )
    comp = {dy: end[:, model.setup.dyads.index(dy), :].sum(axis=1) for dy in rates}
    uk_fr = comp["JPN-GBR"] - comp["JPN-FRA"]
    fr_rest = comp["JPN-FRA"] - np.maximum(comp["JPN-NATO"], comp["JPN-DEU"])
    for name, diff in (
        ("composite UK - France", uk_fr),
        ("composite France - max(NATO, Germany)", fr_rest),
    ):
        med, lo, hi = _stats(diff)
        out.append(Check(name, "> 0 (UK > FRA > NATO, DEU)", med, lo, hi, med > 0))
    return out


def matrix_match(model) -> np.ndarray:
    """Per run: does the signed state reproduce the 2019 enabler matrix? (R,) bool."""
    from sim.vocabulary import ENABLERS

    ok = np.ones(model.n_runs, bool)
    for dyad, cells in ENABLER_MATRIX.items():
        d = model.setup.dyads.index(dyad)
        for en, want in cells.items():
            ok &= model.signed[:, d, ENABLERS.index(en)] == want
    return ok


def enabler_check(model) -> Check:
    share = float(matrix_match(model).mean())
    return Check(
        "2019 enabler matrix",
        f">= {MATRIX_SHARE:.0%} of runs",
        share,
        share,
        share,
        share >= MATRIX_SHARE,
    )


def late_exercise_share(model, dyads: list[str] | None = None) -> np.ndarray:
    """Per run: share of exercise events (Record.activity) of 2012–2019 that fall in 2016–2019."""
    from sim.vocabulary import TRACKS

    k = TRACKS.index("exercise")
    idx = [model.setup.dyads.index(d) for d in (dyads or list(exercise_rows()))]
    dates = [model.setup.date(t + 1) for t in range(len(model.history))]
    act = np.stack([r.activity[:, idx, k].sum(axis=1) for r in model.history], axis=1)  # (R, T)
    years = np.array([int(x[:4]) for x in dates])
    early = act[:, (years >= 2012) & (years <= 2015)].sum(axis=1)
    late = act[:, (years >= 2016) & (years <= 2019)].sum(axis=1)
    return late / np.maximum(early + late, 1)


def timing_checks(model, patterns=None) -> list[Check]:
    """Exercise events cluster in 2016–2019 as in rand_events.csv: the simulated late share
    lies on the same side of one half as the report's (overall and for the UK and France,
    whose counts rise; digest §9)."""
    out = []
    rows = exercise_rows(patterns)
    for label, dyads in (
        ("all dyads", list(rows)),
        ("JPN-GBR", ["JPN-GBR"]),
        ("JPN-FRA", ["JPN-FRA"]),
    ):
        early = sum(rows[d][0] for d in dyads)
        late = sum(rows[d][1] for d in dyads)
        report = late / (early + late)
        med, lo, hi = _stats(late_exercise_share(model, dyads))
        same_way = (med > 0.5) == (report > 0.5) and med != 0.5
        out.append(
            Check(
                f"exercise events 2016-19 share, {label}",
                f"{'>' if report > 0.5 else '<'} 0.5 (report {report:.2f})",
                med,
                lo,
                hi,
                same_way,
            )
        )
    return out


# --------------------------------------------------------------------- sensitivities


def _paired(base, alt, fn) -> np.ndarray:
    """Per-run difference of `fn(model)` between two ensembles on the same runs and seed."""
    return fn(alt) - fn(base)


def _level(outcome: Outcome, turns: slice):
    def f(model):
        d, k = outcome.index(model.setup.dyads)
        return model.level_history()[turns, :, d, k].mean(axis=0)

    return f


def _spent(dyad: str, side: int, turns: slice):
    def f(model):
        d = model.setup.dyads.index(dyad)
        return np.stack([r.spent[:, d, side] for r in model.history[turns]]).mean(axis=0)

    return f


def sensitivity_checks(runs: int = 200, seed: int = 0, base=None) -> list[Check]:
    """The report's sensitivities as paired comparisons against the baseline."""
    base = base if base is not None else _ensemble(BASELINE, runs, seed)
    last = slice(-8, None)  # the last two years of the ten
    after = slice(SHOCK_TURN, SHOCK_TURN + 8)  # two years after a 2021-Q1 shock
    cases = [
        (
            "DEU.china_caution 0.3: JPN-DEU exercise",
            (BASELINE, ["DEU.china_caution=0.3"]),
            _level(Outcome("JPN-DEU", "exercise"), last),
            +1,
        ),
        (
            "DEU.china_caution 0.3: JPN-DEU exchange",
            (BASELINE, ["DEU.china_caution=0.3"]),
            _level(Outcome("JPN-DEU", "exchange"), last),
            +1,
        ),
        (
            "UK RAA signed: JPN-GBR exercise",
            ("uk-raa-signed", []),
            _level(Outcome("JPN-GBR", "exercise"), last),
            +1,
        ),
        (
            "Russian aggression: NATO bandwidth",
            ("russia-aggression", []),
            _spent("JPN-NATO", SECOND, slice(SHOCK_TURN - 1, None)),
            -1,
        ),
        (
            "Russian aggression: DEU bandwidth",
            ("russia-aggression", []),
            _spent("JPN-DEU", SECOND, slice(SHOCK_TURN - 1, None)),
            -1,
        ),
        (
            "Brexit squeeze: JPN-GBR dialogue 2y",
            ("brexit-bandwidth", []),
            _level(Outcome("JPN-GBR", "dialogue"), after),
            -1,
        ),
        (
            "DEU ISA concluded: JPN-DEU exchange 2y",
            ("germany-isa-concluded", []),
            _level(Outcome("JPN-DEU", "exchange"), after),
            +1,
        ),
    ]
    out = []
    cache: dict[tuple[str, tuple[str, ...]], object] = {}
    for name, (scenario, overrides), fn, sign in cases:
        key = (scenario, tuple(overrides))
        if key not in cache:
            cache[key] = _ensemble(scenario, runs, seed, overrides)
        diff = _paired(base, cache[key], fn)
        med, lo, hi = _stats(diff)
        out.append(
            Check(name, f"paired diff {'> 0' if sign > 0 else '< 0'}", med, lo, hi, sign * med > 0)
        )
    return out


def run_checks(runs: int = 200, seed: int = 0, patterns=None) -> list[Check]:
    """Every check, each on one ensemble of `runs` seeded runs (`patterns`: the record's,
    as sim.inputs.calibration reads them; default config/calibration.yaml)."""
    from sim.inputs.calibration import load_calibration

    patterns = patterns if patterns is not None else load_calibration()  # before any run
    model = replay(runs, seed)
    return (
        end_state_checks(model, patterns)
        + [enabler_check(model)]
        + timing_checks(model, patterns)
        + sensitivity_checks(runs, seed)
    )


def table(checks: list[Check]) -> str:
    head = f"{'check':<38} {'target':<24} {'median':>7}  {'90% interval':<16}  result"
    lines = [head, "-" * len(head)] + [c.row() for c in checks]
    failed = sum(not c.passed for c in checks)
    lines.append(f"{len(checks) - failed}/{len(checks)} checks pass")
    return "\n".join(lines)
