"""The wargame as an EMA Workbench model (optional extra `research`).

`ema_model("baseline")` returns a ready `ema_workbench.Model`:

- **uncertainties**: every actor parameter of config/actors.yaml with a non-empty plausible
  `range:` (the report's account of each motivation, divergence and constraint, Ch2–Ch6),
  as `RealParameter("DEU.china_caution", lo, hi)`;
- **levers**: each negotiating actor's standing move policy, played every turn (DESIGN
  "Human moves"): `A.posture` (firm, neutral or cautious toward China), `A.priority` (the
  partner that gets bandwidth first, or none), `A.exercise_with` (the partner offered an
  exercise each turn, or none) and `A.statement` (public statements on China);
- **outcomes**: the final level of every dyad and track, `ScalarOutcome("JPN-DEU.exercise")`;
  with `series=True` also each level at the start and after every turn,
  `TimeSeriesOutcome("JPN-DEU.exercise.series")`, and the turns, `TimeSeriesOutcome("TIME")`
  (the x axis of EMA's `envelopes` and `lines`).

Every experiment plays the same random stream (the `seed` constant), so outcomes differ
only through the uncertainties and levers (common random numbers). With `replications=N`
the model is EMA's `ReplicatorModel`: each experiment is played N times, replication i
on run i of the seed (the stream of run i of `sim.batch(..., seed=seed)`, the same in every
experiment); a final level is then the mean over the replications (EMA's `function=`
convention) and a series keeps each one, shape (experiments, N, turns + 1).

>>> from ema_workbench import perform_experiments                    # doctest: +SKIP
>>> experiments, outcomes = perform_experiments(ema_model("baseline"), scenarios=100)  # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

import numpy as np

from sim.errors import InputError
from sim.inputs.outcomes import Outcome
from sim.research.design import uncertainty_ranges

POSTURES = ("firm", "neutral", "cautious")
NONE = "none"
#: the suffix of a time-series outcome's name ('JPN-DEU.exercise.series'): EMA keeps one
#: kind of outcome per name in a process, so a series cannot share the final level's name
SERIES = ".series"

__all__ = ["ema_model", "uncertainty_ranges", "partners", "standing_moves", "play"]


def partners(setup) -> dict[str, list[str]]:
    """Each negotiating actor's partners in the scenario's dyads, actors in the setup's
    order (an actor a scenario adds, as australia-joins adds AUS, included)."""
    actors = setup.actors
    out: dict[str, list[str]] = {a: [] for a in actors}
    for a, b in setup.pairs:
        out[actors[a]].append(actors[b])
        out[actors[b]].append(actors[a])
    return {a: p for a, p in out.items() if p}


def standing_moves(policy: dict[str, Any], setup) -> list:
    """The moves a lever setting makes every turn (actors left at the default make none)."""
    from sim.engine.moves import Move

    moves = []
    for actor in partners(setup):
        posture = policy.get(f"{actor}.posture", "neutral")
        prio = policy.get(f"{actor}.priority", NONE)
        ex = policy.get(f"{actor}.exercise_with", NONE)
        statement = bool(policy.get(f"{actor}.statement", False))
        if posture == "neutral" and prio == NONE and ex == NONE and not statement:
            continue
        moves.append(
            Move(
                actor=actor,
                posture=posture,
                priorities=[] if prio == NONE else [prio],
                propose_exercise=[] if ex == NONE else [ex],
                statement=statement,
            )
        )
    return moves


def play(
    setup,
    seed: int,
    values: dict[str, float],
    policy: dict[str, Any],
    *,
    run: int = 0,
    series: bool = False,
) -> dict[str, Any]:
    """One game (run `run` of `seed`) with `values` for the uncertainties and `policy` for
    the levers: the final level of every dyad and track and, with `series`, its level at
    the start and after every turn ('DYAD.track.series') and the turns ('TIME')."""
    from sim.engine.model import Ensemble

    run_params = {k: np.array([float(v)]) for k, v in values.items()}
    model = Ensemble(setup, seed=seed, runs=[int(run)], run_params=run_params)
    moves = standing_moves(policy, setup)
    while not model.done:
        if moves:
            model.submit(moves)
        model.step()
    outcomes = Outcome.every(setup.dyads)
    out: dict[str, Any] = {
        str(o): float(model.levels[(0, *o.index(setup.dyads))]) for o in outcomes
    }
    if series:
        history = model.level_history()[:, 0]  # (turns + 1, D, K)
        out["TIME"] = np.arange(len(history), dtype=float)
        for o in outcomes:
            out[f"{o}{SERIES}"] = history[(slice(None), *o.index(setup.dyads))].copy()
    return out


def ema_model(
    scenario: str = "baseline",
    *,
    seed: int = 0,
    turns: int | None = None,
    params: list[str] | None = None,
    overrides: dict[str, float] | None = None,
    series: bool = False,
    replications: int | None = None,
):
    """A ready `ema_workbench.Model` of `scenario` (see the module's docstring); with
    `replications`, a `ReplicatorModel` playing each experiment on that many runs of
    `seed`; with `series`, time-series outcomes too.

    >>> m = ema_model("baseline", turns=4)
    >>> "DEU.china_caution" in [u.name for u in m.uncertainties]
    True
    >>> sorted(lv.name for lv in m.levers if lv.name.startswith("JPN."))
    ['JPN.exercise_with', 'JPN.posture', 'JPN.priority', 'JPN.statement']
    >>> [o.name for o in m.outcomes][:3]
    ['JPN-GBR.dialogue', 'JPN-GBR.exchange', 'JPN-GBR.exercise']
    >>> r = ema_model("baseline", turns=4, series=True, replications=3)
    >>> type(r).__name__, len(r.replications), [o.name for o in r.outcomes][-2:]
    ('ReplicatorModel', 3, ['JPN-NATO.exercise.series', 'TIME'])
    """
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # optional evaluators EMA cannot offer here
        from ema_workbench import (
            BooleanParameter,
            CategoricalParameter,
            Constant,
            Model,
            RealParameter,
            ReplicatorModel,
            ScalarOutcome,
            TimeSeriesOutcome,
        )

    from sim.inputs.setup import build

    if replications is not None and (
        isinstance(replications, bool) or not isinstance(replications, int) or replications < 1
    ):
        raise InputError(
            "ema_model", "replications", f"{replications!r} is not a whole number of runs >= 1"
        )
    setup = build(scenario, overrides or {}, turns)
    ranges = uncertainty_ranges(setup, params)
    lever_names = [
        f"{a}.{lv}"
        for a in partners(setup)
        for lv in ("posture", "priority", "exercise_with", "statement")
    ]

    def function(**kw: Any) -> dict[str, float]:
        values = {k: kw[k] for k in ranges if k in kw}
        policy = {k: kw[k] for k in lever_names if k in kw}
        run = int(kw.get("run", 0))
        return play(setup, int(kw.get("seed", seed)), values, policy, run=run, series=series)

    name = "wargame_" + "".join(c if c.isalnum() else "_" for c in setup.name)
    model = (Model if replications is None else ReplicatorModel)(name, function=function)
    model.uncertainties = [RealParameter(k, lo, hi) for k, (lo, hi) in ranges.items()]
    levers = []
    for actor, ps in partners(setup).items():
        levers += [
            CategoricalParameter(f"{actor}.posture", list(POSTURES)),
            CategoricalParameter(f"{actor}.priority", [NONE, *ps]),
            CategoricalParameter(f"{actor}.exercise_with", [NONE, *ps]),
            BooleanParameter(f"{actor}.statement"),
        ]
    model.levers = levers
    names = [str(o) for o in Outcome.every(setup.dyads)]
    # over replications a final level is their mean; a series keeps every replication
    mean = None if replications is None else np.mean
    outcomes = [ScalarOutcome(n, function=mean) for n in names]
    if series:
        outcomes += [TimeSeriesOutcome(n + SERIES) for n in names] + [TimeSeriesOutcome("TIME")]
    model.outcomes = outcomes
    model.constants = [Constant("seed", seed)]
    if replications is not None:
        model.replications = [{"run": i} for i in range(replications)]
    return model
