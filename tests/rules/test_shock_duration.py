"""A shock's `duration:` takes its parameter effects back exactly at turn + duration."""

import numpy as np
import pytest

from sim.engine.model import Ensemble
from sim.inputs.schema import Shock
from sim.inputs.setup import AI, PI, build


@pytest.mark.parametrize("op,value", [("add", 0.2), ("mul", 0.55), ("set", 0.9)])
def test_duration_restores_the_parameter_exactly(op, value):
    setup = build("baseline")
    m = Ensemble(setup, seed=1, runs=3)
    key = "DEU.china_caution" if op != "mul" else "GBR.bandwidth"
    a, p = (AI[key.split(".")[0]], PI[key.split(".")[1]])
    before = m.params[:, a, p].copy()
    m.inject(Shock(id="tmp", name="temporary", at=None, duration=3, params={key: {op: value}}))
    m.step()  # turn 1: the shock applies
    during = m.params[:, a, p].copy()
    assert not np.array_equal(during, before)
    m.step()
    m.step()
    assert np.array_equal(m.params[:, a, p], during)  # still on at turns 2 and 3
    m.step()  # turn 4 = 1 + duration: taken back
    assert np.array_equal(m.params[:, a, p], before)


def test_brexit_squeeze_gives_the_uk_its_bandwidth_back():
    setup = build("brexit-bandwidth")
    m = Ensemble(setup, seed=0, runs=2)
    a, p = AI["GBR"], PI["bandwidth"]
    base = m.params[:, a, p].copy()
    m.run(5)
    assert np.all(m.params[:, a, p] < base)
    m.run(8)
    assert np.array_equal(m.params[:, a, p], base)
