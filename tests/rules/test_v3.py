"""Model v3: every lever moves the model, in proportion, at a size people can see (0.05
levels, or 5 points of runs). Each test fails when its mechanism is removed or reversed
(benchmarks/mutants.py holds the one-line mutations these tests kill)."""

import numpy as np

from sim.engine.actors import (
    Slots,
    capacity,
    ceilings,
    consensus_chance,
    desire,
    forces_reach,
    industrial_outlet,
    perceive,
    salience,
)
from sim.engine.explain import held_at_caps
from sim.engine.model import Ensemble
from sim.engine.moves import MoveArrays
from sim.inputs.schema import Shock
from sim.inputs.setup import II, build
from sim.vocabulary import ENABLERS, MOTIVATIONS, SCALE, TRACKS

DIA, EXC, EXE = range(3)
SEEN = 0.05  # the materiality threshold: 1% of the 0-5 scale


def ensemble(scenario="baseline", overrides=(), turns=40, runs=150, seed=3, shocks=()):
    m = Ensemble(build(scenario, list(overrides)), seed=seed, runs=runs)
    for t in range(1, turns + 1):
        if t == 4:
            for s in shocks:
                m.inject(s)
        m.step()
    return m


def signed(m, dyad, enabler):
    return m.signed[:, m.setup.dyads.index(dyad), ENABLERS.index(enabler)].mean()


def window(m, dyad, k, start=5):
    lv = m.level_history()[start:, :, m.setup.dyads.index(dyad), k]
    return lv.mean()


def replay(turns, seed, runs, rules):
    """The 2012-19 replay without its agreement shocks (the model concludes them itself),
    run `turns` turns with each rule constant in `rules` ('agreements.reach': value) set
    on every run."""
    from sim.research.hindcast import hindcast_setup

    params = {f"MODEL.{k}": np.full(runs, float(v)) for k, v in rules.items()}
    m = Ensemble(hindcast_setup(), seed=seed, runs=runs, run_params=params)
    m.run(turns)
    return m


def snapshot(m, world=None):
    R, D, K = m.levels.shape
    return m.snapshot(
        m.params,
        m.world.values if world is None else world,
        np.zeros((R, D, K)),
        np.zeros((R, K)),
        MoveArrays.neutral(D),
        np.ones(R),
    )


# ------------------------------------------------------------------ headroom at caps


def test_a_capped_pair_accumulates_pressure_and_the_explanation_says_so():
    # a UK with no appetite for presence in the region, whose exercises are not bound by
    # the reach of its forces, and no exercises led by the US: the RAA's gate alone caps
    off = ["MODEL.presence.exercise_floor=5", "MODEL.us.sponsored_exercise=0"]
    m = Ensemble(
        build("baseline", ["GBR.presence_appetite=0", *off]),
        seed=1,
        runs=40,
        keep_snapshots=True,
    )
    d, e = m.setup.dyads.index("JPN-GBR"), ENABLERS.index("raa")
    m.run(2)
    early = m.pressure[:, d, e].copy()
    m.run(6)
    open_ = ~m.signed[:, d, e]
    cap = m.snapshots[-1].caps[:, d, EXE]  # the gate plus what presence at sea allows
    assert np.all(cap[open_] < 4.0 + m.rules["agreements.presence_headroom"][open_])
    assert np.all(m.levels[open_, d, EXE] <= cap[open_] + 1e-9)  # the cap binds the level
    assert np.mean(m.pressure[open_, d, e]) > np.mean(early[open_]) > 0  # it accumulates
    assert np.array_equal(m.turn_caps, m.snapshots[-1].caps)
    r = int(np.flatnonzero(open_ & (m.levels[:, d, EXE] > cap - 0.02))[0])
    notes = [t for dd, k, t in held_at_caps(m, r) if (dd, k) == (d, EXE)]
    held = f"{cap[r]:.1f}"
    assert notes and notes[0].startswith(
        f"JPN-GBR exercise held at {held} by the missing Reciprocal Access Agreement; pressure +"
    )
    # a level carried above the cap (by exercises the US leads) is not said to be held there
    m.levels = m.levels.copy()
    m.levels[r, d, EXE] = cap[r] + 0.3
    assert not [t for dd, k, t in held_at_caps(m, r) if (dd, k) == (d, EXE)]


def test_pressure_wears_the_blocker_down():
    worn = ensemble()
    fixed = ensemble(overrides=["MODEL.agreements.will_relief=0"])
    assert signed(worn, "JPN-GBR", "raa") - signed(fixed, "JPN-GBR", "raa") > 0.2


def test_the_drivers_of_a_capped_pair_reach_its_agreement():
    """A Korean crisis, felt at the cap of the missing RAA, brings the RAA sooner
    (Ch3 UK › Defense Exchanges; Ch7 › Make Allies More Effective)."""
    base, crisis = ensemble(runs=300), ensemble("korea-crisis", runs=300)
    assert signed(crisis, "JPN-GBR", "raa") - signed(base, "JPN-GBR", "raa") >= SEEN


def test_both_sides_bring_pressure():
    """A lukewarm UK presses less on the RAA although Japan's wish is unchanged."""
    keen = Ensemble(build("baseline"), seed=1, runs=40).run(8)
    cool = Ensemble(
        build("baseline", ["GBR.stakeholder_image=0.4", "GBR.protect_order=0.5"]), seed=1, runs=40
    ).run(8)
    d, e = keen.setup.dyads.index("JPN-GBR"), ENABLERS.index("raa")
    assert cool.pressure[:, d, e].mean() < 0.9 * keen.pressure[:, d, e].mean()


# ------------------------------------------------------------------------ agreements


def test_conclusion_is_rare_in_a_hostile_era_and_likely_when_drivers_line_up():
    hostile = Shock(
        id="h",
        name="hostile era",
        indices={"russian_aggression": 0.4, "china_assertiveness": -0.3},
        index_means={"russian_aggression": 0.4, "china_assertiveness": -0.3},
    )
    base = ensemble()
    assert signed(ensemble(shocks=[hostile]), "JPN-GBR", "raa") < 0.5 * signed(
        base, "JPN-GBR", "raa"
    )
    free = ensemble(overrides=["DEU.china_caution=0.1"])
    assert signed(free, "JPN-DEU", "isa") > 0.8 > signed(base, "JPN-DEU", "isa")


