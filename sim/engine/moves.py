"""Human moves (classroom seats) and how they map onto the rule's quantities.

DESIGN "Human moves": priority partners set bandwidth weights and attention; a firm or
cautious China posture shifts the actor's effective caution for the turn; proposing an
agreement opens a negotiation and pushes it; proposing an exercise raises the exercise offer
to one partner at a bandwidth cost, and makes an exercise take place that turn with a
higher chance even where a missing agreement caps the track; a public statement on China
raises China's salience for the turn and lowers its caution (a statement is remembered: the change fades as caution returns to its
base); a statement on Russia raises the actor's Russia threat for the turn and its Russia
priority for as long as it is remembered; a
deployment raises the actor's presence in the Indo-Pacific (and the risk of Chinese
retaliation); requesting 2+2 talks raises the dialogue offer and opens the 2+2 format where
there is none; buying equipment raises the exchange offer and sets Japan's US dependence
aside for that partner. Every size is a rule constant of config/model.yaml (`rules.moves`).
A seat that does not move keeps the rule's choice.

A move names its actors as data (any actor id, the report's five or one a scenario adds);
`compile_moves` checks them against the setup: the mover is one of its actors, every
partner named is one of the mover's partners.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from pydantic import Field

from sim.errors import InputError, allowed
from sim.inputs.config_schema import ActorName, Strict
from sim.vocabulary import AGENT_ACTORS, ENABLERS, TRACKS

POSTURE_SIGN = {"firm": -1.0, "neutral": 0.0, "cautious": 1.0}


class Move(Strict):
    """One seat's choices for one turn."""

    actor: ActorName
    """Who moves: one of the game's actors."""
    priorities: list[ActorName] = []
    """Partners that get bandwidth and attention first."""
    posture: Literal["firm", "neutral", "cautious"] = "neutral"
    """Posture toward China this turn."""
    propose_agreement: list[str] = []
    """Agreements to open negotiations on, as 'DYAD.enabler' (e.g. 'JPN-GBR.raa')."""
    propose_exercise: list[ActorName] = []
    """Partners offered an exercise this turn."""
    statement: bool = False
    """Make a public statement on China."""
    statement_russia: bool = False
    """Make a public statement on Russia."""
    deploy: bool = False
    """Deploy forces to the Indo-Pacific (presence, freedom-of-navigation operations)."""
    request_two_plus_two: list[ActorName] = []
    """Partners asked for 2+2 talks (foreign and defense ministers)."""
    buy_equipment: list[ActorName] = []
    """Partners from whom equipment is bought (an industrial project)."""
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
        if self.statement_russia:
            bits.append("makes a public statement on Russia")
        if self.deploy:
            bits.append("deploys forces to the Indo-Pacific")
        if self.request_two_plus_two:
            bits.append("asks for 2+2 talks with " + ", ".join(self.request_two_plus_two))
        if self.buy_equipment:
            bits.append("buys equipment from " + ", ".join(self.buy_equipment))
        return f"{self.actor} " + ("; ".join(bits) if bits else "follows its usual course")


@dataclass
class MoveArrays:
    """Moves as arrays over (actor) and (dyad, side); neutral values mean 'no move'."""

    caution_shift: np.ndarray  # (A,) for the turn (posture)
    stance: np.ndarray  # (A,) lasting change of caution (statements are remembered)
    threat_boost: np.ndarray  # (A,) China
    russia_boost: np.ndarray  # (A,) Russia threat
    russia_shift: np.ndarray  # (A,) lasting change of Russia priority (a statement)
    deploy: np.ndarray  # (A,) presence added to the target
    provocation: np.ndarray  # (A,) 1 where the move may draw Chinese retaliation
    cost: np.ndarray  # (A,) bandwidth the moves cost
    priority: np.ndarray  # (D, 2) bandwidth weight per dyad side
    exercise_boost: np.ndarray  # (D, 2)
    exercise_event: np.ndarray  # (D,) chance added that an exercise takes place this turn
    buy: np.ndarray  # (D, 2) exchange offer added
    two_plus_two: np.ndarray  # (D, 2) dialogue offer added
    pull: np.ndarray  # (D, K) share of the gap between offers the inviting side adds
    negotiate: list[tuple[int, int]]  # (dyad, enabler)

    @classmethod
    def neutral(cls, n_dyads: int, n_actors: int = len(AGENT_ACTORS)) -> MoveArrays:
        a = n_actors
        z = np.zeros
        return cls(
            z(a),
            z(a),
            z(a),
            z(a),
            z(a),
            z(a),
            z(a),
            z(a),
            np.ones((n_dyads, 2)),
            z((n_dyads, 2)),
            z(n_dyads),
            z((n_dyads, 2)),
            z((n_dyads, 2)),
            z((n_dyads, len(TRACKS))),
            [],
        )


