"""Results show themselves: a short repr, HTML for a notebook and `.plot()` returning a
matplotlib Figure; no chart changes matplotlib's backend or pyplot's list of figures."""

from __future__ import annotations

import pytest
from matplotlib.figure import Figure

import sim

TURNS = 6


@pytest.fixture()
def pyplot_untouched(monkeypatch):
    """Fails the test if anything calls matplotlib.use or leaves a figure in pyplot."""
    import matplotlib
    import matplotlib.pyplot as plt

    calls = []
    monkeypatch.setattr(matplotlib, "use", lambda *a, **k: calls.append(a))
    before = plt.get_fignums()
    backend = matplotlib.get_backend()
    yield
    assert calls == [], f"matplotlib.use called with {calls}"
    assert plt.get_fignums() == before, "a chart was left in pyplot's figures"
    assert matplotlib.get_backend() == backend


def _shows_itself(result, kind: str, most: int = 600) -> str:
    text = repr(result)
    assert text.startswith(f"{kind}:"), text
    assert len(text) <= most and 2 <= len(text.splitlines()) <= 5, text
    assert "0x" not in text and "array(" not in text
    assert ".plot()" in text
    html = result._repr_html_()
    assert "<table>" in html and 'src="data:image/png;base64,' in html
    fig = result.plot()
    assert isinstance(fig, Figure)
    assert fig._repr_png_().startswith(b"\x89PNG")  # a notebook shows it without pyplot
    return html


def test_run_result(pyplot_untouched):
    r = sim.run("baseline", seed=1, turns=TURNS)
    _shows_itself(r, "RunResult")
    fig = r.plot()
    assert len([ax for ax in fig.axes if ax.get_visible()]) == 4  # one panel per dyad
    ax = fig.axes[0]
    assert ax.get_ylim()[0] == 0 and list(ax.get_yticks()) == [0, 1, 2, 3, 4, 5]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "dialogue",
        "exchange",
        "exercise",
    ]


@pytest.mark.parametrize("record", ["yearly", "final"])
def test_batch_results(tmp_path, pyplot_untouched, record):
    res = sim.batch("baseline", runs=12, seed=1, out=tmp_path / "b", turns=TURNS, record=record)
    html = _shows_itself(res, "Results")
    assert "12 runs" in repr(res) and "median [5%, 95%]" in html
    ax = res.plot().axes[0]
    if record == "yearly":  # a band of runs around the median line of each track
        assert len(ax.collections) == 3 and len(ax.lines) == 3
    assert "median and 5–95% of runs" in res.plot()._suptitle.get_text()


def test_comparison_chart_leaves_pyplot_alone(tmp_path, pyplot_untouched):
    c = sim.compare("baseline", overrides={"DEU.china_caution": 0.1}, runs=10, turns=TURNS)
    _shows_itself(c, "Comparison")
    assert c.chart(tmp_path / "c.svg").stat().st_size > 0
    assert isinstance(c.chart(), Figure)


def test_repr_of_a_default_comparison_is_short():
    c = sim.compare("baseline", overrides={"DEU.china_caution": 0.1}, runs=200, turns=TURNS)
    assert len(repr(c)) < 600


SOBOL = {
    "scenario": "baseline",
    "method": "sobol",
    "outcome": "JPN-DEU.exercise",
    "turn": 40,
    "date": "2030-Q1",
    "runs": 64,
    "points": 16,
    "replicates": 4,
    "seed": 0,
    "design": {},
    "indices": [
        {"param": "DEU.china_caution", "S1": 0.7, "S1_conf": 0.1, "ST": 0.8, "ST_conf": 0.1},
        {"param": "JPN.bandwidth", "S1": 0.1, "S1_conf": 0.05, "ST": 0.2, "ST_conf": None},
    ],
}


def test_sensitivity_result(tmp_path, pyplot_untouched):
    import json

    from sim.errors import InputError
    from sim.research.sensitivity import SensitivityResult

    (tmp_path / "sensitivity.json").write_text(json.dumps(SOBOL))
    s = SensitivityResult.read(tmp_path)
    assert s == SOBOL and json.loads(json.dumps(s)) == SOBOL  # still the JSON document
    _shows_itself(s, "SensitivityResult")
    assert s.indices()["param"].tolist() == ["DEU.china_caution", "JPN.bandwidth"]
    ax = s.plot().axes[0]
    assert len(ax.containers) >= 2  # ST and S1 bars with their error bars
    with pytest.raises(InputError, match="no sensitivity study here"):
        SensitivityResult.read(tmp_path / "nothing")


def test_discovery_result(pyplot_untouched):
    from sim.research.discovery import DiscoveryResult

    limit = {
        "param": "DEU.china_caution",
        "low": 0.6,
        "high": 0.9,
        "range low": 0.3,
        "range high": 0.9,
        "kept": 0.5,
    }
    d = DiscoveryResult(
        scenario="baseline",
        where="JPN-DEU.exercise < 1.5",
        turn=40,
        date="2030-Q1",
        runs=100,
        cases=30,
        share=0.3,
        params=["DEU.china_caution", "JPN.bandwidth"],
        prim={"chosen": 3, "coverage": 0.8, "density": 0.9, "mass": 0.27, "limits": [limit]},
    )
    html = _shows_itself(d, "DiscoveryResult")
    assert "DEU.china_caution" in html
    assert d.box()["param"].tolist() == ["DEU.china_caution"]
    ax = d.plot().axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["DEU.china_caution"]


def test_game_charts_leave_pyplot_alone(tmp_path, pyplot_untouched):
    from sim.game.aar import write_report
    from sim.game.game import Game

    g = Game("baseline", seed=2, seats=["JPN"])
    g.step()
    html, _ = write_report(g, tmp_path / "aar.html")
    assert html.read_text().count("data:image/png;base64,") == len(g.setup.dyads)
