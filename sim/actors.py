"""The actors' decision rules, one per decision style, vectorized over the run axis.

Each rule is written once for arrays whose first axis is the run (or, when explaining a
change, the coalition of drivers switched on). `pick(mask, group, actual, neutral)` is how a
driver group is switched off for the additive explanation (sim/explain.py); in normal
stepping `mask` is None and the actual values flow through untouched.

Sources: motivations Ch2–Ch6 › Motivations (digest §2.7); divergences Ch3–Ch6 › Divergences
and Ch7 › Approaches to China / Russia; constraints Ch7 › Recommendations › Temper
Expectations (resources, Russia pulling NATO back, NAC approval, domestic law).
"""

from __future__ import annotations

from dataclasses import dataclass

import mesa
import numpy as np

from .ids import AGENT_ACTORS
from .moves import MoveArrays
from .setup import II, PI

CA, RA, NK, US, BP, JA = (II[k] for k in ("china_assertiveness", "russian_aggression",
                                          "nk_provocation", "us_engagement",
                                          "budget_pressure", "japan_activism"))
Mask = dict[str, np.ndarray] | None


def pick(mask: Mask, group: str, actual, neutral):
    """`actual` where driver `group` is on in the coalition, else `neutral`."""
    if mask is None:
        return actual
    on = mask[group]
    actual = np.asarray(actual)
    return np.where(on.reshape(on.shape + (1,) * (actual.ndim - 1)), actual, neutral)


@dataclass
class Snapshot:
    """Everything one turn's decisions read; arrays lead with the run axis (R)."""

    levels: np.ndarray  # (R, D, K) before the turn
    params: np.ndarray  # (R, A, P) after this turn's shocks
    world: np.ndarray  # (R, I) after this turn's shocks
    caps: np.ndarray  # (R, D, K) enabler and structural caps
    noise: np.ndarray  # (R, D, K) standard normals
    consent: np.ndarray  # (R, K) uniforms for the consensus draw
    moves: MoveArrays

    def tile(self, r: int, n: int) -> Snapshot:
        """Run r repeated n times (coalitions of the explanation)."""
        def rep(x):
            return np.repeat(x[r : r + 1], n, axis=0)

        return Snapshot(rep(self.levels), rep(self.params), rep(self.world), rep(self.caps),
                        rep(self.noise), rep(self.consent), self.moves)


