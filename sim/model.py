"""The model: one turn of the allied-cooperation wargame, over an ensemble of runs.

`WargameModel.step()` reads as the turn of DESIGN.md:
shocks → perception → desired levels → bandwidth allocation (human moves folded in) →
offers meet under enabler caps (NATO consensus) → discrete events → record.
Decisions are simultaneous: every actor decides on the same snapshot, then changes commit.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import mesa
import numpy as np

from .actors import RULES, Snapshot, SovereignState
from .ids import AGENT_ACTORS, TRACKS
from .moves import Move, MoveArrays, compile_moves
from .rng import Site, Stream, run_keys
from .setup import AI, PI, Setup
from .shocks import ShockBook
from .world import World

STALL_TURNS = 8  # two years of talks without a result are reported as stalled


@dataclass
class Record:
    """What happened in one turn, for every run of the ensemble."""

    levels: np.ndarray  # (R, D, K) after the turn
    activity: np.ndarray  # (R, D, K) bool: a concrete activity took place
    opened: np.ndarray  # (R, D, E) bool: a negotiation opened
    signed: np.ndarray  # (R, D, E) bool: an agreement was signed
    stalled: np.ndarray  # (R, D, E) bool: talks open for STALL_TURNS without a result
    fired: np.ndarray  # (R, S) bool: scenario shocks that fired
    spent: np.ndarray  # (R, D, 2) bandwidth each side gave the dyad
    desired: np.ndarray  # (R, D, 2, K)
    world: np.ndarray  # (R, I)
    injected: list[str] = field(default_factory=list)
    moves: list[Move] = field(default_factory=list)


class WargameModel(mesa.Model):
    """An ensemble of runs of one scenario, stepped together one quarter at a time.

    `runs` are the run indices in the batch (their keys come from `seed` and the index, so
    a run's draws do not depend on which other runs share the ensemble). `run_params`
    maps 'ACTOR.param' to per-run values (sweeps and samples).

    In Mesa's conventions: `WargameModel("baseline", rng=7)` (a scenario name or path, or
    a compiled Setup; `rng=` is the seed), `step()` plays one turn, `run_model()` plays to
    the scenario's last turn, `datacollector` is a `mesa.DataCollector`, and
    `mesa.batch_run(WargameModel, parameters={"scenario": "baseline",
    "DEU.china_caution": [0.1, 0.7]}, iterations=5)` works: keyword parameters named
    'ACTOR.param' or 'MODEL.track.name' are overrides, like `--set`.
    """

    def __init__(self, scenario: Setup | str = "baseline", seed: int | None = None,
                 runs: int | np.ndarray | range = 1,
                 run_params: dict[str, np.ndarray] | None = None, keep_snapshots: bool = False,
                 *, rng: int | None = None, overrides: dict[str, float] | None = None,
                 turns: int | None = None, collect: bool = True, **params: float):
        # Mesa's conventions: WargameModel("baseline", rng=7), and batch_run's parameters
        # (e.g. {"DEU.china_caution": [0.1, 0.5]}) arrive as keyword overrides
        setup, seed = _mesa_arguments(scenario, seed, rng, overrides, turns, params)
        super().__init__(rng=seed)
        self.setup = setup
        self.seed = int(seed)
        self.run_index = np.arange(runs) if isinstance(runs, int) else np.asarray(runs)
        self.stream = Stream(run_keys(self.seed, self.run_index))
        R = len(self.run_index)
        D, E = setup.signed.shape
        self.turn = 0
        self.params = np.repeat(setup.params[None], R, axis=0)
        #: rule constants per run (R, 1, K) when a run varies them, else None (the config's)
        self.track: dict[str, np.ndarray] | None = None
        for key, values in (run_params or {}).items():
            if key.startswith("MODEL."):
                _, tr, name = key.split(".")
                if self.track is None:
                    self.track = {k: np.repeat(v[None, None, :], R, axis=0)
                                  for k, v in setup.track.items()}
                self.track[name][:, 0, TRACKS.index(tr)] = np.asarray(values, dtype=float)
            else:
                a, p = key.split(".")
                self.params[:, AI[a], PI[p]] = np.asarray(values, dtype=float)
        self.levels = np.repeat(setup.levels[None], R, axis=0)
        self.signed = np.repeat(setup.signed[None], R, axis=0)
        self.blockers = np.repeat(setup.blockers[None], R, axis=0)
        self.negotiating = np.repeat(setup.negotiating[None], R, axis=0)
        self.pressing = np.zeros((R, D, E), np.int16)
        self.talks = np.zeros((R, D, E), np.int16)  # turns a negotiation has been open
        self.world = World(setup, R)
        self.shocks = ShockBook(setup, R)
        self.actors: list[SovereignState] = []
        for a, actor in enumerate(AGENT_ACTORS):
            slots = [(d, int(np.where(setup.pairs[d] == a)[0][0]), int(setup.pairs[d][1 - s]))
                     for d in range(D) for s in (0, 1) if setup.pairs[d][s] == a]
            self.actors.append(RULES[setup.kinds[a]](self, actor, slots))
        self.history: list[Record] = []
        self.pending_moves: list[Move] = []
        self.keep_snapshots = keep_snapshots
        self.snapshots: list[Snapshot] = []
        self.initial_levels = self.levels.copy()
        #: inputs before the first turn: the reference of the first turn's explanation
        self.reference = Snapshot(
            levels=self.levels, params=self.params.copy(), world=self.world.values.copy(),
            caps=self.caps(), noise=np.zeros_like(self.levels), consent=np.zeros((R, len(TRACKS))),
            moves=MoveArrays.neutral(D), moves_on=np.zeros(R), track=self.track)
        if collect:
            _collect_each_step(self)

    @property
    def n_runs(self) -> int:
        return len(self.run_index)

    @property
    def date(self) -> str:
        return self.setup.date(self.turn)

    @property
    def done(self) -> bool:
        return self.turn >= self.setup.turns

    def submit(self, moves: list[Move]) -> None:
        """Human moves for the next turn (replacing the rule's choice for those seats)."""
        self.pending_moves = list(moves)

    def inject(self, shock_id_or_shock) -> None:
        """Queue a shock from the library (or a custom one) for the next turn."""
        self.shocks.inject(shock_id_or_shock)

    # ------------------------------------------------------------------------- one turn
    def step(self) -> None:
        t = self.turn + 1
        s = self.setup
        # moves are checked before anything changes, so a bad move leaves the model as it was
        moves = compile_moves(self.pending_moves, s.dyads, s.pairs, float(s.track["cost"][2]))
        # 1. shocks: the world drifts, then scheduled, conditional, random, injected apply
        self.world.advance(self.stream, t)
        fired, injected, signed_now = self.shocks.apply(self, t)
        # kept snapshots need their own params (shocks change them in place); the world's
        # values are replaced, never changed in place
        params = self.params.copy() if self.keep_snapshots else self.params
        snap = Snapshot(
            levels=self.levels, params=params, world=self.world.values,
            caps=self.caps(), noise=self.stream.normal(t, Site.LEVEL_NOISE, self.levels.shape[1:]),
            consent=self.stream.uniform(t, Site.CONSENSUS, (len(TRACKS),)), moves=moves,
            moves_on=np.ones(self.n_runs), track=self.track,
        )
        # 2–6. perceive, desire, allocate, meet (simultaneous: all read the same snapshot)
        new_levels, desired, spent = self.resolve(snap)
        # 7. discrete events: activities, negotiations, signatures
        activity = self.stream.uniform(t, Site.EVENTS, new_levels.shape[1:]) < (
            snap.constants(s)["event_rate"] * (new_levels / 5.0) ** 2)
        opened, signed, stalled = self.negotiate(t, desired, moves)
        # 8. commit and record
        if self.keep_snapshots:
            self.snapshots.append(snap)
        self.levels = new_levels
        self.turn = t
        self.history.append(Record(new_levels, activity, opened, signed | signed_now, stalled, fired,
                                   spent, desired, self.world.values.copy(), injected,
                                   list(self.pending_moves)))
        self.pending_moves = []

    def resolve(self, snap: Snapshot):
        """Steps 2–6 as a pure function of the snapshot (also used by the explanations).

        Returns (new levels (R, D, K), desired (R, D, 2, K), spent (R, D, 2)).
        """
        s = self.setup
        R, D, K = snap.levels.shape
        perception = [actor.perceive(snap) for actor in self.actors]
        offers = np.zeros((R, D, 2, K))
        desired = np.zeros((R, D, 2, K))
        spent = np.zeros((R, D, 2))
        for actor, me in zip(self.actors, perception, strict=True):
            if not actor.slots:
                continue
            them = [perception[p] for p in actor.partners]
            want = actor.desire(snap, me, them)
            offer, used = actor.allocate(snap, want)
            desired[:, actor.dyad_idx, actor.side] = want
            offers[:, actor.dyad_idx, actor.side] = offer
            spent[:, actor.dyad_idx, actor.side] = used

        caps = snap.caps
        target = np.minimum(offers.min(axis=2), caps)
        gap = target - snap.levels
        tr = snap.constants(s)
        change = tr["up"] * np.maximum(gap, 0) - tr["down"] * np.maximum(-gap, 0)
        change = change + tr["noise"] * snap.noise
        new = np.clip(snap.levels + change, 0.0, caps)
        return new, desired, spent

    def caps(self) -> np.ndarray:
        """Cap per dyad and track: the lowest cap among missing applicable agreements."""
        s = self.setup
        caps = np.broadcast_to(s.max_level, self.levels.shape).copy()
        for e in np.flatnonzero((s.gate_caps < 5.0).any(axis=1)):
            missing = ~self.signed[:, :, e] & s.applicable[None, :, e]  # (R, D)
            np.minimum(caps, np.where(missing[..., None], s.gate_caps[e], 5.0), out=caps)
        return caps

    def negotiate(self, t: int, desired: np.ndarray, moves: MoveArrays):
        """Agreements: negotiations open when both sides press against a cap for several
        turns (or a player proposes one) and conclude with a chance lowered by named
        blockers (criminal jurisdiction for the UK RAA, Ch3 › Training and Exercises;
        German politics for the ISA, Ch5 › Defense Exchanges)."""
        s = self.setup
        both = desired.min(axis=2)  # (R, D, K)
        press = np.zeros_like(self.signed)
        for e, k in zip(*np.nonzero(s.gate_caps < 5.0), strict=True):
            press[:, :, e] |= both[:, :, k] > s.gate_caps[e, k] + 0.05
        open_ = s.applicable[None] & ~self.signed
        press &= open_
        self.pressing = np.where(press, self.pressing + 1, np.maximum(self.pressing - 1, 0))
        start = open_ & ~self.negotiating & (self.pressing >= s.negotiation_start)
        for d, e in moves.negotiate:
            start[:, d, e] |= open_[:, d, e] & ~self.negotiating[:, d, e]
        self.negotiating |= start
        u = self.stream.uniform(t, Site.NEGOTIATION, self.signed.shape[1:])
        chance = s.success[None, None, :] * (1.0 - self.blockers)
        signed = self.negotiating & ~start & (u < chance)
        self.signed |= signed
        self.negotiating &= ~signed
        self.talks = np.where(self.negotiating, self.talks + 1, 0).astype(np.int16)
        stalled = self.talks == STALL_TURNS
        return start, signed, stalled

    def run(self, turns: int | None = None) -> WargameModel:
        for _ in range(self.setup.turns - self.turn if turns is None else turns):
            if self.done:
                break
            self.step()
        return self

    def level_history(self) -> np.ndarray:
        """Levels per turn including the start, shape (T+1, R, D, K)."""
        return np.stack([self.initial_levels] + [r.levels for r in self.history])

    # ------------------------------------------------------------------ Mesa conventions
    @property
    def running(self) -> bool:
        """Mesa's flag: True until the scenario's last turn (`run_model()` stops there)."""
        return self._running and not self.done

    @running.setter
    def running(self, value: bool) -> None:
        self._running = bool(value)

    #: the mesa.DataCollector (see `datacollector`); None when built with collect=False
    _datacollector = None

    @property
    def datacollector(self):
        """A `mesa.DataCollector` of mean levels per dyad and track (model reporters) and
        of each actor's parameters and bandwidth spent (agent reporters), collected at the
        start and after every turn (sim/reporters.py). Batches build their models with
        collect=False and have none."""
        if self._datacollector is None:
            raise AttributeError("this model was built with collect=False: no datacollector")
        return self._datacollector


def _mesa_arguments(setup, seed, rng, overrides, turns, params):
    """(Setup, seed) from the constructor's arguments: a Setup, or a scenario name or path
    built with `overrides`, `turns` and keyword parameters; `rng=` is the seed. With
    neither seed nor rng (Mesa's `batch_run(..., iterations=N)`), a fresh seed is drawn
    from the operating system, as Mesa does; `model.seed` tells which, so the run can be
    repeated."""
    if rng is not None and seed is not None and int(rng) != int(seed):
        raise ValueError(f"seed={seed} and rng={rng} differ; give one of them")
    if rng is None and seed is None:
        import secrets

        seed = secrets.randbits(63)
    seed = int(rng if rng is not None else seed)
    extra = dict(overrides or {}) | {k: float(v) for k, v in params.items()}
    if isinstance(setup, Setup):
        if extra or turns is not None:
            raise ValueError("overrides and turns apply to a scenario name or path; build "
                             "the Setup with them instead")
        return setup, seed
    from .setup import build

    return build(str(setup), extra, turns), seed


def _collect_each_step(model: WargameModel) -> None:
    """Give the model a data collector, fed at the start and after each turn by Mesa's
    step (the one `run_model()`, `mesa.batch_run` and `run()` call)."""
    from .reporters import data_collector

    model._datacollector = collector = data_collector(model)
    collector.collect(model)
    turn = model._user_step

    def step_and_collect() -> None:
        turn()
        collector.collect(model)

    model._user_step = step_and_collect
