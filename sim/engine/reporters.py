"""What `WargameModel.datacollector` records: Mesa model and agent reporters.

Model reporters: the seed (so a run of `mesa.batch_run` can be repeated), the mean level (over the ensemble's runs) of every dyad and track, named
`DYAD.track` (e.g. `JPN-DEU.exercise`, the report's three variables, Ch1 › Methodology),
and the mean of each world index. Agent reporters, one row per actor: its name, China
caution and bandwidth (the divergence and constraint the report weighs most,
Ch2 › Divergences) and the bandwidth it spent on its partners in the last turn.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sim.vocabulary import INDICES, PARAMS, TRACKS

_CAUTION = PARAMS.index("china_caution")
_BANDWIDTH = PARAMS.index("bandwidth")


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


def _spent(agent) -> float:
    """Bandwidth the actor gave its partners in the last turn (mean over runs)."""
    hist = agent.model.history
    if not hist or not len(agent.dyad_idx):
        return 0.0
    spent = hist[-1].spent[:, agent.dyad_idx, agent.side]  # (R, partners)
    return float(spent.sum(axis=1).mean())


AGENT_REPORTERS: dict[str, Callable[[Any], Any]] = {
    "actor": lambda a: a.actor,
    "china_caution": lambda a: float(a.model.params[:, a.index, _CAUTION].mean()),
    "bandwidth": lambda a: float(a.model.params[:, a.index, _BANDWIDTH].mean()),
    "bandwidth_spent": _spent,
}


def data_collector(model):
    """A `mesa.DataCollector` with the reporters above."""
    from mesa import DataCollector

    return DataCollector(model_reporters=model_reporters(model), agent_reporters=AGENT_REPORTERS)
