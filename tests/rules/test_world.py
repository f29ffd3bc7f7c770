"""Conformance of the world indices (sim/engine/world.py, config/world.yaml): each turn an index
moves `reversion` of the way to its long-run mean, takes a normal step of size `noise`
from its own random stream, and stays in [0, 1]; shocks move it (`indices:`) or its mean
(`index_means:`)."""

from __future__ import annotations

import dataclasses

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from sim.engine.model import Ensemble
from sim.engine.rng import Site, Stream, run_keys
from sim.engine.world import World
from sim.inputs.schema import Shock
from sim.vocabulary import INDICES

from .library import alone, setups

N_IDX = len(INDICES)
unit = st.floats(0.0, 1.0)


def _world(initial, mean, reversion, noise, runs=4) -> World:
    setup = dataclasses.replace(
        setups()["baseline"],
        world_initial=np.asarray(initial, float),
        world_mean=np.asarray(mean, float),
        world_reversion=np.asarray(reversion, float),
        world_noise=np.asarray(noise, float),
    )
    return World(setup, runs)


@settings(max_examples=100, deadline=None)
@given(
    initial=hnp.arrays(float, N_IDX, elements=unit),
    mean=hnp.arrays(float, N_IDX, elements=unit),
    reversion=hnp.arrays(float, N_IDX, elements=unit),
    turns=st.integers(1, 6),
)
def test_without_noise_an_index_closes_reversion_of_its_gap_to_the_mean_each_turn(
    initial, mean, reversion, turns
):
    w = _world(initial, mean, reversion, np.zeros(N_IDX))
    stream = Stream(run_keys(0, range(4)))
    for t in range(1, turns + 1):
        before = w.values.copy()
        w.advance(stream, t)
        np.testing.assert_allclose(w.values, before + reversion * (mean - before), atol=1e-15)
        # toward the mean, never past it
        assert np.all(np.abs(w.values - mean) <= np.abs(before - mean) + 1e-15)


def test_transcript_china_assertiveness_reverts_halfway_in_one_turn():
    """An index at 0.9 with mean 0.5 and reversion 0.5 is at 0.7 after one turn, 0.6 after
    two, in every run."""
    w = _world([0.9] * N_IDX, [0.5] * N_IDX, [0.5] * N_IDX, [0.0] * N_IDX, runs=3)
    stream = Stream(run_keys(1, range(3)))
    w.advance(stream, 1)
    np.testing.assert_allclose(w.values, 0.7)
    w.advance(stream, 2)
    np.testing.assert_allclose(w.values, 0.6)


@settings(max_examples=60, deadline=None)
@given(
    initial=hnp.arrays(float, N_IDX, elements=unit),
    mean=hnp.arrays(float, N_IDX, elements=unit),
    seed=st.integers(0, 2**32),
)
def test_indices_stay_in_the_unit_interval_even_with_the_largest_noise(initial, mean, seed):
    w = _world(initial, mean, np.full(N_IDX, 0.05), np.full(N_IDX, 0.5), runs=50)
    stream = Stream(run_keys(seed, range(50)))
    for t in range(1, 6):
        w.advance(stream, t)
        assert np.all((w.values >= 0.0) & (w.values <= 1.0))
    assert (w.values == 0.0).any() or (w.values == 1.0).any()  # the clip did bite


@settings(max_examples=30, deadline=None)
@given(
    noise=hnp.arrays(float, N_IDX, elements=st.floats(0.0, 0.05)),
    seed=st.integers(0, 2**32),
    turn=st.integers(1, 40),
)
def test_the_noise_step_is_noise_times_the_worlds_own_normal_draw(noise, seed, turn):
    """With no reversion and room on both sides, one turn's step is exactly
    `noise · z` with z the run's standard normal at (turn, Site.WORLD)."""
    runs = range(20)
    w = _world([0.5] * N_IDX, [0.5] * N_IDX, np.zeros(N_IDX), noise, runs=20)
    stream = Stream(run_keys(seed, runs))
    z = stream.normal(turn, Site.WORLD, (N_IDX,))
    w.advance(stream, turn)
    inside = np.abs(noise * z) < 0.5
    np.testing.assert_allclose((w.values - 0.5)[inside], (noise * z)[inside], atol=1e-15)


def test_noise_scale_is_the_standard_deviation_of_a_turns_step():
    noise = np.array([0.01, 0.02, 0.04, 0.06, 0.08, 0.1])
    w = _world([0.5] * N_IDX, [0.5] * N_IDX, np.zeros(N_IDX), noise, runs=20000)
    w.advance(Stream(run_keys(9, range(20000))), 1)
    sd = (w.values - 0.5).std(axis=0)
    np.testing.assert_allclose(sd, noise, rtol=0.03)


def test_index_means_shift_the_long_run_level():
    """A shock with `index_means: {china_assertiveness: 0.2}` moves the mean by 0.2 and,
    without noise, the index converges there (a lasting change, unlike `indices:`)."""
    base = setups()["baseline"]
    ca = INDICES.index("china_assertiveness")
    quiet = dataclasses.replace(alone(base), world_noise=np.zeros(N_IDX), turns=200)
    m = Ensemble(quiet, seed=0, runs=3)
    start_mean = m.world.mean[:, ca].copy()
    m.inject(Shock(id="lasting", name="lasting", index_means={"china_assertiveness": 0.2}))
    m.run(200)
    np.testing.assert_allclose(m.world.mean[:, ca], start_mean + 0.2, atol=1e-12)
    np.testing.assert_allclose(m.world.values[:, ca], start_mean + 0.2, atol=1e-6)
    jolt = Ensemble(quiet, seed=0, runs=3)
    jolt.inject(Shock(id="jolt", name="jolt", indices={"china_assertiveness": 0.2}))
    jolt.run(200)
    np.testing.assert_allclose(jolt.world.values[:, ca], start_mean, atol=1e-6)


def test_world_paths_depend_only_on_the_run_key():
    setup = setups()["baseline"]
    big = Ensemble(setup, seed=21, runs=range(300)).run(10)
    again = Ensemble(setup, seed=21, runs=range(300)).run(10)
    one = Ensemble(setup, seed=21, runs=[123]).run(10)
    other = Ensemble(setup, seed=22, runs=[123]).run(10)
    assert np.array_equal(big.world.values, again.world.values)
    assert np.array_equal(big.world.values[123], one.world.values[0])
    assert not np.array_equal(one.world.values, other.world.values)
    assert not np.array_equal(big.world.values[0], big.world.values[1])
