"""Standing policies: one seat plays the same move every turn. Used to check, by simulation,
that no single policy maximises every seat's score (the objectives pull against each other)
and in the facilitator's guide to show what each instrument costs."""

from __future__ import annotations

import numpy as np

from sim.engine.moves import Move
from sim.game.game import Game
from sim.game.objectives import SeatPlan, score_history


def policies(partners: list[str]) -> dict[str, dict]:
    """Name -> move payload, for a seat with these partners."""
    return {
        "idle": {},
        "engage": {"priorities": partners, "propose_exercise": partners},
        "engage-cautious": {
            "priorities": partners,
            "propose_exercise": partners,
            "posture": "cautious",
        },
        "cautious": {"posture": "cautious"},
        "firm": {"posture": "firm", "statement": True, "deploy": True},
        "talks": {"request_two_plus_two": partners, "buy_equipment": partners},
    }


def standing_scores(
    scenario: str, plans: dict[str, SeatPlan], seeds: range, turns: int, seats: list[str]
) -> dict[str, dict[str, float]]:
    """Mean game score of each seat under each standing policy it plays alone (the other
    seats keep the model's choice), over `seeds`."""
    out: dict[str, dict[str, float]] = {}
    for seat in seats:
        base = Game(scenario, 0, [], turns, [seat])
        partners = [
            p for d in base.setup.dyads for p in d.split("-") if seat in d.split("-") and p != seat
        ]
        out[seat] = {}
        for name, payload in policies(partners).items():
            totals = []
            for seed in seeds:
                g = Game(scenario, seed, [], turns, [seat])
                for _ in range(turns):
                    g.step([Move(actor=seat, **payload)])
                totals.append(sum(score_history(g.model, plans, [seat])[seat]))
            out[seat][name] = float(np.mean(totals))
    return out
