"""The actors' decision rules, one per decision style, vectorized over the run axis.

Each rule is written once for arrays whose first axis is the run (or, when explaining a
change, the coalition of drivers; see sim/engine/explain.py). Rules read only the `Snapshot` of
the turn, so every actor decides on the same state (simultaneous decisions). Every
coefficient comes from config/model.yaml (`tracks:` per track, `rules:` by group), with its
source and range; `SCALE` is the report's 0–5 scale.

Sources: motivations Ch2–Ch6 › Motivations (digest §2.7); divergences Ch3–Ch6 › Divergences
and Ch7 › Approaches to China / Russia; constraints Ch7 › Recommendations › Temper
Expectations (resources, Russia pulling NATO back, NAC approval, domestic law).

Length: over 400 lines on purpose. This is one rule set over one slot axis (2 × dyads,
side by side): perception, salience, desire, allocation, consent and funding all index the
same `Snapshot` and `Slots`, and the explanation (sim/engine/explain.py) replays them
together; splitting them by line count would scatter one decision across files.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from sim.engine.moves import MoveArrays
from sim.inputs.setup import II, KI, MI, PI
from sim.vocabulary import FIRST, MOTIVATIONS, SCALE, SECOND, TRACKS

# the world indices the rules read, by name
CA = II["china_assertiveness"]
RA = II["russian_aggression"]
NK = II["nk_provocation"]
US = II["us_engagement"]
BP = II["budget_pressure"]
JA = II["japan_activism"]
MOTIVE_COLS = [PI[m] for m in MOTIVATIONS]


def clip(x, lo, hi):
    """np.clip for the engine's small arrays: the same values (min of max), without np.clip's
    overhead per call."""
    return np.minimum(np.maximum(x, lo), hi)


# The engine's arrays end in short axes (2 sides, 3 tracks, a few partners), and numpy's
# reductions over such an axis cost about ten times the elementwise operations on its
# slices. The helpers below compute the same values from the slices.


def add_up(x: np.ndarray, axis: int = -1) -> np.ndarray:
    """x.sum(axis) over a short axis (fewer than 8 entries), bit for bit: numpy adds such an
    axis in order, 0.0 + x0 + x1 + ... (its pairwise summation starts at 8 entries; adding
    the entries first and 0.0 last gives the same value, so either of its loop orders
    does), which also turns a sum of -0.0 into 0.0."""
    parts = np.moveaxis(x, axis, 0)
    if not 0 < len(parts) < 8:
        return x.sum(axis=axis)
    s = 0.0 + parts[0]
    for part in parts[1:]:
        s += part
    return s


def mean_of(x: np.ndarray, axis: int = -1) -> np.ndarray:
    """x.mean(axis) over a short axis, bit for bit (numpy divides the sum by the count)."""
    return add_up(x, axis) / x.shape[axis]


class Columns:
    """`rules[name][:, None]`, a rule constant per run as a column (R, 1), looked up when a
    rule reads it (a dict of all of them, built on every call, cost more than the reads)."""

    __slots__ = ("rules",)

    def __init__(self, rules: dict[str, np.ndarray]):
        self.rules = rules

    def __getitem__(self, name: str) -> np.ndarray:
        return self.rules[name][:, None]


def km(x: np.ndarray) -> np.ndarray:
    """A copy of x (R, n, K) laid out track-major, (K, R, n) (see `desire`)."""
    return np.ascontiguousarray(x.transpose(2, 0, 1))


def any_of(x: np.ndarray, axis: int = -1) -> np.ndarray:
    """x.any(axis) for a boolean x, from its slices."""
    parts = np.moveaxis(x, axis, 0)
    out = parts[0].copy()
    for part in parts[1:]:
        out |= part
    return out


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
    access: np.ndarray  # (R, D) 1.0 where the pair's reciprocal access agreement is in force
    relevance: np.ndarray  # (R, M, K) which motivation feeds which track (config/model.yaml)

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
    """How every actor sees the world this turn: arrays (R, A), or (R,) for the world's
    own indices."""

    china: np.ndarray  # perceived China threat
    russia: np.ndarray  # perceived Russia threat
    assertive: np.ndarray  # China's assertiveness (R,)
    aggression: np.ndarray  # Russian aggression (R,)
    nk: np.ndarray  # North Korean provocation (R,)
    caution: np.ndarray  # effective China caution this turn
    russia_priority: np.ndarray
    dependence: np.ndarray  # US equipment dependence


@dataclass(frozen=True)
class Slots:
    """Every side of every dyad as one axis (slot = 2·dyad + side), so each rule runs once
    for all actors of the ensemble; `own` lists each actor's slots (padded with the empty
    slot S) for the bandwidth it shares across partners."""

    actor: np.ndarray  # (S,)
    partner: np.ndarray  # (S,)
    dyad: np.ndarray  # (S,)
    side: np.ndarray  # (S,)
    presence_of: np.ndarray  # (S,) the actor whose presence counts for the dyad, or -1
    own: np.ndarray  # (A, N) slot ids, S where an actor has fewer than N partners
    #: (S,) the visiting state whose forces in the region bound the dyad's exercises, or -1
    #: (an alliance exercises out of area, where its members are: Ch6 NATO › Training and
    #: Exercises, the Gulf of Aden)
    reach_of: np.ndarray
    #: the slots of a visiting side (its presence is its own)
    visiting: np.ndarray

    @classmethod
    def of(cls, setup) -> Slots:
        pairs = setup.pairs
        D = len(pairs)
        dyad = np.repeat(np.arange(D), 2)
        side = np.tile([FIRST, SECOND], D)
        actor = pairs[dyad, side]
        partner = pairs[dyad, 1 - side]
        indo = setup.indo
        # the European side's presence in the Indo-Pacific creates occasions to exercise
        presence_of = np.where(
            indo[actor] & ~indo[partner], partner, np.where(indo[partner] & ~indo[actor], actor, -1)
        )
        A = len(setup.actors)
        lists = [np.flatnonzero(actor == a) for a in range(A)]
        n = max([len(x) for x in lists] + [1])
        own = np.full((A, n), 2 * D, dtype=np.int64)
        for a, x in enumerate(lists):
            own[a, : len(x)] = x
        state = np.array([k == "state" for k in setup.kinds] + [False])  # -1 reads False
        reach_of = np.where(state[presence_of], presence_of, -1)
        visiting = np.flatnonzero(presence_of == actor)
        return cls(actor, partner, dyad, side, presence_of, own, reach_of, visiting)


def perceive(snap: Snapshot) -> Perception:
    """Threat perception: own weights times the world's indices (Ch2; Ch3–6 › Motivations).
    Chinese coercion aimed at an actor raises its perceived threat (Ch5 Germany ›
    Motivations: KUKA); its caution is a state that China's behaviour moves (sim/engine/model.py),
    shifted for the turn by a posture (moves); statements on Russia are remembered."""
    p = snap.params
    w, ru, mv = snap.world, snap.rules, snap.moves
    on = snap.moves_on[:, None]
    coerced = ru["china.coercion_threat"][:, None] * p[:, :, PI["coercion_resolve"]] * snap.coerced
    china = clip(p[:, :, PI["china_threat"]] + mv.threat_boost[None] * on + coerced, 0, 1)
    russia = clip(p[:, :, PI["russia_threat"]] + mv.russia_boost[None] * on, 0, 1)
    return Perception(
        china=china * w[:, CA, None],
        russia=russia * w[:, RA, None],
        assertive=w[:, CA],
        aggression=w[:, RA],
        nk=w[:, NK],
        caution=clip(snap.caution + mv.caution_shift[None] * on, 0, 1),
        russia_priority=clip(p[:, :, PI["russia_priority"]] + snap.russia_stance, 0, 1),
        dependence=p[:, :, PI["us_equipment_dependence"]],
    )


def activism(snap: Snapshot, indo: np.ndarray) -> np.ndarray:
    """(R, A): partners take Japan seriously when it is active (Ch3 › Protect the RBIO: the
    Abe-era 'window of opportunity'); Japan's own drive rises with its activism. The index
    drives the actors of the Indo-Pacific region (config: `region:`)."""
    ru, ja = snap.rules, snap.world[:, JA, None]
    return np.where(
        indo[None],
        ru["activism.japan_base"][:, None] + ja,
        ru["activism.partner_base"][:, None] + ru["activism.partner_slope"][:, None] * ja,
    )


def salience(snap: Snapshot, per: Perception) -> np.ndarray:
    """How much each motivation matters now to each actor: shape (R, A, M) (the industrial
    motive's outlet, which depends on the partner, is `industrial_outlet`).

    Protecting the order rises with the China threat and, for an actor that links the
    theatres, with the Russia threat too (Ch7 › Approaches to Russia). Supporting the US is
    two-sided: US engagement sponsors the network, US retrenchment is a reason to hedge
    together (Ch2 › Support the United States; Ch7 › The Primacy of the United States)."""
    w, ru = snap.world, snap.rules
    p = snap.params
    c = Columns(ru)
    us = w[:, US, None]
    nk, asr = per.nk[:, None], per.assertive[:, None]
    sal = np.empty(p.shape[:2] + (len(MOTIVATIONS),))
    link = p[:, :, PI["theatre_linkage"]] * c["russia.linkage"]
    sal[:, :, MI["protect_order"]] = clip(
        per.china + link * per.russia + c["salience.nk"] * nk, 0, c["salience.cap"]
    )
    spons, hedge = p[:, :, PI["us_sponsorship"]], p[:, :, PI["us_hedging"]]
    u0 = c["us.reference"]
    # the frame's level at the reference engagement, and its slope scaled by `us.frame`:
    # for a sponsor-minded actor US engagement draws it in, for a hedger retrenchment does
    sal[:, :, MI["support_us"]] = (
        c["us.floor"] + spons * u0 + hedge * (1 - u0) + c["us.frame"] * (spons - hedge) * (us - u0)
    )
    sal[:, :, MI["regional_interests"]] = (
        c["salience.regional_base"]
        + c["salience.regional_china"] * asr
        + c["salience.regional_nk"] * nk
    )
    sal[:, :, MI["industrial"]] = 0.0  # per partner: industrial_outlet
    sal[:, :, MI["operational_knowledge"]] = (
        c["salience.knowledge_base"] + c["salience.knowledge_nk"] * nk
    )
    sal[:, :, MI["stakeholder_image"]] = c["salience.image"]
    sal[:, :, MI["indo_pacific_awareness"]] = (
        c["salience.awareness_base"] + c["salience.awareness_china"] * asr
    )
    return sal


def industrial_outlet(snap: Snapshot, per: Perception, sl: Slots, setup) -> np.ndarray:
    """Salience of the industrial motive per slot (R, S). Japan's US dependence limits
    industry unless equipment is bought from the partner (Ch7 › Temper Expectations), and a
    partner without a defense industry offers little outlet (NATO's structural ceiling on
    exchange, Ch6). What an agreement would unlock still counts: the motive presses for the
    missing ISA (Ch5 › Defense Exchanges) while the cap and the missing agreement's weight
    hold the level down."""
    ru = snap.rules
    dep = np.maximum(per.dependence[:, sl.actor], per.dependence[:, sl.partner])
    outlet = (setup.max_level[sl.dyad, KI["exchange"]] / SCALE) ** ru["salience.outlet_power"][
        :, None
    ]
    bought = (snap.moves.buy[sl.dyad, sl.side][None] * snap.moves_on[:, None]) > 0
    # a partner without a defense industry of its own (NATO: Ch6 › Defense Exchanges)
    # offers no industrial outlet, whatever the track's ceiling
    industry = np.minimum(
        1.0,
        snap.params[:, sl.partner, PI["industrial"]] / ru["salience.industry_floor"][:, None],
    )
    return (1 - ru["salience.dependence"][:, None] * dep * ~bought) * outlet * industry


def desire(snap: Snapshot, per: Perception, sl: Slots, setup) -> np.ndarray:
    """Desired level per slot and track, shape (R, S, K).

    D = 5·σ(bias + Σ_m w_m·sal_m·rel_mk − caution gap − own caution − Russia gap
    − domestic − missing agreement + interoperability + trust − frustration + shared
    operations + presence + attention).
    The China-caution gap weighs most on visible exercises, least on dialogue (Ch7 ›
    Approaches to China); the Russia gap is the lesser divergence (Ch7 › Approaches to
    Russia); domestic constraints bite on exercises (Japan's laws, German opinion: Ch7 ›
    Temper Expectations); a missing agreement weighs on willingness as well as capping (Ch7
    › Temper Expectations: no RAA); what the partners have built draws them on (Ch7 › Be
    Patient); shared operations give occasions and reasons (Ch6 › Defense Exchanges).
    """
    tr, ru = snap.track, snap.rules
    a, q, d, s = sl.actor, sl.partner, sl.dyad, sl.side
    p = snap.params
    weights = p[:, :, MOTIVE_COLS]  # (R, A, M)
    act = activism(snap, setup.indo)  # (R, A)
    # The first terms are formed track-major, (K, R, S): a track constant (R, 1, K), copied
    # to (K, R, 1) by `km`, times a per-slot value (R, S) broadcasts over whole rows of slots
    # instead of looping over the three tracks of each slot (several times slower). Every
    # element gets the same operations in the same order, so the same values. The copies
    # are made on every call, not kept: the track constants may be changed in place between
    # turns.
    motive = km((weights * salience(snap, per)) @ snap.relevance)[:, :, a]  # (K, R, S)
    ind = MI["industrial"]
    feeds = km(snap.relevance[:, None, ind])  # (K, R, 1) what the industrial motive feeds
    motive += (weights[:, a, ind] * industrial_outlet(snap, per, sl, setup)) * feeds
    motive *= act[:, a]
    caution = per.caution
    gap_c = np.abs(caution[:, a] - caution[:, q])  # (R, S)
    x = km(tr["bias"]) + motive
    x -= km(tr["caution_gap"]) * gap_c + km(tr["own_caution"]) * caution[:, a]
    rp = per.russia_priority
    gap_r = np.abs(rp[:, a] - rp[:, q]) * (ru["russia.gap_base"][:, None] + per.aggression[:, None])
    x -= km(tr["russia_gap"]) * gap_r
    x = np.ascontiguousarray(x.transpose(1, 2, 0))  # (R, S, K) from here on
    dom = p[:, :, PI["domestic_constraint"]]
    x -= (
        tr["domestic"]
        * (dom[:, a] + ru["constraints.partner_weight"][:, None] * dom[:, q])[..., None]
    )
    x -= tr["missing_enabler"] * (snap.caps[:, d, :] < setup.max_level[d])
    # resources bind ambition as well as funding: an actor with more bandwidth than its
    # configured means wants more, one squeezed wants less (Ch7 › Temper Expectations:
    # resources first, for every actor)
    cap = capacity(snap, setup.means)
    x += tr["capacity"] * cap[:, a, None]
    # an actor turns to the partners with resources to spare and away from one absorbed
    # elsewhere (Ch2 Japan › Country-Specific Motivations: with the UK absorbed by Brexit,
    # France's value to Japan rose): the partner's capacity against the mean of its partners'
    x += (ru["bandwidth.substitution"][:, None] * relative_to_partners(cap[:, q], sl))[..., None]
    pres = np.where(sl.presence_of >= 0, snap.presence[:, np.maximum(sl.presence_of, 0)], 0.0)
    x += (
        tr["interop"] * snap.interop[:, d, None]
        + tr["trust"] * snap.trust[:, d, None]
        - tr["frustration"] * snap.frustration[:, d, s][..., None]
        + tr["missions"] * snap.missions[:, d, None]
        + tr["presence"] * pres[..., None]
    )
    x += (ru["moves.priority_attention"][:, None] * attention_now(snap)[:, d, s])[..., None]
    return SCALE / (1.0 + np.exp(-x))


def relative_to_partners(value: np.ndarray, sl: Slots) -> np.ndarray:
    """(R, S) a per-slot value less its mean over the slot actor's slots (0 for an actor
    with one partner)."""
    own = sl.own  # (A, N), padded with S
    padded = np.concatenate([value, np.zeros((value.shape[0], 1))], axis=1)[:, own]  # (R, A, N)
    count = np.maximum((own < value.shape[1]).sum(axis=1), 1)  # (A,)
    return value - (add_up(padded, axis=2) / count)[:, sl.actor]


def means_now(snap: Snapshot) -> np.ndarray:
    """(R, A) each actor's bandwidth after budget pressure and Russia's pull, before what
    presence and moves cost."""
    p, w, ru = snap.params, snap.world, snap.rules
    pull = ru["russia.pull"][:, None] * p[:, :, PI["europe_pull"]] * w[:, RA, None]
    return (
        p[:, :, PI["bandwidth"]]
        * (1 - ru["bandwidth.budget"][:, None] * w[:, BP, None])
        * (1 - pull)
    )


def effective_bandwidth(snap: Snapshot) -> np.ndarray:
    """Bandwidth of every actor this turn (R, A): budget pressure shrinks it, and Russian
    aggression pulls the share `europe_pull` of a European actor's bandwidth back home (Ch7
    › Temper Expectations: resources; Russia forcing NATO back to its borders). Presence in
    the Indo-Pacific and the turn's moves are paid first."""
    b = means_now(snap) - snap.rules["presence.cost"][:, None] * snap.presence
    return np.maximum(b - snap.moves.cost[None] * snap.moves_on[:, None], 0.0)


