"""The Python API: docstring examples run, Mesa's conventions hold, results read lazily
with pandas, polars and DuckDB, and the API reference builds."""

from __future__ import annotations

import doctest
import subprocess
import sys

import numpy as np
import pytest

import sim


@pytest.mark.parametrize("module", ["sim.api", "sim", "sim.research.folder"])
def test_docstring_examples_run(module):
    import importlib

    mod = importlib.import_module(module)
    res = doctest.testmod(mod, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert res.failed == 0
    if module == "sim.api":
        assert res.attempted >= 25


def test_import_sim_is_light():
    code = (
        "import sys, sim; heavy = [m for m in ('numpy', 'pandas', 'mesa', 'pydantic') "
        "if m in sys.modules]; print(heavy)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == "[]"


def test_run_levels_events_and_explanations_match_the_engine():
    from sim.engine.model import WargameModel
    from sim.inputs.setup import build

    r = sim.run("china-coercion", seed=4, turns=10)
    m = WargameModel(build("china-coercion", turns=10), seed=4).run()
    assert np.array_equal(r.levels.level.to_numpy(), m.level_history()[:, 0].reshape(-1))
    assert set(r.events.kind) <= {"shock", "negotiation", "agreement", "stalled", "activity"}
    whole = r.explain("JPN-DEU", "exercise")
    lv = r.levels.set_index(["turn", "dyad", "track"]).level
    assert abs(whole.sum() - (lv[10, "JPN-DEU", "exercise"] - lv[0, "JPN-DEU", "exercise"])) < 1e-9
    from sim.errors import InputError

    with pytest.raises(InputError, match="allowed: 1 to 10"):
        r.explain("JPN-DEU", "exercise", turn=11)


def test_results_readable_by_pandas_polars_and_duckdb(tmp_path):
    import duckdb
    import pandas as pd
    import polars as pl

    out = tmp_path / "b"
    res = sim.batch(
        "baseline",
        runs=30,
        seed=2,
        out=out,
        turns=6,
        workers=1,
        chunk_size=7,
        sweeps=["DEU.china_caution=0.1:0.7:3"],
    )
    assert res.runs == 90 and res.complete
    lv = res.levels()
    pdf = pd.read_parquet(out / "levels.parquet")
    assert len(pdf) == len(lv) == 90 * 7 * 12
    pol = (
        pl.scan_parquet(f"{out}/levels.parquet/**/*.parquet", hive_partitioning=True)
        .filter(pl.col("turn") == 6)
        .select(pl.col("level").sum())
        .collect()
        .item()
    )
    duck = duckdb.sql(
        f"select sum(level) from read_parquet('{out}/levels.parquet/**/*.parquet',"
        " hive_partitioning=true) where turn = 6"
    ).fetchall()[0][0]
    ref = lv[lv.turn == 6].level.sum()
    assert res.dataset("levels").count_rows() == len(lv)
    assert res.dataset("runs").count_rows() == 90
    assert pol == pytest.approx(ref, abs=1e-9) and duck == pytest.approx(ref, abs=1e-9)
    # sweeps: the final levels joined with the swept values
    wide = res.final_levels().join(res.params().set_index("run"))
    means = wide.groupby("DEU.china_caution")["JPN-DEU.exercise"].mean()
    assert means[0.1] > means[0.7]  # less caution, more exercises (Ch5 › Germany)


def test_mesa_conventions():
    import mesa

    m = sim.WargameModel("baseline", rng=7)
    assert m.seed == 7
    m.step()
    assert m.turn == 1 and m.running
    m.run_model()  # ends at the scenario's last turn
    assert m.turn == m.setup.turns == 40 and not m.running
    df = m.datacollector.get_model_vars_dataframe()
    assert len(df) == 41  # the start and every turn
    assert df["JPN-DEU.exercise"].iloc[-1] == pytest.approx(float(m.levels[0, 2, 2]))
    agents = m.datacollector.get_agent_vars_dataframe()
    assert set(agents["actor"]) == {"JPN", "GBR", "FRA", "DEU", "NATO"}
    # the same run as the engine's own numpy-only ensemble of one, which the command line,
    # batches and the game drive; the actors are Mesa agents of the model
    from sim.engine.model import Ensemble
    from sim.inputs.setup import build

    ref = Ensemble(build("baseline"), seed=7).run()
    assert np.array_equal(ref.level_history(), m.level_history())
    assert not isinstance(ref, mesa.Model) and not isinstance(ref.actors[0], mesa.Agent)
    assert list(m.agents) == m.actors and all(isinstance(a, mesa.Agent) for a in m.actors)
    assert [type(a).__name__ for a in m.actors] == ["StateAgent"] * 4 + ["AllianceAgent"]
    assert m.steps == 40  # Mesa's own step counter ran alongside the turns
    params = {"scenario": "baseline", "turns": 8, "DEU.china_caution": [0.1, 0.7]}
    rows = mesa.batch_run(
        sim.WargameModel,
        parameters=params,
        rng=[None, None],  # Mesa's spelling of iterations=2: each model draws its own seed
        number_processes=1,
        display_progress=False,
    )
    model_rows = [r for r in rows if r["AgentID"] == 1]
    assert len(model_rows) == 4 and {r["Step"] for r in model_rows} == {8}
    assert len({r["seed"] for r in model_rows}) == 4  # each model draws a seed, recorded
    rows = mesa.batch_run(
        sim.WargameModel, parameters=params, rng=[1, 2], number_processes=1, display_progress=False
    )
    model_rows = [r for r in rows if r["AgentID"] == 1]
    low = np.mean([r["JPN-DEU.exercise"] for r in model_rows if r["DEU.china_caution"] == 0.1])
    high = np.mean([r["JPN-DEU.exercise"] for r in model_rows if r["DEU.china_caution"] == 0.7])
    assert low > high


def test_mesa_batch_run_with_explicit_seeds_is_reproducible():
    import mesa

    kw = dict(
        parameters={"scenario": "baseline", "turns": 4},
        rng=[3, 3, 5],
        number_processes=1,
        display_progress=False,
    )
    rows = [r for r in mesa.batch_run(sim.WargameModel, **kw) if r["AgentID"] == 1]
    assert rows[0]["JPN-GBR.exercise"] == rows[1]["JPN-GBR.exercise"]
    assert rows[0]["seed"] == 3 and rows[2]["seed"] == 5


def test_api_reference_builds(tmp_path):
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "pdoc",
            "sim",
            "sim.api",
            "sim.ema",
            "sim.research.discovery",
            "sim.engine.model",
            "-o",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stderr
    page = (tmp_path / "sim" / "api.html").read_text()
    for name in ("run", "batch", "open_results", "compare", "Results", "RunResult.explain"):
        assert f'id="{name}"' in page, name
    assert 'id="ema_model"' in (tmp_path / "sim" / "ema.html").read_text()
