"""Additive explanations: every change of a level split into named driver contributions.

For one run and a window of turns (one turn, or the whole game), the change of every level
is recomputed for every coalition of driver groups: a group in the coalition follows its
recorded inputs, a group outside keeps those of the window's start (moves and chance are
absent outside; an alliance's consensus draws go with its institutional constraints, and
outside them every track passes). Shapley values over the coalitions give contributions
that sum exactly to `ΔL − f(∅)`, where `f(∅)`, the change had nothing moved, is the
relationship's own momentum. The coalitions ride on the engine's run axis, so the explanation reuses the very
rules that made the change. A group whose inputs did not move over the window (no move
played, no shock to its parameters) changes nothing in any coalition: it gets exactly zero
and the others' Shapley values are those of the game without it, so only the groups that
moved are combined (2^n coalitions for n moving groups, at most 2^10).

Inputs of each group (the rest of the snapshot, the levels, is shared):
threats: China assertiveness, Russian aggression, North Korea, China and Russia threat
perception; motivations: the seven motivation weights, US engagement, Japanese activism;
china_caution; russia_divergence: Russia priority; constraints: domestic constraint,
consensus friction, US equipment dependence; bandwidth: bandwidth, budget pressure;
enablers: the caps; moves: the players' moves; ties: interoperability, trust, frustration,
shared operations, presence and the partners' last offers; noise: level noise and the
consensus draw. The new actor parameters join the group they act through: coercion resolve
and retaliation sensitivity (and the caution state China's behaviour moves) China caution;
theatre linkage the threats; Europe's pull the bandwidth; the US frame and presence appetite
the motivations; the NATO members' stances (`withhold_*`) the constraints.
"""

from __future__ import annotations

from dataclasses import fields
from math import factorial

import numpy as np

from sim.engine.actors import Snapshot, forces_reach
from sim.engine.moves import MoveArrays
from sim.vocabulary import (
    DRIVER_LABELS,
    DRIVERS,
    ENABLERS,
    INDICES,
    MOMENTUM,
    MOTIVATIONS,
    PARAMS,
    STANCES,
    TRACKS,
)

G = len(DRIVERS)
#: a level this close to a cap counts as held by it
HELD = 0.02
_BITS = ((np.arange(2**G)[:, None] >> np.arange(G)[None, :]) & 1).astype(bool)  # (C, G)
NAMES = (MOMENTUM,) + DRIVERS

_P = {p: i for i, p in enumerate(PARAMS)}
_I = {x: i for i, x in enumerate(INDICES)}
PARAM_GROUP = {
    **{m: "motivations" for m in MOTIVATIONS},
    "china_threat": "threats",
    "russia_threat": "threats",
    "china_caution": "china_caution",
    "russia_priority": "russia_divergence",
    "domestic_constraint": "constraints",
    "consensus_friction": "constraints",
    "us_equipment_dependence": "constraints",
    "bandwidth": "bandwidth",
    "coercion_resolve": "china_caution",
    "retaliation_sensitivity": "china_caution",
    "theatre_linkage": "threats",
    "europe_pull": "bandwidth",
    "us_sponsorship": "motivations",
    "us_hedging": "motivations",
    "presence_appetite": "motivations",
    **{p: "constraints" for p in STANCES},
}
#: State the rules read, by driver group (sim/engine/actors.py Snapshot)
STATE_GROUP = {
    "interop": "ties",
    "trust": "ties",
    "frustration": "ties",
    "missions": "ties",
    "presence": "ties",
    "offered": "ties",
    "caution": "china_caution",
    "coerced": "china_caution",
    "russia_stance": "russia_divergence",
    "attention": "ties",
}
INDEX_GROUP = {
    "china_assertiveness": "threats",
    "russian_aggression": "threats",
    "nk_provocation": "threats",
    "us_engagement": "motivations",
    "japan_activism": "motivations",
    "budget_pressure": "bandwidth",
}


#: the driver group of each parameter and world index (positions in DRIVERS), and the
#: parameter and index columns of each group
_PARAM_G = np.array([DRIVERS.index(PARAM_GROUP[p]) for p in PARAMS])
_INDEX_G = np.array([DRIVERS.index(INDEX_GROUP[x]) for x in INDICES])
_PARAM_COLS = [np.flatnonzero(g == _PARAM_G) for g in range(G)]
_INDEX_COLS = [np.flatnonzero(g == _INDEX_G) for g in range(G)]


