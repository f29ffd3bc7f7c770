from math import factorial

import numpy as np
import pytest

from sim.engine.explain import _BITS, NAMES, G, coalitions, explain, formula, sentence, top_drivers
from sim.engine.model import Ensemble
from sim.engine.moves import Move
from sim.inputs.setup import build


@pytest.fixture(scope="module")
def played():
    m = Ensemble(build("china-coercion"), seed=7, keep_snapshots=True)
    for t in range(16):
        if t == 6:
            m.submit(
                [Move(actor="JPN", priorities=["DEU"], statement=True, propose_exercise=["GBR"])]
            )
        m.run(1)
    return m


@pytest.mark.parametrize("turn", [1, 5, 7, 16])
def test_contributions_sum_exactly_to_each_turns_change(played, turn):
    h = played.level_history()[:, 0]
    c = explain(played, 0, turn - 1, turn)
    assert c.shape == (len(NAMES),) + h.shape[1:]
    np.testing.assert_allclose(c.sum(axis=0), h[turn] - h[turn - 1], atol=1e-12)


def test_contributions_sum_exactly_over_the_whole_game(played):
    h = played.level_history()[:, 0]
    c = explain(played, 0, 0, played.turn)
    np.testing.assert_allclose(c.sum(axis=0), h[-1] - h[0], atol=1e-12)


def test_the_shock_turn_is_explained_by_threats(played):
    # china-coercion fires at 2021-Q1 = turn 4: the threat picture moves every dyad
    c = explain(played, 0, 3, 4)
    threats = NAMES.index("threats")
    assert np.abs(c[threats]).sum() > 0.01


def test_moves_are_credited_only_in_the_turn_they_are_made(played):
    moves = NAMES.index("moves")
    assert np.abs(explain(played, 0, 6, 7)[moves]).sum() > 1e-3
    assert np.abs(explain(played, 0, 9, 10)[moves]).sum() == 0.0


def test_sentence_and_formula_name_the_largest_driver(played):
    c = explain(played, 0, 0, played.turn)
    top = top_drivers(c, 2, 2, n=2)
    text = sentence("JPN-DEU", "exercise", float(c[:, 2, 2].sum()), top)
    assert text.startswith("JPN-DEU exercise") and "(" in text
    f = formula("JPN-DEU", "exercise", float(c[:, 2, 2].sum()), c, 2, 2)
    assert f.startswith("JPN-DEU exercise") and top[0][0] in f


def test_a_bad_move_is_refused_before_the_turn_starts():
    from sim.errors import InputError

    m = Ensemble(build("baseline"), seed=1)
    before = (m.turn, m.world.values.copy(), m.levels.copy())
    with pytest.raises(InputError, match="not a partner of DEU"):
        m.submit([Move(actor="DEU", propose_exercise=["GBR"])])  # GBR is not Germany's partner
    m.step()  # the turn goes ahead without the bad move
    assert m.turn == before[0] + 1 and m.history[-1].moves == []
    m = Ensemble(build("baseline"), seed=1)
    assert m.turn == before[0]
    assert np.array_equal(m.world.values, before[1]) and np.array_equal(m.levels, before[2])


def test_a_custom_injected_shock_is_logged_by_its_name():
    from sim.engine.results import run_events
    from sim.inputs.schema import Shock

    m = Ensemble(build("baseline"), seed=1)
    m.inject(
        Shock(id="drill", name="Snap NATO drill in the Baltic", indices={"russian_aggression": 0.1})
    )
    m.step()
    assert {
        "kind": "inject",
        "id": "drill",
        "text": "Snap NATO drill in the Baltic",
        "turn": 1,
        "date": "2020-Q2",
    } in run_events(m)


def _full_shapley(model, start, end):
    """Shapley values over all 2^G coalitions, every group combined (the reference the
    explanation's pruning of groups that did not move must reproduce)."""
    ref = (model.snapshots[start - 1] if start >= 1 else model.reference).tile(0, 1)
    first = (model.history[start - 1].levels if start >= 1 else model.initial_levels)[0]
    levels = np.repeat(first[None], len(_BITS), axis=0)
    for t in range(start + 1, end + 1):
        snap = coalitions(model.snapshots[t - 1].tile(0, 1), ref)
        snap.levels = levels
        levels = model.resolve(snap)
    f = levels - first[None]
    c = np.arange(2**G)
    size = _BITS.sum(axis=1)
    w = np.array([factorial(k) * factorial(G - k - 1) / factorial(G) for k in range(G)])
    out = [f[0]]
    for i in range(G):
        idx = c[~_BITS[:, i]]
        out.append((w[size[idx]][:, None, None] * (f[idx | (1 << i)] - f[idx])).sum(axis=0))
    return np.stack(out)


@pytest.mark.parametrize("window", [(0, 1), (6, 7), (3, 4), (0, 16)])
def test_groups_that_did_not_move_are_left_out_exactly(played, window):
    """Only the groups whose inputs moved are combined; the contributions equal those over
    all 2^G coalitions, and a group that did not move gets exactly zero."""
    c = explain(played, 0, *window)
    np.testing.assert_allclose(c, _full_shapley(played, *window), atol=1e-12)
    if window == (0, 1):  # no move yet, no shock: moves and enablers stand still
        assert not c[NAMES.index("moves")].any() and not c[NAMES.index("enablers")].any()


def test_a_withheld_consensus_is_credited_to_constraints_not_chance():
    """NATO's consensus draw goes with its institutional constraints: where members withhold
    consent the JPN-NATO exercise losses of the game are credited to constraints, and the
    consensus draws give chance nothing (the levels' own noise is the only chance left)."""
    setup = build("baseline", ["DEU.withhold_exercise=0.6", "FRA.withhold_exercise=0.4"])
    m = Ensemble(setup, seed=3, keep_snapshots=True).run(12)
    d, k = setup.dyads.index("JPN-NATO"), 2
    c = explain(m, 0, 0, m.turn)
    constraints, chance = NAMES.index("constraints"), NAMES.index("noise")
    assert c[constraints, d, k] < -0.05
    assert abs(c[chance, d, k]) < abs(c[constraints, d, k]) / 4
