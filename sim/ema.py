"""The wargame as an EMA Workbench model (optional extra `research`).

`ema_model("baseline")` returns a ready `ema_workbench.Model`:

- **uncertainties**: every actor parameter of config/actors.yaml with a non-empty plausible
  `range:` (the report's account of each motivation, divergence and constraint, Ch2–Ch6),
  as `RealParameter("DEU.china_caution", lo, hi)`;
- **levers**: each negotiating actor's standing move policy, played every turn (DESIGN
  "Human moves"): `A.posture` (firm, neutral or cautious toward China), `A.priority` (the
  partner that gets bandwidth first, or none), `A.exercise_with` (the partner offered an
  exercise each turn, or none) and `A.statement` (public statements on China);
- **outcomes**: the final level of every dyad and track, `ScalarOutcome("JPN-DEU.exercise")`.

Every experiment plays the same random stream (the `seed` constant), so outcomes differ
only through the uncertainties and levers (common random numbers).

>>> from ema_workbench import perform_experiments                    # doctest: +SKIP
>>> experiments, outcomes = perform_experiments(ema_model("baseline"), scenarios=100)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from sim.research.design import uncertainty_ranges

POSTURES = ("firm", "neutral", "cautious")
NONE = "none"

__all__ = ["ema_model", "uncertainty_ranges", "partners", "standing_moves", "play"]


def partners(setup) -> dict[str, list[str]]:
    """Each negotiating actor's partners in the scenario's dyads."""
    from sim.vocabulary import AGENT_ACTORS

    out: dict[str, list[str]] = {a: [] for a in AGENT_ACTORS}
    for a, b in setup.pairs:
        out[AGENT_ACTORS[a]].append(AGENT_ACTORS[b])
        out[AGENT_ACTORS[b]].append(AGENT_ACTORS[a])
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


def play(setup, seed: int, values: dict[str, float], policy: dict[str, Any]) -> dict[str, float]:
    """One game with `values` for the uncertainties and `policy` for the levers; the final
    level of every dyad and track."""
    from sim.engine.model import Ensemble
    from sim.vocabulary import TRACKS

    run_params = {k: np.array([float(v)]) for k, v in values.items()}
    model = Ensemble(setup, seed=seed, run_params=run_params)
    moves = standing_moves(policy, setup)
    while not model.done:
        if moves:
            model.submit(moves)
        model.step()
    return {
        f"{dy}.{tr}": float(model.levels[0, d, k])
        for d, dy in enumerate(setup.dyads)
        for k, tr in enumerate(TRACKS)
    }


def ema_model(
    scenario: str = "baseline",
    *,
    seed: int = 0,
    turns: int | None = None,
    params: list[str] | None = None,
    overrides: dict[str, float] | None = None,
):
    """A ready `ema_workbench.Model` of `scenario` (see the module's docstring).

    >>> m = ema_model("baseline", turns=4)
    >>> "DEU.china_caution" in [u.name for u in m.uncertainties]
    True
    >>> sorted(lv.name for lv in m.levers if lv.name.startswith("JPN."))
    ['JPN.exercise_with', 'JPN.posture', 'JPN.priority', 'JPN.statement']
    >>> [o.name for o in m.outcomes][:3]
    ['JPN-GBR.dialogue', 'JPN-GBR.exchange', 'JPN-GBR.exercise']
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
            ScalarOutcome,
        )

    from sim.inputs.setup import build
    from sim.vocabulary import TRACKS

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
        return play(setup, int(kw.get("seed", seed)), values, policy)

    name = "wargame_" + "".join(c if c.isalnum() else "_" for c in setup.name)
    model = Model(name, function=function)
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
    model.outcomes = [ScalarOutcome(f"{dy}.{tr}") for dy in setup.dyads for tr in TRACKS]
    model.constants = [Constant("seed", seed)]
    return model