def test_the_chance_rises_steeply_as_the_drivers_line_up():
    """Each side's urgency grows as (1 + drivers)^urgency_power: with power 2, a stronger
    pull of the China threat raises the urgency of the RAA talks twice as much (in logs) as
    with a chance merely proportional to the drivers."""

    def log_ratio(power):
        p = [f"MODEL.agreements.urgency_power={power}"]
        hi = Ensemble(build("baseline", p + ["MODEL.agreements.threat_drive=1.0"]), seed=1, runs=8)
        lo = Ensemble(build("baseline", p + ["MODEL.agreements.threat_drive=0.2"]), seed=1, runs=8)
        hi.run(1), lo.run(1)
        d, e = lo.setup.dyads.index("JPN-GBR"), ENABLERS.index("raa")
        return np.log(hi.urgency[:, d, e] / lo.urgency[:, d, e])

    one, two = log_ratio(1.0), log_ratio(2.0)
    assert np.all(one > 0.05)
    assert np.allclose(two, 2 * one)


def test_a_korean_crisis_brings_urgency_to_talks_of_forces_in_the_region():
    """North Korean provocation adds `agreements.nk_drive` x provocation to the urgency of
    Japan and of a side with forces in the region (by its presence): a Korean crisis makes
    the UK's legal frameworks in Japan more pressing the more of its forces are there; with
    the drive at 0 the crisis raises the urgency only through the two sides' wishes."""
    crisis = Shock(id="k", name="Korean crisis", indices={"nk_provocation": 0.5})

    def rise(extra):
        p = ["MODEL.agreements.tilt_drive=0"] + extra
        out = []
        for shocks in ([], [crisis]):
            m = ensemble(overrides=p, shocks=shocks, runs=40, turns=4)
            d, e = m.setup.dyads.index("JPN-GBR"), ENABLERS.index("raa")
            out.append(m.urgency[:, d, e].mean())
        return out[1] / out[0]

    present, absent = rise(["GBR.presence_appetite=0.9"]), rise(["GBR.presence_appetite=0"])
    without = rise(["GBR.presence_appetite=0.9", "MODEL.agreements.nk_drive=0"])
    assert present > without * 1.1
    assert present > absent * 1.08


def test_a_partner_present_in_the_region_brings_urgency_to_talks():
    tilt = ["GBR.presence_appetite=0.9"]
    a = Ensemble(build("baseline", tilt), seed=1, runs=40).run(12)
    b = Ensemble(build("baseline", tilt + ["MODEL.agreements.tilt_drive=0"]), seed=1, runs=40)
    b.run(12)
    d, e = a.setup.dyads.index("JPN-GBR"), ENABLERS.index("raa")
    assert a.urgency[:, d, e].mean() > 1.05 * b.urgency[:, d, e].mean()


def test_caution_toward_china_slows_talks():
    drag = ensemble(overrides=["DEU.china_caution=0.9"], runs=400)
    none = ensemble(
        overrides=["DEU.china_caution=0.9", "MODEL.agreements.caution_drag=0"], runs=400
    )
    assert signed(none, "JPN-DEU", "isa") - signed(drag, "JPN-DEU", "isa") >= SEEN


# -------------------------------------------------------------------- NATO as members


def test_a_members_stance_holds_back_its_kind_of_cooperation():
    base = ensemble(runs=100)
    held = ensemble(overrides=["DEU.withhold_exercise=1.0"], runs=100)
    assert window(base, "JPN-NATO", EXE) - window(held, "JPN-NATO", EXE) >= SEEN
    # the stance is specific: dialogue moves far less than exercises
    dia = window(base, "JPN-NATO", DIA) - window(held, "JPN-NATO", DIA)
    assert dia < 0.5 * (window(base, "JPN-NATO", EXE) - window(held, "JPN-NATO", EXE))


def test_objections_target_china_framed_cooperation():
    m = Ensemble(build("baseline", ["DEU.withhold_exercise=0.8"]), seed=0, runs=1)
    nato = m.setup.ai["NATO"]
    china = m.world.values.copy()
    china[:, II["china_assertiveness"]], china[:, II["nk_provocation"]] = 0.9, 0.05
    korea = m.world.values.copy()
    korea[:, II["china_assertiveness"]], korea[:, II["nk_provocation"]] = 0.3, 0.95
    s1, s2 = snapshot(m, china), snapshot(m, korea)
    c_china = consensus_chance(s1, perceive(s1), nato, m.setup.members)
    c_korea = consensus_chance(s2, perceive(s2), nato, m.setup.members)
    assert np.all(c_korea[:, EXE] > c_china[:, EXE] + 0.1)


def test_consensus_friction_binds_after_levels_settle():
    lo = ensemble(overrides=["NATO.consensus_friction=0.3"], runs=100)
    hi = ensemble(overrides=["NATO.consensus_friction=0.7"], runs=100)
    assert window(lo, "JPN-NATO", EXE, 20) - window(hi, "JPN-NATO", EXE, 20) >= 0.1


# ------------------------------------------------------------- constraints both ways


