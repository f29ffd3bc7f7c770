"""Compile one scenario shock into the index arrays the engine fires (sim/engine/shocks.py).

A shock names what it changes by text: world indices and their long-run means, actor
parameters (`ACTOR.param`, read by `ParamKey`), agreements (`DYAD.enabler`), Chinese coercion
and retaliation per actor, and shared missions per dyad. Each part is compiled by its own
function below; a name outside the scenario's actors, dyads or the vocabulary is refused in
one line naming the allowed values.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.errors import InputError
from sim.inputs.params import ParamKey
from sim.inputs.schema import Shock, quarter_turn
from sim.vocabulary import AGENT_ACTORS, ENABLERS, INDICES, PARAMS


@dataclass(frozen=True)
class CompiledShock:
    """A shock with its effects as index arrays (see sim/engine/shocks.py for how it fires)."""

    shock: Shock
    turn: int | None
    index_delta: np.ndarray  # (I,)
    mean_shift: np.ndarray  # (I,)
    params: tuple[tuple[int, int, str, float], ...]  # (actor, param, op, value)
    enablers: tuple[tuple[int, int, str], ...]  # (dyad, enabler, action)
    coercion: np.ndarray  # (A,) Chinese coercion aimed at each actor
    retaliation: np.ndarray  # (A,) Chinese retaliation against each actor
    missions: np.ndarray  # (D,) change of shared operations

    @property
    def injected_only(self) -> bool:
        s = self.shock
        return self.turn is None and s.when is None and s.probability is None


def compile_shock(
    s: Shock, start: str, dyads: tuple[str, ...], file: str, actors: tuple[str, ...] = AGENT_ACTORS
) -> CompiledShock:
    """`s` as index arrays over `actors` and `dyads`; `file` names the source in errors
    (parts are checked in the order of the fields below, so the first bad one is named)."""
    turn = _turn(s, start)
    delta, shift = _index_changes(s)
    params = _param_effects(s, file, actors)
    enablers = _agreement_actions(s, file, dyads)
    coercion, retaliation = _china_pressure(s, file, actors)
    missions = _mission_changes(s, file, dyads)
    return CompiledShock(s, turn, delta, shift, params, enablers, coercion, retaliation, missions)


def _turn(s: Shock, start: str) -> int | None:
    """The turn a dated or numbered shock fires (1 at the earliest), else None."""
    if isinstance(s.at, str):
        return max(1, quarter_turn(start, s.at))
    if isinstance(s.at, int):
        return max(1, s.at)
    return None


def _index_changes(s: Shock) -> tuple[np.ndarray, np.ndarray]:
    """(index jumps, shifts of the indices' long-run means), each (I,)."""
    delta = np.zeros(len(INDICES))
    shift = np.zeros(len(INDICES))
    for k, v in s.indices.items():
        delta[INDICES.index(k)] = v
    for k, v in s.index_means.items():
        shift[INDICES.index(k)] = v
    return delta, shift


def _param_effects(
    s: Shock, file: str, actors: tuple[str, ...]
) -> tuple[tuple[int, int, str, float], ...]:
    """(actor, param, op, value) per `ACTOR.param` the shock changes."""
    params = []
    for key, eff in s.params.items():
        pk = ParamKey.parse(
            key, actors, file=file, field=f"shocks.{s.id}.params.{key}", model=False
        )
        op = next(o for o in ("add", "set", "mul") if getattr(eff, o) is not None)
        params.append((actors.index(pk.scope), PARAMS.index(pk.name), op, float(getattr(eff, op))))
    return tuple(params)


def _agreement_actions(
    s: Shock, file: str, dyads: tuple[str, ...]
) -> tuple[tuple[int, int, str], ...]:
    """(dyad, enabler, action) per agreement 'DYAD.enabler' the shock signs or voids."""
    enablers = []
    for key, action in s.enablers.items():
        d, _, e = key.partition(".")
        if d not in dyads or e not in ENABLERS:
            raise InputError(
                file,
                f"shocks.{s.id}.enablers.{key}",
                f"unknown dyad or enabler; dyads: {', '.join(dyads)}; "
                f"enablers: {', '.join(ENABLERS)}",
            )
        enablers.append((dyads.index(d), ENABLERS.index(e), action))
    return tuple(enablers)


def _china_pressure(s: Shock, file: str, actors: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """(coercion, retaliation) aimed at each actor, each (A,)."""
    coercion = np.zeros(len(actors))
    retaliation = np.zeros(len(actors))
    for part, arr in (("coercion", coercion), ("retaliation", retaliation)):
        for a, v in getattr(s, part).items():
            if a not in actors:
                raise InputError(
                    file, f"shocks.{s.id}.{part}.{a}", f"unknown actor; {', '.join(actors)}"
                )
            arr[actors.index(a)] = v
    return coercion, retaliation


def _mission_changes(s: Shock, file: str, dyads: tuple[str, ...]) -> np.ndarray:
    """Change of shared operations per dyad, (D,)."""
    missions = np.zeros(len(dyads))
    for d, v in s.missions.items():
        if d not in dyads:
            raise InputError(
                file, f"shocks.{s.id}.missions.{d}", f"unknown dyad; dyads: {', '.join(dyads)}"
            )
        missions[dyads.index(d)] = v
    return missions
