"""2,000 seeded random key presses must not crash the app (quit keys left out).

Keys are sent straight to the driver, as from a fast typist, and the app is let to settle
every few keys (Pilot.press would idle-wait after each key and take minutes).
"""

from __future__ import annotations

import asyncio

import numpy as np
from textual import events

from tests.tui.conftest import SIZE, make_app

KEYS = ["n", "space", "r", "b", "i", "w", "a", "s", "l", "e", "question_mark", "escape",
        "enter", "tab", "up", "down", "left", "right", "x", "1", "0", "full_stop",
        "equals_sign", "D"]
CHAR = {"space": " ", "question_mark": "?", "full_stop": ".", "equals_sign": "=",
        "enter": "\r", "tab": "\t", "escape": "\x1b"}


def test_random_keys_do_not_crash(in_tmp):
    rng = np.random.default_rng(20240501)
    presses = [KEYS[i] for i in rng.integers(0, len(KEYS), 2000)]

    async def go(seats, presses):
        app = make_app(seats=seats)
        async with app.run_test(size=SIZE) as pilot:
            for i, key in enumerate(presses):
                char = CHAR.get(key, key if len(key) == 1 else None)
                app._driver.send_message(events.Key(key, char))
                await asyncio.sleep(0)
                if i % 8 == 7:
                    await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert app.is_running
            assert 0 <= app.game.turn <= app.game.setup.turns
            return app.game.turn, len(app.game.inputs)
    classroom, _ = asyncio.run(go(["JPN", "GBR"], presses[:1000]))
    solo, inputs = asyncio.run(go([], presses[1000:]))
    assert solo > 0  # the presses did play the game
