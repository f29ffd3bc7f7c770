"""Conformance of how a level moves toward where the two offers meet (sim/engine/model.py, step 6):
a share `up` of a gap upward is closed per turn, a share `down` of a gap downward (ties are
sticky when down < up), plus `noise` times the run's level-noise draw, inside [0, cap]."""

from __future__ import annotations

import numpy as np
import pytest

from sim.engine.actors import us_led_exercise
from sim.engine.model import Ensemble
from sim.vocabulary import TRACKS

from .library import alone, setups

DIA = TRACKS.index("dialogue")


def one_turn(level: float, up: float, down: float, dyad: str = "JPN-GBR") -> np.ndarray:
    """The dialogue level of `dyad` after one quiet turn from `level`, for 4 runs."""
    setup = alone(setups()["baseline"])
    m = Ensemble(setup, seed=8, runs=4)
    m.track["up"][:] = up
    m.track["down"][:] = down
    m.track["noise"][:] = 0.0
    d = setup.dyads.index(dyad)
    m.levels = m.levels.copy()
    m.levels[:, d, DIA] = level
    m.step()
    return m.levels[:, d, DIA]


def test_a_level_below_the_target_closes_up_of_the_gap():
    target = one_turn(0.0, up=1.0, down=0.0)
    assert np.all(target > 0.5)
    for up in (0.1, 0.35):
        np.testing.assert_allclose(one_turn(0.0, up=up, down=1.0), up * target, atol=1e-12)


def test_a_level_above_the_target_closes_down_of_the_gap():
    target = one_turn(5.0, up=0.0, down=1.0)
    assert np.all(target < 4.9)
    for down in (0.05, 0.2):
        np.testing.assert_allclose(
            one_turn(5.0, up=1.0, down=down), 5.0 - down * (5.0 - target), atol=1e-12
        )


def test_ties_are_sticky_with_the_shipped_constants():
    """With the config's up and down (down < up on every track), a level falls more slowly
    than it rises over the same gap."""
    tr = setups()["baseline"].track
    assert np.all(tr["down"] < tr["up"])


@pytest.mark.parametrize("noise", [0.0, 0.3])
def test_levels_stay_between_zero_and_the_cap(noise):
    setup = setups()["baseline"]
    m = Ensemble(setup, seed=2, runs=200, keep_snapshots=True)
    m.track["noise"][:] = noise
    for _ in range(12):
        m.step()
        assert np.all(m.levels >= 0.0)
        # the caps the turn was played under (presence at sea moves them after the turn);
        # exercises the US leads come on top of a pair's caps (`us_led_exercise`)
        snap = m.snapshots[-1]
        top = snap.caps.copy()
        led = us_led_exercise(snap, setup.pairs[:, 0], setup.pairs[:, 1])
        top[..., TRACKS.index("exercise")] += np.maximum(led, 0.0)
        assert np.all(m.levels <= top + 1e-12)
