"""Files written for model v1 keep working: a config folder without the v2 parameters and
constants loads (the new mechanisms take defaults that switch them off), and the v1 replay
scenario validates and runs to the end."""

import shutil
from pathlib import Path

import numpy as np
from typer.testing import CliRunner

from sim.cli.main import app
from sim.engine.model import Ensemble
from sim.inputs.setup import build

DATA = Path(__file__).parent / "data"


def test_a_v1_config_folder_loads_and_runs(tmp_path):
    shutil.copytree(DATA / "config_v1", tmp_path / "config")
    sc = tmp_path / "old.yaml"
    sc.write_text(
        f"name: old\ndescription: a v1 config\nconfig: {tmp_path / 'config'}\nturns: 12\n"
    )
    s = build(str(sc))
    assert s.rules["meet.pull"] == 0.0 and s.rules["memory.frustration_decay"] == 1.0
    m = Ensemble(s, seed=1, runs=10).run()
    assert np.all((m.levels >= 0) & (m.levels <= 5))
    r = CliRunner().invoke(app, ["run", str(sc), "--turns", "2"])
    assert r.exit_code == 0, r.output


def test_the_v1_history_scenario_validates_and_runs(tmp_path):
    sc = tmp_path / "history-v1.yaml"
    sc.write_text(
        (DATA / "history_v1.yaml")
        .read_text()
        .replace("# yaml-language-server: $schema=./scenario.schema.json\n", "")
    )
    r = CliRunner().invoke(app, ["validate", str(sc)])
    assert r.exit_code == 0, r.output
    m = Ensemble(build(str(sc)), seed=0, runs=5).run()
    assert m.turn == 32
