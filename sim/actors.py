"""The actors' decision rules, one per decision style, vectorized over the run axis.

Each rule is written once for arrays whose first axis is the run (or, when explaining a
change, the coalition of drivers; see sim/explain.py). Rules read only the `Snapshot` of
the turn, so every actor decides on the same state (simultaneous decisions). Every
coefficient comes from config/model.yaml (`tracks:` per track, `rules:` by group), with its
source and range; `SCALE` is the report's 0–5 scale.

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
SCALE = 5.0  # top of the report's 0–5 scale (digest §3)


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
    #: rule constants per run: per track (R, 1, K) and scalar rules (R,)
    track: dict[str, np.ndarray]
    rules: dict[str, np.ndarray]
    # what the relationships have accumulated (the "ties" driver)
    interop: np.ndarray  # (R, D) interoperability built by exercising, 0–1
    trust: np.ndarray  # (R, D) reciprocity, 0–1
    frustration: np.ndarray  # (R, D, 2) each side's frustration with unmatched offers, 0–1
    missions: np.ndarray  # (R, D) shared operations, 0–1
    presence: np.ndarray  # (R, A) presence of each actor in the Indo-Pacific, 0–1
    offered: np.ndarray  # (R, D, 2, K) each side's offer last turn
    # China's behaviour toward each actor (the "china_caution" driver)
    caution: np.ndarray  # (R, A) each actor's caution toward China (state), 0–1
    coerced: np.ndarray  # (R, A) exposure to Chinese coercion, 0–1
    russia_stance: np.ndarray  # (R, A) Russia priority added by statements still remembered
    attention: np.ndarray  # (R, D, 2) each side's remembered priorities, -1 to 1

    def tile(self, r: int, n: int) -> Snapshot:
        """Run r repeated n times (the coalitions of an explanation)."""
        kw = {f.name: getattr(self, f.name) for f in fields(self)}
        for name, v in kw.items():
            if isinstance(v, np.ndarray):
                kw[name] = np.repeat(v[r : r + 1], n, axis=0)
            elif isinstance(v, dict):
                kw[name] = {k: np.repeat(x[r : r + 1], n, axis=0) for k, x in v.items()}
        return Snapshot(**kw)


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
    level per partner and track, and spreads its limited bandwidth over what it expects its
    partners to agree to.
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
        setup = model.setup
        #: the partner sits in the Indo-Pacific and this actor does not, or the reverse:
        #: presence of the European side creates occasions to exercise (per partner)
        indo = setup.indo
        self.presence_of = np.where(indo[self.index], self.partners,
                                    np.where(indo[self.partners], self.index, -1))

    # step 2 ---------------------------------------------------------------------------
    def perceive(self, snap: Snapshot) -> Perception:
        """Threat perception: own weights times the world's indices (Ch2; Ch3–6 ›
        Motivations). Chinese coercion aimed at the actor raises its perceived threat
        (Ch5 Germany › Motivations: KUKA); its caution is a state that China's behaviour
        moves (sim/model.py), shifted for the turn by a posture or a statement (moves)."""
        p = snap.params[:, self.index, :]
        w = snap.world
        ru = snap.rules
        mv = snap.moves
        on = snap.moves_on
        coerced = ru["china.coercion_threat"] * p[:, PI["coercion_resolve"]] * snap.coerced[
            :, self.index]
        china = np.clip(p[:, PI["china_threat"]] + mv.threat_boost[self.index] * on + coerced,
                        0, 1)
        russia = np.clip(p[:, PI["russia_threat"]] + mv.russia_boost[self.index] * on, 0, 1)
        return Perception(
            china=china * w[:, CA],
            russia=russia * w[:, RA],
            assertive=w[:, CA],
            aggression=w[:, RA],
            nk=w[:, NK],
            caution=np.clip(snap.caution[:, self.index] + mv.caution_shift[self.index] * on,
                            0, 1),
            russia_priority=np.clip(p[:, PI["russia_priority"]]
                                    + snap.russia_stance[:, self.index], 0, 1),
            dependence=p[:, PI["us_equipment_dependence"]],
        )

    def activism_weight(self, snap: Snapshot) -> np.ndarray:
        """Partners take Japan seriously when it is active (Ch3 › Protect the RBIO: the
        Abe-era 'window of opportunity'); Japan's own drive rises with its activism. The
        index drives the actors of the Indo-Pacific region (config: `region:`)."""
        ru, ja = snap.rules, snap.world[:, JA]
        if self.model.setup.indo[self.index]:
            return ru["activism.japan_base"] + ja
        return ru["activism.partner_base"] + ru["activism.partner_slope"] * ja

    # step 3 ---------------------------------------------------------------------------
    def salience(self, snap: Snapshot, me: Perception, them: list[Perception]) -> np.ndarray:
        """How much each motivation matters now, per partner: shape (R, partners, M).

        Protecting the order rises with the China threat and, for an actor that links the
        theatres, with the Russia threat too (Ch7 › Approaches to Russia). Supporting the
        US is two-sided: US engagement sponsors the network, US retrenchment is a reason
        to hedge together (Ch2 › Support the United States; Ch7 › The Primacy of the
        United States)."""
        w, ru = snap.world, snap.rules
        p = snap.params[:, self.index, :]
        sal = np.empty((len(w), len(them), len(MOTIVATIONS)))
        link = p[:, PI["theatre_linkage"]] * ru["russia.linkage"]
        sal[:, :, 0] = np.clip(me.china + link * me.russia + ru["salience.nk"] * me.nk, 0,
                               ru["salience.cap"])[:, None]
        sal[:, :, 1] = (ru["us.floor"] + p[:, PI["us_sponsorship"]] * w[:, US]
                        + p[:, PI["us_hedging"]] * (1 - w[:, US]))[:, None]
        sal[:, :, 2] = (ru["salience.regional_base"] + ru["salience.regional_china"]
                        * me.assertive + ru["salience.regional_nk"] * me.nk)[:, None]
        dep = np.stack([np.maximum(me.dependence, t.dependence) for t in them], axis=1)
        # Japan's US dependence limits industry (Ch7 › Temper Expectations), and projects need
        # the agreements that lift the exchange cap: without an ISA an equipment agreement is
        # inert (Ch5 › Defense Exchanges), so the industrial motive finds little outlet.
        outlet = (snap.caps[:, self.dyad_idx, 1] / SCALE) ** ru["salience.outlet_power"][:, None]
        buy = snap.moves.buy[self.dyad_idx, self.side][None, :] * snap.moves_on[:, None]
        sal[:, :, 3] = (1 - ru["salience.dependence"][:, None] * dep * (buy == 0)) * outlet
        sal[:, :, 4] = (ru["salience.knowledge_base"] + ru["salience.knowledge_nk"]
                        * me.nk)[:, None]
        sal[:, :, 5] = ru["salience.image"][:, None]
        sal[:, :, 6] = (ru["salience.awareness_base"] + ru["salience.awareness_china"]
                        * me.assertive)[:, None]
        return sal

    def desire(self, snap: Snapshot, me: Perception, them: list[Perception]) -> np.ndarray:
        """Desired level per partner and track, shape (R, partners, K).

        D = 5·σ(bias + Σ_m w_m·sal_m·rel_mk − caution gap − own caution − Russia gap
        − domestic − missing agreement + interoperability + trust − frustration + shared
        operations + presence + attention).
        The China-caution gap weighs most on visible exercises, least on dialogue
        (Ch7 › Approaches to China); the Russia gap is the lesser divergence
        (Ch7 › Approaches to Russia); domestic constraints bite on exercises (Japan's
        laws, German opinion: Ch7 › Temper Expectations); a missing agreement weighs on
        willingness as well as capping (Ch7 › Temper Expectations: no RAA); what the
        partners have built draws them on (Ch7 › Be Patient).
        """
        tr, ru = snap.track, snap.rules
        p = snap.params[:, self.index, :]
        d, s = self.dyad_idx, self.side
        weights = p[:, MOTIVE_COLS]  # (R, M)
        sal = self.salience(snap, me, them)
        motive = (weights[:, None, :] * sal) @ self.model.setup.relevance
        motive = motive * self.activism_weight(snap)[:, None, None]

        gap_c = np.stack([np.abs(me.caution - t.caution) for t in them], axis=1)  # (R, n)
        china = (tr["caution_gap"] * gap_c[..., None]
                 + tr["own_caution"] * me.caution[:, None, None])
        gap_r = np.stack([np.abs(me.russia_priority - t.russia_priority) for t in them], axis=1)
        russia = tr["russia_gap"] * (gap_r * (ru["russia.gap_base"][:, None]
                                              + me.aggression[:, None]))[..., None]
        dom = tr["domestic"] * p[:, PI["domestic_constraint"], None, None]
        missing = tr["missing_enabler"] * (snap.caps[:, d, :] < self.model.setup.max_level[d])
        pres = np.where(self.presence_of >= 0,
                        snap.presence[:, np.maximum(self.presence_of, 0)], 0.0)  # (R, n)
        ties = (tr["interop"] * snap.interop[:, d, None] + tr["trust"] * snap.trust[:, d, None]
                - tr["frustration"] * snap.frustration[:, d, s][..., None]
                + tr["missions"] * snap.missions[:, d, None] + tr["presence"] * pres[..., None])
        attention = ru["moves.priority_attention"][:, None] * attention_now(snap)[:, d, s]

        x = (tr["bias"] + motive - china - russia - dom - missing + ties
             + attention[..., None])
        return SCALE / (1.0 + np.exp(-x))

    # step 4 ---------------------------------------------------------------------------
    def effective_bandwidth(self, snap: Snapshot) -> np.ndarray:
        """Bandwidth this turn: budget pressure shrinks it, and Russian aggression pulls the
        share `europe_pull` of a European actor's bandwidth back home (Ch7 › Temper
        Expectations: resources; Russia forcing NATO back to its borders). Presence in the
        Indo-Pacific and the turn's moves are paid first."""
        p = snap.params[:, self.index, :]
        w, ru = snap.world, snap.rules
        pull = ru["russia.pull"] * p[:, PI["europe_pull"]] * w[:, RA]
        b = p[:, PI["bandwidth"]] * (1 - ru["bandwidth.budget"] * w[:, BP]) * (1 - pull)
        b = b - ru["presence.cost"] * snap.presence[:, self.index]
        return np.maximum(b - snap.moves.cost[self.index] * snap.moves_on, 0.0)

    def allocate(self, snap: Snapshot, desired: np.ndarray):
        """Offers per partner and track: desired levels fitted into the bandwidth.

        Bandwidth is charged on what the actor expects to be agreed (its wish met with the
        partner's last offer), not on wishes nobody takes up, so a keen actor's unmatched
        wish toward one partner does not starve another (Ch7 › Temper Expectations). When
        the expected agreements exceed the bandwidth, each wish is funded at the share
        min(1, s·weight), with one scale s per run chosen so that the whole budget is spent:
        priority partners and tracks with a higher `bandwidth_priority` are cut less, and
        the saving goes where it is needed (substitution across partners: Brexit, budget
        squeezes; digest §7). Proposals (exercises, equipment, 2+2 requests) are added on top.

        Returns offers (R, partners, K).
        """
        tr = snap.track
        mv = snap.moves
        on = snap.moves_on[:, None]
        d, s = self.dyad_idx, self.side
        prio = 1.0 + (mv.priority[d, s][None, :] - 1.0) * on
        weight = prio[:, :, None] * tr["bandwidth_priority"]  # (R, partners, K)
        # no bandwidth is spent on what a missing agreement caps (the wish above the cap
        # still presses for a negotiation: the model reads the uncapped desire)
        desired = np.minimum(desired, snap.caps[:, d, :])
        partner = snap.offered[:, d, 1 - s, :]
        expected = meet(desired, partner, snap.trust[:, d, None], snap.rules)
        offers = desired * fund(expected * tr["cost"], weight, self.effective_bandwidth(snap))
        offers[:, :, 2] += mv.exercise_boost[d, s][None, :] * on
        offers[:, :, 1] += mv.buy[d, s][None, :] * on
        offers[:, :, 0] += mv.two_plus_two[d, s][None, :] * on
        offers = np.minimum(offers, SCALE)
        return self.consent(snap, offers)

    def consent(self, snap: Snapshot, offers: np.ndarray) -> np.ndarray:
        """A sovereign state needs no one's approval."""
        return offers


