"""What `WargameModel.datacollector` records: Mesa model and agent reporters.

Model reporters: the seed (so a run of `mesa.batch_run` can be repeated), the mean level (over the ensemble's runs) of every dyad and track, named
`DYAD.track` (e.g. `JPN-DEU.exercise`, the report's three variables, Ch1 › Methodology),
and the mean of each world index. Agent reporters, one row per actor: its name and the
state its Mesa agent carries (China caution and bandwidth, the divergence and constraint
the report weighs most, Ch2 › Divergences; the caution China's behaviour moves, the
bandwidth available and spent, the threats perceived, presence).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sim.vocabulary import INDICES, TRACKS


def _level(d: int, k: int) -> Callable[[Any], float]:
    return lambda m: float(m.levels[:, d, k].mean())


def _index(i: int) -> Callable[[Any], float]:
    return lambda m: float(m.world.values[:, i].mean())


def model_reporters(model) -> dict[str, Callable[[Any], float]]:
    """Reporter functions by column name for `model`'s dyads, tracks and world indices."""
    out: dict[str, Callable[[Any], float]] = {"seed": lambda m: m.seed}
    for d, dy in enumerate(model.setup.dyads):
        for k, tr in enumerate(TRACKS):
            out[f"{dy}.{tr}"] = _level(d, k)
    for i, name in enumerate(INDICES):
        out[name] = _index(i)
    return out


def data_collector(model):
    """A `mesa.DataCollector` with the model reporters above and, per actor, its name and
    the state its agent carries (`sim.engine.mesa_model.STATE`)."""
    from mesa import DataCollector

    from sim.engine.mesa_model import STATE

    agents = {"actor": "actor"} | {name: name for name in STATE}
    return DataCollector(model_reporters=model_reporters(model), agent_reporters=agents)
