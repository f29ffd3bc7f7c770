"""Conformance suite over the registered decision styles, and transcripts of the rules.

Transcripts read like the report's findings: "Germany with China caution 0.9 facing a
China-coercion shock keeps its exercise offer low".
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.engine.actors import RULES, ConsensusAlliance, SovereignState
from sim.engine.model import Ensemble
from sim.engine.moves import Move, MoveArrays
from sim.inputs.setup import AI, II, PI, build
from sim.vocabulary import AGENT_ACTORS, TRACKS

EX = TRACKS.index("exercise")


def decide(setup, runs=1, world=None, params=None, moves=None, seed=0):
    """One turn's desired levels and offers from the starting state: (desired, offers)."""
    m = Ensemble(setup, seed=seed, runs=runs)
    w = np.repeat(setup.world_initial[None], runs, axis=0)
    for k, v in (world or {}).items():
        w[:, II[k]] = v
    p = m.params.copy()
    for key, v in (params or {}).items():
        a, name = key.split(".")
        p[:, AI[a], PI[name]] = v
    R, D, K = m.levels.shape
    mv = moves or MoveArrays.neutral(D)
    m.caution = p[:, :, PI["china_caution"]].copy()
    snap = m.snapshot(p, w, np.zeros((R, D, K)), np.zeros((R, K)), mv, np.ones(R))
    want, off, _ = m.decide(snap)
    desired, offers = {}, {}
    for actor in m.actors:
        for d, side, partner in actor.slots:
            desired[(actor.actor, AGENT_ACTORS[partner])] = want[:, d, side]
            offers[(actor.actor, AGENT_ACTORS[partner])] = off[:, d, side]
    return desired, offers


def test_registry_covers_every_decision_style_in_config(baseline):
    assert set(baseline.kinds) <= set(RULES)
    assert RULES["state"] is SovereignState and RULES["alliance"] is ConsensusAlliance


@pytest.mark.parametrize("kind", sorted(RULES))
def test_every_rule_gives_offers_within_desires_and_the_scale(baseline, kind):
    m = Ensemble(baseline, seed=3, runs=50)
    m.step()
    rec = m.history[-1]
    assert np.all((rec.desired >= 0) & (rec.desired <= 5))
    actor = next(a for a in m.actors if isinstance(a, RULES[kind]) and type(a) is RULES[kind])
    d, s = actor.dyad_idx[0], actor.side[0]
    assert np.all(rec.spent[:, d, s] >= 0)


def test_germany_with_high_caution_facing_china_coercion_keeps_exercise_offer_low(baseline):
    calm_d, calm = decide(
        baseline, params={"DEU.china_caution": 0.9}, world={"china_assertiveness": 0.5}
    )
    _, hot = decide(
        baseline, params={"DEU.china_caution": 0.9}, world={"china_assertiveness": 0.95}
    )
    assert hot[("DEU", "JPN")][0, EX] < 1.5
    assert hot[("DEU", "JPN")][0, EX] <= calm[("DEU", "JPN")][0, EX] + 0.05


def test_germany_dropping_china_caution_wants_more_exercises_with_japan(baseline):
    cautious, _ = decide(baseline, params={"DEU.china_caution": 0.9})
    relaxed, _ = decide(baseline, params={"DEU.china_caution": 0.1})
    assert relaxed[("DEU", "JPN")][0, EX] > cautious[("DEU", "JPN")][0, EX] + 0.5


def test_caution_gap_weighs_more_on_exercises_than_on_dialogue(baseline):
    lo, _ = decide(baseline, params={"DEU.china_caution": 0.15})
    hi, _ = decide(baseline, params={"DEU.china_caution": 0.95})
    drop = lo[("DEU", "JPN")][0] - hi[("DEU", "JPN")][0]
    assert drop[EX] > drop[TRACKS.index("dialogue")]


def test_russian_aggression_pulls_european_bandwidth_away_from_japan(baseline):
    _, calm = decide(baseline, world={"russian_aggression": 0.3})
    _, war = decide(baseline, world={"russian_aggression": 0.95})
    for actor in ("DEU", "NATO"):
        assert war[(actor, "JPN")].sum() < calm[(actor, "JPN")].sum()


def test_nato_growth_needs_consensus(baseline):
    m = Ensemble(baseline, seed=0, runs=1)
    R, D, K = m.levels.shape
    nato = next(a for a in m.actors if a.actor == "NATO")
    snap = m.snapshot(
        m.params,
        m.world.values,
        np.zeros((R, D, K)),
        np.full((R, K), 0.999),
        MoveArrays.neutral(D),
        np.ones(R),
    )
    from sim.engine.actors import perceive

    per = perceive(snap)
    offers = np.full((R, 1, K), 4.5)
    blocked = nato.consent(snap, per, offers, offers)
    level = m.levels[:, nato.dyad_idx, :]
    assert np.all(blocked <= level + 1e-12)
    snap.consent = np.zeros((R, K))
    assert np.array_equal(nato.consent(snap, per, offers, offers), offers)


def test_prioritising_a_partner_raises_the_offer_it_gets(baseline):
    from sim.engine.moves import compile_moves

    setup = build("baseline", {"JPN.bandwidth": 3.0})
    mv = compile_moves([Move(actor="JPN", priorities=["DEU"])], setup)
    _, plain = decide(setup)
    _, moved = decide(setup, moves=mv)
    assert moved[("JPN", "DEU")].sum() > plain[("JPN", "DEU")].sum()
    assert moved[("JPN", "GBR")].sum() < plain[("JPN", "GBR")].sum()


def test_signing_the_uk_raa_lifts_the_exercise_cap(baseline):
    m = Ensemble(baseline, seed=0, runs=1)
    d = baseline.dyads.index("JPN-GBR")
    before = m.caps()[0, d, EX]
    m.signed[0, d, list(baseline.config.enablers).index("raa")] = True
    assert before < 5.0 and m.caps()[0, d, EX] == 5.0


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 6), st.integers(1, 4), st.integers(0, 2**31 - 1))
def test_funding_spends_the_whole_budget_and_cuts_low_priority_wishes_first(runs, n, seed):
    from sim.engine.actors import fund
    from sim.engine.rng import Stream, run_keys

    s = Stream(run_keys(seed, range(runs)))
    cost = s.uniform(0, 1, (n, 3)) * 2
    weight = np.array([1.25, 1.0, 0.85]) * (0.5 + s.uniform(0, 2, (n, 1)))
    budget = cost.sum(axis=(1, 2)) * s.uniform(0, 3, ()) * 1.5
    share = fund(cost, weight, budget)
    assert np.all((share > 0) & (share <= 1.0))
    spent = (share * cost).sum(axis=(1, 2))
    short = cost.sum(axis=(1, 2)) > budget
    np.testing.assert_allclose(spent[short], budget[short], rtol=1e-9)
    assert np.all(share[~short] == 1.0)
    # among wishes not fully funded, a larger weight never gets a smaller share
    for r in np.flatnonzero(short):
        w, f = weight[r].ravel(), share[r].ravel()
        order = np.argsort(w)
        assert np.all(np.diff(f[order]) >= -1e-12)
