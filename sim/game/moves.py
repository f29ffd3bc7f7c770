"""A seat's move for any actor of the game, the report's five or one a scenario adds.

The engine's `Move` (sim/engine/moves.py) names its actors from the report's five
(`AgentId`), so australia-joins' AUS could neither move nor be named as a partner. A
`SeatMove` is that `Move` with actor names as data: any actor id is accepted here, and the
game checks it against its own setup (`Game.check_moves`: the mover is one of the game's
actors; `compile_moves`: every partner named is one of the mover's partners). The engine
reads a `SeatMove` exactly as a `Move` (it is one), so the five actors' moves compile to
the same arrays and games stay bit-identical.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from sim.engine.moves import Move

#: An actor id as scenarios write them (config/actors.yaml's five or an added one).
ActorName = Annotated[str, Field(pattern=r"^[A-Z]{2,5}$")]


class SeatMove(Move):
    """One seat's choices for one turn (`Move`'s fields, actors checked by the game)."""

    actor: ActorName
    """Who moves: one of the game's actors."""
    priorities: list[ActorName] = []
    """Partners that get bandwidth and attention first."""
    propose_exercise: list[ActorName] = []
    """Partners offered an exercise this turn."""
    request_two_plus_two: list[ActorName] = []
    """Partners asked for 2+2 talks (foreign and defense ministers)."""
    buy_equipment: list[ActorName] = []
    """Partners from whom equipment is bought (an industrial project)."""

    def __eq__(self, other: object) -> bool:
        """The same move as a `Move` or a `SeatMove` with the same fields."""
        if isinstance(other, Move):
            return self.model_dump() == other.model_dump()
        return NotImplemented

    __hash__ = Move.__hash__
