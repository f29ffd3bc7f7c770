"""The actors' decision rules, one per decision style, vectorized over the run axis.

Each rule is written once for arrays whose first axis is the run (or, when explaining a
change, the coalition of drivers; see sim/explain.py). Rules read only the `Snapshot` of
the turn, so every actor decides on the same state (simultaneous decisions).

Sources: motivations Ch2–Ch6 › Motivations (digest §2.7); divergences Ch3–Ch6 › Divergences
and Ch7 › Approaches to China / Russia; constraints Ch7 › Recommendations › Temper
Expectations (resources, Russia pulling NATO back, NAC approval, domestic law).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import mesa
import numpy as np

from .ids import AGENT_ACTORS, MOTIVATIONS
from .moves import MoveArrays
from .setup import II, PI

CA, RA, NK, US, BP, JA = (II[k] for k in ("china_assertiveness", "russian_aggression",
                                          "nk_provocation", "us_engagement",
                                          "budget_pressure", "japan_activism"))
MOTIVE_COLS = [PI[m] for m in MOTIVATIONS]


@dataclass
class Snapshot:
    """Everything one turn's decisions read; arrays lead with the run axis (R)."""

    levels: np.ndarray  # (R, D, K) before the turn
    params: np.ndarray  # (R, A, P) after this turn's shocks
    world: np.ndarray  # (R, I) after this turn's shocks
    caps: np.ndarray  # (R, D, K) enabler and structural caps
    noise: np.ndarray  # (R, D, K) standard normals
    consent: np.ndarray  # (R, K) uniforms for the consensus draw
    moves: MoveArrays  # this turn's human moves (shared by all runs)
    moves_on: np.ndarray  # (R,) 1.0 where the moves apply (0.0 in explanation coalitions)
    #: rule constants per run, each (R, 1, K); None: the config's, shared by all runs
    track: dict[str, np.ndarray] | None = None

    def tile(self, r: int, n: int) -> Snapshot:
        """Run r repeated n times (the coalitions of an explanation)."""
        kw = {f.name: getattr(self, f.name) for f in fields(self)}
        for name, v in kw.items():
            if isinstance(v, np.ndarray):
                kw[name] = np.repeat(v[r : r + 1], n, axis=0)
        if self.track is not None:
            kw["track"] = {k: np.repeat(v[r : r + 1], n, axis=0) for k, v in self.track.items()}
        return Snapshot(**kw)

    def constants(self, setup) -> dict[str, np.ndarray]:
        """The rule constants this snapshot runs with: per run, or the config's."""
        return self.track if self.track is not None else setup.track


@dataclass
class Perception:
    china: np.ndarray  # perceived China threat (R,)
    russia: np.ndarray  # perceived Russia threat (R,)
    assertive: np.ndarray  # China's assertiveness (R,)
    aggression: np.ndarray  # Russian aggression (R,)
    nk: np.ndarray  # North Korean provocation (R,)
    caution: np.ndarray  # effective China caution this turn (R,)
    russia_priority: np.ndarray
    dependence: np.ndarray  # US equipment dependence (R,)