def test_japans_legal_limits_set_a_ceiling_both_ways():
    tight = Ensemble(build("baseline", ["JPN.domestic_constraint=0.65"]), seed=0, runs=1)
    loose = Ensemble(build("baseline", ["JPN.domestic_constraint=0.35"]), seed=0, runs=1)
    s = tight.setup
    # the domestic ceiling alone: no visiting side's reach of forces
    pairs = (np.arange(len(s.dyads)), s.pairs[:, 0], s.pairs[:, 1], np.full(len(s.dyads), -1))
    ct, cl = ceilings(snapshot(tight), *pairs), ceilings(snapshot(loose), *pairs)
    g = s.dyads.index("JPN-GBR")
    raa = tight.caps()[0, g, EXE]  # the missing RAA's cap (raised by presence at sea)
    n = s.dyads.index("JPN-NATO")  # no agreement caps its exercises
    assert ct[0, n, EXE] < cl[0, n, EXE] - 0.2  # tight limits lower the ceiling
    assert ct[0, g, EXE] <= raa and cl[0, g, EXE] == raa  # loose ones leave the RAA's cap
    a = ensemble(overrides=["JPN.domestic_constraint=0.65"], runs=100)
    b = ensemble(overrides=["JPN.domestic_constraint=0.35"], runs=100)
    assert window(b, "JPN-GBR", EXE) - window(a, "JPN-GBR", EXE) >= 0.1
    assert window(b, "JPN-FRA", EXE) - window(a, "JPN-FRA", EXE) >= 0.1


def test_a_partners_legal_limits_weigh_on_an_actors_wish():
    lo = Ensemble(build("baseline", ["JPN.domestic_constraint=0.35"]), seed=0, runs=1)
    hi = Ensemble(build("baseline", ["JPN.domestic_constraint=0.65"]), seed=0, runs=1)
    sl = Slots.of(lo.setup)
    uk = 2 * lo.setup.dyads.index("JPN-GBR") + 1  # the UK's side
    d_lo = desire(snapshot(lo), perceive(snapshot(lo)), sl, lo.setup)[0, uk, EXE]
    d_hi = desire(snapshot(hi), perceive(snapshot(hi)), sl, hi.setup)[0, uk, EXE]
    assert d_lo - d_hi > SEEN


# ----------------------------------------------------------------------- resources


def test_resources_size_ambition_for_every_actor():
    m = Ensemble(build("baseline"), seed=0, runs=1)
    rich = Ensemble(build("baseline", ["DEU.bandwidth=4.8"]), seed=0, runs=1)
    a = m.setup.ai["DEU"]
    gap = capacity(snapshot(rich), rich.setup.means) - capacity(snapshot(m), m.setup.means)
    assert np.isclose(gap[0, a], np.log(2))
    base, richer = ensemble(runs=100), ensemble(overrides=["DEU.bandwidth=4.8"], runs=100)
    assert window(richer, "JPN-DEU", EXE) - window(base, "JPN-DEU", EXE) >= 0.1
    for actor, dyad in (("GBR", "JPN-GBR"), ("FRA", "JPN-FRA"), ("NATO", "JPN-NATO")):
        doubled = ensemble(overrides=[f"{actor}.bandwidth={_means(actor) * 2}"], runs=60)
        ref = ensemble(runs=60)
        gain = sum(window(doubled, dyad, k) - window(ref, dyad, k) for k in range(3))
        assert gain >= SEEN, actor


def test_an_actor_turns_from_a_partner_absorbed_elsewhere_to_the_others():
    """With the UK's bandwidth halved (a Brexit squeeze), Japan wants more with France and
    less with the UK; without substitution its wish toward France does not move."""

    def japan_wishes(overrides):
        m = Ensemble(build("baseline", overrides), seed=0, runs=1)
        snap = snapshot(m)
        want = desire(snap, perceive(snap), m.slots, m.setup)[0]  # (S, K)
        jpn = m.setup.ai["JPN"]
        return {
            m.setup.actors[q]: want[i]
            for i, q in enumerate(m.slots.partner)
            if m.slots.actor[i] == jpn
        }

    half = f"GBR.bandwidth={_means('GBR') / 2}"
    base, squeezed = japan_wishes([]), japan_wishes([half])
    assert np.all(squeezed["FRA"] - base["FRA"] >= SEEN)
    assert np.all(squeezed["GBR"] < base["GBR"])
    off = ["MODEL.bandwidth.substitution=0"]
    assert np.allclose(japan_wishes(off + [half])["FRA"], japan_wishes(off)["FRA"])


def _means(actor):
    s = build("baseline")
    return float(s.means[s.ai[actor]])


def test_germany_without_caution_but_without_capacity_does_not_outexercise_france():
    m = ensemble(overrides=["DEU.china_caution=0.1"], runs=100)
    assert window(m, "JPN-DEU", EXE, 30) < window(m, "JPN-FRA", EXE, 30)


def test_an_alliance_without_industry_offers_no_industrial_outlet():
    for nato_industry, expect_zero in ((0.0, True), (0.3, False)):
        m = Ensemble(build("baseline", [f"NATO.industrial={nato_industry}"]), seed=0, runs=1)
        sl = Slots.of(m.setup)
        snap = snapshot(m)
        out = industrial_outlet(snap, perceive(snap), sl, m.setup)
        jpn_to_nato = 2 * m.setup.dyads.index("JPN-NATO")
        assert (out[0, jpn_to_nato] == 0) == expect_zero


# ------------------------------------------------------------------------- weights


def test_the_russia_gap_weighs_less_than_the_china_gap_on_every_track():
    track = build("baseline").track
    for k, name in enumerate(TRACKS):
        assert track["russia_gap"][k] < track["caution_gap"][k], name


def test_the_us_frame_has_a_size_and_the_reports_sign_per_actor():
    """Japan hedges (US retrenchment makes Europe more urgent, Ch2 › Support the United
    States); the UK is drawn in by US engagement (Ch3); NATO, asked to share the burden,
    works more with Japan when the US steps back (Ch6 › Support the United States), so
    the retreat raises their dialogue as it does France's."""
    m = Ensemble(build("baseline"), seed=0, runs=1)
    hi, lo = m.world.values.copy(), m.world.values.copy()
    hi[:, II["us_engagement"]], lo[:, II["us_engagement"]] = 0.8, 0.2
    us = MOTIVATIONS.index("support_us")
    s_hi, s_lo = snapshot(m, hi), snapshot(m, lo)
    sal_hi = salience(s_hi, perceive(s_hi))[0, :, us]
    sal_lo = salience(s_lo, perceive(s_lo))[0, :, us]
    assert sal_lo[m.setup.ai["JPN"]] - sal_hi[m.setup.ai["JPN"]] > 0.3
    assert sal_hi[m.setup.ai["GBR"]] - sal_lo[m.setup.ai["GBR"]] > 0.2
    assert sal_lo[m.setup.ai["NATO"]] - sal_hi[m.setup.ai["NATO"]] > 0.1
    retreat = Shock(
        id="u",
        name="US retrenchment",
        indices={"us_engagement": -0.3},
        index_means={"us_engagement": -0.25},
    )
    base, alone = ensemble(runs=100), ensemble(runs=100, shocks=[retreat])
    assert window(alone, "JPN-FRA", DIA) - window(base, "JPN-FRA", DIA) >= 0.1
    assert window(alone, "JPN-NATO", DIA) - window(base, "JPN-NATO", DIA) >= SEEN


