"""`WargameModel`: the engine's `Ensemble` as a Mesa model, for the Python API.

The engine (sim/engine/model.py) needs only numpy; Mesa brings pandas and scipy with it,
most of a short command's start-up, so the command line, batches and the game drive
`Ensemble`, and Mesa is imported here only. This subclass adds Mesa's conventions:

- `WargameModel("baseline", rng=7)`; keyword parameters named 'ACTOR.param' or
  'MODEL.x.name' are overrides, like `--set`, and a world index by name
  (`us_engagement=0.7`) sets where that index starts, moving the mean it returns to by as
  much, so `mesa.batch_run(WargameModel, parameters={"scenario": "baseline",
  "DEU.china_caution": [0.1, 0.7]}, rng=[1, 2])` sweeps them;
- `step()` is one turn (Mesa's wrapped step, counting `steps`); `running` turns False at
  the scenario's last turn, where Mesa's schedule stops: `run_model()` ends there, and a
  further `step()` plays nothing and warns (RuntimeWarning, as Mesa's `run_until` does for
  a time already passed);
- `model.scenario` is Mesa's own: a `WargameScenario` holding the scenario's name
  (`scenario_name`), `turns`, the overrides and `rng`; the constructor's `scenario=`
  takes a name or path, a compiled Setup, or such a Mesa scenario (SolaraViz's reset
  passes one); `model.scenario_name` and `model.setup` are ours;
- actors are `mesa.Agent`s in `model.agents`, each carrying its actor's state as
  attributes brought up to date every turn (`STATE`), read-only: `agent.caution = 0.9`
  would change nothing in the engine, so it raises and says what to do instead; so do
  `agent.step()` (every actor decides on the same snapshot, so the model steps them all
  together) and `agent.remove()` (the scenario's dyads fix the actors);
- a `mesa.DataCollector` (`datacollector`, sim/engine/reporters.py).

Results are those of `Ensemble` bit for bit: every draw comes from sim/engine/rng.py, never
from Mesa's own generators.
"""

from __future__ import annotations

import dataclasses
import warnings

import mesa
import numpy as np
from mesa.experimental.scenarios import Scenario

from sim.engine.actors import ConsensusAlliance, SovereignState, effective_bandwidth, perceive
from sim.engine.model import Ensemble
from sim.errors import InputError
from sim.inputs.setup import PI, Setup, build
from sim.vocabulary import INDICES

#: what each agent carries, mean over the model's runs (a one-run model: that run's value),
#: brought up to date at the start and after every turn: name -> (the actor parameter that
#: moves it, what it is)
STATE = {
    "china_caution": ("china_caution", "the parameter (config, overrides, shocks), 0–1"),
    "caution": (
        "china_caution",
        "caution toward China now: the parameter moved by China's retaliation and coercion, 0–1",
    ),
    "bandwidth": ("bandwidth", "the parameter (config, overrides, shocks)"),
    "bandwidth_available": (
        "bandwidth",
        "left for partners this turn, after budget pressure, Russia's pull, presence and moves",
    ),
    "bandwidth_spent": (
        "bandwidth",
        "given to partners in the last turn; above what was available when the actor stretched"
        " its means for part of a shortfall (bandwidth.stretch)",
    ),
    "china_threat": ("china_threat", "the China threat perceived when deciding the last turn, 0–1"),
    "russia_threat": (
        "russia_threat",
        "the Russia threat perceived when deciding the last turn, 0–1",
    ),
    "presence": ("presence_appetite", "presence in the Indo-Pacific, 0–1"),
}


class AgentUsageError(RuntimeError):
    """A Mesa agent asked for what the wargame's actors cannot do alone (one line)."""