class SovereignState(mesa.Agent):
    """A state deciding for itself (Japan, the UK, France, Germany).

    Each turn it perceives the world through its own threat perceptions, forms a desired
    level per partner and track, and spreads its limited bandwidth across partners.
    """

    def __init__(self, model: mesa.Model, actor: str, slots: list[tuple[int, int, int]]):
        super().__init__(model)
        self.actor = actor
        self.index = AGENT_ACTORS.index(actor)
        #: (dyad, side of this actor in the dyad, partner actor index) for each partner
        self.slots = slots
        self.dyad_idx = np.array([s[0] for s in slots], dtype=np.int64)
        self.side = np.array([s[1] for s in slots], dtype=np.int64)
        self.partners = np.array([s[2] for s in slots], dtype=np.int64)

    # step 2 ---------------------------------------------------------------------------
    def perceive(self, snap: Snapshot) -> Perception:
        """Threat perception: own weights times the world's indices (Ch2; Ch3–6 › Motivations).

        A public statement raises China's salience for the actor; a firm or cautious
        posture shifts its effective caution for the turn (human moves)."""
        p = snap.params[:, self.index, :]
        w = snap.world
        mv = snap.moves
        boost = mv.threat_boost[self.index] * snap.moves_on
        shift = mv.caution_shift[self.index] * snap.moves_on
        return Perception(
            china=np.clip(p[:, PI["china_threat"]] + boost, 0, 1) * w[:, CA],
            russia=p[:, PI["russia_threat"]] * w[:, RA],
            assertive=w[:, CA],
            aggression=w[:, RA],
            nk=w[:, NK],
            caution=np.clip(p[:, PI["china_caution"]] + shift, 0, 1),
            russia_priority=p[:, PI["russia_priority"]],
            dependence=p[:, PI["us_equipment_dependence"]],
        )

    def activism_weight(self, japan_activism: np.ndarray) -> np.ndarray:
        """Partners take Japan seriously when it is active (Ch3 › Protect the RBIO: the
        Abe-era 'window of opportunity'); Japan's own drive rises with its activism."""
        if self.actor == "JPN":
            return 0.5 + japan_activism
        return 0.65 + 0.5 * japan_activism

    # step 3 ---------------------------------------------------------------------------
    def salience(self, snap: Snapshot, me: Perception, them: list[Perception]) -> np.ndarray:
        """How much each motivation matters now, per partner: shape (R, partners, M)."""
        w = snap.world
        sal = np.empty((len(w), len(them), len(MOTIVATIONS)))
        sal[:, :, 0] = np.clip(me.china + 0.2 * me.russia + 0.3 * me.nk, 0, 1.5)[:, None]
        sal[:, :, 1] = (0.4 + 0.6 * (1 - w[:, US]))[:, None]  # US doubts raise the urgency
        sal[:, :, 2] = (0.3 + 0.4 * me.assertive + 0.3 * me.nk)[:, None]
        dep = np.stack([np.maximum(me.dependence, t.dependence) for t in them], axis=1)
        # Japan's US dependence limits industry (Ch7 › Temper Expectations), and projects need
        # the agreements that lift the exchange cap: without an ISA an equipment agreement is
        # inert (Ch5 › Defense Exchanges), so the industrial motive finds little outlet.
        outlet = (snap.caps[:, self.dyad_idx, 1] / 5.0) ** 2  # (R, partners)
        sal[:, :, 3] = (1 - 0.7 * dep) * outlet
        sal[:, :, 4] = (0.6 + 0.4 * me.nk)[:, None]
        sal[:, :, 5] = 1.0
        sal[:, :, 6] = (0.4 + 0.6 * me.assertive)[:, None]
        return sal

    def desire(self, snap: Snapshot, me: Perception, them: list[Perception]) -> np.ndarray:
        """Desired level per partner and track, shape (R, partners, K).

        D = 5·σ(bias + Σ_m w_m·sal_m·rel_mk − caution gap − Russia gap − domestic).
        The China-caution gap weighs most on visible exercises, least on dialogue
        (Ch7 › Approaches to China); the Russia gap is the lesser divergence
        (Ch7 › Approaches to Russia); domestic constraints bite on exercises (Japan's
        laws, German opinion: Ch7 › Temper Expectations).
        """
        tr = snap.constants(self.model.setup)
        p = snap.params[:, self.index, :]
        weights = p[:, MOTIVE_COLS]  # (R, M)
        sal = self.salience(snap, me, them)
        motive = (weights[:, None, :] * sal) @ self.model.setup.relevance
        motive = motive * self.activism_weight(snap.world[:, JA])[:, None, None]

        gap_c = np.stack([np.abs(me.caution - t.caution) for t in them], axis=1)  # (R, n)
        vis = (0.5 + me.assertive)[:, None]
        china = (tr["caution_gap"] * (gap_c * vis)[..., None]
                 + tr["own_caution"] * (me.caution * me.assertive)[:, None, None])
        gap_r = np.stack([np.abs(me.russia_priority - t.russia_priority) for t in them], axis=1)
        russia = tr["russia_gap"] * (gap_r * (0.3 + me.aggression)[:, None])[..., None]
        dom = tr["domestic"] * p[:, PI["domestic_constraint"], None, None]

        x = tr["bias"] + motive - china - russia - dom
        return 5.0 / (1.0 + np.exp(-x))

    # step 4 ---------------------------------------------------------------------------
    def effective_bandwidth(self, snap: Snapshot) -> np.ndarray:
        """Bandwidth this turn: budget pressure and Russia's pull on Europe shrink it
        (Ch7 › Temper Expectations: resources; Russia forcing NATO back to its borders)."""
        p = snap.params[:, self.index, :]
        w = snap.world
        pull = 0.6 * p[:, PI["russia_priority"]] * w[:, RA]
        b = p[:, PI["bandwidth"]] * (1 - 0.5 * w[:, BP]) * (1 - pull)
        return np.maximum(b - snap.moves.exercise_cost[self.index] * snap.moves_on, 0.0)

    def allocate(self, snap: Snapshot, desired: np.ndarray):
        """Offers per partner and track: desired levels fitted into the bandwidth. When
        bandwidth is short, each wish is funded at the share min(1, s·weight), with one
        scale s per run chosen so that the whole budget is spent; priority partners and
        tracks with a higher `bandwidth_priority` are cut less: dialogue is the most
        resilient track, exercises and deployments are cut first (Ch7 › Temper
        Expectations; digest §7, budget squeeze). Proposed exercises are added on top.

        Returns (offers (R, partners, K), bandwidth spent per partner (R, partners)).
        """
        tr = snap.constants(self.model.setup)
        mv = snap.moves
        on = snap.moves_on[:, None]
        prio = 1.0 + (mv.priority[self.dyad_idx, self.side][None, :] - 1.0) * on
        weight = prio[:, :, None] * tr["bandwidth_priority"]  # (R, partners, K)
        # no bandwidth is spent on what a missing agreement caps (the wish above the cap
        # still presses for a negotiation: the model reads the uncapped desire)
        desired = np.minimum(desired, snap.caps[:, self.dyad_idx, :])
        offers = desired * fund(desired * tr["cost"], weight, self.effective_bandwidth(snap))
        boost = mv.exercise_boost[self.dyad_idx, self.side][None, :] * on
        offers[:, :, 2] = np.minimum(offers[:, :, 2] + boost, 5.0)
        offers = self.consent(snap, offers)
        spent = (offers * tr["cost"]).sum(axis=2)
        return offers, spent

    def consent(self, snap: Snapshot, offers: np.ndarray) -> np.ndarray:
        """A sovereign state needs no one's approval."""
        return offers