# ------------------------------------------------------- exercises at sea, sponsored ones


def test_a_missing_raa_caps_exercises_above_its_gate_by_the_visitors_presence():
    """On the exercise track a missing agreement's cap is its gate plus
    `agreements.presence_headroom` times the visiting side's presence; dialogue and
    exchanges, and a pair whose agreement is signed, are untouched."""
    m = Ensemble(build("baseline"), seed=0, runs=2)
    s, d = m.setup, m.setup.dyads.index("JPN-GBR")
    gate = s.gate_caps[ENABLERS.index("raa"), EXE]
    m.presence = np.zeros_like(m.presence)
    m.presence[:, s.ai["GBR"]] = [0.1, 0.4]
    head = m.rules["agreements.presence_headroom"]
    caps = m.caps()
    assert np.allclose(caps[:, d, EXE], gate + head * np.array([0.1, 0.4]))
    assert np.all(caps[:, d, EXE] - gate >= SEEN)
    assert np.all(caps[:, d, DIA] == s.max_level[d, DIA])
    m.signed[:, d, ENABLERS.index("raa")] = True
    assert np.all(m.caps()[:, d, EXE] == s.max_level[d, EXE])


def test_a_uk_tilt_lifts_exercises_with_japan_even_without_an_raa():
    """More UK presence lifts the level held by the missing RAA (its ships in the region
    are the occasions); with no headroom, and a reach of forces that does not bind, the
    same tilt moves nothing at the cap."""

    def effect(extra):
        lo = ensemble(overrides=["GBR.presence_appetite=0.5", *extra], runs=80)
        hi = ensemble(overrides=["GBR.presence_appetite=0.9", *extra], runs=80)
        keep = ~hi.signed[:, hi.setup.dyads.index("JPN-GBR"), ENABLERS.index("raa")]
        d = lo.setup.dyads.index("JPN-GBR")
        diff = hi.level_history()[5:, :, d, EXE] - lo.level_history()[5:, :, d, EXE]
        return diff[:, keep].mean()

    assert effect([]) >= SEEN
    # the two channels: the RAA's cap rises with presence, and so does the reach of forces
    closed = ["MODEL.agreements.presence_headroom=0", "MODEL.presence.exercise_span=20"]
    assert abs(effect(closed)) < SEEN


def test_an_raa_in_force_extends_the_reach_of_forces_flown_in():
    """With an RAA in force, forces flown in for exercises on Japanese soil add
    `agreements.access_reach` to the reach of the visiting side's forces (Ch3 UK › Training
    and Exercises): signing the UK's RAA lifts JPN-GBR exercise held by the reach of its
    ships; with the constant at 0 the same signature leaves the exercises where the ships
    hold them."""
    m = Ensemble(build("baseline"), seed=0, runs=2)
    at_sea = np.array([0.2, 0.2])
    gain = forces_reach(m.rules, at_sea, np.array([1.0, 0.0])) - forces_reach(m.rules, at_sea)
    assert np.allclose(gain, [m.rules["agreements.access_reach"][0], 0.0])

    def effect(extra):
        base = ensemble(overrides=extra, runs=100)
        signed = ensemble("uk-raa-signed", overrides=extra, runs=100)
        return window(signed, "JPN-GBR", EXE) - window(base, "JPN-GBR", EXE)

    assert effect([]) >= 2 * SEEN
    assert abs(effect(["MODEL.agreements.access_reach=0"])) < SEEN


def test_north_korean_provocation_draws_european_presence():
    """Presence aims at appetite × (threat·China + nk·North Korea): a Korean crisis raises
    the UK's and France's presence in the region (0–1 scale, mean over the crisis years);
    with `presence.nk` 0 it does not."""

    def pres(scenario, extra=()):
        m = Ensemble(build(scenario, list(extra)), seed=3, runs=40)
        seen = []
        for t in range(1, 21):
            m.step()
            if t >= 5:
                seen.append(m.presence[:, [m.setup.ai["GBR"], m.setup.ai["FRA"]]].mean(axis=0))
        return np.mean(seen, axis=0)

    assert np.all(pres("korea-crisis") - pres("baseline") >= 0.03)
    off = ["MODEL.presence.nk=0"]
    assert np.allclose(pres("korea-crisis", off), pres("baseline", off), atol=0.005)


def test_an_engaged_us_sponsors_exercises_and_a_retrenching_one_takes_them_away():
    """Exercises the US leads come on top of what each side funds, per unit of the actor's
    sponsorship times engagement above the reference: JPN-NATO exercise rises with US
    engagement and falls with retrenchment; with the constant at 0 neither moves it."""

    def nato_exercise(us, extra=()):
        shock = Shock(
            id="us",
            name="US engagement",
            at=None,
            indices={"us_engagement": us},
            index_means={"us_engagement": us},
        )
        m = ensemble(overrides=list(extra), runs=60, shocks=[shock])
        return window(m, "JPN-NATO", EXE)

    up, down, ref = nato_exercise(0.25), nato_exercise(-0.25), nato_exercise(0.0)
    assert up - ref >= SEEN and ref - down >= SEEN
    off = ["MODEL.us.sponsored_exercise=0"]
    assert abs(nato_exercise(0.25, off) - nato_exercise(0.0, off)) < SEEN


