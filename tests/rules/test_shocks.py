"""Conformance of the shock rules, over every shock of every shipped scenario.

How a shock fires (`at:`, `when:`, `probability:`, injected; `once:`) and what its effects
do (`indices:`, `index_means:`, `params:` with `duration:`, `enablers:`) is documented in
scenarios/README.md › Shocks and implemented in sim/engine/shocks.py. Each test below states one
of those rules and fails when one line of the rule is broken (benchmarks/mutants.py).
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from sim.engine.model import Ensemble
from sim.errors import InputError
from sim.inputs.domains import PARAM_DOMAIN
from sim.inputs.schema import Shock, quarter_turn
from sim.inputs.setup import AI, EI, II, PI
from sim.vocabulary import INDICES, PARAMS

from .library import alone, fired_by_turn, setups, shock_ids, shocks, still

R = 6  # runs per property example
#: per-run state in [0, 1] that shocks move besides indices and parameters, with the
#: compiled shock's field that moves it (China's coercion of and retaliation against each
#: actor, the shared operations of each dyad)
STATES = (("coerced", "coercion"), ("retaliated", "retaliation"), ("missions", "missions"))


def _compiled(where):
    name, j = where
    setup = setups()[name]
    return setup, setup.shocks[j]


def _select(pred) -> list[tuple[str, int]]:
    return [w for w in shocks() if pred(_compiled(w)[1])]


def _ids(ws) -> list[str]:
    every = dict(zip(shocks(), shock_ids(), strict=True))
    return [every[w] for w in ws]


TIMED = _select(lambda cs: cs.turn is not None)
CONDITIONAL = _select(lambda cs: cs.shock.when is not None)
RANDOM = _select(lambda cs: cs.shock.probability is not None)
TEMPORARY = _select(lambda cs: cs.shock.duration is not None and cs.params)


def test_the_library_has_shocks_of_every_kind():
    """The suites below are parametrized over these lists: none may be empty."""
    assert len(shocks()) >= 50
    assert TIMED and CONDITIONAL and RANDOM and TEMPORARY
    assert _select(lambda cs: cs.injected_only) and _select(lambda cs: cs.enablers)


# ------------------------------------------------------------------------------- names


def test_shock_ids_are_unique_across_the_whole_library():
    """A facilitator injects shocks by id from one menu that gathers the shocks of every
    shipped scenario (`Game.library`), so an id names one shock in the whole library."""
    where = defaultdict(list)
    for name, setup in setups().items():
        for cs in setup.shocks:
            where[cs.shock.id].append(name)
    repeated = {sid: names for sid, names in where.items() if len(names) > 1}
    assert not repeated, f"shock ids used in more than one scenario: {repeated}"


@pytest.mark.parametrize("scenario", ["classroom", "baseline", "russia-aggression"])
def test_the_inject_menu_offers_each_shipped_shock_under_its_own_id(scenario):
    from sim.game.game import Game

    menu = Game(scenario).library()
    game = setups()[scenario]
    offered = 0
    for name, j in shocks():
        s = setups()[name].shocks[j].shock
        try:
            game.compile_shock(s)
        except InputError:
            assert s.id not in menu or menu[s.id] != s  # does not fit this game's dyads
            continue
        assert menu[s.id] == s, f"{name}:{s.id} is hidden by another shock with its id"
        offered += 1
    assert offered == len(menu)


# ----------------------------------------------------------------------------- effects


def _unit(shape):
    return hnp.arrays(float, shape, elements=st.floats(0.0, 1.0))


@pytest.mark.parametrize("where", shocks(), ids=shock_ids())
@settings(max_examples=20, deadline=None)
@given(data=st.data())
def test_effects_stay_in_domain_and_temporary_ones_revert_exactly(where, data):
    """From any starting state inside the domains, a shock leaves every parameter inside
    `PARAM_DOMAIN` and every index and long-run mean inside [0, 1]; a shock with
    `duration: N` keeps its parameter effects for N turns and then restores the exact
    starting values (nothing else changed them)."""
    setup, cs = _compiled(where)
    m = Ensemble(alone(setup), seed=0, runs=R)
    m.world.values = data.draw(_unit((R, len(INDICES))))
    m.world.mean = data.draw(_unit((R, len(INDICES))))
    for a, p, _op, _value in cs.params:
        lo, hi = PARAM_DOMAIN[PARAMS[p]]
        m.params[:, a, p] = data.draw(hnp.arrays(float, (R,), elements=st.floats(lo, hi)))
    for state, _field in STATES:
        setattr(m, state, data.draw(_unit(getattr(m, state).shape)))
    start = m.params.copy()
    m.shocks.inject(cs)
    m.shocks.apply(m, 1)
    for p, name in enumerate(PARAMS):
        lo, hi = PARAM_DOMAIN[name]
        assert np.all((m.params[:, :, p] >= lo) & (m.params[:, :, p] <= hi)), name
    for arr in (m.world.values, m.world.mean, *(getattr(m, state) for state, _ in STATES)):
        assert np.all((arr >= 0.0) & (arr <= 1.0))
    after = m.params.copy()
    duration = cs.shock.duration or 0
    for t in range(2, 2 + duration):
        m.shocks.apply(m, t)
        if t < 1 + duration:
            assert np.array_equal(m.params, after), f"reverted early, at turn {t}"
    assert np.array_equal(m.params, start if duration else after)


@settings(max_examples=60, deadline=None)
@given(
    data=st.data(),
    actor=st.sampled_from(["JPN", "GBR", "FRA", "DEU", "NATO"]),
    dyad=st.sampled_from(["JPN-GBR", "JPN-FRA", "JPN-DEU", "JPN-NATO"]),
    size=st.floats(-1.0, 1.0),
)
def test_coercion_retaliation_and_missions_stay_in_the_unit_interval(data, actor, dyad, size):
    """Shocks that aim China's coercion or retaliation at an actor, or change a dyad's
    shared operations, keep those states in [0, 1] from any starting state."""
    m = Ensemble(alone(setups()["baseline"]), seed=0, runs=R)
    for state, _field in STATES:
        setattr(m, state, data.draw(_unit(getattr(m, state).shape)))
    start = {state: getattr(m, state).copy() for state, _ in STATES}
    m.shocks.inject(
        Shock(
            id="china-acts",
            name="China acts",
            coercion={actor: size},
            retaliation={actor: size},
            missions={dyad: size},
        )
    )
    m.shocks.apply(m, 1)
    for state, _field in STATES:
        now = getattr(m, state)
        assert np.all((now >= 0.0) & (now <= 1.0)), state
        col = (
            slice(None),
            setups()["baseline"].dyads.index(dyad) if state == "missions" else AI[actor],
        )
        np.testing.assert_allclose(now[col], np.clip(start[state][col] + size, 0, 1), atol=1e-12)


@pytest.mark.parametrize("where", shocks(), ids=shock_ids())
def test_effects_are_what_the_file_says(where):
    """From a state with room to move, `indices:` add to the index, `index_means:` to its
    mean, and `add`/`mul`/`set` do exactly that to the parameter, in every run."""
    setup, cs = _compiled(where)
    m = Ensemble(alone(setup), seed=0, runs=R)
    m.world.values[:] = 0.5
    m.world.mean[:] = 0.5
    for a, p, _op, _value in cs.params:
        lo, hi = PARAM_DOMAIN[PARAMS[p]]
        m.params[:, a, p] = lo + 0.4 * (hi - lo)
    for state, _field in STATES:
        setattr(m, state, np.full_like(getattr(m, state), 0.5))
    before = m.params.copy()
    m.shocks.inject(cs)
    m.shocks.apply(m, 1)
    s = cs.shock
    for k in INDICES:
        want = np.clip(0.5 + s.indices.get(k, 0.0), 0, 1)
        np.testing.assert_allclose(m.world.values[:, II[k]], want, atol=1e-12)
        np.testing.assert_allclose(
            m.world.mean[:, II[k]], np.clip(0.5 + s.index_means.get(k, 0.0), 0, 1), atol=1e-12
        )
    for state, field in STATES:
        want = np.clip(0.5 + getattr(cs, field)[None], 0, 1)
        np.testing.assert_allclose(
            getattr(m, state), np.broadcast_to(want, (R, want.shape[1])), atol=1e-12
        )
    for key, eff in s.params.items():
        a, p = key.split(".")
        old = before[:, AI[a], PI[p]]
        want = (
            old + eff.add
            if eff.add is not None
            else old * eff.mul
            if eff.mul is not None
            else np.full_like(old, eff.set)
        )
        np.testing.assert_allclose(m.params[:, AI[a], PI[p]], np.clip(want, *PARAM_DOMAIN[p]))


_EFFECT = {"add": st.floats(0.01, 0.1), "mul": st.floats(1.05, 1.3), "set": st.floats(0.05, 0.2)}


@st.composite
def _temporary(draw):
    op = draw(st.sampled_from(sorted(_EFFECT)))
    value = draw(_EFFECT[op])
    return op, value, draw(st.integers(1, 5))


@settings(max_examples=150, deadline=None)
@given(a=_temporary(), b=_temporary(), gap=st.integers(0, 6), v=st.floats(0.3, 0.4))
def test_overlapping_temporary_shocks_on_one_parameter_revert_on_time(a, b, gap, v):
    """Two temporary shocks on DEU.china_caution, the second `gap` turns after the first:
    the value changes only on the turns a shock applies or ends (turn + duration), and
    comes back to where it started once both have ended. With increases only (add, mul)
    it is above the start exactly while a shock is on."""
    (op_a, val_a, d_a), (op_b, val_b, d_b) = a, b
    if op_a == "set":
        val_a += v
    if op_b == "set":
        val_b += v
    base = setups()["baseline"]
    m = Ensemble(alone(base), seed=0, runs=2)
    col = (slice(None), AI["DEU"], PI["china_caution"])
    m.params[col] = v
    t_a, t_b = 1, 1 + gap
    sa = Shock(id="a", name="a", duration=d_a, params={"DEU.china_caution": {op_a: val_a}})
    sb = Shock(id="b", name="b", duration=d_b, params={"DEU.china_caution": {op_b: val_b}})
    end = max(t_a + d_a, t_b + d_b)
    values = [m.params[col].copy()]
    for t in range(1, end + 3):
        if t == t_a:
            m.shocks.inject(sa)
        if t == t_b:
            m.shocks.inject(sb)
        m.shocks.apply(m, t)
        values.append(m.params[col].copy())
    events = {t_a, t_b, t_a + d_a, t_b + d_b}
    for t in range(1, end + 3):
        if t not in events:
            assert np.array_equal(values[t], values[t - 1]), f"changed at turn {t}"
    for t in range(end, end + 3):
        np.testing.assert_allclose(values[t], v, atol=1e-12)
    if "set" not in (op_a, op_b):
        for t in range(1, end + 3):
            on = t_a <= t < t_a + d_a or t_b <= t < t_b + d_b
            if on:
                assert np.all(values[t] > v), f"no shock effect left at turn {t}"
            else:
                np.testing.assert_allclose(values[t], v, atol=1e-12)


# -------------------------------------------------------------------- timed and injected


@pytest.mark.parametrize("where", TIMED, ids=_ids(TIMED))
def test_timed_shock_fires_exactly_at_its_turn(where):
    """`at: 2021-Q1` (a quarter) or `at: 4` (a turn) fires in every run at that turn and at
    no other; a date before the start fires at turn 1."""
    setup, cs = _compiled(where)
    s = cs.shock
    want = quarter_turn(setup.scenario.start, s.at) if isinstance(s.at, str) else s.at
    assert cs.turn == max(1, want)
    turns = min(setup.turns, cs.turn + 2)
    fired = fired_by_turn(alone(setup, cs), range(8), turns)[:, :, 0]  # (T, R)
    for t in range(1, turns + 1):
        if t == cs.turn:
            assert fired[t - 1].all()
        elif s.when is None and s.probability is None:
            assert not fired[t - 1].any(), f"fired again at turn {t}"


def test_turn_and_quarter_forms_name_the_same_turn():
    base = setups()["baseline"]
    start = base.scenario.start  # 2020-Q1
    by_turn = base.compile_shock(Shock(id="t", name="t", at=3, indices={"nk_provocation": 0.1}))
    by_date = base.compile_shock(
        Shock(id="q", name="q", at="2020-Q4", indices={"nk_provocation": 0.1})
    )
    early = base.compile_shock(
        Shock(id="e", name="e", at="2018-Q2", indices={"nk_provocation": 0.1})
    )
    assert start == "2020-Q1" and by_turn.turn == by_date.turn == 3 and early.turn == 1
    fired = fired_by_turn(alone(base, by_turn, by_date, early), range(4), 5)
    assert fired[2, :, :2].all() and not fired[[0, 1, 3, 4], :, :2].any()
    assert fired[0, :, 2].all() and not fired[1:, :, 2].any()


def test_transcript_russian_offensive_in_2021_q1():
    """'A Russian-aggression shock at 2021-Q1 raises russian_aggression by 0.3 in every run
    that turn' (up to the index's ceiling of 1; scenarios/russia-aggression.yaml), compared
    with the same runs without it."""
    setup = setups()["russia-aggression"]
    cs = next(c for c in setup.shocks if c.shock.id == "russian-offensive")
    t = quarter_turn(setup.scenario.start, "2021-Q1")
    runs = range(300)
    on = Ensemble(alone(setup, cs), seed=5, runs=runs).run(t + 1)
    off = Ensemble(alone(setup), seed=5, runs=runs).run(t + 1)
    ra = II["russian_aggression"]
    for turn in range(1, t):
        assert np.array_equal(on.history[turn - 1].world, off.history[turn - 1].world)
    w_on, w_off = on.history[t - 1].world[:, ra], off.history[t - 1].world[:, ra]
    room = w_off <= 0.7
    assert room.mean() > 0.9
    np.testing.assert_allclose(w_on[room] - w_off[room], 0.3, atol=1e-12)
    assert np.all(w_on[~room] == 1.0)  # up to the top of the index's scale
    assert on.history[t - 1].fired[:, 0].all()
    assert not np.array_equal(on.history[t].world[:, ra], off.history[t].world[:, ra])
    np.testing.assert_allclose(on.world.mean[:, ra] - off.world.mean[:, ra], 0.2, atol=1e-12)
    for key, add in (("DEU.russia_priority", 0.08), ("FRA.russia_priority", 0.1)):
        a, p = key.split(".")
        np.testing.assert_allclose(
            on.params[:, AI[a], PI[p]] - off.params[:, AI[a], PI[p]], add, atol=1e-12
        )


def test_an_injected_shock_applies_at_the_next_step_and_only_then():
    """Classroom: the facilitator injects 'takeover-in-europe' after turn 2; nothing changes
    until the next step, which applies it once (Germany's caution −0.1, threat +0.1)."""
    setup = setups()["classroom"]
    m = Ensemble(setup, seed=2, runs=5).run(2)
    caution = (slice(None), AI["DEU"], PI["china_caution"])
    threat = (slice(None), AI["DEU"], PI["china_threat"])
    c0, th0, w0 = m.params[caution].copy(), m.params[threat].copy(), m.world.values.copy()
    m.inject("takeover-in-europe")
    assert np.array_equal(m.params[caution], c0) and np.array_equal(m.world.values, w0)
    m.step()
    assert m.history[-1].injected == ["takeover-in-europe"]
    np.testing.assert_allclose(m.params[caution], c0 - 0.1, atol=1e-12)
    np.testing.assert_allclose(m.params[threat], th0 + 0.1, atol=1e-12)
    c1 = m.params[caution].copy()
    m.step()
    assert m.history[-1].injected == []
    assert np.array_equal(m.params[caution], c1)


def test_an_injected_index_shock_moves_the_index_that_turn_in_every_run():
    setup = setups()["classroom"]
    runs = range(50)
    on = Ensemble(setup, seed=4, runs=runs).run(3)
    off = Ensemble(setup, seed=4, runs=runs).run(3)
    on.inject("russia-moves")
    on.step()
    off.step()
    ra = II["russian_aggression"]
    assert np.all(off.world.values[:, ra] < 0.75)
    np.testing.assert_allclose(on.world.values[:, ra] - off.world.values[:, ra], 0.25, atol=1e-12)


def test_injecting_an_unknown_shock_is_an_input_error_and_queues_nothing():
    m = Ensemble(setups()["classroom"], seed=0, runs=1)
    with pytest.raises(InputError, match="unknown shock 'no-such-shock'.*allowed: scs-standoff"):
        m.inject("no-such-shock")
    assert m.shocks.queue == []


# ----------------------------------------------------------------------- conditional


def _holding(cond) -> float:
    return (cond.above + 1.0) / 2 if cond.above is not None else cond.below / 2


@pytest.mark.parametrize("where", CONDITIONAL, ids=_ids(CONDITIONAL))
def test_once_fires_at_most_once_while_its_condition_stays_true(where):
    setup, cs = _compiled(where)
    cond = cs.shock.when
    world = still(alone(setup, cs), **{cond.index: _holding(cond)})
    fired = fired_by_turn(world, range(4), 6)[:, :, 0]
    assert fired[0].all()
    if cs.shock.once:
        assert not fired[1:].any()
    else:
        assert fired.all()


@pytest.mark.parametrize("once", [True, False])
def test_a_repeating_conditional_shock_fires_every_turn_its_condition_holds(once):
    base = setups()["baseline"]
    s = Shock(id="hot", name="hot", once=once, when={"index": "nk_provocation", "above": 0.5})
    world = still(alone(base, base.compile_shock(s)), nk_provocation=0.8)
    fired = fired_by_turn(world, range(3), 5)[:, :, 0]
    assert fired.sum(axis=0).tolist() == [1 if once else 5] * 3


@pytest.mark.parametrize("where", CONDITIONAL, ids=_ids(CONDITIONAL))
@settings(max_examples=30, deadline=None)
@given(values=hnp.arrays(float, (8,), elements=st.floats(0.0, 1.0)))
def test_when_fires_in_exactly_the_runs_where_its_condition_holds(where, values):
    setup, cs = _compiled(where)
    cond = cs.shock.when
    m = Ensemble(still(alone(setup, cs)), seed=0, runs=8)
    i = II[cond.index]
    m.world.values[:, i] = values
    m.world.mean[:, i] = values
    m.step()
    holds = values > cond.above if cond.above is not None else values < cond.below
    assert np.array_equal(m.history[-1].fired[:, 0], holds)


# ----------------------------------------------------------------------------- random


def _bounds(n: int, p: float) -> tuple[float, float]:
    """Five standard deviations of a binomial(n, p) count around its mean."""
    sd = np.sqrt(n * p * (1 - p))
    return n * p - 5 * sd, n * p + 5 * sd


@pytest.mark.parametrize("where", RANDOM, ids=_ids(RANDOM))
def test_random_shock_fires_at_its_stated_rate_and_once(where):
    """Over N runs, a `probability: p` shock fires in about N·p runs at turn 1 and, being
    `once`, in about N·(1 − (1 − p)^T) runs by turn T, never twice in a run."""
    setup, cs = _compiled(where)
    s = cs.shock
    assert cs.turn is None and s.when is None
    n, turns, p = 5000, 8, s.probability
    j = setup.shocks.index(cs)
    fired = fired_by_turn(setup, range(n), turns, seed=11)[:, :, j]  # (T, N)
    lo, hi = _bounds(n, p)
    assert lo <= fired[0].sum() <= hi
    per_run = fired.sum(axis=0)
    lo, hi = _bounds(n, 1 - (1 - p) ** turns)
    assert lo <= (per_run > 0).sum() <= hi
    if s.once:
        assert per_run.max() <= 1
    else:
        assert per_run.max() > 1


@pytest.mark.parametrize("where", RANDOM, ids=_ids(RANDOM))
def test_random_shocks_fire_in_the_same_runs_in_an_ensemble_and_alone(where):
    setup, _cs = _compiled(where)
    ensemble = fired_by_turn(setup, range(400), 12, seed=3)  # (T, R, S)
    hit = np.flatnonzero(ensemble.any(axis=(0, 2)))
    assert len(hit) > 0
    for k in [*hit[:3], 0, 399]:
        assert np.array_equal(ensemble[:, k], fired_by_turn(setup, [k], 12, seed=3)[:, 0])


def test_two_random_shocks_draw_independently():
    base = setups()["baseline"]
    coins = [
        base.compile_shock(Shock(id=f"coin-{c}", name=c, probability=0.5, once=False)) for c in "ab"
    ]
    fired = fired_by_turn(alone(base, *coins), range(2000), 3)  # (T, R, 2)
    n = fired[..., 0].size
    for j in (0, 1):
        lo, hi = _bounds(n, 0.5)
        assert lo <= fired[..., j].sum() <= hi
    lo, hi = _bounds(n, 0.5)
    assert lo <= (fired[..., 0] == fired[..., 1]).sum() <= hi


def test_a_random_shock_is_drawn_anew_each_turn():
    base = setups()["baseline"]
    coin = base.compile_shock(Shock(id="coin", name="coin", probability=0.5, once=False))
    fired = fired_by_turn(alone(base, coin), range(2000), 4)[:, :, 0]
    lo, hi = _bounds(fired[0].size, 0.5)
    for t in range(1, 4):
        assert lo <= (fired[t] == fired[0]).sum() <= hi


# ---------------------------------------------------------------------------- enablers


def _act(model, action: str, key: str, turn: int = 1):
    model.shocks.inject(Shock(id=f"{action}-it", name=action, enablers={key: action}))
    return model.shocks.apply(model, turn)[2]


def _cell(model, key):
    d, _, e = key.partition(".")
    return model.setup.dyads.index(d), EI[e]


def test_sign_concludes_the_agreement_and_ends_its_talks():
    m = Ensemble(alone(setups()["baseline"]), seed=0, runs=R)
    d, e = _cell(m, "JPN-DEU.isa")
    assert m.negotiating[:, d, e].all() and not m.signed[:, d, e].any()
    cap_before = m.caps()
    signed_now = _act(m, "sign", "JPN-DEU.isa")
    assert m.signed[:, d, e].all() and not m.negotiating[:, d, e].any()
    assert signed_now[:, d, e].all() and signed_now.sum() == R
    assert (m.caps() >= cap_before).all()
    again = _act(m, "sign", "JPN-DEU.isa", turn=2)
    assert not again.any()  # already signed: no new signature event


def test_negotiate_opens_talks_only_where_nothing_is_signed():
    m = Ensemble(alone(setups()["baseline"]), seed=0, runs=R)
    d, e = _cell(m, "JPN-GBR.raa")
    assert not m.negotiating[:, d, e].any()
    _act(m, "negotiate", "JPN-GBR.raa")
    assert m.negotiating[:, d, e].all() and not m.signed[:, d, e].any()
    d2, e2 = _cell(m, "JPN-GBR.isa")
    assert m.signed[:, d2, e2].all()
    _act(m, "negotiate", "JPN-GBR.isa", turn=2)
    assert not m.negotiating[:, d2, e2].any()


def test_block_and_unblock_set_the_blocker():
    m = Ensemble(alone(setups()["baseline"]), seed=0, runs=R)
    d, e = _cell(m, "JPN-GBR.raa")
    assert np.all(m.blockers[:, d, e] == 0.95)
    _act(m, "unblock", "JPN-GBR.raa")
    assert np.all(m.blockers[:, d, e] == 0.0)
    _act(m, "block", "JPN-GBR.raa", turn=2)
    assert np.all(m.blockers[:, d, e] == 1.0)


@pytest.mark.parametrize("action", ["sign", "negotiate", "block", "unblock"])
def test_actions_on_agreements_that_do_not_apply_to_the_pair_change_nothing(action):
    """JPN-NATO has no RAA (n/a in config/dyads.yaml): acting on it is ignored."""
    m = Ensemble(alone(setups()["baseline"]), seed=0, runs=R)
    d, e = _cell(m, "JPN-NATO.raa")
    assert not m.setup.applicable[d, e]
    state = [m.signed.copy(), m.negotiating.copy(), m.blockers.copy(), m.caps()]
    signed_now = _act(m, action, "JPN-NATO.raa")
    assert not signed_now.any()
    for before, now in zip(state, [m.signed, m.negotiating, m.blockers, m.caps()], strict=True):
        assert np.array_equal(before, now)


@pytest.mark.parametrize(
    "where", _select(lambda cs: cs.enablers), ids=_ids(_select(lambda cs: cs.enablers))
)
def test_every_shipped_enabler_effect_does_what_it_says(where):
    setup, cs = _compiled(where)
    m = Ensemble(alone(setup), seed=0, runs=R)
    m.shocks.inject(cs)
    m.shocks.apply(m, 1)
    for d, e, action in cs.enablers:
        if not setup.applicable[d, e]:
            continue
        if action == "sign":
            assert m.signed[:, d, e].all() and not m.negotiating[:, d, e].any()
        elif action == "negotiate":
            assert (m.negotiating[:, d, e] | m.signed[:, d, e]).all()
        else:
            assert np.all(m.blockers[:, d, e] == (1.0 if action == "block" else 0.0))
