"""SVG snapshots of the main screens at 160x50, baseline, seed 1 (after the state checks of
test_keys.py and test_small_screen.py), and of the dashboard at 80x24 and 120x36. Update with
--snapshot-update only after looking at the diff."""

from __future__ import annotations

import pytest

from tests.tui.conftest import SIZE, make_app, settle, wait_for


async def _turns(pilot, n: int) -> None:
    app = pilot.app
    for _ in range(n):
        turn = app.game.turn
        await pilot.press("n")
        await wait_for(pilot, lambda t=turn: app.game.turn == t + 1, tries=500)
        await settle(pilot, app)


def test_dashboard(snap_compare):
    async def run_before(pilot):
        await _turns(pilot, 4)
        await pilot.press("down", "right", "right")
        await settle(pilot, pilot.app)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


@pytest.mark.parametrize("size", [(80, 24), (120, 36)], ids=["80x24", "120x36"])
def test_dashboard_size(snap_compare, size):
    async def run_before(pilot):
        await _turns(pilot, 4)
        await pilot.press("down", "right")
        await settle(pilot, pilot.app)

    assert snap_compare(make_app(), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize(
    "keys", [("v",), ("w", *"DEU.china_caution=0.05", "enter")], ids=["inspector", "what-if"]
)
def test_small_dashboard(snap_compare, keys):
    async def run_before(pilot):
        await _turns(pilot, 2)
        await pilot.press(*keys)
        await settle(pilot, pilot.app)
        await _turns(pilot, 2)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run_before)


def test_what_if_side_by_side(snap_compare):
    async def run_before(pilot):
        await _turns(pilot, 2)
        await pilot.press("w", *"DEU.china_caution=0.05", "enter")
        await wait_for(pilot, lambda: pilot.app.game.branch is not None, tries=500)
        await _turns(pilot, 4)
        await pilot.press("down", "down", "right", "right")
        await settle(pilot, pilot.app)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_move_form(snap_compare):
    async def run_before(pilot):
        await pilot.press("n")

    assert snap_compare(make_app(seats=["JPN", "GBR"]), terminal_size=SIZE, run_before=run_before)


def test_help_screen(snap_compare):
    assert snap_compare(make_app(), terminal_size=SIZE, press=["question_mark"])


def test_inject_screen(snap_compare):
    assert snap_compare(make_app(), terminal_size=SIZE, press=["i"])
