"""The endogenous hindcast: the 2012–2019 replay in which the model concludes the agreements.

scenarios/history-2012-2019.yaml signs the nine agreements of the period by shocks on their
historical dates. The hindcast (`hindcast_setup`) is the same replay with every action that
opens the way to a signature (`sign`, `negotiate`, `unblock`) taken out of its shocks, and a
shock left with no effect dropped; the world's drivers stay (Abe's return, Crimea, the Three
Principles, the security legislation, Brexit, KUKA, ...), and so does the German ISA's
`block`, which holds an agreement back rather than concluding it. The agreements start
absent (the scenario's `initial:`), so the engine's own negotiations (pressure on the cap an
agreement lifts, talks, a chance to conclude each quarter: sim/engine/model.py `negotiate`)
must conclude them.

It is compared with two patterns of config/calibration.yaml (sim/inputs/calibration.py):

- **agreements**: per agreement, the quarter of the first signature in each run (the middle
  of the quarter, as a fractional year); a run that never signs counts as infinitely late.
  An agreement passes when the median over runs lies within `tolerance_years` of the
  record's date, so one that most runs never sign is a miss. The table also gives the 90%
  range (5th to 95th percentile, "never" where it lies beyond the period) and the share of
  runs that never sign.
- **activity**: the record's rows per dyad, track and period are compared as shares, never
  as counts (the report lists tracks differently: every dialogue meeting from footnotes, the
  UK's service-chief visits only as totals). Within each track and period, a dyad's share of
  the track's rows is set against its share of the engine's activity events (Record.activity:
  a concrete activity took place that quarter), pooled over all runs (the 90% range is that
  of the per-run shares). The score is the Spearman rank correlation (scipy.stats) of the
  24 recorded shares (4 dyads × 3 tracks × 2 periods) with the simulated ones.

The last line of the table reads
`hindcast: A/B agreements signed within a year of the record; activity rank correlation R
(N dyad-tracks)`. `run_params` takes per-run parameter sets as sim/research/uncertainty.py
produces them (a posterior sample, say); keys the replay fixes by its own `overrides:` keep
the replay's values. Without them the runs use the config's point estimates.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.vocabulary import ENABLERS, TRACKS

HISTORY = "history-2012-2019"
NAME = "hindcast-2012-2019"
#: Runs at the point estimates by default (about a second on one core).
RUNS = 1000
#: Agreement actions that open the way to a signature: what the hindcast takes out.
OPENING = ("sign", "negotiate", "unblock")


def hindcast_setup(turns: int | None = None):
    """The 2012–2019 replay without its agreement actions (see the module's docstring), cut
    to `turns` when given (tests)."""
    from sim.inputs.loader import load_scenario
    from sim.inputs.setup import compile_setup

    sc, cfg, path = load_scenario(HISTORY)
    shocks = []
    for s in sc.shocks:
        kept = {k: v for k, v in s.enablers.items() if v not in OPENING}
        if s.enablers and not kept and not _other_effects(s):
            continue
        shocks.append(s.model_copy(update={"enablers": kept}))
    variant = sc.model_copy(
        update={
            "name": NAME,
            "description": f"{sc.description} Hindcast: without the agreement shocks.",
            "shocks": shocks,
        }
    )
    return compile_setup(variant, cfg, path, {}, turns)


def _other_effects(shock) -> bool:
    return bool(
        shock.indices
        or shock.index_means
        or shock.params
        or shock.coercion
        or shock.retaliation
        or shock.missions
    )


@dataclass(frozen=True)
class AgreementRow:
    """One agreement: the record's date against the simulated signing quarters."""

    key: str  # 'JPN-GBR.isa'
    record: str  # '2013-07-04'
    record_year: float
    median: str  # quarter label or 'never'
    lo: str
    hi: str
    median_year: float  # inf when the median run never signs
    never: float  # share of runs that never sign
    within: bool


@dataclass(frozen=True)
class ActivityRow:
    """One dyad, track and period: the record's share of the track against the model's."""

    dyad: str
    track: str
    period: str
    record: float
    simulated: float
    lo: float
    hi: float


@dataclass(frozen=True)
class Hindcast:
    """What `run` found: one row per agreement and per dyad-track-period, and the scores."""

    agreements: list[AgreementRow]
    activity: list[ActivityRow]
    runs: int
    seed: int
    tolerance_years: float
    min_within: int
    min_rank_correlation: float
    sampled: bool  # per-run parameter sets were given (`run_params`)
    #: what the runs' parameters are, for the header ("" : said from `sampled`)
    over: str = ""

    @property
    def within(self) -> int:
        return sum(a.within for a in self.agreements)

    @property
    def rank_correlation(self) -> float:
        from scipy.stats import spearmanr

        rec = [a.record for a in self.activity]
        sim = [a.simulated for a in self.activity]
        return float(spearmanr(rec, sim).statistic)

    @property
    def met(self) -> bool:
        """Both targets of config/calibration.yaml met."""
        r = self.rank_correlation
        return self.within >= self.min_within and bool(r >= self.min_rank_correlation)

    def last_line(self) -> str:
        return (
            f"hindcast: {self.within}/{len(self.agreements)} agreements signed within a year "
            f"of the record; activity rank correlation {self.rank_correlation:.2f} "
            f"({len(self.activity)} dyad-tracks)"
        )


def run(
    runs: int | None = None,
    seed: int = 0,
    run_params: dict[str, np.ndarray] | None = None,
    patterns=None,
    over: str = "",
) -> Hindcast:
    """Run the hindcast over `runs` seeded runs at the point estimates, or over per-run
    parameter sets `run_params` (one value per run, as sim/research/uncertainty.py makes
    them; `runs` then defaults to their length). `patterns`: config/calibration.yaml as
    sim.inputs.calibration reads it (default: the shipped file)."""
    from sim.engine.model import Ensemble
    from sim.inputs.calibration import load_calibration

    doc = patterns if patterns is not None else load_calibration()
    setup = hindcast_setup()
    params = {}
    for key, v in (run_params or {}).items():
        if key not in setup.overrides:  # the replay's 2012 readings stay
            params[key] = np.asarray(v, float)
    lengths = {len(v) for v in params.values()}
    if len(lengths) > 1:
        raise ValueError(f"run_params of different lengths: {sorted(lengths)}")
    if lengths:
        n = lengths.pop()
        if runs is not None and runs != n:
            raise ValueError(f"runs {runs} differs from the {n} values of run_params")
        runs = n
    runs = RUNS if runs is None else int(runs)
    if runs < 1:
        raise ValueError("runs must be at least 1")
    model = Ensemble(setup, seed=seed, runs=runs, run_params=params or None).run()
    return Hindcast(
        agreements=_agreements(model, doc),
        activity=_activity(model, doc),
        runs=runs,
        seed=seed,
        tolerance_years=doc.agreements.tolerance_years,
        min_within=doc.agreements.min_within,
        min_rank_correlation=doc.activity.min_rank_correlation,
        sampled=bool(params),
        over=over,
    )


#: What `run_over` runs over: draws of the posterior, the plausible ranges, the point values
SOURCES = ("posterior", "prior", "point")


def run_over(
    draws: int | None = None, seed: int = 0, source: str = "posterior", patterns=None
) -> tuple[Hindcast, str]:
    """The hindcast over `draws` parameter sets, one run each: draws of the posterior
    (sim/research/posterior_file.py `shipped_path`, as compare draws them), Latin-hypercube
    points of the plausible ranges (`prior`) or the config's point estimates (`point`:
    `draws` seeded runs). A posterior that was fitted to another model gives way to the
    point estimates, the report's readings, with the one-line note returned beside."""
    from sim.research.posterior_file import load_shipped, parameter_sample

    n = RUNS if draws is None else int(draws)
    note = ""
    if source == "posterior":
        post, note = load_shipped(fallback="running at the config's point estimates instead")
        if post is None:
            source = "point"
    if source == "point":
        return run(n, seed, patterns=patterns), note
    setup = hindcast_setup()
    ps = parameter_sample(setup, n, 1, seed, prior=source == "prior")
    over = (
        f"over the posterior ({n} draws)"
        if ps.source == "posterior"
        else f"over the plausible ranges ({n} Latin-hypercube points)"
    )
    return run(seed=seed, run_params=ps.run_params(setup), patterns=patterns, over=over), note


def _quarter_year(setup, turn: int) -> float:
    """The middle of a turn's quarter as a fractional year ('2013-Q3' -> 2013.625)."""
    label = setup.date(turn)
    year, q = label.split("-Q")
    return int(year) + (int(q) - 1) / 4 + 0.125


def first_signed(model, agreements) -> np.ndarray:
    """(agreements, runs): the turn of each agreement's first signature per run (0 when in
    force from the start, T + 1 when never signed in the T turns)."""
    setup = model.setup
    T = len(model.history)
    signed = np.stack([r.signed for r in model.history])  # (T, R, D, E)
    out = []
    for a in agreements:
        d, e = setup.dyads.index(a.dyad), ENABLERS.index(a.enabler)
        ever = signed[:, :, d, e]
        if setup.signed[d, e]:  # in force from the start
            out.append(np.zeros(model.n_runs, int))
        else:
            out.append(np.where(ever.any(axis=0), ever.argmax(axis=0) + 1, T + 1))
    return np.stack(out)


def turn_years(setup, turns: int) -> np.ndarray:
    """The middle of each turn's quarter as a fractional year, turns 1..turns."""
    return np.array([_quarter_year(setup, t) for t in range(1, turns + 1)])


def activity_counts(model, doc) -> np.ndarray:
    """(periods, runs, dyads, tracks): the engine's activity events of the record's dyads
    (doc.activity.counts' order) per period of doc.activity.periods."""
    setup = model.setup
    years = np.array([int(setup.date(t + 1)[:4]) for t in range(len(model.history))])
    act = np.stack([r.activity for r in model.history])  # (T, R, D, K)
    idx = [setup.dyads.index(d) for d in doc.activity.counts]
    return np.stack(
        [
            act[(years >= first) & (years <= last)][:, :, idx].sum(axis=0)
            for first, last in doc.activity.periods.values()
        ]
    ).astype(float)


def _agreements(model, doc) -> list[AgreementRow]:
    setup = model.setup
    T = len(model.history)
    firsts = first_signed(model, doc.agreements.signed)
    rows = []
    for a, first in zip(doc.agreements.signed, firsts, strict=True):
        lo, med, hi = (int(np.quantile(first, q, method="inverted_cdf")) for q in (0.05, 0.5, 0.95))

        def label(turn: int) -> str:
            return "never" if turn > T else setup.date(turn)

        med_year = float("inf") if med > T else _quarter_year(setup, med)
        rows.append(
            AgreementRow(
                key=a.key,
                record=a.date.isoformat(),
                record_year=a.year,
                median=label(med),
                lo=label(lo),
                hi=label(hi),
                median_year=med_year,
                never=float((first > T).mean()),
                within=abs(med_year - a.year) <= doc.agreements.tolerance_years,
            )
        )
    return rows


def _activity(model, doc) -> list[ActivityRow]:
    dyads = list(doc.activity.counts)
    counts = activity_counts(model, doc)  # (P, R, n, K)
    pooled = counts.sum(axis=1)  # (P, n, K)
    pooled_share = pooled / np.maximum(pooled.sum(axis=1, keepdims=True), 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        per_run = counts / counts.sum(axis=2, keepdims=True)  # nan where a run had none
    record = doc.activity.shares()
    rows = []
    for i, dyad in enumerate(dyads):
        for k, track in enumerate(TRACKS):
            for p, period in enumerate(doc.activity.periods):
                runs = per_run[p, :, i, k]
                runs = runs[~np.isnan(runs)]
                lo, hi = np.percentile(runs, [5, 95]) if len(runs) else (np.nan, np.nan)
                rows.append(
                    ActivityRow(
                        dyad,
                        track,
                        period,
                        record[(dyad, track, period)],
                        float(pooled_share[p, i, k]),
                        float(lo),
                        float(hi),
                    )
                )
    return rows


def table(h: Hindcast) -> str:
    """The hindcast as text; its last line is `Hindcast.last_line`."""
    if h.over:  # 'over the posterior (N draws)'
        head = f"{h.over}, one run each, seed {h.seed}"
    else:
        what = "per-run parameter sets" if h.sampled else "the config's point estimates"
        head = f"({h.runs} runs, seed {h.seed}, {what})"
    out = [
        f"Hindcast 2012-2019: the replay without its agreement shocks {head}",
        "",
        f"{'agreement':<24}{'record':<12}{'median':>9}  {'90% range':<20}{'never':>7}  "
        f"within {h.tolerance_years:g}y",
    ]
    for a in h.agreements:
        out.append(
            f"{a.key:<24}{a.record:<12}{a.median:>9}  {f'[{a.lo}, {a.hi}]':<20}"
            f"{a.never:>7.0%}  {'yes' if a.within else 'MISS'}"
        )
    out += [
        "(a run that never signs counts as infinitely late: a median 'never' is a miss)",
        "",
        "activity: each dyad's share of its track's events in the period "
        "(record: rand_events.csv rows; simulated: the engine's activity events, all runs)",
        f"{'dyad':<10}{'track':<10}{'period':<9}{'record':>7}{'simulated':>11}  90% range",
    ]
    for r in h.activity:
        out.append(
            f"{r.dyad:<10}{r.track:<10}{r.period:<9}{r.record:>7.2f}{r.simulated:>11.2f}  "
            f"[{r.lo:.2f}, {r.hi:.2f}]"
        )
    out += [
        "",
        f"targets (config/calibration.yaml): at least {h.min_within}/{len(h.agreements)} "
        f"within {h.tolerance_years:g} year, rank correlation at least "
        f"{h.min_rank_correlation:g}: {'met' if h.met else 'not met'}",
        h.last_line(),
    ]
    return "\n".join(out)