def compile_moves(moves: list[Move], setup) -> MoveArrays:
    """The turn's moves as arrays, sized by the setup's rule constants (`rules.moves`)."""
    dyads, pairs, ru = setup.dyads, setup.pairs, setup.rules
    cost = dict(zip(TRACKS, setup.track["cost"], strict=True))
    actors = setup.actors
    m = MoveArrays.neutral(len(dyads), len(actors))
    for mv in moves:
        if mv.actor not in actors:
            raise InputError("move", "actor", f"unknown actor '{mv.actor}'; {allowed(actors)}")
        a = actors.index(mv.actor)
        m.caution_shift[a] += POSTURE_SIGN[mv.posture] * ru["moves.posture_shift"]
        m.provocation[a] += mv.posture == "firm"
        if mv.statement:
            m.threat_boost[a] += ru["moves.statement_threat"]
            m.stance[a] -= ru["moves.statement_caution"]
            m.provocation[a] += 1.0
        if mv.statement_russia:
            m.russia_boost[a] += ru["moves.russia_statement"]
            m.russia_shift[a] += ru["moves.russia_statement"]
        if mv.deploy:
            m.deploy[a] += ru["moves.deploy_presence"]
            m.cost[a] += ru["moves.deploy_presence"] * ru["presence.cost"]
            m.provocation[a] += 1.0
        mine = [(d, int(np.where(pairs[d] == a)[0][0])) for d in range(len(dyads)) if a in pairs[d]]
        partner = {actors[pairs[d][1 - s]]: (d, s) for d, s in mine}

        def slot(p: str, field: str, mv=mv, partner=partner) -> tuple[int, int]:
            if p not in partner:
                raise InputError(
                    "move",
                    f"{mv.actor}.{field}",
                    f"{p} is not a partner of {mv.actor}; {allowed(partner)}",
                )
            return partner[p]

        if mv.priorities:
            for d, s in mine:
                m.priority[d, s] = ru["moves.other_weight"]
            for p in mv.priorities:
                d, s = slot(p, "priorities")
                m.priority[d, s] = ru["moves.priority_weight"]
        for p in mv.propose_exercise:
            d, s = slot(p, "propose_exercise")
            m.exercise_boost[d, s] += ru["moves.exercise_boost"]
            m.exercise_event[d] = min(1.0, m.exercise_event[d] + ru["moves.exercise_event"])
            m.pull[d, TRACKS.index("exercise")] += ru["moves.invitation_pull"]
            m.cost[a] += ru["moves.exercise_boost"] * cost["exercise"]
        for p in mv.buy_equipment:
            d, s = slot(p, "buy_equipment")
            m.buy[d, s] += ru["moves.buy_exchange"]
            m.pull[d, TRACKS.index("exchange")] += ru["moves.invitation_pull"]
            m.cost[a] += ru["moves.buy_exchange"] * cost["exchange"]
        for p in mv.request_two_plus_two:
            d, s = slot(p, "request_two_plus_two")
            m.two_plus_two[d, s] += ru["moves.two_plus_two_dialogue"]
            m.pull[d, TRACKS.index("dialogue")] += ru["moves.invitation_pull"]
            m.cost[a] += ru["moves.two_plus_two_dialogue"] * cost["dialogue"]
            m.negotiate.append((d, ENABLERS.index("two_plus_two")))
        for key in mv.propose_agreement:
            dy, _, en = key.partition(".")
            if dy not in dyads or en not in ENABLERS or mv.actor not in dy.split("-"):
                raise InputError(
                    "move",
                    f"{mv.actor}.propose_agreement",
                    f"'{key}' must be one of your dyads and an agreement; dyads: "
                    f"{', '.join(d for d in dyads if mv.actor in d.split('-'))}; "
                    f"{allowed(ENABLERS)}",
                )
            m.negotiate.append((dyads.index(dy), ENABLERS.index(en)))
    return m
