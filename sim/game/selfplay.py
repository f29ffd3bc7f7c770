"""A hosted game played to the end with a bot on every seat, in process: the host's
`Session` and each seat's standing policy (sim/game/bots.py), exactly as `wargame join
--bot` plays a seat over the network. Used to check that every seat can win
(benchmarks/bots_balance.py, tests/game/test_balance.py) and by the debrief notebook."""

from __future__ import annotations

from pathlib import Path

from sim.game import bots
from sim.game import protocol as P
from sim.game.objectives import objective_values
from sim.game.session import Session

#: objectives that earn points on each turn they hold; the others (limit, restraint,
#: domestic) cost points on each turn they are crossed
GOALS = ("level", "agreement", "cost")


def play(scenario: str, folder: Path | str, seed: int, turns: int | None = None) -> Session:
    """Host `scenario` in `folder` and play every turn with a bot on every seat."""
    host = Session(scenario, Path(folder), seed=seed, turns=turns)
    while not host.done:
        for seat in host.seats:
            objectives = host.welcome_info("player", seat).get("objectives", [])
            state = host.view("player", seat, []).model_dump()
            for p in state["proposals"]:
                if p["to"] == seat and p["status"] == "open":
                    answer, terms = bots.answer(seat, objectives, state, p)
                    host.respond(
                        seat,
                        P.Respond(
                            proposal=p["id"],
                            answer=answer,
                            terms=P.Terms(**terms) if terms else None,
                        ),
                    )
            for pr in bots.proposals(seat, objectives, state):
                host.propose(
                    seat, P.Propose(to=pr["to"], kind=pr["kind"], terms=P.Terms(**pr["terms"]))
                )
            host.submit(seat, host.playing, P.MovePayload(**bots.choose(seat, objectives, state)))
        host.advance()
    return host


def objectives_met(host: Session) -> dict[tuple[str, str], bool]:
    """(seat, objective id) -> met in this game: a goal on at least one turn, a limit,
    restraint or domestic objective on every turn."""
    model = host.game.model
    out = {}
    for seat in host.seats:
        if seat not in host.plans:
            continue
        plan = host.plans[seat]
        per_turn = [
            objective_values(model, seat, plan, t) for t in range(1, len(model.history) + 1)
        ]
        for i, o in enumerate(plan.objectives):
            oks = [row[i][2] for row in per_turn]
            out[(seat, o.id)] = any(oks) if o.kind in GOALS else all(oks)
    return out


def balance(
    scenario: str, folder: Path | str, seeds, turns: int | None = None
) -> tuple[dict[tuple[str, str], int], dict[str, float]]:
    """One bot game per seed (in `folder`/game<seed>): for each (seat, objective id) the
    number of games that met it, and each seat's mean score (its points summed over a game)."""
    met: dict[tuple[str, str], int] = {}
    totals: dict[str, list[float]] = {}
    for seed in seeds:
        host = play(scenario, Path(folder) / f"game{seed}", seed, turns)
        for key, ok in objectives_met(host).items():
            met[key] = met.get(key, 0) + int(ok)
        for seat, points in host.scores().items():
            totals.setdefault(seat, []).append(sum(points))
    return met, {seat: sum(v) / len(v) for seat, v in totals.items()}