def coalitions(cur: Snapshot, ref: Snapshot, bits: np.ndarray = _BITS) -> Snapshot:
    """One snapshot per coalition (run axis = coalition), from one-run `cur` and `ref`;
    `bits` (C, G) says which driver groups each coalition lets follow `cur`."""

    def _on(group: str) -> np.ndarray:
        return bits[:, DRIVERS.index(group)]

    n = len(bits)
    t = cur.tile(0, n)
    r = ref.tile(0, n)
    pcol = bits[:, _PARAM_G]  # (C, P)
    wcol = bits[:, _INDEX_G]  # (C, I)
    t.params = np.where(pcol[:, None, :], t.params, r.params)
    t.world = np.where(wcol, t.world, r.world)
    t.caps = np.where(_on("enablers")[:, None, None], t.caps, r.caps)
    for name, group in STATE_GROUP.items():
        cur_v, ref_v = getattr(t, name), getattr(r, name)
        on = _on(group).reshape((-1,) + (1,) * (cur_v.ndim - 1))
        setattr(t, name, np.where(on, cur_v, ref_v))
    noise = _on("noise")
    t.noise = np.where(noise[:, None, None], t.noise, 0.0)
    # an alliance's consensus draw belongs to its institutional constraints (the members'
    # objections and the alliance's friction set how often it fails): off, every track passes
    t.consent = np.where(_on("constraints")[:, None], t.consent, 0.0)
    t.moves_on = _on("moves").astype(float)
    return t


def explain(model, run: int = 0, start: int | None = None, end: int | None = None):
    """Contributions to the change of every level of `run` from turn `start` to `end`.

    Defaults: the last turn played (`end`) and the turn before it (`start`). Each
    coalition is re-stepped from the levels at `start` with its groups' inputs following
    their recorded path and the other groups frozen at `start`; the all-on coalition
    reproduces the recorded levels exactly. Returns (1 + G, D, K): row 0 is the momentum
    (the change had nothing moved since `start`), then one row per driver in DRIVERS.
    Requires a model built with keep_snapshots=True.
    """
    end = model.turn if end is None else end
    start = end - 1 if start is None else start
    if not 0 <= start < end <= model.turn:
        raise ValueError(f"need 0 <= start < end <= {model.turn}, got {start}, {end}")
    ref = (model.snapshots[start - 1] if start >= 1 else model.reference).tile(run, 1)
    first = (model.history[start - 1].levels if start >= 1 else model.initial_levels)[run]
    snaps = [model.snapshots[t - 1].tile(run, 1) for t in range(start + 1, end + 1)]
    moving = [g for g in range(G) if any(_moved(snap, ref, g) for snap in snaps)]
    n = len(moving)
    sub = ((np.arange(2**n)[:, None] >> np.arange(n)[None, :]) & 1).astype(bool)  # (C, n)
    bits = np.zeros((2**n, G), bool)
    bits[:, moving] = sub
    levels = np.repeat(first[None], len(bits), axis=0)
    for cur in snaps:
        snap = coalitions(cur, ref, bits)
        snap.levels = levels
        levels = model.resolve(snap)
    f = levels - first[None]  # (C, D, K)
    out = np.zeros((1 + G,) + f.shape[1:])
    out[0] = f[0]
    c = np.arange(2**n)
    size = sub.sum(axis=1)
    w = np.array([factorial(k) * factorial(n - k - 1) / factorial(n) for k in range(n)])
    for j, g in enumerate(moving):
        idx = c[~sub[:, j]]
        out[1 + g] = (w[size[idx]][:, None, None] * (f[idx | (1 << j)] - f[idx])).sum(axis=0)
    return out


def _moved(cur: Snapshot, ref: Snapshot, g: int) -> bool:
    """Whether driver group g's inputs differ between `cur` and `ref` (one run each), read
    from the same maps `coalitions` uses; moves count when any was played, chance when any
    level-noise draw is not zero, constraints when an alliance's consensus draw is not."""
    group = DRIVERS[g]
    if group == "moves":
        neutral = MoveArrays.neutral(cur.moves.buy.shape[0], len(cur.moves.stance))
        return any(
            not np.array_equal(getattr(cur.moves, f.name), getattr(neutral, f.name))
            for f in fields(MoveArrays)
        )
    if group == "noise":
        return bool(np.any(cur.noise))
    if group == "constraints" and np.any(cur.consent):
        return True
    if group == "enablers" and not np.array_equal(cur.caps, ref.caps):
        return True
    cols = _PARAM_COLS[g]
    if len(cols) and not np.array_equal(cur.params[..., cols], ref.params[..., cols]):
        return True
    cols = _INDEX_COLS[g]
    if len(cols) and not np.array_equal(cur.world[..., cols], ref.world[..., cols]):
        return True
    return any(
        not np.array_equal(getattr(cur, name), getattr(ref, name))
        for name, owner in STATE_GROUP.items()
        if owner == group
    )


