"""Actors and dyads are data: a scenario adds Australia with two relationships, no code."""

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