def capacity(snap: Snapshot, means: np.ndarray) -> np.ndarray:
    """(R, A) log of each actor's bandwidth this turn over the means its ambitions are sized
    to (config/actors.yaml): 0 as configured, log 2 with twice the means, negative under a
    squeeze, Brexit or Russia's pull. Resources are named first among the constraints, for
    every actor (Ch7 › Recommendations › Temper Expectations)."""
    return np.log(np.maximum(means_now(snap), 1e-3) / means[None])


def allocate(
    snap: Snapshot, desired: np.ndarray, sl: Slots, domestic: np.ndarray | None = None
) -> np.ndarray:
    """Offers per slot and track (R, S, K): desired levels fitted into each actor's bandwidth.

    Bandwidth is charged on what the actor expects to be agreed (its wish met with the
    partner's last offer), not on wishes nobody takes up, so a keen actor's unmatched wish
    toward one partner does not starve another (Ch7 › Temper Expectations). When the
    expected agreements exceed the bandwidth, each wish is funded at the share
    min(1, s·weight), with one scale s per actor and run chosen so that the whole budget is
    spent: priority partners and tracks with a higher `bandwidth_priority` are cut less, and
    the saving goes where it is needed (substitution across partners: Brexit, budget
    squeezes; digest §7). Forces in the region carry part of a visiting side's exercises
    with its Indo-Pacific partner (`presence.exercise_saving` x presence): that part costs
    no bandwidth and is funded in full, so a deployment never crowds out the exercises it
    is the occasion for. Proposals (exercises, equipment, 2+2 requests) are added on top.
    """
    tr, mv = snap.track, snap.moves
    on = snap.moves_on[:, None]
    d, s = sl.dyad, sl.side
    prio = 1.0 + (mv.priority[d, s][None] - 1.0) * on
    weight = prio[..., None] * tr["bandwidth_priority"]  # (R, S, K)
    # no bandwidth is spent on what a missing agreement caps (the wish above the cap still
    # presses for a negotiation: the model reads the uncapped desire)
    # (the reach of forces binds what is done together, not what each side would fund)
    desired = np.minimum(desired, ceilings(snap, sl.dyad, sl.actor, sl.partner, domestic=domestic))
    expected = meet(desired, snap.offered[:, d, 1 - s, :], snap.trust[:, d, None], snap.rules)
    # forces already in the region are the occasions for a visiting side's exercises with
    # its Indo-Pacific partner (Ch3 UK › Training and Exercises: the 2018 Royal Navy calls
    # each carried an exercise with the MSDF): the share `presence.exercise_saving` x
    # presence of those exercises comes with the deployment, paid for by it and funded
    # whatever the squeeze at home; the rest is funded from bandwidth like any wish
    cost = expected * tr["cost"]
    v, ex = sl.visiting, KI["exercise"]
    carried = snap.rules["presence.exercise_saving"][:, None] * snap.presence[:, sl.actor[v]]
    cost[:, v, ex] = expected[:, v, ex] * tr["cost"][:, :, ex] * (1.0 - carried)
    budget, stretch = effective_bandwidth(snap), snap.rules["bandwidth.stretch"]
    share = fund_by_actor(cost, weight, budget, sl.own, stretch)
    share[:, v, ex] = carried + (1.0 - carried) * share[:, v, ex]
    offers = desired * share
    offers[:, :, ex] += mv.exercise_boost[d, s][None] * on
    offers[:, :, KI["exchange"]] += mv.buy[d, s][None] * on
    offers[:, :, KI["dialogue"]] += mv.two_plus_two[d, s][None] * on
    return np.minimum(offers, SCALE)


