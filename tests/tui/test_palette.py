"""The command palette (Ctrl+P) with keys typed fast: a command chosen once runs once, the
dashboard under the palette stays, and nothing queued for a closed palette crashes the app
(second Enter popping the dashboard, ScreenStackError, "No matches" timers or searches
running after the palette's widgets are gone)."""

from __future__ import annotations

import asyncio
import random

import pytest
from textual import events

from tests.tui.conftest import SIZE, make_app, settle, wait_for
from tui.screens.dashboard import Dashboard
from tui.screens.palette import Palette

CHAR = {"enter": "\r", "escape": "\x1b", "tab": "\t", "backspace": "\x7f"}


def _send(app, *keys: str) -> None:
    """Queue keys at once, as a fast typist does, before the app handles any of them."""
    for k in keys:
        app._driver.send_message(events.Key(k, CHAR.get(k, k if len(k) == 1 else None)))


def _hits(app) -> int:
    """Commands the open palette lists (0 while it is still searching)."""
    from textual.command import CommandList

    if not isinstance(app.screen, Palette):
        return 0
    found = app.screen.query(CommandList)
    return found.first().option_count if found else 0


async def _dashboard(pilot, app) -> Dashboard:
    await settle(pilot, app)
    assert isinstance(app.screen, Dashboard)
    return app.screen


@pytest.mark.parametrize(
    "after",
    [
        ["enter", "enter"],
        ["enter", "enter", "enter"],
        ["enter", "escape"],
        ["enter", "escape", "escape"],
    ],
    ids="-".join,
)
def test_a_command_typed_fast_runs_once_and_the_dashboard_stays(after):
    async def go():
        app = make_app()
        async with app.run_test(size=SIZE) as pilot:
            dash = await _dashboard(pilot, app)
            _send(app, "ctrl+p", *"next turn")
            await wait_for(pilot, lambda: _hits(app) >= 1, tries=500)
            _send(app, "down", *after)  # Enter picks the command; the rest reach a closed palette
            await wait_for(pilot, lambda: app.screen is dash, tries=500)
            await settle(pilot, app)
            for _ in range(40):  # past the palette's 0.5 s "No matches" countdown
                await pilot.pause(0.02)
            assert app.is_running
            assert app.screen is dash and len(app.screen_stack) == 2
            # chosen once, run once; an Escape that gets there before the choice closes the
            # palette without running it
            assert app.game.turn in (0, 1)
            if "escape" not in after:
                assert app.game.turn == 1
            turn = app.game.turn
            await pilot.press("n")
            await settle(pilot, app)
            assert app.game.turn == turn + 1  # the dashboard still answers keys

    asyncio.run(go())


def test_no_palette_opens_while_quitting():
    async def go():
        app = make_app()
        async with app.run_test(size=SIZE) as pilot:
            await _dashboard(pilot, app)
            _send(app, "ctrl+q", "n", "ctrl+p", "x")
            for _ in range(40):
                await pilot.pause(0.02)
            assert not any(isinstance(s, Palette) for s in app.screen_stack)
        # leaving run_test raises what the app raised (a failed palette search)

    asyncio.run(go())


WORDS = [
    "next",
    "run",
    "back",
    "inject",
    "what",
    "save",
    "load",
    "export",
    "help",
    "actor",
    "theme",
    "keys",
    "scr",
    "zzz",
]


@pytest.mark.parametrize("seed", range(3))
def test_random_bursts_into_the_palette(seed):
    """Bursts of Ctrl+P, part of a command's name, maybe Down, then Enter, Escape or Tab,
    sometimes an extra Escape, without waiting in between: never a crash or a blank
    screen."""

    async def go():
        rng = random.Random(seed)
        app = make_app()
        async with app.run_test(size=(100, 30)) as pilot:
            await _dashboard(pilot, app)
            for rep in range(18):
                word = rng.choice(WORDS)
                keys = ["ctrl+p", *word[: rng.randint(1, len(word))]]
                keys += ["down"] if rng.random() < 0.5 else []
                keys += [rng.choice(["enter", "escape", "enter", "tab"])]
                keys += ["escape"] if rng.random() < 0.3 else []
                _send(app, *keys)
                await asyncio.sleep(0)
                if rep % 3 == 2:
                    await pilot.pause()
                    assert app.is_running, f"the app stopped after burst {rep}"
                    assert len(app.screen_stack) >= 2, f"blank screen after burst {rep}"
            await app.workers.wait_for_complete()
            for _ in range(40):
                await pilot.pause(0.02)
            assert app.is_running and len(app.screen_stack) >= 2
            assert any(isinstance(s, Dashboard) for s in app.screen_stack)

    asyncio.run(go())
