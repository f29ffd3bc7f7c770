"""The local dashboard in a small terminal (80x24) and a comfortable one (120x36): the story
log, the inspector and the help and quit keys stay in view or one key away; the track chart's
level axis is ticked at the whole levels 0–5 with a legend and dates; a quick turn leaves the
footer alone. State first, pixels in test_snapshots.py."""

from __future__ import annotations

import asyncio

import numpy as np
from textual.containers import VerticalScroll
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

import tui.screens.dashboard as dashboard
from tests.tui.conftest import form_for, make_app, settle, wait_for
from tui.app import WargameApp
from tui.screens.dashboard import Dashboard
from tui.widgets.actor_inspector import ActorInspector
from tui.widgets.event_log import EventLog
from tui.widgets.track_chart import TrackChart, draw

SMALL, COMFORTABLE = (80, 24), (120, 36)


def run(coro):
    return asyncio.run(coro)


def on_screen(widget, size) -> bool:
    """Shown, and wholly inside the terminal."""
    r = widget.region
    return (
        widget.display
        and r.width > 0
        and r.height > 0
        and r.right <= size[0]
        and r.bottom <= size[1]
    )


def footer_keys(app) -> dict[str, FooterKey]:
    return {k.key: k for k in app.screen.query_one(Footer).query(FooterKey)}


async def _turn(pilot, app) -> None:
    turn = app.game.turn
    await pilot.press("n")
    await wait_for(pilot, lambda: app.game.turn == turn + 1, tries=500)
    await settle(pilot, app)


def test_small_terminal_shows_the_log_and_the_help_and_quit_keys():
    async def go():
        app = make_app("classroom", seats=["JPN"])
        async with app.run_test(size=SMALL) as pilot:
            await settle(pilot, app)
            dash = app.screen
            assert dash.compact
            log, inspector = dash.query_one(EventLog), dash.query_one(ActorInspector)
            assert on_screen(log, SMALL) and log.region.height >= 6
            assert not inspector.display
            assert "v inspector" in str(log.border_title)
            keys = footer_keys(app)
            for key in ("question_mark", "q", "v", "n"):
                assert on_screen(keys[key], SMALL), key
            assert on_screen(dash.query_one(TrackChart), SMALL)
            # `v` shows the inspector in the log's place, and back
            await pilot.press("v")
            await pilot.pause()
            assert on_screen(inspector, SMALL) and not log.display
            await pilot.press("v")
            await pilot.pause()
            assert on_screen(log, SMALL) and not inspector.display
            # `a` brings the inspector into view on the next actor
            await pilot.press("a")
            await pilot.pause()
            assert on_screen(inspector, SMALL)
            await pilot.press("v", "question_mark")
            await pilot.pause()
            assert type(app.screen).__name__ == "HelpScreen"
            # the list of keys is longer than the screen: it scrolls to its end
            box = app.screen.query_one(VerticalScroll)
            assert box.max_scroll_y > 0
            await pilot.press("end")
            await pilot.pause()
            assert box.scroll_y == box.max_scroll_y

    run(go())


def test_small_terminal_after_the_scenario_picker():
    async def go():
        app = WargameApp(None, seed=1)
        async with app.run_test(size=SMALL) as pilot:
            await pilot.pause()
            await pilot.press("enter")  # the first scenario of the list
            await wait_for(pilot, lambda: isinstance(app.screen, Dashboard), tries=500)
            await settle(pilot, app)
            dash = app.screen
            assert dash.compact and "v inspector" in str(dash.query_one(EventLog).border_title)
            assert on_screen(footer_keys(app)["v"], SMALL)
            await _turn(pilot, app)
            assert on_screen(dash.query_one(EventLog), SMALL)

    run(go())


def test_small_terminal_move_form_keeps_its_buttons_in_view():
    async def go():
        app = make_app("classroom", seats=["JPN"])
        async with app.run_test(size=SMALL) as pilot:
            await settle(pilot, app)
            await pilot.press("n")
            form = await form_for(pilot, app, "JPN")
            await pilot.pause()
            for button in ("#submit", "#skip"):
                assert on_screen(form.query_one(button), SMALL), button
            assert form.query_one("#move-form").region.right <= SMALL[0]
            await pilot.click("#submit")
            await wait_for(pilot, lambda: app.game.turn == 1, tries=500)

    run(go())


def test_comfortable_terminal_shows_both_panels():
    async def go():
        app = make_app()
        async with app.run_test(size=COMFORTABLE) as pilot:
            await settle(pilot, app)
            await _turn(pilot, app)
            dash = app.screen
            assert not dash.compact
            log, inspector = dash.query_one(EventLog), dash.query_one(ActorInspector)
            assert on_screen(log, COMFORTABLE) and on_screen(inspector, COMFORTABLE)
            assert log.region.height >= 10
            keys = footer_keys(app)
            assert "v" not in keys  # nothing to switch: both panels show
            for key in ("question_mark", "q", "e", "s"):
                assert on_screen(keys[key], COMFORTABLE), key
            assert dash.query_one(TrackChart).region.height >= 12

    run(go())


