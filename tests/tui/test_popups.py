"""Popups close once: keys typed twice (Enter Enter, Enter Escape) before a popup has gone
must not dismiss the screen under it (blank screen) or raise ScreenStackError."""

from __future__ import annotations

import asyncio

import pytest
from textual import events

from tests.tui.conftest import SIZE, make_app, settle, wait_for
from tui.screens.dashboard import Dashboard
from tui.screens.help import HelpScreen

CHAR = {"enter": "\r", "escape": "\x1b", "question_mark": "?"}


def _send(app, *keys):
    """Queue keys at once, as a fast typist does, before the app gets to handle any."""
    for k in keys:
        app._driver.send_message(events.Key(k, CHAR.get(k, k)))


@pytest.mark.parametrize(
    "opener, keys",
    [
        ("s", ["enter", "enter"]),
        ("s", ["enter", "escape"]),
        ("e", ["escape", "escape"]),
        ("l", ["escape", "enter"]),
        ("w", ["escape", "escape"]),
        ("i", ["escape", "escape", "escape"]),
        ("question_mark", ["escape", "question_mark", "escape"]),
    ],
)
def test_double_dismiss_leaves_the_dashboard(opener, keys):
    async def go():
        app = make_app()
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, app)
            dash = app.screen
            assert isinstance(dash, Dashboard)
            await pilot.press(opener)
            await wait_for(pilot, lambda: app.screen is not dash)
            _send(app, *keys)
            await wait_for(pilot, lambda: app.screen is dash)
            await settle(pilot, app)
            assert app.screen is dash and app.is_running
            assert len(app.screen_stack) == 2  # the default screen and the dashboard
            await pilot.press("n")
            await settle(pilot, app)
            assert app.game.turn == 1  # the dashboard still answers keys

    asyncio.run(go())


def test_help_dismissed_twice_in_code_is_harmless():
    async def go():
        app = make_app()
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, app)
            dash = app.screen
            help_ = HelpScreen()
            await app.push_screen(help_)
            help_.dismiss(None)
            help_.dismiss(None)
            await wait_for(pilot, lambda: app.screen is dash)
            await pilot.pause()
            assert app.screen is dash and len(app.screen_stack) == 2

    asyncio.run(go())
