"""`wargame replay` re-simulates one run alone and matches the batch's rows exactly."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from sim.engine.model import Ensemble
from sim.engine.results import run_json
from sim.inputs.setup import build

from .conftest import one_error_line


@pytest.fixture(scope="module")
def sweep_dir(tmp_path_factory, app):
    from typer.testing import CliRunner

    out = tmp_path_factory.mktemp("replay") / "b"
    r = CliRunner().invoke(
        app,
        [
            "batch",
            "baseline",
            "--runs",
            "6",
            "--seed",
            "9",
            "--turns",
            "12",
            "--sweep",
            "DEU.china_caution=0.1:0.7:3",
            "--sweep",
            "GBR.china_caution=0.1:0.3:2",
            "--set",
            "JPN.bandwidth=9",
            "--chunk-size",
            "5",
            "--workers",
            "1",
            "--quiet",
            "--out",
            str(out),
        ],
    )
    assert r.exit_code == 0, r.output
    return out


@pytest.mark.parametrize("k", [0, 7, 35])
def test_replay_equals_batch_rows(sweep_dir, wargame, k):
    r = wargame("replay", sweep_dir, "--run", str(k), "--json")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["run"] == k and doc["seed"] == 9
    runs = pd.read_parquet(sweep_dir / "runs.parquet").set_index("run")
    assert doc["overrides"]["DEU.china_caution"] == runs.loc[k, "DEU.china_caution"]
    assert doc["overrides"]["JPN.bandwidth"] == 9.0
    lv = pd.read_parquet(sweep_dir / "levels.parquet", filters=[("run", "==", k)])
    assert len(lv) == 13 * 12
    for row in lv.itertuples():
        assert doc["history"][row.turn]["date"] == row.date
        assert doc["history"][row.turn]["levels"][row.dyad][row.track] == round(row.level, 6)
    ev = pd.read_parquet(sweep_dir / "events.parquet", filters=[("run", "==", k)])
    assert [e["text"] for e in doc["events"]] == ev["text"].astype(str).tolist()
    assert [e["turn"] for e in doc["events"]] == ev["turn"].tolist()
    assert [e["kind"] for e in doc["events"]] == ev["kind"].astype(str).tolist()
    for e, row in zip(doc["events"], ev.astype(object).itertuples(), strict=True):
        for col in ("dyad", "track", "enabler", "id"):
            assert e.get(col) == (None if pd.isna(getattr(row, col)) else getattr(row, col))


def test_replay_of_plain_batch_equals_wargame_run_json(tmp_path, wargame):
    out = tmp_path / "b"
    assert (
        wargame(
            "batch",
            "baseline",
            "--runs",
            "4",
            "--seed",
            "21",
            "--workers",
            "1",
            "--quiet",
            "--out",
            out,
        ).exit_code
        == 0
    )
    r = wargame("replay", out, "--run", "0", "--json")
    assert r.exit_code == 0, r.output
    alone = Ensemble(build("baseline"), seed=21).run()
    assert json.loads(r.stdout) == json.loads(json.dumps(run_json(alone)))


def test_replay_human_report_and_bad_run(sweep_dir, wargame):
    r = wargame("replay", sweep_dir, "--run", "3")
    assert r.exit_code == 0 and "Why" in r.output
    assert "allowed: 0 to 35" in one_error_line(wargame("replay", sweep_dir, "--run", "36"))
    one_error_line(wargame("replay", sweep_dir.parent / "nope", "--run", "0"))


def test_replay_of_a_common_random_numbers_study(tmp_path, wargame):
    out = tmp_path / "s"
    assert (
        wargame(
            "sensitivity",
            "baseline",
            "--params",
            "DEU.china_caution,GBR.bandwidth",
            "--runs",
            "4",
            "--turns",
            "6",
            "--outcome",
            "JPN-DEU.exercise",
            "--replicates",
            "3",
            "--quiet",
            "--out",
            out,
        ).exit_code
        == 0
    )
    runs = pd.read_parquet(out / "runs.parquet")
    assert runs["rng_run"].tolist()[:6] == [0, 1, 2, 0, 1, 2]
    for k in (4, 13):
        doc = json.loads(wargame("replay", out, "--run", str(k), "--json").stdout)
        assert doc["run"] == k
        lv = pd.read_parquet(out / "levels.parquet", filters=[("run", "==", k)])
        for row in lv.itertuples():
            assert doc["history"][row.turn]["levels"][row.dyad][row.track] == round(row.level, 6)


def test_progress_bar_on_stderr(tmp_path, wargame):
    r = wargame(
        "batch",
        "baseline",
        "--runs",
        "6",
        "--turns",
        "4",
        "--workers",
        "1",
        "--out",
        tmp_path / "b",
    )
    assert r.exit_code == 0
    assert "6/6" in r.stderr and "runs/s" in r.stderr and "ETA" in r.stderr
    assert "about" in r.stderr  # the estimate of output size and time


def test_run_spec_of_a_sweep_names_what_determines_the_run(sweep_dir):
    from sim.research.replay import RunSpec, rebuild_model

    spec = RunSpec.from_batch(sweep_dir, 13)
    runs = pd.read_parquet(sweep_dir / "runs.parquet").set_index("run")
    assert spec.run == spec.rng_run == 13 and spec.seed == 9 and spec.turns == 12
    assert spec.overrides == {"JPN.bandwidth": 9.0}
    assert spec.params == {
        "DEU.china_caution": runs.loc[13, "DEU.china_caution"],
        "GBR.china_caution": runs.loc[13, "GBR.china_caution"],
    }
    assert spec.all_overrides == spec.overrides | spec.params
    model = rebuild_model(spec)
    lv = pd.read_parquet(
        sweep_dir / "levels.parquet", filters=[("run", "==", 13), ("turn", "==", 12)]
    )
    hist = model.level_history()[-1, 0]
    dyads, tracks = list(model.setup.dyads), ["dialogue", "exchange", "exercise"]
    for row in lv.itertuples():
        assert hist[dyads.index(row.dyad), tracks.index(row.track)] == row.level  # exact
    assert model.run_index.tolist() == [13]