class SovereignState:
    """A state deciding for itself (Japan, the UK, France, Germany).

    Each turn it perceives the world through its own threat perceptions, forms a desired
    level per partner and track, and spreads its limited bandwidth over what it expects its
    partners to agree to (the module's functions, run once for every actor of the ensemble).
    A decision style differs in `consent`: a state needs no one's approval.
    """

    def __init__(self, model, actor: str, slots: list[tuple[int, int, int]]):
        self.model = model
        self.actor = actor
        self.index = model.setup.actors.index(actor)
        #: (dyad, side of this actor in the dyad, partner actor index) for each partner
        self.slots = slots
        self.dyad_idx = np.array([s[0] for s in slots], dtype=np.int64)
        self.side = np.array([s[1] for s in slots], dtype=np.int64)
        self.partners = np.array([s[2] for s in slots], dtype=np.int64)
        #: this actor's positions on the slot axis (2·dyad + side)
        self.slot_idx = 2 * self.dyad_idx + self.side
        #: (D,) whether the actor is a party to each dyad
        self.in_dyad = np.zeros(len(model.setup.pairs), bool)
        self.in_dyad[self.dyad_idx] = True

    def effective_bandwidth(self, snap: Snapshot) -> np.ndarray:
        """This actor's bandwidth this turn (R,)."""
        return effective_bandwidth(snap)[:, self.index]

    def consent(self, snap: Snapshot, per: Perception, target: np.ndarray, own: np.ndarray):
        """The agreed levels (R, partners, K) after the actor's own approval: a state needs
        no one's."""
        return target


