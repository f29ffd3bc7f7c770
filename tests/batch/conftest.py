"""Helpers for the batch tests: a `wargame` app with the batch commands, small batches."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from sim.cli.batch import register

TURNS = "10"  # short games keep the suite fast; identity does not depend on the horizon


@pytest.fixture(scope="session")
def app():
    a = typer.Typer()
    register(a)
    return a


@pytest.fixture()
def wargame(app):
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(app, [str(x) for x in args])

    return invoke


def levels(out) -> np.ndarray:
    from sim.research.tables import level_array

    return level_array(out)


def events(out) -> pd.DataFrame:
    df = pd.read_parquet(out / "events.parquet")
    return df.astype(str).sort_values(["run", "turn"], kind="stable").reset_index(drop=True)


def one_error_line(result) -> str:
    """The single 'error: ...' line of a failed command (exit code 2, no traceback)."""
    assert result.exit_code == 2, result.output
    lines = [ln for ln in result.output.strip().splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.output
    assert "Traceback" not in result.output
    return lines[0]
