"""Smoke test: every shipped scenario loads, runs a few seeded runs and stays on the scale."""

import pathlib

import numpy as np
import pytest

from sim.engine.model import Ensemble
from sim.engine.results import run_json
from sim.inputs.setup import build

SCENARIOS = sorted(
    p.stem for p in (pathlib.Path(__file__).resolve().parent.parent / "scenarios").glob("*.yaml")
)


def test_the_library_is_not_empty():
    assert "baseline" in SCENARIOS


@pytest.mark.parametrize("name", SCENARIOS)
def test_scenario_runs(name):
    setup = build(name)
    m = Ensemble(setup, seed=1, runs=16).run()
    h = m.level_history()
    assert h.shape == (setup.turns + 1, 16, len(setup.dyads), 3)
    assert np.all((h >= 0) & (h <= 5)) and np.isfinite(h).all()
    doc = run_json(Ensemble(setup, seed=1, runs=[3]).run())
    assert doc["final"] == run_json(Ensemble(setup, seed=1, runs=[3]).run())["final"]