class ConsensusAlliance(SovereignState):
    """An alliance that decides by consensus (NATO and the North Atlantic Council).

    Its offers are formed like a state's, but what it agrees to on a track passes only when
    a consensus draw succeeds, every turn. Without consensus the alliance cannot be pulled
    past its own offer nor grow: the agreed level is held at the lower of its offer and the
    current level, so a withheld consensus caps and erodes (Ch7 › Temper Expectations: NAC
    approval, classified exercise information); what is not approved again lapses by
    `constraints.consensus_erosion` on every track. The chance is
    (1 − consensus_friction · visibility), the alliance-wide friction, times
    (1 − objection_m · frame) for each member m the model plays, where the objection is
    member_veto · caution_m · visibility plus the member's own stance on that kind of
    cooperation (`withhold_dialogue` … `withhold_exercise`), and `frame` is the share of
    the alliance's threat picture that is China: China-framed cooperation draws the
    cautious members' objections, cooperation framed by North Korea or Russia much less
    (Ch6 NATO › Divergence).
    """

    def consent(self, snap: Snapshot, per: Perception, target: np.ndarray, own: np.ndarray):
        """The agreed levels (R, partners, K) after consensus: `own` is the alliance's own
        offer to each partner (R, partners, K)."""
        chance = consensus_chance(snap, per, self.index, self.model.setup.members)
        passed = snap.consent < chance
        level = snap.levels[:, self.dyad_idx, :]
        # what is not approved again lapses, on every track (visibility already sets how
        # often consensus fails)
        lapse = snap.rules["constraints.consensus_erosion"][:, None, None]
        held = np.maximum(np.minimum(target, np.minimum(own, level)) - lapse, 0.0)
        return np.where(passed[:, None, :], target, held)