class ConsensusAlliance(SovereignState):
    """An alliance that decides by consensus (NATO and the North Atlantic Council).

    Its offers are formed like a state's, but growth on a track passes only when a
    consensus draw succeeds. Every member can withhold it: the chance is
    (1 − consensus_friction · visibility) for the members the model does not play, times
    (1 − member_veto · caution · visibility) for each member it does, so a cautious
    Germany or France can hold NATO back on visible tracks (Ch7 › Temper Expectations: NAC
    approval, classified exercise information; Ch6 › Divergence).
    """

    def consent(self, snap: Snapshot, offers: np.ndarray) -> np.ndarray:
        passed = snap.consent < consensus_chance(snap, self.index, self.model.setup.members)
        level = snap.levels[:, self.dyad_idx, :]  # (R, partners, K)
        return np.where(passed[:, None, :], offers, np.minimum(offers, level))


def consensus_chance(snap: Snapshot, a: int, members: np.ndarray) -> np.ndarray:
    """Chance (R, K) that alliance `a` reaches consensus on each track this turn."""
    vis = snap.track["visibility"].reshape(-1, snap.levels.shape[2])  # (1 or R, K)
    friction = snap.params[:, a, PI["consensus_friction"]]
    chance = 1.0 - friction[:, None] * vis
    veto = snap.rules["agreements.member_veto"][:, None]
    for m in np.flatnonzero(members[a]):
        chance = chance * (1.0 - veto * snap.caution[:, m, None] * vis)
    return chance


