"""Engine invariants: the ensemble axis, determinism, bounds."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.engine.model import Ensemble
from sim.inputs.setup import build
from tests.builders import overrides, seeds


def test_run_k_of_a_large_ensemble_equals_the_run_computed_alone(baseline):
    big = Ensemble(baseline, seed=42, runs=10_000).run()
    for k in (0, 1, 4321, 9999):
        alone = Ensemble(baseline, seed=42, runs=[k]).run()
        assert np.array_equal(big.level_history()[:, k], alone.level_history()[:, 0])
        assert np.array_equal(big.signed[k], alone.signed[0])
        for rb, ra in zip(big.history, alone.history, strict=True):
            assert np.array_equal(rb.activity[k], ra.activity[0])
            assert np.array_equal(rb.spent[k], ra.spent[0])


def test_chunking_does_not_change_runs(baseline):
    whole = Ensemble(baseline, seed=5, runs=range(0, 300)).run().level_history()
    parts = [
        Ensemble(baseline, seed=5, runs=range(lo, lo + 100)).run().level_history()
        for lo in (0, 100, 200)
    ]
    assert np.array_equal(whole, np.concatenate(parts, axis=1))


def test_runs_differ_and_seeds_differ(baseline):
    h = Ensemble(baseline, seed=1, runs=3).run().level_history()
    assert not np.array_equal(h[:, 0], h[:, 1])
    h2 = Ensemble(baseline, seed=2, runs=3).run().level_history()
    assert not np.array_equal(h, h2)


@settings(max_examples=25, deadline=None)
@given(ov=overrides(), seed=seeds, turns=st.integers(1, 12))
def test_levels_stay_on_the_scale_and_bandwidth_is_never_negative(ov, seed, turns):
    setup = build("baseline", ov, turns=turns)
    m = Ensemble(setup, seed=seed, runs=8).run()
    h = m.level_history()
    assert np.all(h >= 0) and np.all(h <= 5)
    for rec in m.history:
        assert np.all(rec.spent >= 0)
        for actor in m.actors:
            snap_bw = actor.effective_bandwidth(_snap(m))
            assert np.all(snap_bw >= 0)


@settings(max_examples=10, deadline=None)
@given(ov=overrides(max_size=2), seed=seeds)
def test_same_seed_gives_identical_history(ov, seed):
    setup = build("china-coercion", ov, turns=10)
    a = Ensemble(setup, seed=seed, runs=4).run()
    b = Ensemble(setup, seed=seed, runs=4).run()
    assert np.array_equal(a.level_history(), b.level_history())
    assert all(
        np.array_equal(x.activity, y.activity) for x, y in zip(a.history, b.history, strict=True)
    )


def test_levels_never_exceed_enabler_caps(baseline):
    """Levels stay under the caps of the missing agreements; on exercises, exercises the US
    leads come on top (`us_led_exercise`), and with none they stay under the caps too."""
    from sim.engine.actors import us_led_exercise

    pairs = baseline.pairs
    for setup in (baseline, build("baseline", ["MODEL.us.sponsored_exercise=0"])):
        m = Ensemble(setup, seed=9, runs=500, keep_snapshots=True)
        for _ in range(20):
            caps = m.caps()
            m.step()
            led = us_led_exercise(m.snapshots[-1], pairs[:, 0], pairs[:, 1])
            caps[..., 2] += np.maximum(led, 0.0)
            assert np.all(m.levels <= caps + 1e-12)


def _snap(m):
    from sim.engine.moves import MoveArrays

    R, D, K = m.levels.shape
    return m.snapshot(
        m.params,
        m.world.values,
        np.zeros((R, D, K)),
        np.zeros((R, K)),
        MoveArrays.neutral(D),
        np.ones(R),
    )