def test_us_led_exercises_come_above_the_pairs_own_caps_not_its_laws():
    """Exercises the US leads are hosted and carried by the US: they lift JPN-GBR exercise
    above the cap of the missing RAA and the reach of UK forces (both held low here), by
    `us.sponsored_exercise` per unit of the less sponsor-minded side's sponsorship times
    engagement above the reference; with the constant at 0 the cap holds the level. They
    stay under the pair's domestic ceiling."""
    from sim.engine.actors import domestic_ceiling

    held = ["MODEL.agreements.presence_headroom=0", "MODEL.presence.exercise_span=5"]
    held += ["GBR.presence_appetite=0"]

    def uk_exercise(us, extra=()):
        shock = Shock(
            id="us",
            name="US engagement",
            at=None,
            indices={"us_engagement": us},
            index_means={"us_engagement": us},
        )
        m = ensemble(overrides=held + list(extra), runs=60, shocks=[shock])
        return m, window(m, "JPN-GBR", EXE)

    (_, ref), (m1, up) = uk_exercise(0.0), uk_exercise(0.3)
    assert up - ref >= 0.2
    d = m1.setup.dyads.index("JPN-GBR")
    raa = m1.setup.gate_caps[ENABLERS.index("raa"), EXE]
    reach = m1.rules["presence.exercise_floor"]  # the UK keeps no forces in the region
    lv = m1.level_history()[10:, :, d, EXE]
    top = np.minimum(raa, reach)[None]
    assert (lv > top + SEEN).mean() > 0.5  # above what the pair could reach on its own
    off = ["MODEL.us.sponsored_exercise=0"]
    (_, ref_off), (m_off, up_off) = uk_exercise(0.0, off), uk_exercise(0.3, off)
    assert abs(up_off - ref_off) < 0.02
    assert np.all(m_off.level_history()[1:, :, d, EXE] <= top + 1e-9)
    # under tight Japanese laws the domestic ceiling holds them too
    tight = ["JPN.domestic_constraint=1", "MODEL.exercise.domestic_gate=3.4"]  # laws at 1.6
    m2, _ = uk_exercise(0.3, tight)
    a, b = m2.setup.pairs[d]
    snap = m2.snapshot(m2.params, m2.world.values, None, None, None, None)
    home = domestic_ceiling(snap, np.array([a]), np.array([b]))[:, 0, EXE]
    lv2 = m2.level_history()[10:, :, d, EXE]
    assert np.all(lv2 <= home[None] + 1e-9)
    assert (lv2 > home[None] - 0.1).mean() > 0.5  # the laws, not the cap, hold the level


def test_each_kind_of_agreement_keeps_its_own_pace():
    """The chance that talks conclude is the kind's success rate times its pace: in the
    2012-19 replay without its agreement shocks (the model concludes them itself), a
    doubled ACSA pace signs the UK's ACSA sooner, a pace of 0 never, and the other kinds
    are not touched (beyond what the ACSA's exercises do to the pair)."""

    def signed_by(pace):
        # talks may open at once (reach over the whole scale)
        m = replay(12, 4, 200, {"agreements.pace_acsa": pace, "agreements.reach": SCALE})
        return signed(m, "JPN-GBR", "acsa"), signed(m, "JPN-GBR", "isa")

    (none, isa0), (one, isa1), (two, isa2) = signed_by(0.0), signed_by(1.0), signed_by(2.0)
    assert none == 0.0 and one > 0
    assert two - one >= SEEN
    # the ISA keeps its own pace: only through what the ACSA's exercises do to the pair
    assert abs(isa1 - isa0) < 0.03 and abs(isa2 - isa0) < 0.03


def test_an_agreement_is_sought_before_the_cooperation_reaches_its_cap():
    """Talks open, and urgency counts, once both wishes come within
    `agreements.anticipation` of the cap an agreement lifts: in the replay without its
    agreement shocks the UK and Japan conclude their equipment agreement from wishes below
    its cap; with no anticipation they conclude it later. Pressure (what wears a blocker
    down) still counts only the wish above the cap."""

    def signed_by(ahead):
        # talks may open at once (reach over the whole scale)
        m = replay(8, 5, 200, {"agreements.anticipation": ahead, "agreements.reach": SCALE})
        return signed(m, "JPN-GBR", "equipment")

    assert signed_by(0.5) - signed_by(0.0) >= SEEN


# ----------------------------------------------------- round four: resources and lapses


def test_talks_take_officials_time_an_absorbed_side_concludes_less():
    """Each side's urgency is multiplied by (bandwidth now / configured means) to the power
    `agreements.capacity_drive`: a Japan at half its means (March 2011) concludes the
    German ISA in fewer runs while it lasts; with the drive at 0 its means do not matter."""
    half = [Shock(id="absorbed", name="Japan absorbed", params={"JPN.bandwidth": {"mul": 0.5}})]

    def isa(extra=(), shocks=()):
        return signed(
            ensemble(overrides=list(extra), turns=12, runs=400, shocks=shocks), "JPN-DEU", "isa"
        )

    assert isa() - isa(shocks=half) >= SEEN
    off = ["MODEL.agreements.capacity_drive=0"]
    assert abs(isa(off) - isa(off, half)) < 0.02


def test_caution_drags_talks_by_what_china_would_see():
    """The pair's caution drags an agreement by the visibility of the track it lifts: an
    ISA (exchanges, visibility 0.4) moves faster under German caution than it would if its
    exchanges were as visible as exercises."""
    m = ensemble(turns=12, runs=400)
    seen = ensemble(overrides=["MODEL.exchange.visibility=1.0"], turns=12, runs=400)
    assert signed(m, "JPN-DEU", "isa") - signed(seen, "JPN-DEU", "isa") >= SEEN


