"""Rule constants (config/model.yaml) as named, bounded parameters: overrides, per-run values
on the ensemble axis, explanations, and batch sweeps with replay."""

import subprocess
import sys

import numpy as np
import pandas as pd
from typer.testing import CliRunner

from sim.cli.main import app, load_plugins
from sim.engine.explain import explain
from sim.engine.model import Ensemble
from sim.inputs.setup import build

KEY = "MODEL.exercise.caution_gap"


def test_a_rule_constant_override_changes_the_rule():
    base = build("baseline")
    low = build("baseline", [f"{KEY}=1.0"])
    k = 2
    assert base.track["caution_gap"][k] == base.config.model.tracks["exercise"].caution_gap.value
    assert low.track["caution_gap"][k] == 1.0
    assert np.array_equal(low.track["caution_gap"][:2], base.track["caution_gap"][:2])
    a = Ensemble(base, seed=4).run().levels[0]
    b = Ensemble(low, seed=4).run().levels[0]
    d = base.dyads.index("JPN-DEU")
    # a smaller caution gap frees Japan-Germany exercises, within the reach of German forces
    assert b[d, k] > a[d, k] + 0.2


def test_per_run_constants_equal_the_same_runs_with_overrides():
    setup = build("china-coercion", turns=12)
    values = np.array([1.0, 2.0, 3.17, 4.0])
    ens = Ensemble(setup, seed=9, runs=4, run_params={KEY: values}).run()
    for r, v in enumerate(values):
        alone = Ensemble(build("china-coercion", [f"{KEY}={v}"], turns=12), seed=9, runs=[r]).run()
        assert np.array_equal(ens.level_history()[:, r], alone.level_history()[:, 0])


def test_explanations_still_sum_with_per_run_constants():
    setup = build("baseline", turns=6)
    m = Ensemble(
        setup, seed=2, runs=3, run_params={KEY: np.array([1.0, 2.0, 3.0])}, keep_snapshots=True
    ).run()
    h = m.level_history()
    for r in range(3):
        c = explain(m, r, 0, m.turn)
        np.testing.assert_allclose(c.sum(axis=0), h[-1, r] - h[0, r], atol=1e-12)


def test_batch_sweep_of_a_rule_constant_replays_exactly(tmp_path):
    out = tmp_path / "b"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "sim",
            "batch",
            "baseline",
            "--runs",
            "3",
            "--seed",
            "1",
            "--turns",
            "6",
            "--sweep",
            f"{KEY}=1:3:3",
            "--out",
            str(out),
            "--workers",
            "1",
        ],
        check=True,
        capture_output=True,
    )
    runs = pd.read_parquet(out / "runs.parquet")
    assert sorted(set(runs[KEY])) == [1.0, 2.0, 3.0]
    load_plugins()
    r = CliRunner().invoke(app, ["replay", str(out), "--run", "7", "--json"])
    assert r.exit_code == 0, r.output
    import json

    doc = json.loads(r.output)
    rows = pd.read_parquet(out / "levels.parquet")
    rows = rows[(rows.run == 7) & (rows.turn == 6)]
    for _, row in rows.iterrows():
        assert doc["final"][str(row.dyad)][str(row.track)] == round(float(row.level), 6)
    assert doc["overrides"][KEY] == float(runs.loc[runs.run == 7, KEY].iloc[0])


def test_bad_rule_constant_keys_name_the_choices():
    load_plugins()
    r = CliRunner().invoke(app, ["run", "--set", "MODEL.exercise.cation_gap=1"])
    assert r.exit_code == 2 and "did you mean 'caution_gap'" in r.output
    r = CliRunner().invoke(app, ["run", "--set", "MODEL.exercise.up=2"])
    assert r.exit_code == 2 and "allowed: 0.0 to 1.0" in r.output


def test_motivation_weights_are_reachable_by_set_per_run_and_calibrate():
    """MODEL.relevance.motivation.track: --set, per-run values (sweeps, samples) and the
    calibration's current value all reach the weight of a motivation on a track."""
    from sim.research.calibrate import parse_free

    key = "MODEL.relevance.indo_pacific_awareness.exercise"
    base = build("baseline")
    off = build("baseline", [f"{key}=0"])
    m, a = 6, 2  # indo_pacific_awareness, exercise
    assert off.relevance[m, a] == 0.0 and base.relevance[m, a] > 0.5
    d = base.dyads.index("JPN-DEU")
    x = Ensemble(base, seed=4, runs=30).run().levels[:, d, a]
    y = Ensemble(off, seed=4, runs=30).run().levels[:, d, a]
    assert np.all(y < x)  # Japan's wish to show Europe the region feeds exercises
    per_run = Ensemble(base, seed=4, runs=30, run_params={key: np.zeros(30)}).run().levels[:, d, a]
    assert np.array_equal(per_run, y)
    free = parse_free([key], base)[0]
    assert free.value == base.relevance[m, a] and free.lo < free.hi
    r = CliRunner().invoke(
        app, ["run", "baseline", "--set", "MODEL.relevance.protect_ordr.dialogue=1"]
    )
    assert r.exit_code == 2 and "MODEL.relevance.motivation.track" in r.output
