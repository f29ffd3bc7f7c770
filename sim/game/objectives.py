"""Briefs, objectives and scores of the classroom seats: config/classroom.yaml's defaults,
replaced seat by seat by the scenario's own (see `load_plans`).

A seat's score each turn is the sum of the points of its objectives met that turn, minus
the points of the limits it is over; the game score is the sum over turns. Every quantity is
read from the engine's record of the turn (levels, agreements in force, bandwidth spent,
world indices, the seat's parameters and its moves), never recomputed here.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from pydantic import Field, model_validator

from sim.errors import InputError, allowed, did_you_mean
from sim.inputs.config_schema import ActorName, AgentId, Sourced
from sim.inputs.loader import project_root, read_yaml, validate
from sim.inputs.safe_yaml import node_line
from sim.inputs.schema import Brief, Objective, Scenario, Strict, duplicate_objective
from sim.vocabulary import ENABLERS, INDICES, PARAMS, TRACKS


class SeatPlan(Strict):
    """A seat's brief and objectives."""

    brief: Brief
    objectives: list[Objective]

    @model_validator(mode="after")
    def _unique(self) -> SeatPlan:
        i = duplicate_objective(self.objectives)
        if i is not None:
            raise ValueError(
                f"objectives[{i}]: id '{self.objectives[i].id}' is used twice; "
                "an objective's id is unique within the seat"
            )
        return self


class ClassroomConfig(Strict):
    """config/classroom.yaml: briefs and objectives per seat."""

    source: str = Field(min_length=3)
    """Where the briefs come from."""
    concession_cost: Sourced
    """Rise of the conceding side's domestic constraint (0–1) when a deal settles an RAA's
    criminal jurisdiction (sim/game/deals.py `terms_shock`)."""
    seats: dict[AgentId, SeatPlan]


class ObjectivesOverride(Strict):
    """A file given with --objectives, or objectives/<name>.yaml next to a scenario: plans
    for some seats (the rest keep the defaults); a seat may be an actor the scenario adds."""

    source: str = ""
    seats: dict[ActorName, SeatPlan] = {}


def no_brief(actor: str) -> Brief:
    """The brief of a seat that no file gives one: says so."""
    return Brief(role=f"{actor}: no brief (the scenario gives objectives only)")


def default_path() -> Path:
    return project_root() / "config" / "classroom.yaml"


def load_classroom() -> ClassroomConfig:
    """config/classroom.yaml, checked."""
    path = default_path()
    data, node = read_yaml(path)
    return validate(ClassroomConfig, data, path, node)


def scenario_objectives(scenario_path: str | Path) -> Path | None:
    """The scenario's own objectives, if it has any: objectives/<name>.yaml next to the
    scenario file (a subfolder, so scenario listings do not take it for a scenario)."""
    p = Path(scenario_path)
    f = p.parent / "objectives" / f"{p.stem}.yaml"
    return f if f.is_file() else None


def load_plans(
    override: str | Path | None = None,
    dyads: tuple[str, ...] | None = None,
    scenario_path: str | Path | None = None,
    scenario: Scenario | None = None,
    actors: tuple[str, ...] | None = None,
) -> dict[str, SeatPlan]:
    """The seats' plans, each layer replacing what the one before says about the seats it
    names (lowest first):

    1. config/classroom.yaml, the defaults (objectives on dyads the game lacks left out);
    2. objectives/<name>.yaml next to the scenario file (a seat's brief and objectives);
    3. the scenario's own `briefs:` and `objectives:` sections (a seat's brief, its
       objectives, or both; what a section leaves out comes from the layers below);
    4. the `--objectives FILE` of `wargame host` (a seat's brief and objectives).

    A seat without a plan in any layer (an actor the scenario adds and no file names) has
    none: it plays and scores nothing. Files naming a seat outside `actors` (the game's
    actors, when given) are refused. The scenario's sections were checked when it was
    loaded (sim.inputs.loader.check_scenario)."""
    cfg = load_classroom()
    # default objectives on dyads a scenario does not have are left out
    plans = {
        a: p
        if dyads is None
        else p.model_copy(
            update={"objectives": [o for o in p.objectives if o.dyad is None or o.dyad in dyads]}
        )
        for a, p in cfg.seats.items()
    }
    plans.update(
        _layer(scenario_objectives(scenario_path) if scenario_path else None, dyads, actors)
    )
    if scenario is not None:
        for a in sorted(set(scenario.briefs) | set(scenario.objectives)):
            # an actor the scenario adds has no default plan: what the scenario gives
            base = plans.get(a) or SeatPlan(brief=no_brief(a), objectives=[])
            plans[a] = base.model_copy(
                update={
                    "brief": scenario.briefs.get(a, base.brief),
                    "objectives": scenario.objectives.get(a, base.objectives),
                }
            )
    plans.update(_layer(override, dyads, actors))
    return plans


