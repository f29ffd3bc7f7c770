"""The report's findings as tests, on the same functions `wargame validate-model` runs.

Each test uses 200 seeded runs (one ensemble per scenario, shared by the module); each would
fail if the direction of the effect flipped.
"""

from __future__ import annotations

import numpy as np
import pytest
from typer.testing import CliRunner

from sim.cli.model import register
from sim.inputs.outcomes import Outcome
from sim.research import validation as v
from sim.vocabulary import TRACKS

RUNS, SEED = 200, 0


@pytest.fixture(scope="module")
def history():
    return v.replay(RUNS, SEED)


@pytest.fixture(scope="module")
def sensitivities():
    return {c.name: c for c in v.sensitivity_checks(RUNS, SEED)}


@pytest.mark.parametrize("dyad", list(v.RATINGS))
@pytest.mark.parametrize("track", TRACKS)
def test_replay_ends_at_the_report_ratings(history, dyad, track):
    checks = {c.name: c for c in v.end_state_checks(history)}
    c = checks[f"2019-Q4 {dyad} {track}"]
    assert c.passed, c.row()
    assert abs(c.median - v.RATINGS[dyad][TRACKS.index(track)]) <= v.TOLERANCE


def test_composite_order_uk_france_then_nato_and_germany(history):
    checks = [c for c in v.end_state_checks(history) if c.name.startswith("composite")]
    assert len(checks) == 2
    assert all(c.passed and c.median > 0 for c in checks), [c.row() for c in checks]


def test_enabler_matrix_of_2019_is_reproduced(history):
    c = v.enabler_check(history)
    assert c.passed and c.median >= v.MATRIX_SHARE, c.row()


def test_matrix_match_detects_a_wrong_signature(history):
    signed = history.signed.copy()
    try:
        history.signed[:, history.setup.dyads.index("JPN-GBR"), 4] = True  # a UK RAA
        assert not v.matrix_match(history).any()
    finally:
        history.signed[...] = signed


def test_exercises_cluster_in_2016_2019_like_the_event_counts(history):
    for c in v.timing_checks(history):
        assert c.passed, c.row()
        assert c.median > 0.5  # the report's counts rise for all, the UK and France


def test_replay_ends_on_the_calibrated_2019_parameters(history):
    """The history's shocks carry every 2012 reading to its config/ value."""
    from sim.inputs.setup import build

    base = build("baseline")
    assert np.allclose(history.params, base.params[None], atol=1e-9)


@pytest.mark.parametrize(
    "name", ["DEU.china_caution 0.3: JPN-DEU exercise", "DEU.china_caution 0.3: JPN-DEU exchange"]
)
def test_lower_german_china_caution_raises_exercise_and_exchange(sensitivities, name):
    c = sensitivities[name]
    assert c.passed and c.median > 0, c.row()


def test_uk_raa_raises_uk_exercises(sensitivities):
    c = sensitivities["UK RAA signed: JPN-GBR exercise"]
    assert c.passed and c.median > 0, c.row()


@pytest.mark.parametrize("who", ["NATO", "DEU"])
def test_russian_aggression_pulls_bandwidth_from_japan(sensitivities, who):
    c = sensitivities[f"Russian aggression: {who} bandwidth"]
    assert c.passed and c.median < 0 and c.hi < 0, c.row()


def test_brexit_squeeze_lowers_uk_dialogue_short_term(sensitivities):
    c = sensitivities["Brexit squeeze: JPN-GBR dialogue 2y"]
    assert c.passed and c.median < 0, c.row()


def test_german_isa_unlocks_exchange_growth(sensitivities):
    c = sensitivities["DEU ISA concluded: JPN-DEU exchange 2y"]
    assert c.passed and c.median > 0, c.row()


def test_paired_comparison_is_common_random_numbers():
    """Same scenario, seed and runs: the paired difference is exactly zero."""
    a = v._ensemble("baseline", 20, SEED)
    b = v._ensemble("baseline", 20, SEED)
    assert np.array_equal(
        v._paired(a, b, v._level(Outcome("JPN-DEU", "exercise"), slice(-8, None))), np.zeros(20)
    )


def test_validate_model_command_prints_table_and_exit_code():
    import typer

    app = typer.Typer()
    register(app)

    @app.command()
    def _other() -> None:  # a second command keeps validate-model a named subcommand
        pass

    r = CliRunner().invoke(app, ["validate-model", "--runs", "200", "--seed", "0", "--no-battery"])
    assert r.exit_code == 0, r.output
    assert "25/25 checks pass" in r.output and "90% interval" in r.output
    bad = CliRunner().invoke(app, ["validate-model", "--runs", "0"])
    assert bad.exit_code == 2


def test_validate_model_exits_1_when_a_check_fails(monkeypatch):
    import typer

    failing = [v.Check("made-up check", "> 0", -1.0, -2.0, 0.0, False)]
    monkeypatch.setattr(v, "run_checks", lambda runs, seed, patterns=None: failing)
    app = typer.Typer()
    register(app)

    @app.command()
    def _other() -> None:
        pass

    r = CliRunner().invoke(app, ["validate-model", "--no-battery"])
    assert r.exit_code == 1 and "FAIL" in r.output and "0/1 checks pass" in r.output
