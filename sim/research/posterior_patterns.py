"""The patterns of the record that the ABC-SMC (sim/research/posterior.py) fits.

Six patterns at three scales, in three scenarios (the 2012–2019 replay, the baseline, and
the hindcast: the replay without its agreement shocks, sim/research/hindcast.py):

- `PATTERNS`: the 2019 ratings at the end of the replay (digest §3, ±0.5); the same ratings
  as the steady state of the baseline (±0.5); the 2019 enabler matrix, per cell the share of
  runs whose signed state matches it (tolerance 1 − MATRIX_SHARE, as validate-model asks);
- `record_patterns` (config/calibration.yaml): `agreement-dates`, per agreement of the nine
  of 2012–2019, the mean over the particle's runs of |simulated − recorded| signing date in
  the hindcast, in years (record 0, tolerance `tolerance_years`, 1 year); a run that never
  signs within the horizon counts as signing a tolerance after its end (after the record's
  date if that is later), a clear miss. The gap, not the share of runs within ±1 year that
  the hindcast scores, because ABC ranks particles by distance: with two runs per particle
  the share takes three values and is 0 for every particle more than a year off, whether by
  1.1 or 7 years, so the early generations, where most particles are, could not be ranked;
  the mean gap is continuous, orders them all and is below the tolerance when the runs sign
  within a year. And `activity-2012-15`, `activity-2016-19`: each dyad's share of a track's
  activity events in the period, pooled over the particle's runs, against the record's
  shares (tolerance `share_tolerance`, 0.1), one pattern per period so that a period can be
  held out (`--holdout 2016-19`: simulated and kept, out of the distance; its posterior
  predictive's rank correlation with the record is the out-of-sample check).

A pattern is a statistic of the simulated runs, the record's value and a tolerance; its
distance is the root mean square of (simulated − record) / tolerance over its values, and a
particle's distance is the mean over the fitted patterns, so a pattern joins by adding one
`Pattern`. Progress lines give each pattern's median distance.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

import numpy as np

from sim.errors import InputError
from sim.inputs.outcomes import Outcome
from sim.research.hindcast import NAME as HINDCAST
from sim.research.validation import BASELINE, ENABLER_MATRIX, HISTORY, MATRIX_SHARE, RATINGS

__all__ = ["BASELINE", "HINDCAST", "HISTORY", "PATTERNS", "Pattern"]


# ------------------------------------------------------------------------- patterns


@dataclass(frozen=True)
class Pattern:
    """One pattern of the record: a statistic of the simulated runs per particle, the record's
    values and the tolerance that scales the gaps. A pattern that is not `fitted` (held out)
    is simulated and kept, but stays out of the distance."""

    name: str
    source: str
    labels: tuple[str, ...]
    record: np.ndarray
    tolerance: float
    #: (models by scenario, runs per particle) -> (particles, len(labels)); picklable (a
    #: module-level function or a partial of one), since worker processes evaluate it
    statistic: Callable[[dict, int], np.ndarray]
    fitted: bool = True

    def distance(self, stats: np.ndarray) -> np.ndarray:
        return np.sqrt(np.mean(((stats - self.record) / self.tolerance) ** 2, axis=1))

    def describe(self) -> dict:
        return {
            "name": self.name,
            "source": self.source,
            "tolerance": self.tolerance,
            "fitted": self.fitted,
            "record": dict(zip(self.labels, self.record.tolist(), strict=True)),
        }


def _per_particle(x: np.ndarray, r: int) -> np.ndarray:
    """(particles × r, ...) point-major -> mean over each particle's r runs."""
    return x.reshape(-1, r, *x.shape[1:]).mean(axis=1)


def _end_levels(scenario: str, models: dict, r: int) -> np.ndarray:
    m = models[scenario]
    idx = [m.setup.dyads.index(d) for d in RATINGS]
    return _per_particle(m.levels[:, idx, :].reshape(m.n_runs, -1), r)


def _matrix_cells(models: dict, r: int) -> np.ndarray:
    from sim.vocabulary import ENABLERS

    m = models[HISTORY]
    cols = [
        m.signed[:, m.setup.dyads.index(d), ENABLERS.index(en)].astype(float)
        for d, cells in ENABLER_MATRIX.items()
        for en in cells
    ]
    return _per_particle(np.stack(cols, axis=1), r)