@dataclass
class Perception:
    china: np.ndarray  # perceived China threat (R,)
    russia: np.ndarray  # perceived Russia threat (R,)
    assertive: np.ndarray  # China assertiveness as it enters visibility (R,)
    aggression: np.ndarray  # Russian aggression (R,)
    nk: np.ndarray
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
    def perceive(self, snap: Snapshot, mask: Mask = None) -> Perception:
        """Threat perception: own weights times the world's indices (Ch2, Ch3–6 › Motivations)."""
        p = snap.params[:, self.index, :]
        w = snap.world
        mv = snap.moves
        assertive = pick(mask, "threats", w[:, CA], 0.0)
        aggression = pick(mask, "threats", w[:, RA], 0.0)
        nk = pick(mask, "threats", w[:, NK], 0.0)
        boost = pick(mask, "moves", np.full(len(w), mv.threat_boost[self.index]), 0.0)
        shift = pick(mask, "moves", np.full(len(w), mv.caution_shift[self.index]), 0.0)
        return Perception(
            china=np.clip(p[:, PI["china_threat"]] + boost, 0, 1) * assertive,
            russia=p[:, PI["russia_threat"]] * aggression,
            assertive=assertive,
            aggression=aggression,
            nk=nk,
            caution=np.clip(p[:, PI["china_caution"]] + shift, 0, 1),
            russia_priority=p[:, PI["russia_priority"]],
            dependence=pick(mask, "constraints", p[:, PI["us_equipment_dependence"]], 0.0),
        )

    def activism_weight(self, japan_activism: np.ndarray) -> np.ndarray:
        """Partners take Japan seriously when it is active (Ch3 › Protect the RBIO)."""
        if self.actor == "JPN":
            return 0.5 + japan_activism
        return 0.65 + 0.5 * japan_activism

    # step 3 ---------------------------------------------------------------------------
    def desire(self, snap: Snapshot, me: Perception, them: list[Perception],
               mask: Mask = None) -> np.ndarray:
        """Desired level per partner and track, shape (R, partners, K).

        D = 5·σ(bias + Σ_m w_m·sal_m·rel_mk − caution gap − Russia gap − domestic).
        The China-caution gap weighs most on visible exercises, least on dialogue
        (Ch7 › Approaches to China); the Russia gap is the lesser divergence
        (Ch7 › Approaches to Russia); domestic constraints bite on exercises (Japan's
        laws, German opinion: Ch7 › Temper Expectations).
        """
        m = self.model.setup
        tr = m.track
        p = snap.params[:, self.index, :]
        w = snap.world
        n = len(self.slots)
        weights = p[:, [PI[k] for k in _MOTIVES]]  # (R, M)
        sal = np.empty((len(w), n, len(_MOTIVES)))
        threat = np.clip(me.china + 0.5 * me.russia + 0.3 * me.nk, 0, 1.5)
        sal[:, :, 0] = threat[:, None]
        sal[:, :, 1] = (0.4 + 0.6 * (1 - w[:, US]))[:, None]
        sal[:, :, 2] = (0.3 + 0.4 * me.assertive + 0.3 * me.nk)[:, None]
        dep = np.stack([np.maximum(me.dependence, t.dependence) for t in them], axis=1)
        sal[:, :, 3] = 1 - 0.7 * dep
        sal[:, :, 4] = (0.6 + 0.4 * me.nk)[:, None]
        sal[:, :, 5] = 1.0
        sal[:, :, 6] = (0.4 + 0.6 * me.assertive)[:, None]
        motive = np.einsum("rm,rjm,mk->rjk", weights, sal, m.relevance)
        motive = motive * self.activism_weight(w[:, JA])[:, None, None]
        motive = pick(mask, "motivations", motive, 0.0)

        gap_c = np.stack([np.abs(me.caution - t.caution) for t in them], axis=1)  # (R, n)
        vis = (0.5 + me.assertive)[:, None]
        china = (tr["caution_gap"] * (gap_c * vis)[..., None]
                 + tr["own_caution"] * (me.caution * me.assertive)[:, None, None])
        china = pick(mask, "china_caution", china, 0.0)

        gap_r = np.stack([np.abs(me.russia_priority - t.russia_priority) for t in them], axis=1)
        russia = tr["russia_gap"] * (gap_r * (0.3 + me.aggression)[:, None])[..., None]
        russia = pick(mask, "russia_divergence", russia, 0.0)

        dom = tr["domestic"] * p[:, PI["domestic_constraint"], None, None]
        dom = pick(mask, "constraints", np.broadcast_to(dom, (len(w), 1, 3)), 0.0)

        x = tr["bias"] + motive - china - russia - dom
        return 5.0 / (1.0 + np.exp(-x))

    # step 4 ---------------------------------------------------------------------------
    def effective_bandwidth(self, snap: Snapshot, mask: Mask = None) -> np.ndarray:
        """Bandwidth this turn: budget pressure and Russia's pull on Europe shrink it
        (Ch7 › Temper Expectations: resources; Russia forcing NATO back to its borders)."""
        p = snap.params[:, self.index, :]
        w = snap.world
        pull = 0.6 * p[:, PI["russia_priority"]] * w[:, RA]
        b = p[:, PI["bandwidth"]] * (1 - 0.5 * w[:, BP]) * (1 - pull)
        cost = pick(mask, "moves", np.full(len(w), snap.moves.exercise_cost[self.index]), 0.0)
        return np.maximum(b - cost, 0.0)

    def allocate(self, snap: Snapshot, desired: np.ndarray, mask: Mask = None):
        """Offers per partner and track: desired levels scaled to fit the bandwidth.

        Returns (offers (R, partners, K), bandwidth spent per partner (R, partners)).
        """
        tr = self.model.setup.track
        mv = snap.moves
        prio = pick(mask, "moves", np.broadcast_to(mv.priority[self.dyad_idx, self.side],
                                                   (len(desired), len(self.slots))), 1.0)
        demand = np.einsum("rjk,k,rj->r", desired, tr["cost"], prio)
        scale = self.effective_bandwidth(snap, mask) / np.maximum(demand, 1e-9)
        factor = np.minimum(1.0, scale[:, None] * prio)
        factor = pick(mask, "bandwidth", factor, 1.0)
        offers = desired * factor[..., None]
        boost = pick(mask, "moves", np.broadcast_to(mv.exercise_boost[self.dyad_idx, self.side],
                                                    (len(desired), len(self.slots))), 0.0)
        offers[:, :, 2] = np.minimum(offers[:, :, 2] + boost, 5.0)
        offers = self.consent(snap, offers, mask)
        spent = np.einsum("rjk,k->rj", offers, tr["cost"])
        return offers, spent

    def consent(self, snap: Snapshot, offers: np.ndarray, mask: Mask = None) -> np.ndarray:
        """A sovereign state needs no one's approval."""
        return offers


class ConsensusAlliance(SovereignState):
    """An alliance that decides by consensus (NATO and the North Atlantic Council).

    Its offers are formed like a state's, but growth on a track passes only when a
    consensus draw succeeds, with chance 1 − consensus_friction · visibility of the track:
    some members withhold NAC approval or classified exercise information
    (Ch7 › Temper Expectations; Ch6 › Training and Exercises).
    """

    def consent(self, snap: Snapshot, offers: np.ndarray, mask: Mask = None) -> np.ndarray:
        tr = self.model.setup.track
        friction = snap.params[:, self.index, PI["consensus_friction"]]
        chance = 1.0 - friction[:, None] * tr["visibility"][None, :]  # (R, K)
        passed = pick(mask, "constraints", snap.consent < chance, True)  # (R, K)
        level = snap.levels[:, self.dyad_idx, :]  # (R, partners, K)
        return np.where(passed[:, None, :], offers, np.minimum(offers, level))


_MOTIVES = ("protect_order", "support_us", "regional_interests", "industrial",
            "operational_knowledge", "stakeholder_image", "indo_pacific_awareness")

RULES: dict[str, type[SovereignState]] = {"state": SovereignState, "alliance": ConsensusAlliance}
"""Registry of decision styles, keyed by `kind:` in config/actors.yaml."""
