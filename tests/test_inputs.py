"""Bad scenario files: one line naming file, line, field and allowed values; exit code 2."""

import pytest
from typer.testing import CliRunner

from sim.cli.main import app

HEAD = "name: x\ndescription: y\n"
CASES = [
    ("malformed", HEAD + "turns: [1\n", ["malformed YAML", ":4:"]),
    ("unknown-key", HEAD + "turn: 3\n", ["unknown key 'turn'", "did you mean 'turns'", ":3:"]),
    (
        "unknown-actor",
        HEAD + "overrides:\n  XYZ.china_caution: 0.3\n",
        ["unknown actor 'XYZ'", "allowed: JPN, GBR, FRA, DEU, NATO", ":4:"],
    ),
    (
        "unknown-param",
        HEAD + "overrides:\n  DEU.china_cation: 0.3\n",
        ["did you mean 'china_caution'", "overrides.DEU.china_cation"],
    ),
    ("out-of-range", HEAD + "overrides:\n  DEU.china_caution: 3\n", ["out of range", "0.0 to 1.0"]),
    ("wrong-type", HEAD + "turns: many\n", ["turns", "integer"]),
    ("too-many-turns", HEAD + "turns: 1000\n", ["turns", "400"]),
    (
        "bad-index",
        HEAD + "shocks:\n  - id: a\n    name: b\n    indices: {china_asertiveness: 0.2}\n",
        ["did you mean 'china_assertiveness'", ":6:"],
    ),
    ("bad-dyad", HEAD + "dyads: [JPN-XYZ]\n", ["JPN-XYZ", "allowed: JPN, GBR"]),
    ("bad-quarter", HEAD + "start: 2020-Q5\n", ["2019-Q3"]),
    (
        "bad-effect",
        HEAD
        + "shocks:\n  - id: a\n    name: b\n    params: {DEU.china_caution: {add: 1, set: 2}}\n",
        ["exactly one of add, set, mul"],
    ),
    (
        "bad-enabler",
        HEAD + "shocks:\n  - id: a\n    name: b\n    enablers: {JPN-GBR.rra: sign}\n",
        ["unknown enabler 'rra'", "did you mean 'raa'"],
    ),
    ("not-a-mapping", "- just\n- a list\n", ["a scenario file is a mapping"]),
    ("missing-field", "name: x\n", ["description", "required"]),
]


@pytest.mark.parametrize("name, text, needles", CASES, ids=[c[0] for c in CASES])
def test_bad_scenario_file(tmp_path, name, text, needles):
    f = tmp_path / f"{name}.yaml"
    f.write_text(text)
    before = sorted(tmp_path.iterdir())
    r = CliRunner().invoke(app, ["validate", str(f)])
    assert r.exit_code == 2, r.output
    line = r.output.strip()
    assert line.startswith(f"error: {f}") and "\n" not in line
    for n in needles:
        assert n in line
    assert sorted(tmp_path.iterdir()) == before  # nothing written


def validate_with_edited_actors(tmp_path, old: str, new: str):
    """`wargame validate` on a scenario whose config copy has `old` replaced by `new` once."""
    import shutil

    cfg = tmp_path / "config"
    shutil.copytree("config", cfg)
    text = (cfg / "actors.yaml").read_text()
    assert old in text
    (cfg / "actors.yaml").write_text(text.replace(old, new, 1))
    sc = tmp_path / "s.yaml"
    sc.write_text(f"name: s\ndescription: d\nconfig: {cfg}\n")
    return CliRunner().invoke(app, ["validate", str(sc)])


def test_bad_config_value_names_the_config_file(tmp_path):
    r = validate_with_edited_actors(tmp_path, "value: 0.9", "value: 0.9\n        vlaue: 1")
    assert r.exit_code == 2
    assert "actors.yaml" in r.output and "unknown key 'vlaue'" in r.output
    assert "did you mean 'value'" in r.output


def test_config_value_outside_its_range_is_rejected(tmp_path):
    r = validate_with_edited_actors(tmp_path, "value: 0.9", "value: 0.1")
    assert r.exit_code == 2 and "outside its range" in r.output


def test_an_action_on_an_enabler_that_does_not_apply_is_refused_at_its_line(tmp_path):
    # partnership is n/a for JPN-GBR in config/dyads.yaml: a shock acting on it is refused
    # unless `initial:` (or an earlier `apply` shock) makes it applicable
    scen = tmp_path / "s.yaml"
    text = (
        "name: s\ndescription: x\ninitial:\n  enablers:\n"
        "    JPN-GBR:\n      raa: negotiating\n"
        "shocks:\n  - id: a\n    name: b\n    at: 2\n"
        "    enablers:\n      JPN-GBR.partnership: sign\n"
    )
    scen.write_text(text)
    r = CliRunner().invoke(app, ["validate", str(scen)])
    assert r.exit_code == 2
    assert r.output.startswith(f"error: {scen}:12: shocks[0].enablers.JPN-GBR.partnership:")
    assert "JPN-GBR partnership is n/a in config/dyads.yaml" in r.output
    scen.write_text(
        text.replace("raa: negotiating\n", "raa: negotiating\n      partnership: absent\n")
    )
    r = CliRunner().invoke(app, ["run", str(scen), "--turns", "1", "--json"])
    assert r.exit_code == 0, r.output


def test_a_prior_other_than_pert_or_uniform_is_refused_with_the_choices(tmp_path):
    r = validate_with_edited_actors(tmp_path, "value: 0.9", "value: 0.9\n        prior: flat")
    assert r.exit_code == 2 and "actors.yaml" in r.output
    assert "prior" in r.output and "pert" in r.output and "uniform" in r.output
    assert "Traceback" not in r.output
    ok = validate_with_edited_actors(
        tmp_path / "b", "value: 0.9", "value: 0.9\n        prior: uniform"
    )
    assert ok.exit_code == 0, ok.output