def _agreement_gaps(doc, models: dict, r: int) -> np.ndarray:
    """Per particle and agreement: the mean over its runs of |simulated − recorded| signing
    date in years, in the hindcast (a signature dated the middle of its quarter; one in
    force from the start, at the start). A run that never signs within the horizon counts
    as signing `tolerance_years` after the horizon's end (or after the record's date, if
    that lies beyond the horizon, as in runs cut short): a clear miss, wider than the
    tolerance and than any date inside the horizon."""
    from sim.research.hindcast import first_signed, turn_years

    m = models[HINDCAST]
    T = len(m.history)
    years = turn_years(m.setup, T)
    end = years[-1] + 0.125
    tol = doc.agreements.tolerance_years
    first = first_signed(m, doc.agreements.signed)  # (A, R): 0 start, T + 1 never
    record = np.array([a.year for a in doc.agreements.signed])[:, None]
    when = np.concatenate([[years[0] - 0.125], years, [end]])[first]
    gap = np.where(first > T, np.maximum(end - record, 0) + tol, np.abs(when - record))
    return _per_particle(gap.T, r)


def _activity_shares(doc, period: int, models: dict, r: int) -> np.ndarray:
    """Per particle: each dyad's share of a track's activity events in the hindcast's
    `period`, pooled over its runs (sim/research/hindcast.py, dyad-major, tracks within)."""
    from sim.research.hindcast import activity_counts

    c = activity_counts(models[HINDCAST], doc)[period]  # (R, n, K)
    c = c.reshape(-1, r, *c.shape[1:]).sum(axis=1)  # (P, n, K)
    share = c / np.maximum(c.sum(axis=1, keepdims=True), 1)
    return share.reshape(len(share), -1)


def _rating_labels() -> tuple[str, ...]:
    return tuple(str(o) for o in Outcome.every(tuple(RATINGS)))


#: The 2019 patterns (digest §3)
PATTERNS: tuple[Pattern, ...] = (
    Pattern(
        "ratings-2019",
        "2019-Q4 of history-2012-2019 against the ratings (digest §3)",
        _rating_labels(),
        np.array([v for d in RATINGS for v in RATINGS[d]], float),
        0.5,
        partial(_end_levels, HISTORY),
    ),
    Pattern(
        "steady-state",
        "last turn of baseline against the 2019 ratings (digest §3)",
        _rating_labels(),
        np.array([v for d in RATINGS for v in RATINGS[d]], float),
        0.5,
        partial(_end_levels, BASELINE),
    ),
    Pattern(
        "enabler-matrix-2019",
        "signed state at 2019-Q4 of history-2012-2019 against the enabler matrix (digest §3)",
        tuple(f"{d}.{en}" for d, cells in ENABLER_MATRIX.items() for en in cells),
        np.array([float(v) for cells in ENABLER_MATRIX.values() for v in cells.values()]),
        1 - MATRIX_SHARE,
        _matrix_cells,
    ),
)


def record_patterns(doc) -> tuple[Pattern, ...]:
    """The hindcast's patterns of config/calibration.yaml (`doc`): the agreements' signing
    dates and the activity profile of each period."""
    shares = doc.activity.shares()
    dyads = list(doc.activity.counts)
    out = [
        Pattern(
            "agreement-dates",
            f"{HINDCAST}: years between the simulated and the recorded signing date "
            "(config/calibration.yaml agreements; never signed: horizon end + tolerance)",
            tuple(a.key for a in doc.agreements.signed),
            np.zeros(len(doc.agreements.signed)),
            doc.agreements.tolerance_years,
            partial(_agreement_gaps, doc),
        )
    ]
    for p, period in enumerate(doc.activity.periods):
        out.append(
            Pattern(
                f"activity-{period}",
                f"{HINDCAST}: each dyad's share of a track's activity events in {period} "
                "against rand_events.csv (config/calibration.yaml activity)",
                tuple(str(o) for o in Outcome.every(dyads)),
                np.array([shares[(o.dyad, o.track, period)] for o in Outcome.every(dyads)]),
                doc.activity.share_tolerance,
                partial(_activity_shares, doc, p),
            )
        )
    return tuple(out)


def default_patterns(calibration: Path | None = None, holdout: str | None = None):
    """The 2019 patterns and the record's (config/calibration.yaml, or `calibration`), with
    the activity profile of the period `holdout` kept out of the distance."""
    from sim.inputs.calibration import load_calibration

    doc = load_calibration(calibration)
    patterns = (*PATTERNS, *record_patterns(doc))
    if holdout is None:
        return patterns
    if holdout not in doc.activity.periods:
        from sim.errors import allowed

        raise InputError("--holdout", holdout, allowed(list(doc.activity.periods)))
    name = f"activity-{holdout}"
    return tuple(replace(p, fitted=False) if p.name == name else p for p in patterns)
