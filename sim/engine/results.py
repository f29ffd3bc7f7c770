"""Turning a stepped model into outputs: the run JSON, event lists and the human summary."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import numpy as np

from sim.engine.explain import explain, formula, held_at_caps, sentence, top_drivers
from sim.vocabulary import ENABLERS, TRACKS, anchor


class EventKind(StrEnum):
    """What an event of a run is. The members are strings, so the JSON of `wargame run` and
    the `kind` column of a batch's events table hold the plain names."""

    SHOCK = "shock"  # a scenario shock fired (its draw, sim/engine/shocks.py)
    INJECT = "inject"  # a shock injected by a facilitator in a game
    MOVE = "move"  # a move a seat submitted in a game
    NEGOTIATION = "negotiation"  # a dyad opened talks on an enabling agreement
    AGREEMENT = "agreement"  # the talks ended in a signature
    STALLED = "stalled"  # the talks stalled
    ACTIVITY = "activity"  # a meeting, exchange or exercise took place on a track


#: The kinds every run of an ensemble records (injects and moves happen only in a game), in
#: the order of the codes of a batch's `kind` column.
ENSEMBLE_KINDS = (
    EventKind.SHOCK,
    EventKind.NEGOTIATION,
    EventKind.AGREEMENT,
    EventKind.STALLED,
    EventKind.ACTIVITY,
)

ACTIVITY = {
    "dialogue": (
        (3.5, "ministerial meeting (2+2 or leaders)"),
        (2.5, "strategic dialogue"),
        (0.0, "working-level pol-mil talks"),
    ),
    "exchange": (
        (3.5, "joint development step"),
        (2.5, "staff talks and officer exchange"),
        (0.0, "service-chief visit"),
    ),
    "exercise": (
        (3.5, "multi-service joint exercise"),
        (2.0, "bilateral naval exercise"),
        (0.0, "goodwill training or port visit"),
    ),
}


def activity_name(track: str, level: float) -> str:
    return next(name for floor, name in ACTIVITY[track] if level >= floor)


def agreement_texts(setup, d: int, e: int) -> dict[EventKind, str]:
    """Log lines for negotiations on agreement e in dyad d: opened, signed, stalled."""
    dy, en = setup.dyads[d], ENABLERS[e]
    kind = setup.config.enablers[en]
    name = f"{'an' if kind.name[0].lower() in 'aeio' else 'a'} {kind.name}"
    st = setup.config.dyads[dy].enablers.get(en) if dy in setup.config.dyads else None
    why = f" over {st.blocker_reason}" if st is not None and st.blocker_reason else ""
    return {
        EventKind.NEGOTIATION: f"{dy} open negotiations on {name}",
        EventKind.AGREEMENT: f"{dy} {kind.verb} {name}",
        EventKind.STALLED: f"{dy} talks on {name} stall{why}",
    }


def run_events(model, run: int = 0) -> list[dict[str, Any]]:
    """Chronological events of one run: shocks, moves, negotiations, signatures, activities."""
    s = model.setup
    out: list[dict[str, Any]] = []
    for t, rec in enumerate(model.history, start=1):
        date = s.date(t)
        for j in np.flatnonzero(rec.fired[run]):
            sh = s.shocks[j].shock
            out.append(
                {"turn": t, "date": date, "kind": EventKind.SHOCK, "id": sh.id, "text": sh.name}
            )
        for sid in rec.injected:
            out.append(
                {
                    "turn": t,
                    "date": date,
                    "kind": EventKind.INJECT,
                    "id": sid,
                    "text": model.shocks.names.get(sid, sid),
                }
            )
        for mv in rec.moves:
            out.append(
                {
                    "turn": t,
                    "date": date,
                    "kind": EventKind.MOVE,
                    "actor": mv.actor,
                    "text": mv.describe(),
                }
            )
        for kind, arr in (
            (EventKind.NEGOTIATION, rec.opened),
            (EventKind.AGREEMENT, rec.signed),
            (EventKind.STALLED, rec.stalled),
        ):
            for d, e in zip(*np.nonzero(arr[run]), strict=True):
                out.append(
                    {
                        "turn": t,
                        "date": date,
                        "kind": kind,
                        "dyad": s.dyads[d],
                        "enabler": ENABLERS[e],
                        "text": agreement_texts(s, d, e)[kind],
                    }
                )
        for d, k in zip(*np.nonzero(rec.activity[run]), strict=True):
            lvl = float(rec.levels[run, d, k])
            out.append(
                {
                    "turn": t,
                    "date": date,
                    "kind": EventKind.ACTIVITY,
                    "dyad": s.dyads[d],
                    "track": TRACKS[k],
                    "text": f"{s.dyads[d]}: {activity_name(TRACKS[k], lvl)}",
                }
            )
    return out


