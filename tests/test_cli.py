"""The `wargame` command as a user runs it."""

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from sim.cli.main import app, load_plugins

load_plugins()
runner = CliRunner()


def wargame(*args: str):
    return runner.invoke(app, list(args))


def test_run_json_is_identical_on_every_call():
    a = wargame("run", "baseline", "--seed", "7", "--json")
    b = wargame("run", "baseline", "--seed", "7", "--json")
    assert a.exit_code == 0, a.output
    assert a.output == b.output
    doc = json.loads(a.output)
    assert set(doc) >= {"scenario", "seed", "final", "history", "events"}
    assert doc["scenario"] == "baseline" and doc["seed"] == 7
    assert set(doc["final"]) == {"JPN-GBR", "JPN-FRA", "JPN-DEU", "JPN-NATO"}
    assert set(doc["final"]["JPN-GBR"]) == {"dialogue", "exchange", "exercise"}
    assert len(doc["history"]) == 41 and doc["history"][0]["date"] == "2020-Q1"
    assert doc["history"][-1]["levels"] == doc["final"]


def test_run_options_change_the_result():
    base = json.loads(wargame("run", "--seed", "3", "--turns", "12", "--json").output)
    other = json.loads(wargame("run", "--seed", "4", "--turns", "12", "--json").output)
    cf = json.loads(
        wargame(
            "run", "--seed", "3", "--turns", "12", "--json", "--set", "DEU.china_caution=0.1"
        ).output
    )
    assert len(base["history"]) == 13
    assert base["final"] != other["final"]
    assert cf["overrides"] == {"DEU.china_caution": 0.1}
    assert cf["final"]["JPN-DEU"]["exercise"] > base["final"]["JPN-DEU"]["exercise"]


def test_human_output_has_levels_anchors_events_and_drivers():
    out = wargame("run", "china-coercion", "--seed", "1").output
    assert "JPN-NATO" in out and "anchor" in out
    assert "Events:" in out and "Chinese maritime coercion" in out
    assert "Why (largest drivers" in out and "driven by" in out


def test_list_shows_scenarios_and_parameters_with_ranges_and_sources():
    out = wargame("list").output
    assert "baseline" in out and "DEU.china_caution" in out and "Ch5" in out


def test_validate_accepts_shipped_scenarios():
    r = wargame("validate", "scenarios/baseline.yaml", "scenarios/china-coercion.yaml")
    assert r.exit_code == 0 and r.output.count("OK") == 2


def test_installed_command_prints_one_line_and_exit_code_2_without_traceback():
    r = subprocess.run(
        [sys.executable, "-m", "sim", "run", "--set", "DEU.china_cation=0.3"],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 2
    assert r.stderr.strip().count("\n") == 0 and "Traceback" not in r.stderr
    assert "did you mean 'china_caution'" in r.stderr


@pytest.mark.parametrize(
    "args, needle",
    [
        (["run", "--set", "XYZ.china_caution=0.1"], "unknown actor 'XYZ'"),
        (["run", "--set", "DEU.bandwith=1"], "did you mean 'bandwidth'"),
        (["run", "--set", "DEU.china_caution=1.5"], "out of range; allowed: 0.0 to 1.0"),
        (["run", "--set", "DEU.china_caution=abc"], "not a number"),
        (["run", "--set", "DEU.china_caution"], "ACTOR.param=VALUE"),
        (["run", "basline"], "did you mean 'baseline'"),
        (["run", "missing/file.yaml"], "file not found"),
        (["run", "--turns", "0"], "allowed: 1 to 400"),
        (["list", "scenario"], "did you mean 'scenarios'"),
    ],
)
def test_bad_command_line_input_gets_one_clear_line_and_exit_2(args, needle):
    r = wargame(*args)
    assert r.exit_code == 2, r.output
    assert needle in r.output
    assert "Traceback" not in r.output and r.output.strip().count("\n") == 0


@pytest.mark.parametrize(
    "args",
    [
        ["schema", "--out", "{tmp}/missing-dir/x.json"],
        ["batch", "baseline", "--runs", "4", "--out", "/proc/not-writable/out"],
    ],
)
def test_unwritable_output_is_one_line_and_exit_2(tmp_path, args):
    r = wargame(*[a.format(tmp=tmp_path) for a in args])
    assert r.exit_code == 2, r.output
    assert r.output.startswith("error: ") and r.output.strip().count("\n") == 0
    assert "No such file or directory" in r.output
    assert not (tmp_path / "missing-dir").exists()


def test_explain_prints_exact_decompositions():
    out = wargame("run", "germany-drops-china-caution", "--seed", "2", "--explain").output
    lines = [x.strip() for x in out.splitlines() if x.startswith("  JPN-") and " = " in x]
    assert len(lines) == 12
    for line in lines:
        left, right = line.split(" = ")
        total = float(left.split()[-1])
        parts = [float(tok) for tok in right.split() if tok[0] in "+-" and len(tok) > 1]
        assert abs(sum(parts) - total) < 0.006  # each term printed to 3 decimals
    deu = next(x for x in lines if x.startswith("JPN-DEU exercise"))
    assert "china_caution +" in deu