def test_deployments_follow_the_means():
    """Presence aims at appetite × threat × (bandwidth / means)^presence.capacity: a UK
    with twice its means keeps more ships in the region, and so exercises more with Japan
    though the RAA is missing; with `presence.capacity` 0 its means do not move presence."""

    def run(extra=()):
        m = ensemble(overrides=list(extra), runs=60)
        return m.presence[:, m.setup.ai["GBR"]].mean(), window(m, "JPN-GBR", EXE)

    (p0, x0), (p1, x1) = run(), run([f"GBR.bandwidth={_means('GBR') * 2}"])
    assert p1 - p0 >= 0.1 and x1 - x0 >= SEEN
    off = ["MODEL.presence.capacity=0"]
    (q0, _), (q1, _) = run(off), run(off + [f"GBR.bandwidth={_means('GBR') * 2}"])
    assert abs(q1 - q0) < 0.01


def _stance_cost(stance, extra, k):
    """What a member's `stance` costs JPN-NATO on track k (window mean), under `extra`."""
    base = ensemble(overrides=extra, runs=100)
    held = ensemble(overrides=extra + stance, runs=100)
    return window(base, "JPN-NATO", k) - window(held, "JPN-NATO", k)


def test_what_an_alliance_does_not_approve_lapses_fast():
    """A track whose consensus fails falls at `constraints.lapse_rate`, not at the slow pace
    at which ties erode: a member's stance on exercises costs NATO-Japan exercises more
    with the lapse than with the tracks' own down rate."""
    stance = ["DEU.withhold_exercise=0.5"]
    slow = ["MODEL.constraints.lapse_rate=0.05"]
    assert _stance_cost(stance, [], EXE) >= SEEN
    assert _stance_cost(stance, [], EXE) > _stance_cost(stance, slow, EXE) + 0.01


def test_what_a_member_withholds_erodes_even_a_quiet_track():
    """A withheld consensus loses `constraints.consensus_erosion` levels in the turn on
    every track, not only on the visible ones: a member that will not share (its stance on
    exchanges) costs NATO-Japan exchanges a visible amount; with no erosion the same stance
    costs much less."""
    stance = ["DEU.withhold_exchange=0.5"]
    still = ["MODEL.constraints.consensus_erosion=0"]
    assert _stance_cost(stance, [], EXC) >= SEEN
    assert _stance_cost(stance, [], EXC) > _stance_cost(stance, still, EXC) + 0.03


def test_presence_follows_the_stake_in_the_region():
    """Presence aims at appetite × threat × (regional interests / configured)^presence.stake:
    a UK that weighs its regional interests more keeps more ships in the region, which
    lifts its exercises with Japan though the RAA is missing; with `presence.stake` 0 the
    weight does not move presence."""

    def run(extra=()):
        m = ensemble(overrides=list(extra), runs=60)
        return m.presence[:, m.setup.ai["GBR"]].mean(), window(m, "JPN-GBR", EXE)

    lo, hi = ["GBR.regional_interests=0.55"], ["GBR.regional_interests=0.85"]
    (p0, x0), (p1, x1) = run(lo), run(hi)
    assert p1 - p0 >= 0.1 and x1 - x0 >= SEEN
    off = ["MODEL.presence.stake=0"]
    (q0, _), (q1, _) = run(off + lo), run(off + hi)
    assert abs(q1 - q0) < 0.01


def test_caution_toward_china_keeps_ships_at_home():
    """Presence aims lower the more cautious toward China an actor is against its configured
    caution, ((1 - caution) / (1 - configured))^presence.caution: a UK in a golden era with
    China (caution 0.8) keeps fewer ships in the region and exercises less with Japan, and a
    Germany that drops its caution sends more; with `presence.caution` 0 caution does not
    move presence."""

    def run(actor, extra=()):
        m = ensemble(overrides=list(extra), runs=60)
        return m.presence[:, m.setup.ai[actor]].mean(), window(m, "JPN-" + actor, EXE)

    (p0, x0), (p1, x1) = run("GBR"), run("GBR", ["GBR.china_caution=0.8"])
    assert p0 - p1 >= 0.1 and x0 - x1 >= SEEN
    (g0, _), (g1, _) = run("DEU"), run("DEU", ["DEU.china_caution=0.1"])
    assert g1 > 1.5 * g0
    off = ["MODEL.presence.caution=0"]
    (q0, _), (q1, _) = run("GBR", off), run("GBR", off + ["GBR.china_caution=0.8"])
    assert abs(q1 - q0) < 0.01


def test_an_agreement_presses_once_cooperation_has_grown_into_its_cap():
    """Talks open only once the cooperation an agreement gates has grown to within
    `agreements.reach` of the cap it lifts: in the 2012-19 replay without its agreement
    shocks, UK-Japan exercises (from 1.0 in 2012) are still below the ACSA's 3.3 less the
    reach after three years, so no ACSA talks open; with the reach as wide as the scale
    they open at once and a third of runs or more sign within the three years."""
    from sim.research.hindcast import hindcast_setup

    s = hindcast_setup()
    d, e = s.dyads.index("JPN-GBR"), ENABLERS.index("acsa")

    def acsa(reach):
        m = Ensemble(
            s, seed=0, runs=200, run_params={"MODEL.agreements.reach": np.full(200, reach)}
        )
        opened = np.zeros(200, bool)
        for _ in range(12):
            m.step()
            opened |= m.history[-1].opened[:, d, e]
        return opened.mean(), m.signed[:, d, e].mean()

    (o_near, s_near), (o_far, s_far) = acsa(0.3), acsa(5.0)
    assert o_near == 0.0 and s_near == 0.0
    assert o_far > 0.9 and s_far > 0.3


def test_a_track_held_by_one_agreement_presses_every_agreement_that_gates_it():
    """An agreement is within reach when the track it gates is near the cap that holds
    that track, the lowest cap among the pair's missing agreements: UK-Japan exchanges held
    at the ISA's 2.3 press the equipment agreement (cap 2.8) as well, so the two are
    negotiated as one package, as in July 2013 (Ch3 UK › Defense Exchanges). Measured from
    the equipment agreement's own cap, exchanges held at 2.3 could never come within a
    reach of 0.3 of 2.8 before the ISA was signed."""
    from sim.research.hindcast import hindcast_setup

    s = hindcast_setup()
    d = s.dyads.index("JPN-GBR")
    isa, eq = ENABLERS.index("isa"), ENABLERS.index("equipment")
    n = 200
    m = Ensemble(s, seed=0, runs=n, run_params={"MODEL.agreements.reach": np.full(n, 0.3)})
    early = np.zeros(n, bool)  # equipment talks open while the ISA is still missing
    for _ in range(12):
        before = ~m.signed[:, d, isa]
        m.step()
        early |= m.history[-1].opened[:, d, eq] & before
    assert early.mean() > 0.5


