"""Seeded random key presses through every screen, at 80x24 and 200x50, must not crash the
app or leave a blank screen (quit keys left out). `python benchmarks/tui_keys.py` sends
10,000 keys; CI sends a few hundred per size.

Keys are sent straight to the driver, as from a fast typist, and the app is let to settle
every few keys (Pilot.press would idle-wait after each key and take minutes).
"""

from __future__ import annotations

import asyncio

import numpy as np
import pytest
from textual import events

from tests.tui.conftest import make_app

KEYS = [
    "n",
    "space",
    "r",
    "b",
    "i",
    "w",
    "a",
    "s",
    "l",
    "e",
    "question_mark",
    "escape",
    "enter",
    "tab",
    "up",
    "down",
    "left",
    "right",
    "x",
    "1",
    "0",
    "full_stop",
    "equals_sign",
    "D",
    "backspace",
    "shift+tab",
]
CHAR = {
    "space": " ",
    "question_mark": "?",
    "full_stop": ".",
    "equals_sign": "=",
    "enter": "\r",
    "tab": "\t",
    "escape": "\x1b",
    "backspace": "\x7f",
}
SIZES = [(80, 24), (200, 50)]


def presses(seed: int, n: int) -> list[str]:
    rng = np.random.default_rng(seed)
    return [KEYS[i] for i in rng.integers(0, len(KEYS), n)]


async def drive(keys: list[str], size: tuple[int, int], seats=(), scenario="baseline"):
    """Send `keys` to a fresh app; fail on a crash or a blank screen. Returns the turn."""
    app = (
        make_app(scenario, seats=list(seats))
        if scenario
        else __import__("tui.app", fromlist=["WargameApp"]).WargameApp(None, seed=1)
    )
    async with app.run_test(size=size) as pilot:
        for i, key in enumerate(keys):
            char = CHAR.get(key, key if len(key) == 1 else None)
            app._driver.send_message(events.Key(key, char))
            await asyncio.sleep(0)
            if i % 8 == 7:
                await pilot.pause()
                assert app.is_running, f"app stopped after key {i} ({key})"
                assert len(app.screen_stack) >= 2, f"blank screen after key {i} ({key})"
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.is_running
        assert len(app.screen_stack) >= 2, "blank screen at the end"
        assert app.screen.size.width > 0
        game = app.game
        if game is not None:
            assert 0 <= game.turn <= game.setup.turns
        return game.turn if game is not None else 0


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_random_keys_do_not_crash(in_tmp, size):
    keys = presses(20240501 + size[0], 700)
    classroom = asyncio.run(drive(keys[:300], size, seats=["JPN", "GBR"]))
    solo = asyncio.run(drive(keys[300:], size))
    assert classroom >= 0 and solo > 0  # the presses did play the game


def test_random_keys_from_the_picker(in_tmp):
    asyncio.run(drive(presses(7, 200), (80, 24), scenario=None))