def attention_now(snap: Snapshot) -> np.ndarray:
    """Each side's attention to each partner this turn (R, D, 2), -1 to 1: the priorities it
    sets now (+1 a priority partner, -1 the others) on top of those it still remembers."""
    pr = snap.moves.priority
    mark = np.where(pr > 1.0, 1.0, np.where(pr < 1.0, -1.0, 0.0))[None] * snap.moves_on[
        :, None, None]
    return np.clip(snap.attention + mark, -1.0, 1.0)


def meet(mine: np.ndarray, theirs: np.ndarray, trust: np.ndarray, rules: dict,
         pull_extra: np.ndarray | float = 0.0) -> np.ndarray:
    """Where two offers meet: the lower offer plus the share of the gap the keener side
    wins, with diminishing returns, lo + pull·g / (1 + g / saturation). Both sides count:
    the keener side pulls its partner in (Ch2 Japan › Motivations; Ch7 › Similarities),
    more so when they trust each other (Ch7 › Be Patient). Arrays (R, n, K); `trust`
    (R, n, 1)."""
    lo = np.minimum(mine, theirs)
    g = np.abs(mine - theirs)
    shape = (-1,) + (1,) * (lo.ndim - 1)
    pull = np.clip(rules["meet.pull"].reshape(shape) + rules["meet.trust_pull"].reshape(shape)
                   * trust + pull_extra, 0.0, 1.0)
    return lo + pull * g / (1.0 + g / rules["meet.saturation"].reshape(shape))


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
    if not short.any():
        return np.ones_like(cost)
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
