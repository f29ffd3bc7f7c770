"""Designs: sweeps, grids, Latin hypercubes, Sobol and Morris samples, reproducible."""

from __future__ import annotations

import numpy as np
import pytest

from sim.inputs.setup import build
from sim.research.design import make_design


@pytest.fixture(scope="module")
def setup():
    return build("baseline")


def test_sweeps_cross_as_a_grid_with_replicates(setup):
    d = make_design(setup, 3, 0, ["DEU.china_caution=0.1:0.5:3", "GBR.china_caution=0.2:0.3:2"])
    assert d.runs == 18 and d.points == 6 and d.replicates == 3
    v = d.values["DEU.china_caution"]
    assert v.tolist()[:6] == [0.1] * 6 and sorted(set(v.tolist())) == [0.1, 0.3, 0.5]
    assert d.values["GBR.china_caution"].tolist()[:6] == [0.2] * 3 + [0.3] * 3


def test_bare_sweep_uses_config_range(setup):
    d = make_design(setup, 1, 0, ["DEU.china_caution"])
    lo, hi = setup.config.param_range("DEU", "china_caution")
    assert d.values["DEU.china_caution"].tolist() == np.linspace(lo, hi, 5).tolist()


def test_lhs_has_one_point_per_stratum_and_is_seeded(setup):
    keys = ["DEU.china_caution", "GBR.bandwidth"]
    a = make_design(setup, 50, 4, sample="lhs", params=keys)
    b = make_design(setup, 50, 4, sample="lhs", params=keys)
    c = make_design(setup, 50, 5, sample="lhs", params=keys)
    for k in keys:
        assert np.array_equal(a.values[k], b.values[k])
        assert not np.array_equal(a.values[k], c.values[k])
        lo, hi = setup.config.param_range(*k.split("."))
        strata = np.floor((a.values[k] - lo) / (hi - lo) * 50).astype(int)
        assert sorted(strata.tolist()) == list(range(50))


@pytest.mark.parametrize(
    "kind,runs,expected", [("sobol", 16, 16 * 4), ("morris", 5, 5 * 3), ("grid", 30, 25)]
)
def test_salib_and_grid_sizes_and_bounds(setup, kind, runs, expected):
    keys = ["DEU.china_caution", "JPN.bandwidth"]
    a = make_design(setup, runs, 2, sample=kind, params=keys)
    b = make_design(setup, runs, 2, sample=kind, params=keys)
    assert a.runs == expected
    for k, (lo, hi) in zip(keys, a.bounds, strict=True):
        assert (lo, hi) == tuple(setup.config.param_range(*k.split(".")))
        assert a.values[k].min() >= lo and a.values[k].max() <= hi
        assert np.array_equal(a.values[k], b.values[k])


def test_common_random_numbers_layout(setup):
    d = make_design(setup, 4, 0, sample="lhs", params=["DEU.china_caution"])
    c = d.common_random_numbers(3)
    assert c.runs == 12 and c.rng_runs().tolist() == [0, 1, 2] * 4
    assert (
        c.values["DEU.china_caution"].tolist()
        == np.repeat(d.values["DEU.china_caution"], 3).tolist()
    )
