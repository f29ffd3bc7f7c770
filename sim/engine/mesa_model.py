"""`WargameModel`: the engine's `Ensemble` as a Mesa model, for the Python API.

The engine (sim/engine/model.py) needs only numpy; Mesa brings pandas and scipy with it,
most of a short command's start-up, so the command line, batches and the game drive
`Ensemble`, and Mesa is imported here only. This subclass adds Mesa's conventions:
`WargameModel("baseline", rng=7)`, `step()` (Mesa's wrapped step, counting `steps`),
`run_model()` that ends at the scenario's last turn, `running`, a `mesa.DataCollector`
(`datacollector`, sim/engine/reporters.py), actors that are `mesa.Agent`s in
`model.agents`, and `mesa.batch_run(WargameModel, parameters={"scenario": "baseline",
"DEU.china_caution": [0.1, 0.7]}, rng=[1, 2])`, whose keyword parameters named
'ACTOR.param' or 'MODEL.x.name' are overrides, like `--set`.

Results are those of `Ensemble` bit for bit: every draw comes from sim/engine/rng.py, never
from Mesa's own generators.
"""

from __future__ import annotations

import mesa
import numpy as np

from sim.engine.actors import ConsensusAlliance, SovereignState
from sim.engine.model import Ensemble
from sim.inputs.setup import Setup, build


class StateAgent(SovereignState, mesa.Agent):
    """A state deciding for itself, registered with its Mesa model."""

    def __init__(self, model: mesa.Model, actor: str, slots: list[tuple[int, int, int]]):
        mesa.Agent.__init__(self, model)
        SovereignState.__init__(self, model, actor, slots)


class AllianceAgent(ConsensusAlliance, StateAgent):
    """An alliance deciding by consensus, registered with its Mesa model."""


class WargameModel(Ensemble, mesa.Model):
    """An ensemble of runs of one scenario in Mesa's conventions (see the module).

    `scenario` is a scenario name or path, or a compiled Setup; `rng=` (or `seed=`) is the
    seed, drawn from the operating system when neither is given, as Mesa does (`seed`
    tells which, so the run can be repeated). `overrides`, `turns` and keyword parameters
    apply to a scenario name or path. `collect=False` leaves out the data collector.
    """

    agent_kinds = {"state": StateAgent, "alliance": AllianceAgent}

    def __init__(
        self,
        scenario: Setup | str = "baseline",
        seed: int | None = None,
        runs: int | np.ndarray | range = 1,
        run_params: dict[str, np.ndarray] | None = None,
        keep_snapshots: bool = False,
        *,
        rng: int | None = None,
        overrides: dict[str, float] | None = None,
        turns: int | None = None,
        collect: bool = True,
        **params: float,
    ):
        setup, seed = _mesa_arguments(scenario, seed, rng, overrides, turns, params)
        mesa.Model.__init__(self, rng=seed)
        Ensemble.__init__(self, setup, seed, runs, run_params, keep_snapshots)
        if collect:
            _collect_each_step(self)

    @property
    def running(self) -> bool:
        """Mesa's flag: True until the scenario's last turn (`run_model()` stops there)."""
        return self._running and not self.done

    @running.setter
    def running(self, value: bool) -> None:
        self._running = bool(value)

    _running = True
    #: the mesa.DataCollector (see `datacollector`); None when built with collect=False
    _datacollector = None

    @property
    def datacollector(self):
        """A `mesa.DataCollector` of mean levels per dyad and track (model reporters) and
        of each actor's parameters and bandwidth spent (agent reporters), collected at the
        start and after every turn (sim/engine/reporters.py)."""
        if self._datacollector is None:
            raise AttributeError("this model was built with collect=False: no datacollector")
        return self._datacollector


def _mesa_arguments(setup, seed, rng, overrides, turns, params):
    """(Setup, seed) from the constructor's arguments: a Setup, or a scenario name or path
    built with `overrides`, `turns` and keyword parameters; `rng=` is the seed. With
    neither seed nor rng (`batch_run(..., rng=[None] * N)`), a fresh seed is drawn
    from the operating system, as Mesa does."""
    if rng is not None and seed is not None and int(rng) != int(seed):
        raise ValueError(f"seed={seed} and rng={rng} differ; give one of them")
    if rng is None and seed is None:
        import secrets

        seed = secrets.randbits(63)
    seed = int(rng if rng is not None else seed)
    extra = dict(overrides or {}) | {k: float(v) for k, v in params.items()}
    if isinstance(setup, Setup):
        if extra or turns is not None:
            raise ValueError(
                "overrides and turns apply to a scenario name or path; build "
                "the Setup with them instead"
            )
        return setup, seed
    return build(str(setup), extra, turns), seed


def _collect_each_step(model: WargameModel) -> None:
    """Give the model a data collector, fed at the start and after each turn by Mesa's
    step (the one `run_model()`, `mesa.batch_run` and `run()` call)."""
    from sim.engine.reporters import data_collector

    model._datacollector = collector = data_collector(model)
    collector.collect(model)
    turn = model._user_step

    def step_and_collect() -> None:
        turn()
        collector.collect(model)

    model._user_step = step_and_collect