def levels_dict(dyads, arr) -> dict[str, dict[str, float]]:
    """Levels (D, K) as {dyad: {track: level}}, rounded to 6 decimals."""
    return {
        dy: {tr: round(float(arr[d, k]), 6) for k, tr in enumerate(TRACKS)}
        for d, dy in enumerate(dyads)
    }


def run_json(model, run: int = 0, seed: int | None = None) -> dict[str, Any]:
    """The `wargame run --json` document for one run of `model`."""
    s = model.setup
    hist = model.level_history()[:, run]
    return {
        "scenario": s.name,
        "seed": model.seed if seed is None else seed,
        "run": int(model.run_index[run]),
        "overrides": s.overrides,
        "final": levels_dict(s.dyads, hist[-1]),
        "history": [
            {"turn": t, "date": s.date(t), "levels": levels_dict(s.dyads, hist[t])}
            for t in range(len(hist))
        ],
        "events": run_events(model, run),
    }


def drivers_summary(model, run: int = 0, n: int = 3) -> list[dict[str, Any]]:
    """Per dyad and track: the change over the game and its largest drivers."""
    contrib = explain(model, run, 0, model.turn)
    hist = model.level_history()[:, run]
    held = {(d, k): text for d, k, text in held_at_caps(model, run)}
    out = []
    for d, dy in enumerate(model.setup.dyads):
        for k, tr in enumerate(TRACKS):
            change = float(hist[-1, d, k] - hist[0, d, k])
            top = top_drivers(contrib, d, k, n)
            out.append(
                {
                    "dyad": dy,
                    "track": tr,
                    "change": change,
                    "drivers": top,
                    "sentence": sentence(dy, tr, change, top)
                    + (f" Now {held[d, k].split(' ', 2)[2]}." if (d, k) in held else ""),
                }
            )
    return out


def decompositions(model, run: int = 0) -> list[str]:
    """'JPN-DEU exercise +0.120 = baseline +0.010 + china_caution +0.090 + ...' for every
    dyad and track, over the whole game."""
    contrib = explain(model, run, 0, model.turn)
    hist = model.level_history()[:, run]
    return [
        formula(dy, tr, float(hist[-1, d, k] - hist[0, d, k]), contrib, d, k)
        for d, dy in enumerate(model.setup.dyads)
        for k, tr in enumerate(TRACKS)
    ]


def human_report(model, run: int = 0) -> str:
    s = model.setup
    hist = model.level_history()[:, run]
    lines = [
        f"{s.name}: {s.date(0)} to {s.date(model.turn)} ({model.turn} turns), "
        f"seed {model.seed}" + (f", overrides {s.overrides}" if s.overrides else ""),
        "",
    ]
    lines.append(f"{'dyad':<10}{'track':<10}{'start':>6}{'final':>7}  anchor")
    for d, dy in enumerate(s.dyads):
        for k, tr in enumerate(TRACKS):
            lo, hi = hist[0, d, k], hist[-1, d, k]
            lines.append(f"{dy:<10}{tr:<10}{lo:>6.2f}{hi:>7.2f}  {anchor(tr, hi)}")
    events = run_events(model, run)
    major = [e for e in events if e["kind"] != EventKind.ACTIVITY]
    counts: dict[str, int] = {}
    for e in events:
        if e["kind"] == EventKind.ACTIVITY:
            counts[f"{e['dyad']} {e['track']}"] = counts.get(f"{e['dyad']} {e['track']}", 0) + 1
    lines += ["", "Events:"]
    lines += [f"  {e['date']}  {e['text']}" for e in major] or ["  no shocks or agreements"]
    if counts:
        lines.append("  activities: " + ", ".join(f"{k} x{v}" for k, v in sorted(counts.items())))
    lines += ["", "Why (largest drivers of each change over the game):"]
    moved = [r for r in drivers_summary(model, run) if abs(r["change"]) >= 0.05]
    lines += ["  " + r["sentence"] for r in moved] or [
        "  every level stayed within 0.05 of its start"
    ]
    return "\n".join(lines)
