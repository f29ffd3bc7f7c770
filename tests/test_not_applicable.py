"""An `n/a` agreement is a reading of the report, not a law (config/dyads.yaml: JPN-DEU acsa,
"will likely not require"; Germany and Japan signed one in 2024). A scenario makes it
applicable with a status in `initial:` or a shock's `apply`; an action on one that nothing
made applicable is refused when the file is loaded, and when a facilitator injects it."""

import pathlib

import numpy as np
import pytest
import yaml
from typer.testing import CliRunner

from sim.cli.main import app
from sim.engine.model import Ensemble
from sim.errors import InputError
from sim.game.game import Game
from sim.inputs.schema import Shock
from sim.inputs.setup import build
from sim.vocabulary import ENABLERS, TRACKS

ROOT = pathlib.Path(__file__).resolve().parent.parent
BASELINE = (ROOT / "scenarios" / "baseline.yaml").read_text()
ACSA = "JPN-DEU.acsa"
EXE = TRACKS.index("exercise")


def scenario(tmp_path, shocks=(), initial=None, turns=8) -> pathlib.Path:
    """baseline.yaml with these shocks ((id, at, {key: action}), ...) and `initial:`."""
    text = BASELINE.replace("name: baseline", "name: not-applicable").replace(
        "turns: 40", f"turns: {turns}"
    )
    extra = {}
    if initial is not None:
        extra["initial"] = initial
    if shocks:
        extra["shocks"] = [
            {"id": sid, "name": f"shock {sid}", "at": at, "enablers": en} for sid, at, en in shocks
        ]
    f = tmp_path / "s.yaml"
    f.write_text(text + (yaml.safe_dump(extra, sort_keys=False) if extra else ""))
    return f


def validate(*files):
    return CliRunner().invoke(app, ["validate", *map(str, files)])


def cell(setup, key=ACSA):
    dyad, _, en = key.partition(".")
    return setup.dyads.index(dyad), ENABLERS.index(en)


def gate(enabler="acsa"):
    """The tracks `enabler` caps while missing, by config/enablers.yaml."""
    doc = yaml.safe_load((ROOT / "config" / "enablers.yaml").read_text())
    return doc["enablers"][enabler]["gates"]


def test_the_config_reads_jpn_deu_acsa_as_not_applicable():
    setup = build("baseline")
    d, e = cell(setup)
    assert not setup.applicable[d, e]


# ------------------------------------------------------------------ refused at load time


@pytest.mark.parametrize("action", ["sign", "negotiate", "block", "unblock"])
def test_an_action_on_an_agreement_left_n_a_is_refused_in_one_line(tmp_path, action):
    f = scenario(tmp_path, [("noise", 2, {"JPN-GBR.raa": "negotiate"}), ("act", 3, {ACSA: action})])
    before = sorted(tmp_path.iterdir())
    r = validate(f)
    assert r.exit_code == 2, r.output
    line = r.output.strip()
    assert "\n" not in line and "Traceback" not in line
    assert line.startswith(f"error: {f}:")
    assert "shocks[1].enablers.JPN-DEU.acsa:" in line
    assert "JPN-DEU acsa is n/a in config/dyads.yaml" in line
    assert "`JPN-DEU.acsa: apply` in an earlier shock" in line
    assert "`initial: {enablers: {JPN-DEU: {acsa: absent}}}`" in line
    assert sorted(tmp_path.iterdir()) == before  # nothing written


def test_every_command_that_loads_the_scenario_refuses_it(tmp_path):
    f = scenario(tmp_path, [("act", 3, {ACSA: "sign"})])
    r = CliRunner().invoke(app, ["run", str(f), "--turns", "1", "--json"])
    assert r.exit_code == 2 and "shocks[0].enablers.JPN-DEU.acsa" in r.output
    with pytest.raises(InputError, match=r"shocks\[0\]\.enablers\.JPN-DEU\.acsa"):
        build(str(f))


def test_an_apply_in_the_same_or_a_later_shock_does_not_count(tmp_path):
    f = scenario(tmp_path, [("act", 3, {ACSA: "sign"}), ("lift", 2, {ACSA: "apply"})])
    r = validate(f)
    assert r.exit_code == 2 and "shocks[0].enablers.JPN-DEU.acsa" in r.output


def test_an_apply_timed_after_the_action_is_refused(tmp_path):
    f = scenario(tmp_path, [("lift", 5, {ACSA: "apply"}), ("act", 3, {ACSA: "sign"})])
    r = validate(f)
    assert r.exit_code == 2, r.output
    assert "shocks[1].enablers.JPN-DEU.acsa" in r.output
    assert "applied only from turn 5" in r.output


def test_an_action_on_an_applicable_agreement_still_validates(tmp_path):
    assert validate(scenario(tmp_path, [("act", 3, {"JPN-GBR.raa": "sign"})])).exit_code == 0


