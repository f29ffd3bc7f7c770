"""The patterns of the record (config/calibration.yaml) and the endogenous hindcast
(`wargame validate-model --hindcast`, sim/research/hindcast.py).

Model figures move while the engine is tuned: these tests check the file's schema, the
variant's shocks and the shape of the output, never simulated values.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from sim.cli.main import app, load_plugins
from sim.errors import InputError
from sim.inputs.calibration import calibration_path, load_calibration
from sim.research import hindcast as hc
from sim.research import validation as v

load_plugins()
runner = CliRunner()
LAST_LINE = re.compile(
    r"^hindcast: (\d+)/(\d+) agreements signed within a year of the record; "
    r"activity rank correlation (-?\d\.\d\d|nan) \((\d+) dyad-tracks\)$"
)
RUNS = 24


def _variant(tmp_path: Path, old: str, new: str) -> Path:
    text = calibration_path().read_text(encoding="utf-8")
    assert old in text
    p = tmp_path / "calibration.yaml"
    p.write_text(text.replace(old, new, 1), encoding="utf-8")
    return p


# ------------------------------------------------------------------- the patterns file


def test_shipped_patterns_hold_the_record():
    doc = load_calibration()
    assert v.RATINGS == {
        "JPN-GBR": (4, 4, 4),
        "JPN-FRA": (4, 3, 3),
        "JPN-DEU": (2, 2, 1),
        "JPN-NATO": (2, 2, 2),
    }
    assert v.TOLERANCE == 0.5
    assert v.EXERCISE_ROWS == {
        "JPN-GBR": (1, 11),
        "JPN-FRA": (9, 12),
        "JPN-DEU": (3, 3),
        "JPN-NATO": (3, 2),
    }
    keys = [a.key for a in doc.agreements.signed]
    assert len(keys) == 9 and len(set(keys)) == 9
    assert [a.date for a in doc.agreements.signed] == sorted(a.date for a in doc.agreements.signed)
    shares = doc.activity.shares()
    assert len(shares) == 24
    for track in ("dialogue", "exchange", "exercise"):
        for period in doc.activity.periods:
            total = sum(s for (d, t, p), s in shares.items() if t == track and p == period)
            assert total == pytest.approx(1.0)


@pytest.mark.parametrize(
    "old, new, expected",
    [
        (  # a misspelled key, even a required one, is named with the right one
            "tolerance_years: 1.0",
            "tolerance_yaers: 1.0",
            ["agreements.tolerance_yaers", "did you mean 'tolerance_years'"],
        ),
        (
            "JPN-GBR: {dialogue: 4, exchange: 4",
            "JPN-GBR: {dialogue: 7, exchange: 4",
            ["ratings.dyads.JPN-GBR.dialogue", "less than or equal to 5 (got 7)"],
        ),
        (
            '"2018-07-13"',
            '"2021-07-13"',
            ["agreements.signed[8].date", "out of range; allowed: 2012-01-01 to 2019-12-31"],
        ),
        (
            '"2018-07-13"',
            '"2018-07-14"',
            ["agreements.signed[8].date", "differs from config/dyads.yaml's 2018-07-13"],
        ),
        (
            "exercise: {2012-15: 3, 2016-19: 2}",
            "exercise: {2012-15: -3, 2016-19: 2}",
            ["activity.counts.JPN-NATO.exercise.2012-15", "(got -3)"],
        ),
        (
            "  JPN-DEU:\n      dialogue",
            "  JPN-DUE:\n      dialogue",
            ["activity.counts.JPN-DUE", "did you mean 'JPN-DEU'"],
        ),
        ("min_rank_correlation: 0.8", "min_rank_correlation: 1.8", ["min_rank_correlation"]),
    ],
)
def test_a_bad_patterns_file_is_one_line_naming_file_and_field(tmp_path, old, new, expected):
    p = _variant(tmp_path, old, new)
    with pytest.raises(InputError) as exc:
        load_calibration(p)
    msg = str(exc.value)
    assert "\n" not in msg and msg.startswith(str(p))
    for part in expected:
        assert part in msg
    r = runner.invoke(app, ["validate-model", "--hindcast", "--calibration", str(p)])
    assert r.exit_code == 2, r.output
    assert "Traceback" not in r.output and len(r.output.strip().splitlines()) == 1


# ------------------------------------------------------------------------ the hindcast


def test_the_hindcast_keeps_the_drivers_and_drops_every_agreement_signature():
    from sim.inputs.setup import build

    history, variant = build(hc.HISTORY), hc.hindcast_setup()
    actions = [a for s in variant.shocks for (_, _, a) in s.enablers]
    assert not set(actions) & set(hc.OPENING)
    assert "sign" in [a for s in history.shocks for (_, _, a) in s.enablers]
    kept = {s.shock.id for s in variant.shocks}
    dropped = {s.shock.id for s in history.shocks} - kept
    assert len(dropped) == 8  # the shocks that only sign (one signs the UK's ISA and equipment)
    for s in history.shocks:
        if s.shock.id in kept:  # drivers unchanged: same turn and effects
            twin = next(x for x in variant.shocks if x.shock.id == s.shock.id)
            assert twin.turn == s.turn and twin.params == s.params
            assert np.array_equal(twin.index_delta, s.index_delta)
    # the nine agreements start absent, so only the engine can sign them
    for a in load_calibration().agreements.signed:
        d, e = variant.dyads.index(a.dyad), hc.ENABLERS.index(a.enabler)
        assert not variant.signed[d, e] and variant.applicable[d, e]


def test_the_hindcast_table_and_its_last_line():
    h = hc.run(RUNS, seed=3)
    assert len(h.agreements) == 9 and len(h.activity) == 24
    for a in h.agreements:
        assert 0.0 <= a.never <= 1.0
        assert a.within == (a.median != "never" and abs(a.median_year - a.record_year) <= 1.0)
    shares = np.array([r.simulated for r in h.activity]).reshape(4, 3, 2)
    assert np.allclose(shares.sum(axis=0), 1.0)  # shares of each track and period
    text = hc.table(h)
    m = LAST_LINE.match(text.splitlines()[-1])
    assert m, text.splitlines()[-1]
    assert int(m[1]) == h.within and int(m[2]) == 9 and int(m[4]) == 24
    assert -1.0 <= h.rank_correlation <= 1.0
    assert hc.table(hc.run(RUNS, seed=3)) == text  # deterministic


def test_the_hindcast_takes_per_run_parameter_sets():
    from sim.research.uncertainty import sample

    setup = hc.hindcast_setup()
    params = sample(setup, points=4, runs_per_point=2, seed=1).run_params(setup)
    h = hc.run(seed=0, run_params=params)
    assert h.runs == 8 and h.sampled
    assert "per-run parameter sets" in hc.table(h).splitlines()[0]
    # a key the replay sets itself (its 2012 reading) keeps the replay's value
    assert "DEU.china_caution" in setup.overrides
    fixed = params | {"DEU.china_caution": np.full(8, 0.05)}
    assert hc.table(hc.run(seed=0, run_params=fixed)) == hc.table(h)
    with pytest.raises(ValueError, match="differs"):
        hc.run(runs=5, run_params=params)


def test_validate_model_hindcast_on_the_command_line():
    r = runner.invoke(app, ["validate-model", "--hindcast", "--point", "--runs", str(RUNS)])
    assert r.exit_code == 0, r.output
    lines = r.output.strip().splitlines()
    assert LAST_LINE.match(lines[-1]), lines[-1]
    assert f"({RUNS} runs, seed 0," in lines[0]
    assert sum(line.startswith("JPN-") for line in lines) == 9 + 24
    # --strict exits 1 exactly when a target is missed
    strict = runner.invoke(
        app, ["validate-model", "--hindcast", "--point", "--runs", str(RUNS), "--strict"]
    )
    assert strict.exit_code == (0 if hc.run(RUNS, 0).met else 1)


def test_the_help_states_the_hindcast_default():
    r = runner.invoke(app, ["validate-model", "--help"], env={"COLUMNS": "200"})
    assert f"{hc.RUNS} with --hindcast" in r.output
