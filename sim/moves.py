"""Human moves (classroom seats) and how they map onto the rule's quantities.

DESIGN "Human moves": priority partners set bandwidth weights; a firm or cautious China
posture shifts the actor's effective caution for the turn; proposing an agreement opens a
negotiation; proposing an exercise raises the exercise offer to one partner at a bandwidth
cost; a public statement raises China's salience and widens the gap with cautious partners.
A seat that does not move keeps the rule's choice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from pydantic import Field

from .errors import InputError, allowed
from .ids import AGENT_ACTORS, ENABLERS
from .schema import AgentId, Strict

POSTURE_SHIFT = {"firm": -0.25, "neutral": 0.0, "cautious": 0.25}
PRIORITY_WEIGHT, OTHER_WEIGHT = 1.5, 0.75
EXERCISE_BOOST = 1.0  # levels added to the exercise offer
STATEMENT_THREAT, STATEMENT_CAUTION = 0.2, -0.15


class Move(Strict):
    """One seat's choices for one turn."""

    actor: AgentId
    """Who moves."""
    priorities: list[AgentId] = []
    """Partners that get bandwidth first."""
    posture: Literal["firm", "neutral", "cautious"] = "neutral"
    """Posture toward China this turn."""
    propose_agreement: list[str] = []
    """Agreements to open negotiations on, as 'DYAD.enabler' (e.g. 'JPN-GBR.raa')."""
    propose_exercise: list[AgentId] = []
    """Partners offered an exercise this turn."""
    statement: bool = False
    """Make a public statement on China."""
    note: str = Field("", max_length=200)
    """Free text shown in the log."""

    def describe(self) -> str:
        bits = []
        if self.priorities:
            bits.append("prioritises " + ", ".join(self.priorities))
        if self.posture != "neutral":
            bits.append(f"takes a {self.posture} line on China")
        if self.propose_exercise:
            bits.append("proposes an exercise to " + ", ".join(self.propose_exercise))
        if self.propose_agreement:
            bits.append("proposes " + ", ".join(self.propose_agreement))
        if self.statement:
            bits.append("makes a public statement on China")
        return f"{self.actor} " + ("; ".join(bits) if bits else "follows its usual course")


@dataclass
class MoveArrays:
    """Moves as arrays over (actor) and (dyad, side); neutral values mean 'no move'."""

    caution_shift: np.ndarray  # (A,)
    threat_boost: np.ndarray  # (A,)
    priority: np.ndarray  # (D, 2) bandwidth weight per dyad side
    exercise_boost: np.ndarray  # (D, 2)
    exercise_cost: np.ndarray  # (A,)
    negotiate: list[tuple[int, int]]  # (dyad, enabler)

    @classmethod
    def neutral(cls, n_dyads: int) -> MoveArrays:
        a = len(AGENT_ACTORS)
        return cls(np.zeros(a), np.zeros(a), np.ones((n_dyads, 2)), np.zeros((n_dyads, 2)),
                   np.zeros(a), [])


def compile_moves(moves: list[Move], dyads: tuple[str, ...], pairs: np.ndarray,
                  exercise_cost: float) -> MoveArrays:
    m = MoveArrays.neutral(len(dyads))
    for mv in moves:
        a = AGENT_ACTORS.index(mv.actor)
        m.caution_shift[a] += POSTURE_SHIFT[mv.posture]
        if mv.statement:
            m.threat_boost[a] += STATEMENT_THREAT
            m.caution_shift[a] += STATEMENT_CAUTION
        mine = [(d, int(np.where(pairs[d] == a)[0][0])) for d in range(len(dyads))
                if a in pairs[d]]
        partner = {AGENT_ACTORS[pairs[d][1 - s]]: (d, s) for d, s in mine}
        if mv.priorities:
            for d, s in mine:
                m.priority[d, s] = OTHER_WEIGHT
            for p in mv.priorities:
                if p not in partner:
                    raise InputError("move", f"{mv.actor}.priorities",
                                     f"{p} is not a partner of {mv.actor}; {allowed(partner)}")
                d, s = partner[p]
                m.priority[d, s] = PRIORITY_WEIGHT
        for p in mv.propose_exercise:
            if p not in partner:
                raise InputError("move", f"{mv.actor}.propose_exercise",
                                 f"{p} is not a partner of {mv.actor}; {allowed(partner)}")
            d, s = partner[p]
            m.exercise_boost[d, s] += EXERCISE_BOOST
            m.exercise_cost[a] += EXERCISE_BOOST * exercise_cost
        for key in mv.propose_agreement:
            dy, _, en = key.partition(".")
            if dy not in dyads or en not in ENABLERS or mv.actor not in dy.split("-"):
                raise InputError("move", f"{mv.actor}.propose_agreement",
                                 f"'{key}' must be one of your dyads and an agreement; dyads: "
                                 f"{', '.join(d for d in dyads if mv.actor in d.split('-'))}; "
                                 f"{allowed(ENABLERS)}")
            m.negotiate.append((dyads.index(dy), ENABLERS.index(en)))
    return m