STANCE_COLS = [PI[f"withhold_{t}"] for t in TRACKS]


def china_frame(snap: Snapshot, per: Perception, a: int) -> np.ndarray:
    """(R,) share of actor a's threat picture that is China (the rest North Korea and, for
    an actor that links the theatres, Russia): how China-framed its cooperation is."""
    ru = snap.rules
    china = per.china[:, a]
    link = snap.params[:, a, PI["theatre_linkage"]] * ru["russia.linkage"]
    other = ru["salience.nk"] * per.nk + link * per.russia[:, a]
    return china / np.maximum(china + other, 1e-9)


def consensus_chance(
    snap: Snapshot, per: Perception, a: int, members: np.ndarray, agreements: bool = False
) -> np.ndarray:
    """Chance (R, K) that alliance `a` reaches consensus on each track this turn (with
    `agreements`, on concluding talks that lift a cap on the track: the members'
    `withhold_agreements` stance replaces the per-track one)."""
    vis = snap.track["visibility"].reshape(-1, snap.levels.shape[2])  # (1 or R, K)
    friction = snap.params[:, a, PI["consensus_friction"]]
    chance = 1.0 - friction[:, None] * vis
    veto = snap.rules["agreements.member_veto"][:, None]
    frame = china_frame(snap, per, a)[:, None]
    for m in np.flatnonzero(members[a]):
        if agreements:
            stance = snap.params[:, m, PI["withhold_agreements"], None]
        else:
            stance = snap.params[:, m, STANCE_COLS]
        objection = (veto * snap.caution[:, m, None] * vis + stance) * frame
        chance = chance * (1.0 - clip(objection, 0.0, 1.0))
    return clip(chance, 0.0, 1.0)


