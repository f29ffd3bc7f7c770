from __future__ import annotations

import pytest

from tui.app import WargameApp

SIZE = (160, 50)


@pytest.fixture(autouse=True)
def in_tmp(tmp_path, monkeypatch):
    """Every file the UI writes (saves, reports) lands under tmp_path."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def make_app(scenario: str = "baseline", seed: int = 1, seats=None, **kw) -> WargameApp:
    return WargameApp(scenario, seed=seed, seats=seats or [], **kw)


async def settle(pilot, app) -> None:
    """Wait until no turn or report is being computed."""
    for _ in range(200):
        await pilot.pause()
        dash = app.screen
        if not getattr(dash, "busy", False):
            await app.workers.wait_for_complete()
            await pilot.pause()
            if not getattr(app.screen, "busy", False):
                return
    raise AssertionError("the app stayed busy")


async def wait_for(pilot, cond, tries: int = 100) -> None:
    for _ in range(tries):
        if cond():
            return
        await pilot.pause(0.02)
    raise AssertionError("condition not reached")


async def form_for(pilot, app, actor: str):
    """The move form of `actor`, once it is on top and composed."""
    from tui.screens.move_form import MoveForm

    def ready() -> bool:
        s = app.screen
        return isinstance(s, MoveForm) and s.actor == actor and bool(s.query("#submit"))

    await wait_for(pilot, ready, tries=500)
    return app.screen
