"""`wargame calibrate` recovers a constant that was moved away from its calibrated value."""

import shutil
from pathlib import Path

import numpy as np
import pytest
import yaml
from typer.testing import CliRunner

from sim.cli.main import app, load_plugins
from sim.research.calibrate import fit

ROOT = Path(__file__).resolve().parent.parent


#: the calibrated exercise intercept, and where the fixture moves it
CALIBRATED = yaml.safe_load((ROOT / "config" / "model.yaml").read_text())["tracks"]["exercise"][
    "bias"
]["value"]
MOVED = round(CALIBRATED + 0.5, 2)


@pytest.fixture
def moved_home(tmp_path, monkeypatch):
    """A project copy whose exercise intercept is pushed 0.5 above its calibrated value."""
    shutil.copytree(ROOT / "config", tmp_path / "config")
    (tmp_path / "scenarios").mkdir()
    for name in ("baseline", "history-2012-2019"):
        shutil.copy(ROOT / "scenarios" / f"{name}.yaml", tmp_path / "scenarios")
    model = tmp_path / "config" / "model.yaml"
    text = model.read_text()
    start = text.index("  exercise:\n")
    line = next(x for x in text[start:].splitlines() if x.strip().startswith("bias: {value:"))
    model.write_text(text.replace(line, line.replace(f"value: {CALIBRATED}", f"value: {MOVED}")))
    monkeypatch.setenv("WARGAME_HOME", str(tmp_path))
    return tmp_path


def test_fit_brings_a_moved_intercept_back(moved_home):
    free, x, before, after = fit(["MODEL.exercise.bias"], runs=48, seed=1)
    assert free[0].value == MOVED
    assert abs(x[0] - CALIBRATED) < 0.25
    assert np.abs(after).mean() < np.abs(before).mean()


def test_bad_free_names_are_refused_with_the_choices():
    load_plugins()
    r = CliRunner().invoke(app, ["calibrate", "--free", "MODEL.exercise.bais"])
    assert r.exit_code == 2 and "did you mean 'bias'" in r.output
    r = CliRunner().invoke(app, ["calibrate", "--free", "JPN.consensus_friction"])
    assert r.exit_code == 2 and "empty" in r.output
