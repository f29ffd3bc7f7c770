"""`wargame calibrate` recovers a constant that was moved away from its calibrated value."""

import shutil
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from sim.calibrate import fit
from sim.cli import app, load_plugins

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def moved_home(tmp_path, monkeypatch):
    """A project copy whose exercise intercept is pushed from 1.73 to 2.25."""
    shutil.copytree(ROOT / "config", tmp_path / "config")
    (tmp_path / "scenarios").mkdir()
    for name in ("baseline", "history-2012-2019"):
        shutil.copy(ROOT / "scenarios" / f"{name}.yaml", tmp_path / "scenarios")
    model = tmp_path / "config" / "model.yaml"
    text = model.read_text()
    line = next(x for x in text.splitlines() if x.strip().startswith("bias: {value: 1.73"))
    model.write_text(text.replace(line, line.replace("value: 1.73", "value: 2.25")))
    monkeypatch.setenv("WARGAME_HOME", str(tmp_path))
    return tmp_path


def test_fit_brings_a_moved_intercept_back(moved_home):
    free, x, before, after = fit(["MODEL.exercise.bias"], runs=48, seed=1)
    assert free[0].value == 2.25
    assert abs(x[0] - 1.73) < 0.25
    assert np.abs(after).mean() < np.abs(before).mean()


def test_bad_free_names_are_refused_with_the_choices():
    load_plugins()
    r = CliRunner().invoke(app, ["calibrate", "--free", "MODEL.exercise.bais"])
    assert r.exit_code == 2 and "did you mean 'bias'" in r.output
    r = CliRunner().invoke(app, ["calibrate", "--free", "JPN.consensus_friction"])
    assert r.exit_code == 2 and "empty" in r.output
