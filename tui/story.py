"""What happened in the turn just played, in plain language, for the event log.

Every change of a level comes with its reason: the Shapley attribution of sim/engine/explain.py over
that one turn, turned into a sentence naming the largest drivers (DESIGN "Explanations").
"""

from __future__ import annotations

import numpy as np

from sim.engine.explain import sentence, top_drivers
from sim.game.game import Game
from sim.vocabulary import TRACKS

#: Smallest change shown (the matrix shows two decimals).
SHOWN = 0.005


def turn_lines(game: Game) -> list[tuple[str, str]]:
    """(kind, text) lines for the last turn: events first, then each change with its reason."""
    t = game.turn
    if t == 0:
        return []
    names = game.shock_names()
    out: list[tuple[str, str]] = []
    for e in game.events(turn=t):
        text = names.get(e["id"], e["text"]) if e["kind"] == "inject" else e["text"]
        out.append((e["kind"], text))
    contrib = game.explain(t)
    change = game.levels(turn=t) - game.levels(turn=t - 1)
    order = np.argsort(-np.abs(change), axis=None, kind="stable")
    dyads = game.dyads()
    for flat in order:
        d, k = np.unravel_index(flat, change.shape)
        c = float(change[d, k])
        if abs(c) < SHOWN:
            break
        out.append(("change", sentence(dyads[d], TRACKS[k], c, top_drivers(contrib, d, k))))
    return out