def _layer(path: str | Path | None, dyads, actors=None) -> dict[str, SeatPlan]:
    """The seats' plans of an objectives file (empty without one)."""
    if path is None:
        return {}
    p = Path(path)
    data, node = read_yaml(p)
    seats = validate(ObjectivesOverride, data, p, node).seats
    for seat in seats:
        if actors is not None and seat not in actors:
            raise InputError(
                str(p),
                f"seats.{seat}",
                f"'{seat}' is not an actor of this game{did_you_mean(seat, actors)}; "
                f"{allowed(actors)}",
                node_line(node, ("seats", seat)),
            )
    _check_dyads(p, seats, dyads)
    return seats


def _check_dyads(path: Path, plans: dict[str, SeatPlan], dyads) -> None:
    """A scenario's or a teacher's objective must name a dyad of the game."""
    if dyads is None:
        return
    for seat, plan in plans.items():
        for i, o in enumerate(plan.objectives):
            if o.dyad is not None and o.dyad not in dyads:
                raise InputError(
                    str(path),
                    f"seats.{seat}.objectives[{i}].dyad",
                    f"'{o.dyad}' is not a dyad of this game; {allowed(dyads)}",
                )


# ------------------------------------------------------------------------- scoring
def _spent(model, seat: str, rec) -> float:
    a = model.setup.ai[seat]
    pairs = model.setup.pairs
    return float(
        sum(
            rec.spent[0, d, int(np.where(pairs[d] == a)[0][0])]
            for d in range(len(pairs))
            if a in pairs[d]
        )
    )


def _move_count(history, seat: str, upto: int, move: str) -> int:
    return sum(
        1
        for rec in history[:upto]
        for m in rec.moves
        if m.actor == seat and getattr(m, move, False)
    )


def objective_values(
    model, seat: str, plan: SeatPlan, turn: int
) -> list[tuple[Objective, float, bool]]:
    """(objective, the value it reads, met) for every objective of `seat` at `turn` (>= 1)."""
    s = model.setup
    rec = model.history[turn - 1]
    signed = s.signed.copy()
    for r in model.history[:turn]:
        signed |= r.signed[0]
    out = []
    for o in plan.objectives:
        if o.kind == "level":
            v = float(rec.levels[0, s.dyads.index(o.dyad), TRACKS.index(o.track)])
            ok = v >= o.at_least
        elif o.kind == "agreement":
            v = float(signed[s.dyads.index(o.dyad), ENABLERS.index(o.enabler)])
            ok = v > 0
        elif o.kind == "limit":
            v = (
                float(rec.world[0, INDICES.index(o.index)])
                if o.index
                else float(rec.levels[0, s.dyads.index(o.dyad), TRACKS.index(o.track)])
            )
            ok = v <= o.at_most
        elif o.kind == "cost":
            v = _spent(model, seat, rec)
            ok = v <= o.at_most + 1e-9
        elif o.kind == "restraint":
            v = float(_move_count(model.history, seat, turn, o.move))
            ok = v <= o.at_most
        else:  # domestic: rise of the seat's domestic constraint since the start
            p, a = PARAMS.index("domestic_constraint"), s.ai[seat]
            snaps = model.snapshots
            now = snaps[turn - 1].params[0, a, p] if len(snaps) >= turn else model.params[0, a, p]
            v = float(now - s.params[a, p])
            ok = v <= o.at_most + 1e-9
        out.append((o, v, bool(ok)))
    return out


def turn_score(model, seat: str, plan: SeatPlan, turn: int) -> float:
    """Points of `seat` in `turn`: met goals add, crossed limits subtract."""
    total = 0.0
    for o, _, ok in objective_values(model, seat, plan, turn):
        if o.kind in ("limit", "restraint", "domestic"):
            total -= 0.0 if ok else o.points
        elif ok:
            total += o.points
    return total


def score_history(model, plans: dict[str, SeatPlan], seats=None) -> dict[str, list[float]]:
    """Score per turn of every seat (turn 1 first)."""
    seats = seats or list(plans)
    return {
        a: [turn_score(model, a, plans[a], t) for t in range(1, len(model.history) + 1)]
        for a in seats
        if a in plans
    }