class StateAgent(SovereignState, mesa.Agent):
    """A state deciding for itself, registered with its Mesa model; its state is in the
    attributes of `STATE` (read-only)."""

    def __init__(self, model: mesa.Model, actor: str, slots: list[tuple[int, int, int]]):
        mesa.Agent.__init__(self, model)
        SovereignState.__init__(self, model, actor, slots)

    def __setattr__(self, name: str, value) -> None:
        if name in STATE:
            raise AgentUsageError(
                f"{self.actor}.{name} is read-only: the engine keeps the actors' state; "
                f"build the model with WargameModel(..., **{{'{self.actor}."
                f"{STATE[name][0]}': value}}) or play a move"
            )
        super().__setattr__(name, value)

    def step(self) -> None:
        """Refused: every actor decides on the same snapshot of the turn."""
        raise AgentUsageError(
            f"{self.actor} cannot step alone: every actor decides on the same snapshot, "
            "so model.step() plays all actors together"
        )

    def remove(self) -> None:
        """Refused: the scenario's dyads fix the actors."""
        raise AgentUsageError(
            f"{self.actor} cannot be removed: the scenario's dyads fix the actors; leave "
            "it out with a scenario without its dyads"
        )

    def observe(self, available: np.ndarray, perception) -> None:
        """Bring the attributes of `STATE` up to date from the model, the bandwidth every
        actor had (R, A) and the perception of the turn just decided."""
        m, a = self.model, self.index
        spent = 0.0
        if m.history and len(self.dyad_idx):
            spent = m.history[-1].spent[:, self.dyad_idx, self.side].sum(axis=1).mean()
        values = {
            "china_caution": m.params[:, a, PI["china_caution"]].mean(),
            "caution": m.caution[:, a].mean(),
            "bandwidth": m.params[:, a, PI["bandwidth"]].mean(),
            "bandwidth_available": available[:, a].mean(),
            "bandwidth_spent": spent,
            "china_threat": perception.china[:, a].mean(),
            "russia_threat": perception.russia[:, a].mean(),
            "presence": m.presence[:, a].mean(),
        }
        vars(self).update({k: float(v) for k, v in values.items()})


class AllianceAgent(ConsensusAlliance, StateAgent):
    """An alliance deciding by consensus, registered with its Mesa model."""


class WargameScenario(Scenario):
    """Mesa's `model.scenario` for a WargameModel: which of our scenarios it plays, for
    how many turns, with `rng` and any overrides as further fields ('DEU.china_caution')."""

    #: a scenario name or path (scenarios/*.yaml)
    scenario_name: str = "baseline"
    #: turns to play (None: the scenario's own)
    turns: int | None = None


