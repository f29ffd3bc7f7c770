"""What happened in the turn just played, in plain language, for the event log.

Every change of a level comes with its reason: the Shapley attribution of sim/engine/explain.py over
that one turn, turned into a sentence naming the largest drivers (DESIGN "Explanations").
"""

from __future__ import annotations

import numpy as np

from sim.engine.explain import explain, sentence, top_drivers
from sim.engine.results import run_events
from sim.game.savegame import Game
from sim.vocabulary import TRACKS

#: Smallest change shown (the matrix shows two decimals).
SHOWN = 0.005


def turn_lines(game: Game) -> list[tuple[str, str]]:
    """(kind, text) lines for the last turn: events first, then each change with its reason."""
    m = game.model
    t = m.turn
    if t == 0:
        return []
    names = game.shock_names()
    out: list[tuple[str, str]] = []
    for e in run_events(m):
        if e["turn"] != t:
            continue
        text = names.get(e["id"], e["text"]) if e["kind"] == "inject" else e["text"]
        out.append((e["kind"], text))
    contrib = explain(m, 0, t - 1, t)
    hist = m.level_history()[-2:, 0]
    change = hist[1] - hist[0]
    order = np.argsort(-np.abs(change), axis=None, kind="stable")
    dyads = m.setup.dyads
    for flat in order:
        d, k = np.unravel_index(flat, change.shape)
        c = float(change[d, k])
        if abs(c) < SHOWN:
            break
        out.append(("change", sentence(dyads[d], TRACKS[k], c, top_drivers(contrib, d, k))))
    return out
