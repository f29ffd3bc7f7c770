"""SVG snapshots of the main screens at 160x50, baseline, seed 1 (after the state checks of
test_keys.py). Update with --snapshot-update only after looking at the diff."""

from __future__ import annotations

from tests.tui.conftest import SIZE, make_app


async def _turns(pilot, n: int) -> None:
    for _ in range(n):
        await pilot.press("n")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def test_dashboard(snap_compare):
    async def run_before(pilot):
        await _turns(pilot, 4)
        await pilot.press("down", "right", "right")

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_what_if_side_by_side(snap_compare):
    async def run_before(pilot):
        await _turns(pilot, 2)
        await pilot.press("w", *"DEU.china_caution=0.05", "enter")
        await _turns(pilot, 4)
        await pilot.press("down", "down", "right", "right")

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_move_form(snap_compare):
    async def run_before(pilot):
        await pilot.press("n")

    assert snap_compare(make_app(seats=["JPN", "GBR"]), terminal_size=SIZE,
                        run_before=run_before)


def test_help_screen(snap_compare):
    assert snap_compare(make_app(), terminal_size=SIZE, press=["question_mark"])


def test_inject_screen(snap_compare):
    assert snap_compare(make_app(), terminal_size=SIZE, press=["i"])