def forces_reach(rules: dict, at_sea: np.ndarray, access: np.ndarray | float = 0.0) -> np.ndarray:
    """The exercise level a visiting state's forces can sustain with its Indo-Pacific
    partner, given its presence there `at_sea` (R, ...): `presence.exercise_floor` plus
    `presence.exercise_span` per unit of presence, plus `agreements.access_reach` where the
    pair's reciprocal access agreement is in force (`access`, 1.0, shaped like `at_sea`):
    forces flown in for exercises on the partner's soil under a standing agreement, not one
    memorandum per visit (Ch3 UK › Training and Exercises: the British Army's first
    exercise in Japan, 2018, needed its own memorandum and waivers)."""
    shape = (-1,) + (1,) * (at_sea.ndim - 1)
    return (
        rules["presence.exercise_floor"].reshape(shape)
        + rules["presence.exercise_span"].reshape(shape) * at_sea
        + rules["agreements.access_reach"].reshape(shape) * access
    )


def us_led_exercise(snap: Snapshot, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(R, n) exercise levels the US leads for pairs of actors `a` and `b` (n,): an engaged
    US sponsors its allies' networking with trilateral and multilateral exercises around
    its own forces, and a retrenching one takes them away (Ch7 › Partnerships Support
    Flexible, Smaller Groupings of Partners; Ch3 UK › Support the United States).
    `us.sponsored_exercise` per unit of the less sponsor-minded side's `us_sponsorship`
    (both must come) times US engagement above `us.reference`. The US hosts and carries
    them, so they come on top of what the pair funds, above the caps of the pair's missing
    agreements and the reach of its own forces, though not above its domestic ceiling."""
    ru = snap.rules
    spons = snap.params[:, :, PI["us_sponsorship"]]
    return (
        ru["us.sponsored_exercise"][:, None]
        * np.minimum(spons[:, a], spons[:, b])
        * (snap.world[:, US, None] - ru["us.reference"][:, None])
    )


def domestic_ceiling(snap: Snapshot, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(R, n, K) the level each track may reach under the tighter domestic constraint of
    the pair of actors `a` and `b` (Japan's laws, German public opinion: Ch7 ›
    Recommendations › Temper Expectations)."""
    # the power of the tighter constraint is the tighter of the powers (it is monotone)
    dom = (
        snap.params[:, :, PI["domestic_constraint"]]
        ** snap.rules["constraints.gate_power"][:, None]
    )  # (R, A)
    tight = np.maximum(dom[:, a], dom[:, b])[..., None]  # (R, n, 1)
    return SCALE - snap.track["domestic_gate"] * tight


def ceilings(
    snap: Snapshot,
    d: np.ndarray,
    a: np.ndarray,
    b: np.ndarray,
    visiting: np.ndarray | None = None,
    domestic: np.ndarray | None = None,
) -> np.ndarray:
    """Cap per row and track (R, n, K) for dyads `d` between actors `a` and `b`: the
    lowest of the missing agreements' caps, the domestic ceiling, which falls with the
    tighter domestic constraint of the pair (Japan's laws gate exercises beyond the
    maritime service, collective defence and live fire; German public opinion: Ch7 ›
    Recommendations › Temper Expectations; the 2015 legislation opened more), and on
    exercises, when `visiting` is given, the reach of the visiting side's forces (n,: the
    actor whose presence in the Indo-Pacific counts, -1 for none; `forces_reach`: passing,
    goodwill and out-of-area exercises, and more per unit of its presence there) (Ch3 UK ›
    Training and Exercises: the first UK aircraft in Japan since the Cold War came in 2016,
    the first Royal Navy exercise off Japan in 2018; Ch5 Germany: no military hardware in
    the Far East). `domestic`: the pairs' `domestic_ceiling`, when the caller has it."""
    if domestic is None:
        domestic = domestic_ceiling(snap, a, b)
    out = np.minimum(snap.caps[:, d, :], domestic)
    far = np.flatnonzero(visiting >= 0) if visiting is not None else ()
    if len(far):
        reach = forces_reach(snap.rules, snap.presence[:, visiting[far]], snap.access[:, d[far]])
        ex = KI["exercise"]
        out[:, far, ex] = np.minimum(out[:, far, ex], reach)
    return out


def attention_now(snap: Snapshot) -> np.ndarray:
    """Each side's attention to each partner this turn (R, D, 2), -1 to 1: the priorities it
    sets now (+1 a priority partner, -1 the others) on top of those it still remembers."""
    pr = snap.moves.priority
    mark = (
        np.where(pr > 1.0, 1.0, np.where(pr < 1.0, -1.0, 0.0))[None] * snap.moves_on[:, None, None]
    )
    return clip(snap.attention + mark, -1.0, 1.0)


def meet(
    mine: np.ndarray,
    theirs: np.ndarray,
    trust: np.ndarray,
    rules: dict,
    pull_extra: np.ndarray | float = 0.0,
) -> np.ndarray:
    """Where two offers meet: the lower offer plus the share of the gap the keener side
    wins, with diminishing returns, lo + pull·g / (1 + g / saturation). Both sides count:
    the keener side pulls its partner in (Ch2 Japan › Motivations; Ch7 › Similarities),
    more so when they trust each other (Ch7 › Be Patient). Arrays (R, n, K); `trust`
    (R, n, 1)."""
    lo = np.minimum(mine, theirs)
    g = np.abs(mine - theirs)
    shape = (-1,) + (1,) * (lo.ndim - 1)
    pull = clip(
        rules["meet.pull"].reshape(shape)
        + rules["meet.trust_pull"].reshape(shape) * trust
        + pull_extra,
        0.0,
        1.0,
    )
    return lo + pull * g / (1.0 + g / rules["meet.saturation"].reshape(shape))


def fund_by_actor(
    cost: np.ndarray,
    weight: np.ndarray,
    budget: np.ndarray,
    own: np.ndarray,
    stretch: np.ndarray | None = None,
) -> np.ndarray:
    """`fund` for every actor at once: cost and weight (R, S, K) per slot, budget (R, A),
    `own` (A, N) each actor's slots padded with the empty slot S. Returns shares (R, S, K).

    `stretch` (R,): an actor whose expected agreements cost more than its bandwidth finds
    this share of the shortfall (difficult domestic choices, at a political price: Ch7 ›
    Similarities) and cuts the rest, so a stronger wish still brings more, though less
    than it would unconstrained (Ch7 › Temper Expectations: resources are real limits)."""
    R, S, K = cost.shape
    A, N = own.shape
    per_slot = add_up(cost, axis=2)
    total = add_up(np.concatenate([per_slot, np.zeros((R, 1))], axis=1)[:, own], axis=2)  # (R, A)
    if stretch is not None:
        budget = budget + stretch[:, None] * np.maximum(total - budget, 0.0)
    short = np.flatnonzero(any_of(total > budget, axis=1))
    share = np.ones_like(cost)
    if len(short) == 0:  # every actor can fund every expected agreement: nothing to cut
        return share
    # only the runs where some actor is short are water-filled
    n = len(short)
    if n < R:
        cost, weight, budget = cost[short], weight[short], budget[short]
    # each actor's slots side by side, (n·A, N, K), the empty slot costing 0 at weight 1:
    # gathered as the flat (slot, track) cells of each run's row, which leaves the result
    # contiguous (a fancy index on the slot axis leaves a strided copy to reshape)
    cells = (own[:, :, None] * K + np.arange(K)).ravel()
    c = np.concatenate([cost.reshape(n, S * K), np.zeros((n, K))], axis=1)[:, cells]
    w = np.concatenate([weight.reshape(n, S * K), np.ones((n, K))], axis=1)[:, cells]
    funded = fund(c.reshape(n * A, N, K), w.reshape(n * A, N, K), budget.reshape(n * A))
    where = np.empty(S, dtype=np.int64)  # position of each slot in the (A, N) layout
    flat = own.ravel()
    where[flat[flat < S]] = np.flatnonzero(flat < S)
    funded = funded.reshape(n, A * N, K)[:, where]
    if n == R:
        return funded
    share[short] = funded
    return share


def fund(cost: np.ndarray, weight: np.ndarray, budget: np.ndarray) -> np.ndarray:
    """Funded share of each wish, min(1, s·weight), with s per run such that the funded
    cost uses the whole budget when the wishes exceed it (and every share is 1 otherwise).

    `cost` and `weight` are (R, ...) and `budget` (R,). Water-filling by fixed point: each
    pass saturates the wishes whose share reached 1 and spreads the rest of the budget over
    the others; it ends after at most as many passes as there are distinct weights.
    """
    axes = tuple(range(1, cost.ndim))
    shape = (-1,) + (1,) * (cost.ndim - 1)
    rows = np.flatnonzero(cost.sum(axis=axes) > budget)
    out = np.ones_like(cost)
    if len(rows) == 0:
        return out
    if len(rows) < len(cost):  # water-fill only the runs whose wishes exceed the budget
        out[rows] = fund(cost[rows], weight[rows], budget[rows])
        return out
    short = np.ones((len(cost),) + (1,) * (cost.ndim - 1), bool)
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


"""Registry of decision styles, keyed by `kind:` in config/actors.yaml."""
RULES: dict[str, type[SovereignState]] = {"state": SovereignState, "alliance": ConsensusAlliance}