class WargameModel(Ensemble, mesa.Model):
    """An ensemble of runs of one scenario in Mesa's conventions (see the module).

    `scenario` is a scenario name or path, a compiled Setup, or a `WargameScenario`;
    `rng=` (or `seed=`) is the seed, drawn from the operating system when none is given,
    as Mesa does (`seed` tells which, so the run can be repeated). `overrides`, `turns`
    and keyword parameters apply to a scenario name or path. `collect=False` leaves out
    the data collector.
    """

    agent_kinds = {"state": StateAgent, "alliance": AllianceAgent}

    def __init__(
        self,
        scenario: Setup | str | Scenario = "baseline",
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
        setup, seed, fields = _mesa_arguments(scenario, seed, rng, overrides, turns, params)
        mesa.Model.__init__(self, scenario=WargameScenario(rng=seed, **fields))
        Ensemble.__init__(self, setup, seed, runs, run_params, keep_snapshots)
        # Mesa's step advances its clock by one, which plays one turn (`step` below);
        # `model.step()` first checks that a turn is left
        self._advance = self.step
        self.step = self._next_turn
        self._observe(self.reference, perceive(self.reference))
        if collect:
            _collect_each_step(self)

    @property
    def scenario_name(self) -> str:
        """Our scenario's name (`model.scenario` is Mesa's `WargameScenario`)."""
        return self.setup.name

    def step(self) -> None:
        """One turn: every actor decides on the same snapshot (`Ensemble.step`), then each
        agent's attributes are brought up to date. After the last turn Mesa's schedule
        stops, so `run_for`/`run_until` past the end play nothing."""
        if self.done:
            return
        self._deciding = True
        try:
            Ensemble.step(self)
        finally:
            self._deciding = False
        self._observe(*self._decided)
        if self.done:
            schedule = getattr(self, "_default_schedule", None)  # Mesa's recurring step
            if schedule is not None:
                schedule.stop()

    def _next_turn(self) -> None:
        if self.done:
            warnings.warn(
                f"{self.setup.name} ended at turn {self.turn} ({self.date}) and "
                "model.running is False: step() plays nothing; build a new model to play "
                "again",
                RuntimeWarning,
                stacklevel=2,
            )
            return
        self._advance()

    _deciding = False

    def decide(self, snap, domestic=None):
        """`Ensemble.decide`, keeping the snapshot and perception of the turn being played
        (not those of an explanation's coalitions) for the agents' attributes."""
        out = super().decide(snap, domestic)
        if self._deciding:
            self._decided = (snap, out[2])
        return out

    def _observe(self, snap, perception) -> None:
        available = effective_bandwidth(snap)
        for agent in self.actors:
            agent.observe(available, perception)

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
        of each actor's parameters and state (agent reporters), collected at the start and
        after every turn (sim/engine/reporters.py)."""
        if self._datacollector is None:
            raise AttributeError("this model was built with collect=False: no datacollector")
        return self._datacollector


def _mesa_arguments(scenario, seed, rng, overrides, turns, params):
    """(Setup, seed, fields of Mesa's scenario) from the constructor's arguments: a Setup,
    or a scenario name or path (or a Mesa scenario naming one) built with `overrides`,
    `turns` and keyword parameters; `rng=` is the seed. With neither seed nor rng
    (`batch_run(..., rng=[None] * N)`), a fresh seed is drawn from the operating system,
    as Mesa does."""
    extra = dict(overrides or {}) | dict(params)
    if isinstance(scenario, Scenario):
        fields = dict(scenario)
        given = fields.pop("rng", None)
        if given is not None and rng is not None and given != rng:
            raise ValueError(f"rng={rng} and scenario.rng={given} differ; give one of them")
        rng = rng if rng is not None else given
        given_turns = fields.pop("turns", None)
        turns = given_turns if turns is None else turns
        scenario = fields.pop("scenario_name", "baseline")
        extra = fields | extra
    if rng is not None and seed is not None and int(rng) != int(seed):
        raise ValueError(f"seed={seed} and rng={rng} differ; give one of them")
    if rng is None and seed is None:
        import secrets

        seed = secrets.randbits(63)
    seed = int(rng if rng is not None else seed)
    world = {k: extra.pop(k) for k in list(extra) if k in INDICES}
    extra = {k: float(v) for k, v in extra.items()}
    if isinstance(scenario, Setup):
        if extra or world or turns is not None:
            raise ValueError(
                "overrides, world indices and turns apply to a scenario name or path; "
                "build the Setup with them instead"
            )
        return scenario, seed, {"scenario_name": scenario.name, "turns": scenario.turns}
    setup = _with_world(build(str(scenario), extra, turns), world)
    fields = {"scenario_name": str(scenario), "turns": turns} | extra | world
    return setup, seed, fields


def _with_world(setup: Setup, world: dict[str, float]) -> Setup:
    """`setup` with each named world index starting at its value, the mean it returns to
    moved by as much (the scenario's own start leaves the scenario as it is)."""
    if not world:
        return setup
    start, mean = setup.world_initial.copy(), setup.world_mean.copy()
    for name, raw in world.items():
        try:
            value = float(raw)
        except (TypeError, ValueError):
            value = float("nan")
        if not 0.0 <= value <= 1.0:
            raise InputError(name, "", f"'{raw}' is not a world index value; allowed: 0 to 1")
        i = INDICES.index(name)
        mean[i] = min(max(mean[i] + value - start[i], 0.0), 1.0)
        start[i] = value
    return dataclasses.replace(setup, world_initial=start, world_mean=mean)


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
