"""A turn repaints only what changed on the dashboard (benchmarks/tui_step.py): the matrix's
changed rows, the chart's changed lines, the inspector's changed lines; and what is drawn so
equals what a full repaint draws, and what a Static shows for the inspector."""

from __future__ import annotations

import asyncio
import time

import pytest
from rich.text import Text
from textual.app import App
from textual.geometry import Offset, Region
from textual.selection import Selection
from textual.widget import Widget
from textual.widgets import Static

from tests.tui.conftest import SIZE, make_app, settle
from tui.widgets.actor_inspector import ActorInspector, inspect
from tui.widgets.coop_matrix import CoopMatrix, label
from tui.widgets.track_chart import TrackChart


def run(coro):
    return asyncio.run(coro)


def cells(strips) -> list[list[tuple]]:
    """Each character with its style, line by line (segment boundaries aside)."""
    return [[(ch, seg.style) for seg in strip for ch in seg.text] for strip in strips]


@pytest.fixture
def repaints(monkeypatch):
    """The regions each widget asked to repaint (None: the whole widget)."""
    seen: dict[Widget, list[Region | None]] = {}
    real = Widget.refresh

    def spy(self, *regions, **kw):
        seen.setdefault(self, []).extend(regions or [None])
        return real(self, *regions, **kw)

    monkeypatch.setattr(Widget, "refresh", spy)
    return seen


async def _turn(pilot, app) -> None:
    await pilot.press("n")
    await settle(pilot, app)


def test_a_turn_repaints_only_the_changed_cells_rows_and_lines(repaints):
    async def go():
        app = make_app(turns=12)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, app)
            for _ in range(3):
                await _turn(pilot, app)
            dash = app.screen
            matrix, chart = dash.query_one("#matrix", CoopMatrix), dash.query_one(TrackChart)
            inspector = dash.query_one(ActorInspector)
            before = {(d, k): matrix.get_cell_at((d, k)).plain for d in range(4) for k in range(3)}
            repaints.clear()
            await _turn(pilot, app)
            levels = app.game.levels()
            # every cell shows the engine's level, in its colour
            assert len(matrix.shown) == levels.size
            for (d, k), shown in matrix.shown.items():
                cell = matrix.get_cell_at((d, k))
                assert shown == label(levels[d, k]) == (cell.plain, str(cell.style))
            moved = {d for (d, k), text in before.items() if matrix.shown[d, k][0] != text}
            # the matrix repainted the rows whose cells moved, one line each, nothing else
            rows = [r for r in repaints.get(matrix, []) if r is None or r.height == 1]
            assert None not in repaints.get(matrix, []) and len(rows) == len(moved)
            # the chart and the inspector: a few lines, never the whole widget
            for widget in (chart, inspector):
                regions = repaints.get(widget, [])
                assert None not in regions and all(r.height == 1 for r in regions)
            assert 0 < len(repaints[chart]) < chart.size.height // 2
            assert len(repaints.get(inspector, [])) <= 3
            # unchanged levels: nothing to repaint
            assert matrix.show(levels) == set()
            bumped = levels.copy()
            bumped[2, 1] += 0.5
            assert matrix.show(bumped) == {2}
            matrix.show(levels)

    run(go())


def test_the_incremental_redraw_equals_a_full_one():
    """After turns, cursor moves, an actor change, a turn back and a what-if branch, the screen
    equals the one drawn again from nothing (every widget's caches dropped)."""

    async def go():
        app = make_app(turns=12)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, app)
            what_if = ("w", *"DEU.china_caution=0.05", "enter", "n", "down", "n")
            for keys in (("n", "n", "down", "right", "n", "a", "n", "n", "b"), what_if):
                for key in keys:
                    await pilot.press(key)
                    await settle(pilot, app)
                shown = app.export_screenshot()
                dash = app.screen
                for matrix in dash.query(CoopMatrix):
                    matrix._clear_caches()
                dash.query_one(TrackChart)._drawn = None
                dash.query_one(ActorInspector)._drawn = None
                for widget in dash.walk_children(with_self=True):
                    widget.refresh()
                await pilot.pause()
                assert app.export_screenshot() == shown
            assert app.game.what_if() is not None

    run(go())


class _Side(App):
    CSS = """Static, ActorInspector { width: 1fr; height: 100%; border: round $secondary;
             padding: 0 1; overflow-y: auto; }"""

    def compose(self):
        yield Static()
        yield ActorInspector()


@pytest.mark.parametrize("width", [36, 120], ids=["wrapped", "wide"])
def test_the_inspector_draws_what_a_static_draws(width):
    """Line by line, with the offsets that text selection reads, wrapped or not."""
    from sim.game.game import Game

    async def go():
        game = Game("baseline", 1, [], 6, [])
        app = _Side()
        async with app.run_test(size=(width, 30)) as pilot:
            static, inspector = app.query_one(Static), app.query_one(ActorInspector)
            for actor in ("GBR", "GBR", "JPN", "JPN"):
                game.step([])
                static.update(inspect(game, actor))
                inspector.show(game, actor)
                await pilot.pause()
                full = Region(0, 0, *static.outer_size)
                assert static.outer_size == inspector.outer_size
                assert cells(inspector.render_lines(full)) == cells(static.render_lines(full))
            # a mouse selection: highlighted and copied as in a Static
            selection = Selection(Offset(3, 2), Offset(10, 5))
            app.screen.selections = {static: selection, inspector: selection}
            await pilot.pause()
            assert cells(inspector.render_lines(full)) == cells(static.render_lines(full))
            assert inspector.get_selection(selection) == static.get_selection(selection)
            assert isinstance(inspector.render(), Text)

    run(go())


def test_the_header_says_playing_once_a_turn_lasts(monkeypatch):
    """A quick turn leaves the header alone until it is played (its repaint took the main
    thread from the turn's worker); a turn that lasts DIM_AFTER says "playing…"."""
    from tui.widgets.status_header import StatusHeader

    async def go(slow: bool) -> list[bool]:
        app = make_app(turns=6)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, app)
            header = app.screen.query_one(StatusHeader)
            states: list[bool] = []
            real_show = StatusHeader.show
            monkeypatch.setattr(
                StatusHeader,
                "show",
                lambda self, g, running=False, busy=False: (
                    states.append(busy) or real_show(self, g, running, busy)
                ),
            )
            if slow:
                real_step = app.game.step
                monkeypatch.setattr(
                    app.game,
                    "step",
                    lambda moves: time.sleep(1.0) or real_step(moves),
                )
            await pilot.press("n")
            if slow:
                await pilot.pause(0.5)
                assert "[playing…]" in header.content.plain
            await settle(pilot, app)
            assert "playing" not in header.content.plain and app.game.turn == 1
            return states

    assert True not in run(go(slow=False))
    assert True in run(go(slow=True))


def test_the_story_log_scrolls_to_a_turn_in_the_same_repaint():
    """RichLog scrolls to new lines only after the next refresh: a turn was painted twice, and
    the screen benchmarks/tui_step.py timed did not show the turn's story."""
    from tui.story import turn_lines
    from tui.widgets.event_log import EventLog

    async def go():
        app = make_app(turns=12)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, app)
            dash, log = app.screen, app.screen.query_one(EventLog)
            for _ in range(3):
                app.game.step([])
                dash.on_dashboard_turn_played(
                    dash.TurnPlayed(app.game.turn, turn_lines(app.game), None)
                )
                assert log.scroll_y == log.max_scroll_y  # before any refresh
            assert log.max_scroll_y > 0

    run(go())