def top_drivers(contrib: np.ndarray, d: int, k: int, n: int = 3) -> list[tuple[str, float]]:
    """The n largest contributions (by size) to dyad d, track k: those of at least 0.005,
    and always the largest one when it is not zero (so every change shown has a reason)."""
    vals = contrib[:, d, k]
    order = np.argsort(-np.abs(vals), kind="stable")[:n]
    return [
        (NAMES[i], float(vals[i]))
        for j, i in enumerate(order)
        if abs(vals[i]) >= 5e-3 or (j == 0 and vals[i] != 0)
    ]


def sentence(dyad: str, track: str, change: float, drivers: list[tuple[str, float]]) -> str:
    """Plain-language reason: 'JPN-DEU exercise fell 0.12: the gap in caution ... (-0.07)'."""
    verb = (
        "held steady"
        if abs(change) < 5e-4
        else (f"{'rose' if change > 0 else 'fell'} {abs(change):.2f}")
    )
    if not drivers:
        return f"{dyad} {track} {verb}."
    main = [f"{DRIVER_LABELS[name]} ({v:+.2f})" for name, v in drivers]
    return f"{dyad} {track} {verb}, driven by " + ", ".join(main) + "."


def held_at_caps(model, run: int = 0) -> list[tuple[int, int, str]]:
    """(dyad, track, text) for every level of `run` held at the cap of a missing agreement
    while the two sides press on it, or on exercises at the reach of a visiting state's forces
    in the region: a cap binds the level, not the drivers, so the
    explanation says what the drivers have become, e.g. 'JPN-GBR exercise held at 4.0 by
    the missing Reciprocal Access Agreement; pressure +0.30 (talks open)'."""
    s = model.setup
    # the caps the last turn was played under: the gates, raised on exercises by presence
    caps = (model.caps() if model.turn_caps is None else model.turn_caps)[run]  # (D, K)
    out = []
    for d, dy in enumerate(s.dyads):
        for k, track in enumerate(TRACKS):
            missing = [
                e
                for e in range(len(ENABLERS))
                if s.gate_caps[e, k] < s.max_level[d, k]
                and model.applicable[run, d, e]
                and not model.signed[run, d, e]
            ]
            if not missing:
                continue
            e = min(missing, key=lambda e: s.gate_caps[e, k])
            cap = float(caps[d, k])
            # (a level above its cap is carried there by exercises the US leads: not held)
            level = model.levels[run, d, k]
            if abs(level - cap) > HELD or model.pressure[run, d, e] <= 0:
                continue
            name = s.config.enablers[ENABLERS[e]].name
            talks = " (talks open)" if model.negotiating[run, d, e] else ""
            out.append(
                (
                    d,
                    k,
                    f"{dy} {track} held at {cap:.1f} by the missing {name}; pressure "
                    f"{model.pressure[run, d, e]:+.2f}{talks}",
                )
            )
    # a visiting state's exercises held by the reach of its forces in the region
    ex = TRACKS.index("exercise")
    done = {(d, k) for d, k, _ in out}
    for d, who in enumerate(model.slots.reach_of[0::2]):
        if who < 0 or (d, ex) in done:
            continue
        at_sea = float(model.presence[run, who])
        reach = forces_reach(model.rules, model.presence[:, who], model.access()[:, d])
        reach = float(reach[run])
        if reach < float(caps[d, ex]) and abs(model.levels[run, d, ex] - reach) <= HELD:
            out.append(
                (
                    d,
                    ex,
                    f"{s.dyads[d]} exercise held at {reach:.1f} by the reach of "
                    f"{s.config.actors[s.actors[who]].name}'s forces in the region "
                    f"(presence {at_sea:.2f})",
                )
            )
    return out


def formula(dyad: str, track: str, change: float, contrib: np.ndarray, d: int, k: int) -> str:
    """'JPN-DEU exercise -0.120 = china_caution -0.070 + russia_divergence -0.040 + ...'."""
    parts = [
        f"{NAMES[i]} {contrib[i, d, k]:+.3f}"
        for i in range(len(NAMES))
        if abs(contrib[i, d, k]) >= 5e-4
    ]
    return f"{dyad} {track} {change:+.3f} = " + " + ".join(parts or ["0"])