# ------------------------------------------------------------------ made applicable


def test_apply_then_sign_validates_and_signs_in_the_engine(tmp_path):
    f = scenario(tmp_path, [("lift", 2, {ACSA: "apply"}), ("sign", 3, {ACSA: "sign"})])
    r = validate(f)
    assert r.exit_code == 0, r.output
    setup = build(str(f))
    d, e = cell(setup)
    assert not setup.applicable[d, e]  # applicable from turn 2 on, not at the start
    m = Ensemble(setup, seed=0, runs=8)
    m.run(2)
    assert m.applicable[:, d, e].all() and not m.signed[:, d, e].any()
    m.run(1)
    assert m.signed[:, d, e].all()


def test_initial_status_makes_the_agreement_applicable_with_that_status(tmp_path):
    f = scenario(
        tmp_path,
        [("sign", 3, {ACSA: "sign"})],
        initial={"enablers": {"JPN-DEU": {"acsa": "negotiating"}}},
    )
    r = validate(f)
    assert r.exit_code == 0, r.output
    setup = build(str(f))
    d, e = cell(setup)
    assert setup.applicable[d, e] and setup.negotiating[d, e] and not setup.signed[d, e]
    m = Ensemble(setup, seed=0, runs=8).run(3)
    assert m.signed[:, d, e].all()


@pytest.mark.parametrize("status", ["absent", "negotiating", "signed"])
def test_initial_status_alone_validates_and_applies(tmp_path, status):
    f = scenario(tmp_path, initial={"enablers": {"JPN-DEU": {"acsa": status}}})
    assert validate(f).exit_code == 0
    setup = build(str(f))
    d, e = cell(setup)
    assert setup.applicable[d, e] and setup.signed[d, e] == (status == "signed")


def test_applying_the_acsa_caps_the_track_it_gates_while_missing(tmp_path):
    gates = gate("acsa")
    assert list(gates) == ["exercise"]
    f = scenario(tmp_path, [("lift", 1, {ACSA: "apply"})])
    setup = build(str(f))
    d, _ = cell(setup)
    plain = Ensemble(setup, seed=0, runs=4)
    before = plain.caps()[:, d]
    assert np.all(before[:, EXE] > gates["exercise"])  # nothing caps it at the start
    plain.run(1)
    after = plain.caps()[:, d]
    # the gate, raised on exercises by the visiting side's presence at sea (Germany's)
    at_sea = plain.rules["agreements.presence_headroom"] * plain.presence[:, setup.ai["DEU"]]
    assert np.allclose(after[:, EXE], gates["exercise"] + at_sea)
    assert np.all(after[:, EXE] < gates["exercise"] + 0.05)
    others = [k for k in range(len(TRACKS)) if k != EXE]
    assert np.array_equal(after[:, others], before[:, others])


def test_an_initial_absent_acsa_caps_the_track_from_the_start(tmp_path):
    f = scenario(tmp_path, initial={"enablers": {"JPN-DEU": {"acsa": "absent"}}})
    setup = build(str(f))
    d, _ = cell(setup)
    at_home = {"MODEL.agreements.presence_headroom": np.zeros(2)}  # the gate alone
    caps = Ensemble(setup, seed=0, runs=2, run_params=at_home).caps()[:, d, EXE]
    assert np.allclose(caps, gate("acsa")["exercise"])


# ------------------------------------------------------------------ injected in a game


def custom(**enablers) -> Shock:
    return Shock(id="custom-1", name="custom", enablers=enablers)


def test_an_inject_on_an_n_a_agreement_is_refused_until_applied():
    g = Game("baseline", seed=0)
    with pytest.raises(InputError) as err:
        g.inject(custom(**{ACSA: "sign"}))
    msg = str(err.value)
    assert "JPN-DEU acsa is n/a in config/dyads.yaml" in msg and "JPN-DEU.acsa:apply" in msg
    assert "\n" not in msg
    assert not g.model.shocks.queue  # nothing was queued
    g.inject(custom(**{ACSA: "apply"}))
    g.inject(Shock(id="custom-2", name="sign", enablers={ACSA: "sign"}))  # queued after
    g.step()
    d, e = cell(g.setup)
    assert g.model.signed[0, d, e]
    assert g.agreements()["JPN-DEU"]["acsa"] is True


def test_the_inject_parser_knows_apply():
    from tui.screens.inject import ACTIONS, parse_custom

    assert "apply" in ACTIONS
    assert parse_custom("lift", "JPN-DEU.acsa:apply").enablers == {ACSA: "apply"}


# ------------------------------------------------------------------ the library


def test_every_shipped_scenario_still_validates():
    files = sorted((ROOT / "scenarios").glob("*.yaml"))
    assert files
    r = validate(*files)
    assert r.exit_code == 0, r.output
    assert r.output.count("OK ") == len(files)