def test_small_terminal_what_if_shows_both_matrices():
    async def go():
        app = make_app()
        async with app.run_test(size=SMALL) as pilot:
            await settle(pilot, app)
            await pilot.press("w", *"DEU.china_caution=0.05", "enter")
            await wait_for(pilot, lambda: app.game.branch is not None, tries=500)
            await _turn(pilot, app)
            dash = app.screen
            assert on_screen(dash.query_one("#matrix"), SMALL)
            assert on_screen(dash.query_one("#branch"), SMALL)
            assert on_screen(dash.query_one(EventLog), SMALL)

    run(go())


def test_a_scenario_with_a_sixth_actor_plays_and_inspects_it():
    """australia-joins adds AUS: the inspector and the bandwidth spent read the scenario's
    actors, not the five of the base config (the dashboard failed on opening)."""

    async def go():
        app = make_app("australia-joins")
        async with app.run_test(size=SMALL) as pilot:
            await settle(pilot, app)
            await _turn(pilot, app)
            assert "AUS" in app.game.actors() and "AUS" in app.game.spent("GBR")
            seen = set()
            for _ in app.game.actors():
                await pilot.press("a")
                await pilot.pause()
                seen.add(app.game.actors()[app.screen.actor])
            assert seen == set(app.game.actors())

    run(go())


def _count_footer_redraws(monkeypatch, dash) -> list:
    """A list that grows by one each time the dashboard redraws its footer's keys."""
    calls = []
    real = dash.refresh_bindings
    monkeypatch.setattr(dash, "refresh_bindings", lambda: calls.append(1) or real())
    return calls


def test_a_quick_turn_leaves_the_footer_alone(monkeypatch):
    """Rebuilding the footer to dim the refused keys, and again to undim them, cost the
    turn's worker about 30 ms of a turn: it happens only once a computation lasts."""

    async def go(dim_after: float, slow: bool) -> int:
        monkeypatch.setattr(dashboard, "DIM_AFTER", dim_after)
        app = make_app()
        async with app.run_test(size=COMFORTABLE) as pilot:
            await settle(pilot, app)
            dash = app.screen
            calls = _count_footer_redraws(monkeypatch, dash)
            if slow:
                dash.busy = True
                await pilot.pause(0.1)
                assert calls and dash.check_action("next_turn", ()) is None
                dash.busy = False
                await pilot.pause()
            else:
                await _turn(pilot, app)
                await _turn(pilot, app)
            return len(calls)

    assert run(go(60.0, slow=False)) == 0
    assert run(go(0.01, slow=True)) == 2  # dimmed, then shown again


def test_chart_axis_legend_and_dates():
    hist = np.array([[0.0, 2.5, 5.0], [1.0, 3.0, 4.6], [2.0, 3.2, 4.4]])
    dates = [f"{2020 + q // 4}-Q{q % 4 + 1}" for q in range(13)]
    lines = [t.plain for t in draw("JPN-GBR ", hist, dates, 60, 14)]
    assert len(lines) == 14 and all(len(x) <= 60 for x in lines)
    head = lines[0]
    assert head.startswith("JPN-GBR") and all(t in head for t in ("dialogue", "exchange"))
    ticks = [x.split("┤")[0].strip() for x in lines[1:-2] if "┤" in x]
    assert ticks == ["5", "4", "3", "2", "1", "0"]
    assert lines[-1].split() == [d for d in lines[-1].split() if d in dates]
    assert lines[-1].split()[0] == "2020-Q1" and len(lines[-1].split()) >= 3
    # a level of 5 is drawn in the top row and a level of 0 in the bottom row, at turn 0
    assert lines[1][4] != " " and lines[-3][4] != " "
    # the branch adds its legend entry
    assert "what-if" in draw("x ", hist, dates, 60, 14, hist, 1)[0].plain
    # too small to draw: blank lines, no error
    assert len(draw("x ", hist, dates, 6, 3)) == 3


def test_story_log_lines_written_before_it_had_its_width_read_as_full_lines():
    """The scenario's introduction is written as the dashboard opens, before the log has
    its size: it is wrapped again at the log's width, not left in a 20-column strip."""

    async def go():
        app = make_app("classroom", seats=["JPN"])
        async with app.run_test(size=SMALL) as pilot:
            await settle(pilot, app)
            log = app.screen.query_one(EventLog)
            widths = [strip.cell_length for strip in log.lines]
            assert widths and max(widths) > 0.8 * log.scrollable_content_region.width

    run(go())


def test_a_footer_redrawn_while_busy_is_lit_again_after(monkeypatch):
    """A focus change while a turn runs redraws the footer with the refused keys dimmed
    (check_action answers None): when the turn ends the footer is redrawn with them lit, even
    though the turn was too quick to dim them on its own."""

    async def go() -> tuple[int, bool]:
        monkeypatch.setattr(dashboard, "DIM_AFTER", 60.0)
        app = make_app()
        async with app.run_test(size=COMFORTABLE) as pilot:
            await settle(pilot, app)
            dash = app.screen
            calls = _count_footer_redraws(monkeypatch, dash)
            dash.busy = True
            assert dash.check_action("next_turn", ()) is None  # what the footer draws now
            dash.busy = False
            await pilot.pause()
            return len(calls), dash.check_action("next_turn", ()) is True

    assert run(go()) == (1, True)
