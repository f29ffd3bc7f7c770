"""The model: one turn of the allied-cooperation wargame, over an ensemble of runs.

`Ensemble.step()` reads as the turn of DESIGN.md:
shocks → perception → desired levels → bandwidth allocation (human moves folded in) →
offers meet under enabler caps (NATO consensus) → discrete events, negotiations and what
the turn leaves behind (interoperability, trust, frustration, presence, caution) → record.
Decisions are simultaneous: every actor decides on the same snapshot, then changes commit.

Length: over 400 lines on purpose. The stages of one turn (resolve, decide, remember,
negotiate) are methods of the one model because each reads and replaces the same ensemble
state arrays (R runs × dyads × tracks); split across modules they would pass that state
around or reach into the model from outside, and `step()` would stop reading as the turn.

This module imports numpy and nothing heavier: the command line, batches and the game drive
`Ensemble` directly. `sim.WargameModel` (sim/engine/mesa_model.py) is the same engine as a
Mesa model for the Python API; Mesa pulls in pandas and scipy, most of a short command's
start-up, so it is imported only there.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from sim.engine.actors import (
    CA,
    JA,
    RA,
    RULES,
    Columns,
    Slots,
    Snapshot,
    SovereignState,
    add_up,
    allocate,
    attention_now,
    capacity,
    ceilings,
    clip,
    consensus_chance,
    desire,
    domestic_ceiling,
    mean_of,
    meet,
    perceive,
    us_led_exercise,
)
from sim.engine.moves import Move, MoveArrays, compile_moves
from sim.engine.rng import Site, Stream, run_keys
from sim.engine.shocks import ShockBook
from sim.engine.world import World
from sim.inputs.params import ParamKey
from sim.inputs.setup import PI, Setup
from sim.vocabulary import ENABLERS, FIRST, SCALE, SECOND, TRACKS


@dataclass
class Record:
    """What happened in one turn, for every run of the ensemble."""

    levels: np.ndarray  # (R, D, K) after the turn
    activity: np.ndarray  # (R, D, K) bool: a concrete activity took place
    opened: np.ndarray  # (R, D, E) bool: a negotiation opened
    signed: np.ndarray  # (R, D, E) bool: an agreement was signed
    stalled: np.ndarray  # (R, D, E) bool: talks stalled (open too long without a result)
    fired: np.ndarray  # (R, S) bool: scenario shocks that fired
    spent: np.ndarray  # (R, D, 2) bandwidth each side gave the dyad (on what was agreed)
    desired: np.ndarray  # (R, D, 2, K)
    world: np.ndarray  # (R, I)
    injected: list[str] = field(default_factory=list)
    moves: list[Move] = field(default_factory=list)
    presence: np.ndarray | None = None  # (R, A) presence in the Indo-Pacific after the turn
    caution: np.ndarray | None = None  # (R, A) caution toward China after the turn
    retaliated: np.ndarray | None = None  # (R, A) bool: China retaliated against the actor


class Ensemble:
    """An ensemble of runs of one scenario, stepped together one quarter at a time.

    `setup` is a compiled scenario (sim.inputs.setup.build). `runs` are the run indices in
    the batch (their keys come from `seed` and the index, so a run's draws do not depend on
    which other runs share the ensemble). `run_params` maps 'ACTOR.param' or a rule
    constant 'MODEL.x.name' to per-run values (sweeps and samples). `step()` plays one
    turn, `run()` plays to the scenario's last turn (or `turns` more).
    """

    #: the class of each actor's decision style by `kind` (a subclass swaps in Mesa agents)
    agent_kinds: dict[str, type[SovereignState]] = RULES

    def __init__(
        self,
        setup: Setup,
        seed: int,
        runs: int | np.ndarray | range = 1,
        run_params: dict[str, np.ndarray] | None = None,
        keep_snapshots: bool = False,
    ):
        self.setup = setup
        self.seed = int(seed)
        self.run_index = np.arange(runs) if isinstance(runs, int) else np.asarray(runs)
        self.stream = Stream(run_keys(self.seed, self.run_index))
        R = len(self.run_index)
        D, E = setup.signed.shape
        A = len(setup.actors)
        self.turn = 0
        self.params = np.repeat(setup.params[None], R, axis=0)
        #: rule constants per run: per track (R, 1, K), scalar rules (R,)
        self.track = {k: np.repeat(v[None, None, :], R, axis=0) for k, v in setup.track.items()}
        self.rules = {k: np.full(R, v) for k, v in setup.rules.items()}
        #: which motivation feeds which track, per run (R, M, K)
        self.relevance = np.repeat(setup.relevance[None], R, axis=0)
        for key, values in (run_params or {}).items():
            ParamKey.parse(key, setup.actors, file="run_params").apply(self, values, setup.actors)
        self.levels = np.repeat(setup.levels[None], R, axis=0)
        self.signed = np.repeat(setup.signed[None], R, axis=0)
        self.blockers = np.repeat(setup.blockers[None], R, axis=0)
        self.negotiating = np.repeat(setup.negotiating[None], R, axis=0)
        #: which agreements apply to which dyad (a scenario or a shock can make an `n/a`
        #: agreement applicable: sim/engine/shocks.py)
        self.applicable = np.repeat(setup.applicable[None], R, axis=0)
        self.pressing = np.zeros((R, D, E), np.int16)
        #: pressure accumulated on each missing agreement: what both sides have wanted
        #: above the cap it lifts, turn after turn, fading when they stop (`negotiate`)
        self.pressure = np.zeros((R, D, E))
        #: the caps the last turn was played under (R, D, K); presence at sea moves the caps
        #: after the turn, so `caps()` may differ by the turn's change of presence
        self.turn_caps: np.ndarray | None = None
        self.talks = np.zeros((R, D, E), np.int16)  # turns a negotiation has been open
        #: the turn each pair last concluded an agreement (R, D), and what was signed when
        #: it last looked (a scenario's `sign` shock counts as a conclusion too)
        self.last_signed = np.full((R, D), -(2**30))
        self.signed_seen = self.signed.copy()
        # what relationships accumulate (Ch7 › Be Patient): trust starts from the level of
        # the relationship, interoperability from its exercises
        self.interop = self.levels[:, :, TRACKS.index("exercise")] / SCALE
        self.trust = self.levels.mean(axis=2) / SCALE
        self.frustration = np.zeros((R, D, 2))
        self.missions = np.repeat(setup.missions[None], R, axis=0)
        self.presence = np.zeros((R, A))
        self.offered = np.repeat(self.levels[:, :, None, :], 2, axis=2)
        self.caution = self.params[:, :, PI["china_caution"]].copy()
        self.coerced = np.zeros((R, A))
        self.retaliated = np.zeros((R, A))
        self.russia_stance = np.zeros((R, A))
        self.attention = np.zeros((R, D, 2))
        self.world = World(setup, R)
        self.shocks = ShockBook(setup, R)
        self.actors: list[SovereignState] = []
        for a, actor in enumerate(setup.actors):
            slots = [
                (d, int(np.where(setup.pairs[d] == a)[0][0]), int(setup.pairs[d][1 - s]))
                for d in range(D)
                for s in (FIRST, SECOND)
                if setup.pairs[d][s] == a
            ]
            self.actors.append(self.agent_kinds[setup.kinds[a]](self, actor, slots))
        self.slots = Slots.of(setup)
        #: the pairs with an alliance on one side (an index into the dyads, the same every run)
        self.with_alliance = np.flatnonzero(
            [setup.kinds[a] == "alliance" or setup.kinds[b] == "alliance" for a, b in setup.pairs]
        )
        self.dyads = np.arange(D)
        #: actors whose decision style needs approval (alliances): their consent applies
        self.consenting = [
            x for x in self.actors if type(x).consent is not SovereignState.consent and x.slots
        ]
        self.history: list[Record] = []
        self.pending_moves: list[Move] = []
        self.pending_arrays = MoveArrays.neutral(D, A)
        self.keep_snapshots = keep_snapshots
        self.snapshots: list[Snapshot] = []
        self.initial_levels = self.levels.copy()
        #: inputs before the first turn: the reference of the first turn's explanation
        self.reference = self.snapshot(
            self.params.copy(),
            self.world.values.copy(),
            np.zeros_like(self.levels),
            np.zeros((R, len(TRACKS))),
            MoveArrays.neutral(D, A),
            np.zeros(R),
        )
        # the forces each actor keeps in the region are where its aim puts them when the
        # scenario opens (France's are based there: Ch4 France › Sovereignty and Presence),
        # not sailing out from nothing
        self.presence = clip(self.presence_aim(self.reference, perceive(self.reference)), 0, 1)
        self.reference = replace(self.reference, presence=self.presence, caps=self.caps())

    @property
    def n_runs(self) -> int:
        return len(self.run_index)

    @property
    def date(self) -> str:
        return self.setup.date(self.turn)

    @property
    def done(self) -> bool:
        return self.turn >= self.setup.turns

    def submit(self, moves: list[Move], compiled: MoveArrays | None = None) -> None:
        """Human moves for the next turn (replacing the rule's choice for those seats).

        The moves are compiled (and so checked) here, once, unless the caller passes them
        already compiled against this setup: a bad move raises before anything is stored,
        `step()` (which Mesa does not reschedule after an error) cannot fail on one, and it
        reads the arrays compiled here."""
        moves = list(moves)
        self.pending_arrays = compiled if compiled is not None else compile_moves(moves, self.setup)
        self.pending_moves = moves

    def inject(self, shock_id_or_shock) -> None:
        """Queue a shock from the library (or a custom one) for the next turn."""
        self.shocks.inject(shock_id_or_shock)

    def snapshot(self, params, world, noise, consent, moves, moves_on) -> Snapshot:
        """The state the turn's decisions read (state arrays are replaced, never changed in
        place, after a snapshot is taken; params are copied by the caller when kept)."""
        return Snapshot(
            levels=self.levels,
            params=params,
            world=world,
            caps=self.caps(),
            noise=noise,
            consent=consent,
            moves=moves,
            moves_on=moves_on,
            track=self.track,
            rules=self.rules,
            interop=self.interop,
            trust=self.trust,
            frustration=self.frustration,
            missions=self.missions,
            presence=self.presence,
            offered=self.offered,
            caution=self.caution,
            coerced=self.coerced,
            russia_stance=self.russia_stance,
            attention=self.attention,
            relevance=self.relevance,
            access=self.access(),
        )

    # ------------------------------------------------------------------------- one turn
    def step(self) -> None:
        t = self.turn + 1
        s = self.setup
        # the moves compiled (and checked) when they were submitted
        moves = self.pending_arrays
        # 1. shocks: the world drifts, then scheduled, conditional, random, injected apply
        self.world.advance(self.stream, t)
        fired, injected, signed_now = self.shocks.apply(self, t)
        # kept snapshots need their own params (shocks change them in place); the other
        # state arrays are replaced, never changed in place
        params = self.params.copy() if self.keep_snapshots else self.params
        snap = self.snapshot(
            params,
            self.world.values,
            self.stream.normal(t, Site.LEVEL_NOISE, self.levels.shape[1:]),
            self.stream.uniform(t, Site.CONSENSUS, (len(TRACKS),)),
            moves,
            np.ones(self.n_runs),
        )
        # 2–6. perceive, desire, allocate, meet (simultaneous: all read the same snapshot)
        new_levels, desired, offers, target, perception = self.resolve(snap, full=True)
        # 7. discrete events: activities, negotiations, signatures, China's retaliation
        chance = self.track["event_rate"] * (new_levels / SCALE) ** 2
        # an alliance meets a partner as an institution, in few standing formats (NATO and
        # Japan: the yearly High-Level Consultations, Ch6 NATO › Dialogues), where a state's
        # ministries meet it in many: fewer meetings at the same level of dialogue
        dia = TRACKS.index("dialogue")
        chance[:, self.with_alliance, dia] *= self.rules["events.alliance_dialogue"][:, None]
        chance[:, :, TRACKS.index("exercise")] += moves.exercise_event[None, :]
        activity = self.stream.uniform(t, Site.EVENTS, new_levels.shape[1:]) < chance
        opened, signed, stalled = self.negotiate(t, snap, desired, perception, moves)
        retaliated = self.remember(t, snap, offers, target, new_levels, perception)
        # 8. commit and record
        if self.keep_snapshots:
            self.snapshots.append(snap)
        self.turn_caps = snap.caps
        self.levels = new_levels
        self.offered = offers
        self.turn = t
        spent = add_up(target * self.track["cost"], axis=2)[:, :, None].repeat(2, axis=2)
        self.history.append(
            Record(
                new_levels,
                activity,
                opened,
                signed | signed_now,
                stalled,
                fired,
                spent,
                desired,
                self.world.values.copy(),
                injected,
                list(self.pending_moves),
                self.presence,
                self.caution,
                retaliated,
            )
        )
        self.pending_moves = []
        self.pending_arrays = MoveArrays.neutral(len(s.dyads), len(s.actors))

    def resolve(self, snap: Snapshot, full: bool = False):
        """Steps 2–6 as a pure function of the snapshot (also used by the explanations).

        Returns the new levels (R, D, K); with `full`, also the desires (R, D, 2, K), the
        offers (R, D, 2, K), the agreed targets (R, D, K) and each actor's perception.
        """
        R, D, K = snap.levels.shape
        s = self.setup
        fa, sb = s.pairs[:, FIRST], s.pairs[:, SECOND]
        home = domestic_ceiling(snap, fa, sb)  # (R, D, K) the pairs' domestic ceilings
        desired, offers, perception = self.decide(snap, home)
        # 6. the offers meet: the keener side pulls, more when it makes the partner a
        # priority; capped by the agreements in place (Ch7 › Temper Expectations)
        a, b = offers[:, :, FIRST], offers[:, :, SECOND]
        att = attention_now(snap)  # (R, D, 2)
        keen = np.where(a >= b, att[:, :, FIRST, None], att[:, :, SECOND, None])
        extra = (
            snap.rules["meet.priority_pull"][:, None, None] * np.maximum(keen, 0.0)
            + snap.moves.pull[None] * snap.moves_on[:, None, None]
        )
        ceil = ceilings(snap, self.dyads, fa, sb, self.slots.reach_of[0::2], home)
        # caps bind the level, never the drivers: what the two sides want above a cap is
        # pressure on the agreement that lifts it (`negotiate`)
        target = np.minimum(meet(a, b, snap.trust[:, :, None], snap.rules, extra), ceil)
        # an alliance's consensus acts every turn on what it agrees to; what it does not
        # approve again does not happen: it falls at `constraints.lapse_rate`, not at the
        # slow pace at which ties erode (Ch7 › Temper Expectations: each exercise needs
        # the Council's approval)
        agreed = target.copy()
        for actor in self.consenting:
            i = actor.dyad_idx
            own = offers[:, i, actor.side]
            target[:, i] = actor.consent(snap, perception, target[:, i], own)
        tr = snap.track
        down = np.where(
            target < agreed, snap.rules["constraints.lapse_rate"][:, None, None], tr["down"]
        )
        # exercises the US leads come on top of what the pair agrees, above its own caps and
        # the reach of its forces (the US hosts and carries them), never above its domestic
        # ceiling; the pair's memory (trust, frustration, bandwidth spent) reads its own part
        ex = TRACKS.index("exercise")
        led = us_led_exercise(snap, fa, sb)  # (R, D)
        ceil[..., ex] = np.minimum(ceil[..., ex] + np.maximum(led, 0.0), home[..., ex])
        aim = target.copy()
        aim[..., ex] = clip(target[..., ex] + led, 0.0, ceil[..., ex])
        gap = aim - snap.levels
        change = tr["up"] * np.maximum(gap, 0) - down * np.maximum(-gap, 0)
        change = change + tr["noise"] * snap.noise
        new = clip(snap.levels + change, 0.0, ceil)
        if not full:
            return new
        return new, desired, offers, target, perception

    def decide(self, snap: Snapshot, domestic: np.ndarray | None = None):
        """Steps 2–5 for every actor at once: perception, desired levels and offers
        (R, D, 2, K), with each decision style's consent (an alliance's consensus);
        `domestic`, the pairs' domestic ceilings (R, D, K), when the caller has them."""
        R, D, K = snap.levels.shape
        per = perceive(snap)
        want = desire(snap, per, self.slots, self.setup)  # (R, S, K), slot = 2·dyad + side
        offers = allocate(
            snap, want, self.slots, None if domestic is None else domestic[:, self.slots.dyad]
        )
        return want.reshape(R, D, 2, K), offers.reshape(R, D, 2, K), per

    def caps(self) -> np.ndarray:
        """Cap per dyad and track: the lowest cap among missing applicable agreements.

        Exercises at sea need no access agreement (Ch3 UK › Training and Exercises: the
        Royal Navy ships in the region in 2018 exercised with the SDF without an RAA), so on
        the exercise track a missing agreement's cap rises by `agreements.presence_headroom`
        times the visiting (European) side's presence in the Indo-Pacific."""
        held = self.binding_caps(~self.signed & self.applicable)  # (R, D, K)
        who = self.slots.presence_of[0::2]  # (D,) the visiting side of each dyad, or -1
        at_sea = np.where(who >= 0, self.presence[:, np.maximum(who, 0)], 0.0)  # (R, D)
        ex = TRACKS.index("exercise")
        held[..., ex] += self.rules["agreements.presence_headroom"][:, None] * at_sea
        return np.minimum(self.setup.max_level, np.minimum(held, SCALE))

    def access(self) -> np.ndarray:
        """(R, D) 1.0 where the pair's reciprocal access agreement is in force (what
        `forces_reach` adds `agreements.access_reach` for)."""
        return self.signed[..., ENABLERS.index("raa")].astype(float)

    def binding_caps(self, missing: np.ndarray) -> np.ndarray:
        """(R, n, K) the lowest cap among the `missing` (R, n, E) agreements of n dyads on each
        track, without the headroom of presence at sea: the cap that holds the track."""
        gc = self.setup.gate_caps
        # track-major (K, R, n) and agreement-major (E, R, n), so that every step works on
        # contiguous planes rather than on every third or sixth element
        held = np.full((gc.shape[1], *missing.shape[:2]), SCALE, dtype=float)
        missing = np.ascontiguousarray(missing.transpose(2, 0, 1))
        for e, k in zip(*np.nonzero(gc < SCALE), strict=True):
            np.minimum(held[k], np.where(missing[e], gc[e, k], SCALE), out=held[k])
        return np.ascontiguousarray(held.transpose(1, 2, 0))

    def presence_aim(self, snap: Snapshot, perception) -> np.ndarray:
        """(R, A) the presence in the Indo-Pacific each actor aims at: its appetite times
        the threat it sees there (China's, North Korea's), less what Russia pulls home, scaled
        by its means and its stake in the region."""
        p, ru, w = snap.params, snap.rules, snap.world
        china = perception.china  # (R, A)
        pull = ru["russia.pull"][:, None] * p[:, :, PI["europe_pull"]] * w[:, RA, None]
        return (
            p[:, :, PI["presence_appetite"]]
            * clip(
                ru["presence.threat"][:, None] * china
                + ru["presence.nk"][:, None] * perception.nk[:, None],
                0,
                1,
            )
            * (1 - pull)
            # deployments need ships and money: an actor with more means than configured
            # keeps more of them in the region, a squeezed one brings them home first (Ch7 ›
            # Temper Expectations: long-distance deployments are among the first cuts)
            * (p[:, :, PI["bandwidth"]] / self.setup.means[None])
            ** ru["presence.capacity"][:, None]
            # and what it holds in the region: an actor that sees more of its own interests
            # riding on the region's stability keeps more there (Ch3 UK › Protect Its
            # Regional Interests; Ch4 France › Sovereignty and Presence)
            * (p[:, :, PI["regional_interests"]] / np.maximum(self.setup.stake[None], 1e-9))
            ** ru["presence.stake"][:, None]
            # and how much it minds China's reaction: deployments are the most visible of
            # what it does in the region, so an actor more cautious toward China than it is
            # read to be sends fewer ships, and one that drops its caution sends more (Ch5
            # Germany › Training and Exercises: no military hardware in the Far East, and
            # reluctance to upset China; Ch3 UK › Divergences: the golden era)
            * ((1 - perception.caution) / np.maximum(1 - self.setup.reserve[None], 1e-9))
            ** ru["presence.caution"][:, None]
        )

    def remember(self, t: int, snap: Snapshot, offers, target, new_levels, perception):
        """What the turn leaves behind (Ch7 › Be Patient; Ch4 › Protect the RBIO):
        interoperability grows with exercising and fades without it; trust follows
        reciprocity (how close the two offers were); a side whose offer went unmatched grows
        frustrated; presence in the Indo-Pacific moves toward what threat, appetite, Russia's
        pull, the actor's means and its stake in the region allow; China may retaliate
        against presence and provocations, which raises the target's caution, while
        coercion aimed at an actor lowers it; exposure to coercion and retaliation fades.
        Returns who was retaliated against (R, A)."""
        ru, w = self.rules, snap.world
        ex = TRACKS.index("exercise")
        self.interop = clip(
            self.interop
            + ru["memory.interop_gain"][:, None]
            * (new_levels[:, :, ex] / SCALE)
            * (1 - self.interop)
            - ru["memory.interop_decay"][:, None] * self.interop,
            0,
            1,
        )
        lo = np.minimum(offers[:, :, FIRST], offers[:, :, SECOND])
        hi = np.maximum(offers[:, :, FIRST], offers[:, :, SECOND])
        recip = mean_of(np.where(hi > 0, lo / np.maximum(hi, 1e-9), 1.0), axis=2)  # (R, D)
        self.trust = self.trust + ru["memory.trust_rate"][:, None] * (recip - self.trust)
        unmatched = mean_of(np.maximum(offers - target[:, :, None, :], 0) / SCALE, axis=3)
        self.frustration = clip(
            self.frustration
            + ru["memory.frustration_gain"][:, None, None] * unmatched
            - ru["memory.frustration_decay"][:, None, None] * self.frustration,
            0,
            1,
        )
        p = snap.params
        aim = self.presence_aim(snap, perception)
        deployed = snap.moves.deploy[None, :] * snap.moves_on[:, None]
        self.presence = clip(
            self.presence + ru["presence.rate"][:, None] * (aim - self.presence) + deployed, 0, 1
        )
        # China's behaviour toward each actor
        risk = (
            ru["china.retaliation_rate"][:, None]
            * w[:, CA, None]
            * (self.presence + snap.moves.provocation[None, :] * snap.moves_on[:, None])
        )
        hit = self.stream.uniform(t, Site.RETALIATION, (len(self.setup.actors),)) < risk
        decay = 1 - ru["china.coercion_decay"][:, None]
        self.retaliated = clip(
            self.retaliated * decay + hit * ru["china.retaliation_size"][:, None], 0, 1
        )
        self.coerced = self.coerced * decay
        aim_c = clip(
            p[:, :, PI["china_caution"]]
            + ru["china.retaliation_caution"][:, None]
            * p[:, :, PI["retaliation_sensitivity"]]
            * self.retaliated
            - ru["china.coercion_caution"][:, None]
            * p[:, :, PI["coercion_resolve"]]
            * self.coerced,
            0,
            1,
        )
        self.caution = clip(
            self.caution
            + ru["china.caution_rate"][:, None] * (aim_c - self.caution)
            + snap.moves.stance[None, :] * snap.moves_on[:, None],
            0,
            1,
        )
        self.attention = attention_now(snap) * (1 - ru["memory.stance_decay"][:, None, None])
        self.russia_stance = (
            self.russia_stance * (1 - ru["memory.stance_decay"][:, None])
            + snap.moves.russia_shift[None, :] * snap.moves_on[:, None]
        )
        return hit

    def negotiate(self, t: int, snap: Snapshot, desired: np.ndarray, perception, moves: MoveArrays):
        """Agreements negotiated by two parties. Talks open when both sides press against
        the cap an agreement lifts for several turns once the cooperation has grown to
        within `agreements.reach` of the cap that holds a track it gates, the lowest among
        the pair's missing agreements (or a player proposes them). Each side brings
        its own urgency: how far its wish lies above the cap, the China threat it perceives,
        Japanese activism (for the Indo-Pacific side), its presence in the region (a tilt),
        North Korean provocation (for the Indo-Pacific side and by a side's forces there),
        an existing 2+2 format (Ch4 France › Dialogues: 2+2s as engines) and a player's
        proposal, times its bandwidth over its means to `agreements.capacity_drive` (talks
        take officials' time). The talks conclude each turn with a chance that grows with
        the two urgencies together (their geometric mean: both must want it) and shrinks
        with the named blocker, which political will wears down (criminal jurisdiction for
        an RAA, Ch3 UK › Training and Exercises), with the pair's caution toward China
        (weighted by the visibility of the track the agreement lifts), with its domestic
        constraints (German politics for the ISA, Ch5 › Defense Exchanges; Japan's laws)
        and, for an alliance, with every member's consent. Talks open `stall_turns` without
        a result stall, and restart only when both sides press again. A pair holds one set
        of talks at a time and opens the next `agreements.interval` turns after concluding
        one."""
        s, ru = self.setup, self.rules
        R = self.n_runs
        D, E = s.signed.shape
        open_ = self.applicable & ~self.signed
        # only the agreements still open in some run are computed: cells (dyad, agreement)
        # on a short axis n, each array (R, n[, 2])
        dd, ee = np.nonzero(open_.any(axis=0))
        rr = Columns(ru)
        # each side's wish above the cap each agreement lifts (R, n, 2), and how far the
        # cooperation itself still lies below the cap holding the track (R, n), on the
        # tracks it gates
        side_gap = np.full((R, len(dd), 2), -SCALE)
        room = np.full((R, len(dd)), SCALE)
        held = self.binding_caps(open_)  # (R, D, K)
        for k in range(len(TRACKS)):
            cap = s.gate_caps[ee, k]
            g = np.flatnonzero(cap < SCALE)
            if len(g):
                side_gap[:, g] = np.maximum(
                    side_gap[:, g], desired[:, dd[g]][..., k] - cap[g][:, None]
                )
                room[:, g] = np.minimum(room[:, g], held[:, dd[g], k] - snap.levels[:, dd[g], k])
        # the pair's pressure: both sides' wishes above the cap count, the keener side's as
        # much as the reluctant one's (a lukewarm partner still lowers the chance that talks
        # conclude, through its urgency below); pressure accumulates and wears blockers down
        over = np.maximum(side_gap, 0.0)
        pressure = 0.5 * (over[..., FIRST] + over[..., SECOND])
        # a side that wants to come near the cap already seeks the agreement: talks open, and
        # urgency counts, from `agreements.anticipation` levels below it
        pos = np.maximum(side_gap + rr["agreements.anticipation"][..., None], 0.0)
        seeking = 0.5 * (pos[..., FIRST] + pos[..., SECOND])
        live = open_[:, dd, ee]
        accumulated = np.zeros((R, D, E))
        accumulated[:, dd, ee] = np.where(
            live, self.pressure[:, dd, ee] * (1 - rr["agreements.pressure_decay"]) + pressure, 0.0
        )
        self.pressure = accumulated
        # an agreement becomes pressing once the cooperation has grown into the cap that
        # holds a track it gates (within `agreements.reach` of the lowest cap among the
        # pair's missing agreements on that track), not while the two sides only wish for
        # more: the 2013-18 agreements each came as that cooperation reached its limit (Ch3
        # UK › Defense Exchanges: the ACSA once exercises had begun), and agreements that
        # gate the same track are pressed as one package (the UK's ISA and equipment
        # agreement, signed the same day in July 2013); a 2+2 in force puts the pair's
        # remaining agreements on the table sooner, `agreements.format_agenda` levels below
        # (the UK's inaugural 2+2 of 2015 agreed the list that brought the ACSA of 2017: Ch3
        # UK › Dialogues)
        tpt = self.signed[:, dd, ENABLERS.index("two_plus_two")]  # (R, n)
        grown = room <= rr["agreements.reach"] + rr["agreements.format_agenda"] * tpt
        press = np.zeros((R, D, E), bool)
        press[:, dd, ee] = (seeking > rr["agreements.press_margin"]) & grown & live
        self.pressing = np.where(press, self.pressing + 1, np.maximum(self.pressing - 1, 0))
        # a pair's officials take one set of talks at a time (agreements pressed together
        # open together, as a package), and turn to the next only `agreements.interval`
        # turns after concluding one: each pair's agreements came one after another, 14-42
        # months apart (the UK: ISA and equipment 2013, 2+2 2015, ACSA 2017; France: 2+2
        # 2014, equipment 2015, ACSA 2018; config/dyads.yaml)
        fresh = (self.signed & ~self.signed_seen).any(axis=2)
        self.last_signed[fresh] = t
        # (an interval of 0, the default of a config folder written before this rule,
        # keeps the earlier engine's talks side by side)
        interval = ru["agreements.interval"][:, None]
        free = ((interval <= 0) | ~self.negotiating.any(axis=2)) & (
            t - self.last_signed >= interval
        )  # (R, D)
        start = open_ & ~self.negotiating & (self.pressing >= s.negotiation_start) & free[..., None]
        pushed = np.zeros((D, E), bool)
        for d, e in moves.negotiate:
            pushed[d, e] = True
            start[:, d, e] |= open_[:, d, e] & ~self.negotiating[:, d, e]
        self.negotiating |= start

        on = snap.moves_on[:, None] * pushed[dd, ee]  # (R, n)
        strength = np.minimum(1.0, pos / rr["agreements.pressure_scale"][..., None])
        strength = np.maximum(strength, rr["agreements.open_strength"][..., None])
        pairs = s.pairs[dd]  # (n, 2)
        threat = perception.china[:, pairs]  # (R, n, 2)
        side = (
            rr["agreements.threat_drive"][..., None] * threat
            + rr["agreements.activism_drive"][..., None]
            * snap.world[:, JA, None, None]
            * s.indo[pairs]
            + rr["agreements.tilt_drive"][..., None] * snap.presence[:, pairs]
            + rr["agreements.two_plus_two_drive"][..., None] * tpt[..., None]
            # a Korean crisis calls for the legal frameworks of forces operating together
            # from Japan: for the Indo-Pacific side and for a side with forces in the region
            # (UN Command sending states could operate from UN bases in Japan: Ch7 ›
            # Partnerships Make Allies More Effective)
            + rr["agreements.nk_drive"][..., None]
            * perception.nk[:, None, None]
            * np.minimum(s.indo[pairs] + snap.presence[:, pairs], 1.0)
        )  # (R, n, 2)
        # talks take officials' time: a side absorbed elsewhere (Japan after March 2011,
        # Europe pulled home by Russia, a budget squeeze) brings less to them, one with
        # means to spare more (Ch7 › Temper Expectations: resources first)
        spare = np.exp(
            rr["agreements.capacity_drive"][..., None] * capacity(snap, s.means)[:, pairs]
        )
        urgency = (
            rr["agreements.urgency_base"][..., None]
            * strength
            * (1.0 + side) ** rr["agreements.urgency_power"][..., None]
            * (1.0 + rr["moves.agreement_push"][..., None] * on[..., None])
            * spare
        )  # (R, n, 2)
        joint = np.sqrt(urgency[..., FIRST] * urgency[..., SECOND])  # (R, n)
        consent = np.ones((R, len(dd)))
        first = np.argmax(s.gate_caps < SCALE, axis=1)  # the track each agreement lifts
        for actor in self.consenting:
            mine = np.flatnonzero(actor.in_dyad[dd])
            if len(mine):
                c = consensus_chance(snap, perception, actor.index, s.members, agreements=True)
                consent[:, mine] *= c[:, first[ee[mine]]]
        # political will wears the blocker down as pressure accumulates (an RAA's criminal
        # jurisdiction was settled once both sides wanted it enough; Ch3 UK › Training and
        # Exercises: the talks went on for years)
        will = np.exp(-rr["agreements.will_relief"] * self.pressure[:, dd, ee])
        # a proposal is a government's decision to move: it lifts part of the blocker, and
        # of its own caution and politics, for the turn (Ch5 › Defense Exchanges)
        relief = 1 - rr["moves.proposal_relief"] * on
        blocker = self.blockers[:, dd, ee] * will * relief
        # the pair's caution drags in proportion to how visible what the agreement unlocks
        # is: China sees exercises, hardly an information-security agreement (Ch7 ›
        # Approaches to China)
        seen = snap.track["visibility"][:, 0, first[ee]]  # (R, n)
        caution = perception.caution
        caution = np.maximum(caution[:, pairs[:, FIRST]], caution[:, pairs[:, SECOND]]) * seen
        dom = snap.params[:, :, PI["domestic_constraint"]]
        dom = np.maximum(dom[:, pairs[:, FIRST]], dom[:, pairs[:, SECOND]])  # (R, n)
        # each kind of agreement's own pace (the report gives no rate; fitted to the
        # 2012-19 dates by `wargame calibrate --posterior`, 1 at the config's values)
        pace = np.stack([ru[f"agreements.pace_{en}"] for en in ENABLERS], axis=1)[:, ee]
        chance = (
            s.success[ee][None]
            * pace
            * joint
            * consent
            * (1 - blocker)
            * (1 - rr["agreements.caution_drag"] * caution * relief)
            * (1 - rr["agreements.blocker_politics"] * dom * relief)
        )
        # the draws of the cells computed (the others would go unread)
        u = self.stream.uniform_at(t, Site.NEGOTIATION, (D, E), (dd, ee))  # (R, n)
        signed = np.zeros((R, D, E), bool)
        signed[:, dd, ee] = self.negotiating[:, dd, ee] & ~start[:, dd, ee] & (u < chance)
        self.signed |= signed
        self.signed_seen = self.signed.copy()
        self.last_signed[signed.any(axis=2)] = t
        self.negotiating &= ~signed
        self.talks = np.where(self.negotiating, self.talks + 1, 0).astype(np.int16)
        stalled = self.talks >= ru["agreements.stall_turns"][:, None, None]
        self.negotiating &= ~stalled
        self.pressing = np.where(stalled, 0, self.pressing).astype(np.int16)
        self.talks = np.where(stalled, 0, self.talks).astype(np.int16)
        self.urgency = np.zeros((R, D, E))
        self.urgency[:, dd, ee] = joint
        return start, signed, stalled

    def run(self, turns: int | None = None) -> Ensemble:
        for _ in range(self.setup.turns - self.turn if turns is None else turns):
            if self.done:
                break
            self.step()
        return self

    def level_history(self) -> np.ndarray:
        """Levels per turn including the start, shape (T+1, R, D, K)."""
        return np.stack([self.initial_levels] + [r.levels for r in self.history])


def __getattr__(name: str):
    # `from sim.engine.model import WargameModel` keeps working; Mesa loads on that use only
    if name == "WargameModel":
        from sim.engine.mesa_model import WargameModel

        return WargameModel
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
