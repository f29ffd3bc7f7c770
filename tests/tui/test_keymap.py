"""One keymap table per screen (tui/keymap.py): the bindings, the command palette and the
help screen are built from it, and `check_action` refuses game actions while a turn runs."""

from __future__ import annotations

import asyncio

from textual.widgets import Static

from tests.tui.conftest import SIZE, make_app, settle
from tui.classroom.client_app import ClientApp
from tui.classroom.console import ConsoleApp
from tui.keymap import CONSOLE, DASHBOARD, SEAT, Command, bindings, help_rows
from tui.screens.dashboard import WHILE_BUSY, Dashboard
from tui.screens.help import HelpScreen, help_text
from tui.screens.inject import InjectScreen


def run(coro):
    return asyncio.run(coro)


def keys_of(table) -> list[tuple[str, str]]:
    return [(c.keys, c.action) for c in table if c.bound]


def test_bindings_are_the_tables():
    assert [(b.key, b.action) for b in Dashboard.BINDINGS] == keys_of(DASHBOARD)
    assert [(b.key, b.action) for b in ClientApp.BINDINGS] == keys_of(SEAT)
    assert [(b.key, b.action) for b in ConsoleApp.BINDINGS] == keys_of(CONSOLE)
    # the footer's order: help and quit among the first keys, so that 80 columns show them
    assert [b.description for b in Dashboard.BINDINGS][:4] == [
        "Next turn",
        "Run/pause",
        "Help",
        "Quit",
    ]
    # documented-only keys (the matrix's arrows, ctrl+p) are not bound a second time
    assert "up,down,left,right" not in [b.key for b in Dashboard.BINDINGS]


def test_every_binding_is_in_help_and_palette():
    async def go():
        app = make_app()
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            dash = app.screen
            palette = {c.title: c for c in app.get_system_commands(dash)}
            await pilot.press("question_mark")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            shown = str(app.screen.query_one("#help-keys", Static).render())
            for c in DASHBOARD:
                assert c.display in shown and c.help in shown, c
                if not c.bound:
                    continue
                if c.action == "app.quit":  # Textual's own "Quit" command offers it
                    assert "Quit" in palette
                    continue
                assert c.title in palette, c
                assert c.display in palette[c.title].help
            assert shown.splitlines() == [f"{k:<10} {v}" for k, v in help_rows(DASHBOARD)]

    run(go())


def test_help_text_comes_from_the_table(monkeypatch):
    import tui.screens.help as help_screen

    extra = DASHBOARD + (Command("z", "zoom", "Zoom", "zoom into the chart", "Zoom"),)
    monkeypatch.setattr(help_screen, "DASHBOARD", extra)
    assert help_text().splitlines()[-1] == "[b]z         [/b] zoom into the chart"
    assert [b.key for b in bindings(extra)][-1] == "z"


def test_actions_are_refused_while_a_turn_runs():
    async def go():
        app = make_app()
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, app)
            dash = app.screen
            dash.busy = True
            for action in WHILE_BUSY:
                assert not dash.check_action(action, ())
            assert dash.check_action("next_actor", ()) and dash.check_action("help", ())
            await pilot.press("n", "i", "b", "w")
            await pilot.pause()
            assert app.game.turn == 0 and app.screen is dash
            # the palette goes through check_action too
            palette = {c.title: c for c in app.get_system_commands(dash)}
            await palette["Next turn"].callback()
            await pilot.pause()
            assert app.game.turn == 0
            actor = dash.actor
            await pilot.press("a")  # not a game action: still allowed
            assert dash.actor != actor
            dash.busy = False
            await pilot.press("n")
            await settle(pilot, app)
            assert app.game.turn == 1
            await palette["Next turn"].callback()
            await settle(pilot, app)
            assert app.game.turn == 2
            await pilot.press("i")
            await pilot.pause()
            assert isinstance(app.screen, InjectScreen)

    run(go())


def test_readme_names_every_dashboard_key():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    part = readme[readme.index("opens the dashboard") : readme.index("- Classroom:")]
    for c in DASHBOARD:
        if c.bound:
            assert f"`{c.display.split(' / ')[0]}`" in part, c