def deployment_lift(over):
    """How much more the UK exercises with Japan (mean of turns 5-20) when it deploys to the
    region every turn than when it does not, under the overrides `over`."""
    from sim.engine.moves import Move

    out = []
    for deploy in (False, True):
        m = Ensemble(build("baseline", over), seed=3, runs=100)
        d, xs = m.setup.dyads.index("JPN-GBR"), []
        for _ in range(20):
            if deploy:
                m.submit([Move(actor="GBR", deploy=True)])
            m.step()
            xs.append(m.levels[:, d, EXE].mean())
        out.append(np.mean(xs[4:]))
    return out[1] - out[0]


def test_forces_in_the_region_pay_for_their_exercises():
    """A visiting side's exercises with its Indo-Pacific partner cost it less by its
    presence there (`presence.exercise_saving`): a UK short of means that deploys to the
    region exercises more with Japan, the ships being the occasions; without the saving the
    deployment's cost crowds those exercises out."""

    def lift(saving):
        return deployment_lift(["GBR.bandwidth=3.0", f"MODEL.presence.exercise_saving={saving}"])

    with_saving, without = lift(1.0), lift(0.0)
    assert with_saving >= SEEN
    assert with_saving - without >= 0.1


def test_a_deployment_never_crowds_out_the_exercises_it_carries():
    """The share `presence.exercise_saving` x presence of a visiting side's exercises with
    its Indo-Pacific partner comes with its forces there and is funded whatever the squeeze
    at home: a UK short of means, for which a deployment is dear, still exercises more with
    Japan once it deploys, at the lowest saving of the range (under a hard budget: what the
    UK would find of its shortfall does not hide the crowding out)."""
    over = [
        "GBR.bandwidth=2.5",
        "MODEL.presence.cost=1.0",
        "MODEL.presence.exercise_saving=0.5",
        "MODEL.bandwidth.stretch=0",
    ]
    assert deployment_lift(over) >= SEEN


def test_forces_start_where_their_aim_puts_them():
    """Presence opens at each actor's aim, not at zero: France's forces based in the
    Pacific are there when the 2012 replay begins, while the UK (no ships there before 2018)
    starts with little; the first turn moves neither far."""
    m = Ensemble(build("history-2012-2019"), seed=0, runs=20)
    ai = m.setup.ai
    fra, gbr = m.presence[:, ai["FRA"]], m.presence[:, ai["GBR"]]
    assert np.all(fra > 0.25) and np.all(gbr < fra - 0.15)
    before = m.presence.copy()
    m.step()
    assert np.abs(m.presence - before).max() < 0.05


def test_a_visiting_state_exercises_within_the_reach_of_its_forces():
    """A visiting state's exercises with its Indo-Pacific partner stay within
    `presence.exercise_floor` + `presence.exercise_span` × its presence there: a Germany
    without China caution but with no forces in the region exercises no higher than its
    reach, and a Germany that also keeps ships there goes further. An alliance exercises
    out of area and is not bound by it."""
    free = ["DEU.china_caution=0.1"]
    m = ensemble(overrides=free, runs=60)
    d, de = m.setup.dyads.index("JPN-DEU"), m.setup.ai["DEU"]
    ru = m.rules
    reach = ru["presence.exercise_floor"] + ru["presence.exercise_span"] * m.presence[:, de]
    assert m.levels[:, d, EXE].mean() <= reach.mean() + 0.01
    unbound = ensemble(overrides=free + ["MODEL.presence.exercise_span=20"], runs=60)
    assert window(unbound, "JPN-DEU", EXE, 20) - window(m, "JPN-DEU", EXE, 20) >= 0.3
    sailing = ensemble(overrides=free + ["DEU.presence_appetite=0.6"], runs=60)
    assert window(sailing, "JPN-DEU", EXE, 20) - window(m, "JPN-DEU", EXE, 20) >= 0.3
    n = m.setup.dyads.index("JPN-NATO")
    assert m.slots.reach_of[2 * n] == -1 and m.slots.reach_of[2 * n + 1] == -1


def test_the_explanation_names_the_reach_that_holds_exercises():
    """A level held by the reach of the visiting state's forces says so, as a level held by
    a missing agreement does."""
    m = ensemble(overrides=["DEU.china_caution=0.1"], runs=8)
    d = m.setup.dyads.index("JPN-DEU")
    notes = [t for r in range(8) for dd, k, t in held_at_caps(m, r) if (dd, k) == (d, EXE)]
    assert notes and all(
        "by the reach of Germany's forces in the region (presence 0." in t for t in notes
    )
    free = ensemble(overrides=["DEU.china_caution=0.1", "MODEL.presence.exercise_span=20"], runs=8)
    assert not [t for dd, k, t in held_at_caps(free, 0) if (dd, k) == (d, EXE) and "reach" in t]


# -------------------------------------------- round eight: one set of talks at a time


def test_a_pair_takes_one_set_of_talks_at_a_time_and_pauses_after_a_conclusion():
    """A pair opens talks only while none of its other talks are open (agreements pressed
    together open together) and `agreements.interval` turns or more after it last
    concluded one, whether the model concluded it or a scenario's `sign` shock did (the
    replay with and without its agreement shocks)."""
    from sim.research.hindcast import hindcast_setup

    for setup in (hindcast_setup(), build("history-2012-2019")):
        R = 200
        m = Ensemble(
            setup, seed=6, runs=R, run_params={"MODEL.agreements.reach": np.full(R, SCALE)}
        )
        interval = m.rules["agreements.interval"][:, None]
        last = np.full((R, len(setup.dyads)), -100)
        opened = 0
        for t in range(32):
            talks, done = m.negotiating.copy(), m.signed.copy()
            m.step()
            new = m.negotiating & ~talks
            barred = talks.any(axis=2) | (t - last < interval)
            assert not (new & barred[..., None]).any(), f"turn {t}: talks opened while barred"
            opened += new.sum()
            last = np.where((m.signed & ~done).any(axis=2), t, last)
        assert opened > R  # talks do open


