"""EMA Workbench adapter and scenario discovery (PRIM and CART)."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest

from tests.batch.conftest import one_error_line


@pytest.fixture(autouse=True)
def quiet_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def test_perform_experiments_works_as_is_and_analyses_run():
    from ema_workbench import perform_experiments
    from ema_workbench.analysis import feature_scoring
    from SALib.analyze import sobol

    import sim.ema

    model = sim.ema.ema_model("baseline", turns=6)
    assert len(model.uncertainties) > 40 and len(model.levers) == 20
    experiments, outcomes = perform_experiments(model, scenarios=24)
    assert len(experiments) == 24 and outcomes["JPN-DEU.exercise"].shape == (24,)
    # outcomes are the engine's: replay one experiment directly
    from sim.engine.model import WargameModel
    from sim.inputs.setup import build

    row = experiments.iloc[5]
    names = [u.name for u in model.uncertainties]
    m = WargameModel(
        build("baseline", turns=6), seed=0, run_params={k: np.array([row[k]]) for k in names}
    ).run()
    assert outcomes["JPN-DEU.exercise"][5] == m.levels[0, 2, 2]
    scores = feature_scoring.get_feature_scores_all(experiments[names], outcomes)
    assert "DEU.china_caution" in scores.index
    # SALib on a Sobol sample drawn by EMA's sampler
    small = sim.ema.ema_model(
        "baseline", turns=4, params=["DEU.china_caution", "JPN.china_caution"]
    )
    from ema_workbench import Samplers

    exp, out = perform_experiments(small, scenarios=32, uncertainty_sampling=Samplers.SOBOL)
    from ema_workbench.em_framework.salib_samplers import get_SALib_problem

    si = sobol.analyze(
        get_SALib_problem(small.uncertainties),
        out["JPN-DEU.exercise"],
        calc_second_order=True,
        seed=1,
    )
    assert np.isfinite(si["ST"]).all()


def test_levers_are_move_policies():
    from ema_workbench import Sample, perform_experiments

    import sim.ema

    model = sim.ema.ema_model("baseline", turns=8, params=["DEU.china_caution"])
    scen = Sample("mid", **{"DEU.china_caution": 0.8})
    pols = [
        Sample("none"),
        Sample("push", **{"JPN.exercise_with": "DEU", "DEU.exercise_with": "JPN"}),
    ]
    exp, out = perform_experiments(model, scenarios=[scen], policies=pols)
    assert out["JPN-DEU.exercise"][1] > out["JPN-DEU.exercise"][0]


def test_discover_finds_germanys_china_caution(tmp_path, wargame):
    import sim

    out = tmp_path / "d"
    args = [
        "discover",
        "baseline",
        "--runs",
        "400",
        "--turns",
        "20",
        "--params",
        "DEU.china_caution,GBR.bandwidth,FRA.bandwidth",
        "--workers",
        "1",
        "--quiet",
        "--prior",  # a Latin hypercube of the three ranges named
        "--out",
        out,
    ]
    r = wargame(*args, "--where", "JPN-DEU.exercise < 5")
    assert r.exit_code == 0, r.output
    assert "400 of 400 runs" in r.output and "no boxes" in r.output
    # ask about the lowest fifth of Japan–Germany exercises: the same runs are reused
    low = float(sim.open_results(out).final_levels()["JPN-DEU.exercise"].quantile(0.2))
    r = wargame(*args, "--where", f"JPN-DEU.exercise < {low:.4f}")
    assert r.exit_code == 0, r.output
    res = json.loads((out / "discovery.json").read_text())
    assert 60 <= res["cases"] <= 100
    prim = res["prim"]
    names = [row["param"] for row in prim["limits"]]
    assert names[0] == "DEU.china_caution"  # the brake the report names (Ch5 › Germany)
    assert prim["limits"][0]["low"] > 0.7 and prim["density"] > 2 * res["share"]
    assert res["cart"] and res["cart"][0]["limits"][0]["param"] == "DEU.china_caution"
    assert "PRIM box: coverage" in r.output and "CART leaf 1" in r.output
    html = (out / "discovery.html").read_text()
    assert "peeling trajectory" in html and html.count("data:image/png;base64,") >= 3


@pytest.mark.parametrize(
    "where,expect",
    [
        ("JPN-DEU.exercise = 1", "DYAD.track OP NUMBER"),
        ("JPN-ITA.exercise < 1", "unknown dyad"),
        ("JPN-DEU.exercize < 1", "unknown track"),
        ("JPN-DEU.exercise < 9", "off the 0–5 scale"),
        ("__import__('os') < 1", "DYAD.track OP NUMBER"),
    ],
)
def test_discover_rejects_bad_conditions(tmp_path, wargame, where, expect):
    out = tmp_path / "d"
    msg = one_error_line(
        wargame("discover", "baseline", "--where", where, "--runs", "10", "--quiet", "--out", out)
    )
    assert expect in msg and not out.exists()
