"""Actors and dyads are data: a scenario adds Australia with two relationships, no code."""

from pathlib import Path

import numpy as np
from typer.testing import CliRunner

from sim.cli.main import app
from sim.engine.model import Ensemble
from sim.inputs.setup import build


def test_australia_joins_as_an_actor_with_two_new_dyads():
    s = build("australia-joins")
    assert s.actors[:5] == ("JPN", "GBR", "FRA", "DEU", "NATO") and s.actors[5] == "AUS"
    assert "JPN-AUS" in s.dyads and "GBR-AUS" in s.dyads
    assert s.indo[s.ai["AUS"]] and not s.indo[s.ai["GBR"]]
    m = Ensemble(s, seed=3, runs=20).run()
    d = s.dyads.index("JPN-AUS")
    assert np.all((m.levels[:, d] >= 0) & (m.levels[:, d] <= 5))
    assert m.presence.shape == (20, 6)


def test_run_shows_the_new_dyads_and_takes_overrides_on_the_new_actor():
    r = CliRunner().invoke(app, ["run", "australia-joins", "--seed", "1", "--turns", "4"])
    assert r.exit_code == 0, r.output
    assert "JPN-AUS" in r.output and "GBR-AUS" in r.output
    low = build("australia-joins", ["AUS.china_caution=0.9"])
    assert (
        low.params[low.ai["AUS"], list(low.config.actors["AUS"].params).index("china_caution")]
        == 0.9
    )
    # a cautious Australia exercises less with Japan (the caution gap weighs on exercises)
    k = 2
    d = low.dyads.index("JPN-AUS")
    a = Ensemble(build("australia-joins"), seed=2, runs=50).run().levels[:, d, k]
    b = Ensemble(low, seed=2, runs=50).run().levels[:, d, k]
    assert b.mean() < a.mean() - 0.1


def test_new_actors_are_known_only_where_declared(tmp_path):
    r = CliRunner().invoke(app, ["run", "baseline", "--set", "AUS.china_caution=0.2"])
    assert r.exit_code == 2 and "unknown actor 'AUS'" in r.output
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\ndescription: x\nadd_dyads:\n  JPN-KOR:\n    levels: {}\n")
    r = CliRunner().invoke(app, ["validate", str(bad)])
    assert r.exit_code == 2 and "JPN-KOR" in r.output and "KOR" not in r.output.split(";")[-1]


def test_the_report_five_keep_their_positions_when_actors_are_added():
    base, aus = build("baseline"), build("australia-joins")
    assert aus.actors[: len(base.actors)] == base.actors
    assert np.array_equal(aus.params[:5], base.params)


def _validate(path) -> tuple[int, str]:
    r = CliRunner().invoke(app, ["validate", str(path)])
    return r.exit_code, r.output.strip()


def test_an_alliance_member_must_be_an_agent_actor_at_its_line(tmp_path):
    import shutil

    root = Path(__file__).resolve().parent.parent
    cfg = tmp_path / "config"
    shutil.copytree(root / "config", cfg)
    actors = cfg / "actors.yaml"
    text = actors.read_text()
    assert "members: [GBR, FRA, DEU]" in text
    actors.write_text(text.replace("members: [GBR, FRA, DEU]", "members: [GBR, FRA, DEV]"))
    line = 1 + actors.read_text().splitlines().index("    members: [GBR, FRA, DEV]")
    scen = tmp_path / "s.yaml"
    scen.write_text(f"name: s\ndescription: x\nconfig: {cfg}\n")
    code, out = _validate(scen)
    assert code == 2
    assert out.startswith(f"error: {actors}:{line}: actors.NATO.members[2]:")
    assert "unknown member 'DEV' (did you mean 'DEU'?)" in out
    # an alliance a scenario declares: the scenario's file and line
    actors.write_text(text)
    aus = (root / "scenarios" / "australia-joins.yaml").read_text()
    aus = aus.replace("    kind: state\n", "    kind: alliance\n    members: [JPN, KOR]\n", 1)
    scen.write_text(aus.replace("name: australia-joins", "name: s"))
    code, out = _validate(scen)
    line = 1 + aus.splitlines().index("    members: [JPN, KOR]")
    assert code == 2 and out.startswith(f"error: {scen}:{line}: actors.AUS.members[1]:"), out
    # the same alliance with agent actors for members is accepted and compiled
    scen.write_text(scen.read_text().replace("[JPN, KOR]", "[JPN, GBR]"))
    assert _validate(scen) == (0, f"OK {scen}")
    s = build(str(scen))
    assert s.members[s.ai["AUS"]].tolist() == [True, True, False, False, False, False]


def test_a_scenario_cannot_make_a_member_of_a_config_alliance_context(tmp_path):
    import shutil

    import yaml

    root = Path(__file__).resolve().parent.parent
    cfg = tmp_path / "config"
    shutil.copytree(root / "config", cfg)
    aus = yaml.safe_load((root / "scenarios" / "australia-joins.yaml").read_text())
    actors = cfg / "actors.yaml"
    text = actors.read_text().replace("members: [GBR, FRA, DEU]", "members: [GBR, FRA, DEU, AUS]")
    block = yaml.safe_dump({"AUS": aus["actors"]["AUS"]}, sort_keys=False)
    actors.write_text(
        text.replace("  USA:\n", "".join(f"  {ln}\n" for ln in block.splitlines()) + "  USA:\n", 1)
    )
    scen = tmp_path / "s.yaml"
    body = f"name: s\ndescription: x\nconfig: {cfg}\n"
    scen.write_text(body)
    assert _validate(scen) == (0, f"OK {scen}")  # AUS, a state of this config, is a member
    scen.write_text(body + "actors:\n  AUS:\n    name: Australia\n    kind: context\n")
    code, out = _validate(scen)
    assert code == 2 and out.startswith(f"error: {scen}:7: actors.AUS.kind:"), out
    assert "AUS is a member of NATO in the config" in out