def test_an_interval_of_0_keeps_talks_side_by_side_as_an_older_config_did():
    """A config folder written before `agreements.interval` existed takes its default, 0:
    the rule is off, and a pair opens new talks while others are still open, as the
    engine did before it (the replay without its agreement shocks)."""
    from sim.research.hindcast import hindcast_setup

    R = 200
    reach = {"MODEL.agreements.reach": np.full(R, SCALE)}

    def beside(pause):
        m = Ensemble(
            hindcast_setup(),
            seed=6,
            runs=R,
            run_params={**reach, "MODEL.agreements.interval": np.full(R, float(pause))},
        )
        n = 0
        for _ in range(32):
            talks = m.negotiating.copy()
            m.step()
            new = (m.negotiating & ~talks).any(axis=2)
            n += (new & talks.any(axis=2)).sum()
        return n

    assert beside(0) > R // 4
    assert beside(2) == 0


def test_a_pause_after_each_conclusion_spaces_a_pairs_agreements():
    """In the replay without its agreement shocks, the UK and Japan conclude their 2+2 later
    when the pause after their 2013 ISA and equipment agreement is longer (2 against 8
    turns): each pair's agreements came one after another (config/dyads.yaml)."""

    def by_2015(pause):
        m = replay(13, 7, 400, {"agreements.interval": pause})  # to 2015-Q1
        return signed(m, "JPN-GBR", "two_plus_two")

    assert by_2015(2) - by_2015(8) >= SEEN


def test_a_two_plus_two_puts_the_pairs_remaining_agreements_on_the_table():
    """With a 2+2 in force, a pair presses its remaining agreements while the cooperation
    they gate still lies `agreements.format_agenda` levels further below their cap (the
    UK's inaugural 2+2 of 2015 agreed the list that brought the ACSA of 2017): in the
    replay without its agreement shocks the UK's ACSA is signed by 2017-Q1 in more runs
    with the agenda than without; NATO, which has no 2+2, is not touched."""

    def by_2017(agenda):
        m = replay(21, 8, 400, {"agreements.format_agenda": agenda})  # to 2017-Q1
        return signed(m, "JPN-GBR", "acsa"), signed(m, "JPN-NATO", "partnership")

    (uk0, nato0), (uk1, nato1) = by_2017(0.0), by_2017(1.0)
    assert uk1 - uk0 >= SEEN
    assert nato0 > 0 and abs(nato1 - nato0) < 0.02


def test_an_alliance_meets_a_partner_in_fewer_formats_than_a_state():
    """Dialogue events of a pair with an alliance come at `events.alliance_dialogue` times
    the chance the same level gives a pair of states (NATO's yearly High-Level
    Consultations, Ch6 NATO › Dialogues); a state pair's events and every level are
    untouched (what is observed, not what moves)."""

    def run(share):
        setup = build("baseline")
        m = Ensemble(
            setup,
            seed=9,
            runs=300,
            run_params={"MODEL.events.alliance_dialogue": np.full(300, share)},
        )
        m.run(40)
        act = np.stack([r.activity for r in m.history])  # (T, R, D, K)
        per = act[..., DIA].sum(axis=(0, 1)) / 300  # dialogue events per run, by dyad
        return per, m.level_history()

    (full, lv1), (quarter, lv2) = run(1.0), run(0.25)
    nato, uk = build("baseline").dyads.index("JPN-NATO"), build("baseline").dyads.index("JPN-GBR")
    assert np.array_equal(lv1, lv2)
    assert 0.15 < quarter[nato] / full[nato] < 0.35
    assert quarter[uk] == full[uk]


def test_an_actor_short_of_means_finds_part_of_the_shortfall():
    """`bandwidth.stretch`: when what an actor expects to be agreed costs more than its
    bandwidth, it finds that share of the shortfall and cuts the rest (Ch7 › Similarities:
    more effort means difficult domestic choices; Ch7 › Temper Expectations: resources
    are real limits). An actor within its means is untouched; 0 is a hard budget."""
    from sim.engine.actors import fund_by_actor

    own = np.array([[0, 1], [2, 3]])  # two actors with two slots each
    cost = np.array([[[1.0, 1.0, 1.0], [1.0, 1.0, 1.0], [0.5, 0.5, 0.0], [0.5, 0.0, 0.0]]])
    weight = np.ones_like(cost)
    budget = np.array([[3.0, 2.0]])  # the first actor is 3 short, the second within means
    for stretch, found in ((0.0, 3.0), (0.5, 4.5), (1.0, 6.0)):
        share = fund_by_actor(cost, weight, budget, own, np.array([stretch]))
        spent = (share * cost)[0].sum(axis=1)
        assert np.isclose(spent[:2].sum(), found)
        assert np.all(share[0, 2:] == 1.0)
    hard = fund_by_actor(cost, weight, budget, own)
    assert np.array_equal(hard, fund_by_actor(cost, weight, budget, own, np.array([0.0])))


def test_a_squeezed_japan_still_brings_more_when_it_stretches():
    """With half its bandwidth Japan's ties stand higher where it stretches its means than
    under a hard budget, by a visible margin; at its configured means nothing binds."""

    def japan(overrides):
        m = Ensemble(build("baseline", overrides), seed=3, runs=60)
        m.run(30)
        jd = [i for i, d in enumerate(m.setup.dyads) if d.startswith("JPN-")]
        return m.level_history()[10:, :, jd].mean()

    half = f"JPN.bandwidth={_means('JPN') / 2}"
    hard, stretched = (japan([half, f"MODEL.bandwidth.stretch={v}"]) for v in (0.0, 0.5))
    assert stretched - hard >= SEEN