class ConsensusAlliance(SovereignState):
    """An alliance that decides by consensus (NATO and the North Atlantic Council).

    Its offers are formed like a state's, but growth on a track passes only when a
    consensus draw succeeds, with chance 1 − consensus_friction · visibility of the track:
    some members withhold NAC approval or classified exercise information
    (Ch7 › Temper Expectations; Ch6 › Training and Exercises).
    """

    def consent(self, snap: Snapshot, offers: np.ndarray) -> np.ndarray:
        tr = snap.constants(self.model.setup)
        friction = snap.params[:, self.index, PI["consensus_friction"]]
        visibility = tr["visibility"].reshape(-1, snap.levels.shape[2])  # (1 or R, K)
        chance = 1.0 - friction[:, None] * visibility  # (R, K)
        passed = snap.consent < chance
        level = snap.levels[:, self.dyad_idx, :]  # (R, partners, K)
        return np.where(passed[:, None, :], offers, np.minimum(offers, level))


def fund(cost: np.ndarray, weight: np.ndarray, budget: np.ndarray) -> np.ndarray:
    """Funded share of each wish, min(1, s·weight), with s per run such that the funded
    cost uses the whole budget when the wishes exceed it (and every share is 1 otherwise).

    `cost` and `weight` are (R, ...) and `budget` (R,). Water-filling by fixed point: each
    pass saturates the wishes whose share reached 1 and spreads the rest of the budget over
    the others; it ends after at most as many passes as there are distinct weights.
    """
    axes = tuple(range(1, cost.ndim))
    shape = (-1,) + (1,) * (cost.ndim - 1)
    short = (cost.sum(axis=axes) > budget).reshape(shape)
    full = np.zeros(cost.shape, bool)
    for _ in range(cost[0].size):
        free_cost = np.where(full, 0.0, cost * weight).sum(axis=axes)
        left = budget - np.where(full, cost, 0.0).sum(axis=axes)
        s = (np.maximum(left, 0.0) / np.maximum(free_cost, 1e-12)).reshape(shape)
        now = full | (s * weight >= 1.0)
        if np.array_equal(now, full):
            break
        full = now
    return np.where(short, np.minimum(1.0, s * weight), 1.0)


RULES: dict[str, type[SovereignState]] = {"state": SovereignState, "alliance": ConsensusAlliance}
"""Registry of decision styles, keyed by `kind:` in config/actors.yaml."""
