"""The Mesa model page (sim/viz): SolaraViz rendered with solara's test tools, driven by its
own buttons and sliders, showing what the engine computes."""

from __future__ import annotations

import re
import time

import numpy as np
import pytest

pytest.importorskip("solara", reason="the viz extra is not installed: pip install -e '.[viz]'")

import ipyvuetify as v  # noqa: E402
import solara  # noqa: E402
from solara.widgets import GridLayout  # noqa: E402

import sim  # noqa: E402
from sim.viz import SCENARIO_ENV  # noqa: E402
from sim.viz.page import Page, page  # noqa: E402

TURNS = 4
CELL = re.compile(r'title="([A-Z]+-[A-Z]+) (\w+)">([0-9.]+)</td>')


def _render():
    @solara.component
    def App():
        with solara.AppLayout():
            page("baseline", seed=3, turns=TURNS)

    _, rc = solara.render(App(), handle_error=False)
    return rc


def _views(rc):
    matrix, chart, actors = rc.find(GridLayout).widget.items
    return matrix.unsafe_innerHTML, chart.value, actors.unsafe_innerHTML


def _button(rc, label):
    return rc.find(v.Btn, children=[label]).widget


def _slider(rc, label):
    return rc.find(v.Slider, label=label).widget


def _matrix(html: str, model) -> tuple[list[str], list[str]]:
    """The cells the page shows and the engine's levels, as the page formats them."""
    shown = [value for _, _, value in CELL.findall(html)]
    levels = model.levels.mean(axis=0)
    return shown, [f"{x:.2f}" for x in levels.ravel()]


def test_the_model_page_steps_plays_and_resets_with_its_sliders():
    rc = _render()
    matrix, chart, actors = _views(rc)
    assert f"turn 0 of {TURNS} (2020-Q1)" in matrix
    assert [(d, t) for d, t, _ in CELL.findall(matrix)][:3] == [
        ("JPN-GBR", "dialogue"),
        ("JPN-GBR", "exchange"),
        ("JPN-GBR", "exercise"),
    ]
    assert chart[:4] == b"\x89PNG" and "china threat" in actors and "NATO" in actors
    labels = {"Seed", "Germany: China caution", "UK: bandwidth", "US engagement (world index)"}
    assert labels <= {w.label for w in rc.find(v.Slider).widgets}
    # Step plays one turn: the matrix shows the engine's levels
    ref = sim.WargameModel("baseline", rng=3, turns=TURNS)
    _button(rc, "Step").click()
    ref.step()
    matrix, chart2, _ = _views(rc)
    assert f"turn 1 of {TURNS}" in matrix and chart2 != chart
    shown, expected = _matrix(matrix, ref)
    assert shown == expected
    # the sliders rebuild the model on reset
    _slider(rc, "Germany: China caution").v_model = 0.1
    _slider(rc, "Seed").v_model = 5
    _button(rc, "Reset").click()
    assert f"turn 0 of {TURNS}" in _views(rc)[0]
    for _ in range(TURNS):
        _button(rc, "Step").click()
    matrix = _views(rc)[0]
    assert f"turn {TURNS} of {TURNS}" in matrix and "finished" in matrix
    assert _button(rc, "Step").disabled and _button(rc, "▶").disabled  # running is False
    ref = sim.WargameModel("baseline", rng=5, turns=TURNS, **{"DEU.china_caution": 0.1})
    ref.run_model()
    shown, expected = _matrix(matrix, ref)
    assert shown == expected
    # play runs to the last turn by itself
    _button(rc, "Reset").click()
    _button(rc, "▶").click()
    end = time.monotonic() + 15
    while "finished" not in _views(rc)[0] and time.monotonic() < end:
        time.sleep(0.1)
    assert f"turn {TURNS} of {TURNS}" in _views(rc)[0]
    shown, expected = _matrix(_views(rc)[0], ref)
    assert shown == expected
    assert np.isfinite([float(x) for x in shown]).all()


def test_the_served_page_plays_the_scenario_it_is_given(monkeypatch):
    monkeypatch.setenv(SCENARIO_ENV, "china-coercion")

    @solara.component
    def App():
        with solara.AppLayout():
            Page()

    _, rc = solara.render(App(), handle_error=False)
    matrix = _views(rc)[0]
    assert "china-coercion: turn 0 of " in matrix
    ref = sim.WargameModel("china-coercion", rng=0)
    shown, expected = _matrix(matrix, ref)
    assert shown == expected
