"""Pilot tests: every key and screen, asserting on game state and messages first."""

from __future__ import annotations

import asyncio
import json

from textual.widgets import Button, Checkbox, Input, OptionList, SelectionList

from sim.vocabulary import TRACKS, anchor
from tests.tui.conftest import SIZE, form_for, make_app, settle, wait_for
from tui.screens.dashboard import Dashboard
from tui.screens.file_prompt import FilePrompt
from tui.screens.help import HelpScreen
from tui.screens.inject import InjectScreen
from tui.screens.picker import ScenarioPicker
from tui.screens.whatif import WhatIfScreen
from tui.widgets.event_log import EventLog


def run(coro):
    return asyncio.run(coro)


def log(app) -> list[tuple[str, str]]:
    return app.screen.query_one(EventLog).lines_written


def test_matrix_shows_dyads_and_n_advances_date():
    async def go():
        app = make_app()
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, app)
            dash = app.screen
            assert isinstance(dash, Dashboard)
            table = dash.query_one("#matrix")
            assert [str(r.label) for r in table.rows.values()] == [
                "JPN-GBR",
                "JPN-FRA",
                "JPN-DEU",
                "JPN-NATO",
            ]
            assert app.game.date == "2020-Q1"
            await pilot.press("n")
            await settle(pilot, app)
            assert app.game.turn == 1 and app.game.date == "2020-Q2"
            await pilot.press("space")
            await settle(pilot, app)
            assert app.game.turn == 2
            changes = [t for k, t in log(app) if k == "change"]
            assert changes and all("driven by" in t or "held steady" in t for t in changes)
            assert "2020-Q3" in str(dash.query_one("#status").render())

    run(go())


def test_log_reasons_follow_the_attribution():
    """The first change line names the largest contributor of the turn's largest change."""
    from sim.engine.explain import explain, top_drivers

    async def go():
        app = make_app(seed=5)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("n")
            await settle(pilot, app)
            m = app.game.model
            c = explain(m, 0, 0, 1)
            change = m.levels[0] - m.initial_levels[0]
            d, k = divmod(int(abs(change).argmax()), len(TRACKS))
            first = next(t for kind, t in log(app) if kind == "change")
            assert first.startswith(f"{m.setup.dyads[d]} {TRACKS[k]}")
            from sim.vocabulary import DRIVER_LABELS

            assert DRIVER_LABELS[top_drivers(c, d, k)[0][0]] in first

    run(go())


def test_cell_selection_shows_anchor():
    async def go():
        app = make_app()
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, app)
            await pilot.press("down", "down", "right", "right")
            await pilot.pause()
            dash = app.screen
            assert (dash.dyad, dash.track) == (2, 2)
            lvl = app.game.model.levels[0, 2, 2]
            text = str(dash.query_one("#anchor").render())
            assert "JPN-DEU exercise" in text and anchor("exercise", lvl) in text

    run(go())


def test_run_pause_and_back():
    async def go():
        app = make_app()
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("r")
            assert app.screen.running
            for _ in range(100):
                await pilot.pause(0.05)
                if app.game.turn >= 2:
                    break
            await pilot.press("r")
            await settle(pilot, app)
            assert not app.screen.running and app.game.turn >= 2
            t = app.game.turn
            before = app.game.model.level_history()[:t].copy()
            await pilot.press("b")
            await pilot.pause()
            assert app.game.turn == t - 1
            assert (app.game.model.level_history() == before).all()
            assert any("back to" in x for _, x in log(app))

    run(go())


def test_inject_library_and_custom():
    async def go():
        app = make_app("china-coercion")
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("i")
            assert isinstance(app.screen, InjectScreen)
            opts = app.screen.query_one(OptionList)
            opts.focus()
            opts.highlighted = 0
            await pilot.press("enter")  # first library entry
            await pilot.pause()
            assert isinstance(app.screen, Dashboard)
            first = next(iter(app.game.library()))
            assert app.game.inputs[1].inject == [first]
            await pilot.press("i")
            scr = app.screen
            scr.query_one("#custom-name", Input).value = "Budget crisis"
            scr.query_one("#custom-effects", Input).value = "budget_pressure+0.3, GBR.bandwidth-1"
            scr.query_one("#custom-go", Button).press()
            await pilot.pause()
            custom = app.game.inputs[1].inject[1]
            assert custom.name == "Budget crisis" and custom.indices == {"budget_pressure": 0.3}
            await pilot.press("n")
            await settle(pilot, app)
            assert app.game.model.history[0].injected == [first, custom.id]
            assert ("inject", "Budget crisis") in log(app)
            # a bad custom effect stays on the form with a one-line error
            await pilot.press("i")
            scr = app.screen
            scr.query_one("#custom-effects", Input).value = "moon_phase+1"
            scr.query_one("#custom-go", Button).press()
            await pilot.pause()
            assert isinstance(app.screen, InjectScreen)
            assert "unknown index 'moon_phase'" in str(scr.query_one("#inject-error").render())
            await pilot.press("escape")
            assert isinstance(app.screen, Dashboard)

    run(go())


def test_what_if_forks_branch_side_by_side():
    async def go():
        app = make_app()
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("n")
            await settle(pilot, app)
            await pilot.press("w")
            assert isinstance(app.screen, WhatIfScreen)
            await pilot.press(*"DEU.china_caution=9", "enter")
            assert isinstance(app.screen, WhatIfScreen)  # out of range: stays, explains
            assert "out of range" in str(app.screen.query_one("#whatif-error").render())
            app.screen.query_one(Input).value = "DEU.china_caution=0.05"
            await pilot.press("enter")
            await pilot.pause()
            g = app.game
            assert g.branch is not None and g.fork_at == 1
            assert app.screen.query_one("#branch-box").display
            for _ in range(3):
                await pilot.press("n")
                await settle(pilot, app)
            assert g.branch.turn == g.turn == 4
            assert (g.branch.model.levels != g.model.levels).any()
            assert any("what-if branch vs main" in t for _, t in log(app))

    run(go())


def test_save_load_export_help_actor_quit(in_tmp):
    async def go():
        app = make_app()
        async with app.run_test(size=SIZE) as pilot:
            for _ in range(3):
                await pilot.press("n")
                await settle(pilot, app)
            await pilot.press("s")
            assert isinstance(app.screen, FilePrompt)
            await pilot.press("enter")
            saved = in_tmp / "saves" / "baseline-seed1-t3.json"
            assert json.loads(saved.read_text())["turn"] == 3
            hist = app.game.model.level_history().copy()
            await pilot.press("n", "n")
            await settle(pilot, app)
            await pilot.press("l")
            app.screen.query_one(Input).value = str(saved)
            await pilot.press("enter")
            await wait_for(pilot, lambda: app.game.turn == 3)
            assert app.game.turn == 3, log(app)[-3:]
            assert (app.game.model.level_history() == hist).all()
            await wait_for(pilot, lambda: any("loaded" in t for _, t in log(app)))
            await pilot.press("e")
            assert isinstance(app.screen, FilePrompt)
            await pilot.press("enter")
            await settle(pilot, app)
            assert (in_tmp / "reports" / "baseline-seed1-t3.html").exists()
            assert (in_tmp / "reports" / "baseline-seed1-t3.md").exists()
            actor = app.screen.actor
            await pilot.press("a")
            assert app.screen.actor == (actor + 1) % 5
            await pilot.press("question_mark")
            assert isinstance(app.screen, HelpScreen)
            await pilot.press("escape")
            assert isinstance(app.screen, Dashboard)
            await pilot.press("q")
            await pilot.pause()
        assert app.return_code == 0

    run(go())


def test_bad_load_path_is_logged_not_raised(in_tmp):
    async def go():
        app = make_app()
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("l")
            app.screen.query_one(Input).value = "missing.json"
            await pilot.press("enter")
            await pilot.pause()
            assert ("error", "missing.json: file not found") in log(app)

    run(go())


def test_classroom_two_seats_hot_seat():
    async def go():
        app = make_app(seats=["JPN", "GBR"])
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("n")
            form = await form_for(pilot, app, "JPN")
            form.query_one("#priorities", SelectionList).select("GBR")
            form.query_one("#exercise", SelectionList).select("DEU")
            form.query_one("#statement", Checkbox).value = True
            form.query_one("#statement-russia", Checkbox).value = True
            form.query_one("#two-plus-two", SelectionList).select("DEU")
            form.query_one("#buy", SelectionList).select("FRA")
            form.query_one("#deploy", Checkbox).value = True
            form.query_one("#submit", Button).press()
            form = await form_for(pilot, app, "GBR")
            assert form.team == 2
            form.query_one("#skip", Button).press()  # GBR keeps the rule's choice
            await settle(pilot, app)
            rec = app.game.model.history[0]
            assert [m.actor for m in rec.moves] == ["JPN"]
            assert rec.moves[0].priorities == ["GBR"] and rec.moves[0].statement
            assert rec.moves[0].statement_russia and rec.moves[0].request_two_plus_two == ["DEU"]
            assert rec.moves[0].buy_equipment == ["FRA"] and rec.moves[0].deploy
            assert any(k == "move" and "JPN prioritises GBR" in t for k, t in log(app))
            # escape cancels the round: no turn is played
            await pilot.press("n")
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, Dashboard) and app.game.turn == 1

    run(go())


def test_picker_then_dashboard():
    async def go():
        app = make_app(scenario=None)
        app.game = None
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, ScenarioPicker)
            opts = app.screen.query_one(OptionList)
            ids = [opts.get_option_at_index(i).id for i in range(opts.option_count)]
            assert "baseline" in ids
            # each option shows the scenario's description (its start, on one line)
            shown = str(opts.get_option_at_index(ids.index("baseline")).prompt)
            from sim.inputs.config import scenario_description

            assert shown.split(None, 1)[1] == scenario_description("baseline")[:100]
            assert len(shown) > 60
            opts.highlighted = ids.index("baseline")
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, Dashboard) and app.game.setup.name == "baseline"

    run(go())


def test_command_palette_lists_game_actions():
    async def go():
        app = make_app()
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            titles = [c.title for c in app.get_system_commands(app.screen)]
            for t in (
                "Next turn",
                "Run / pause",
                "Back one turn",
                "Inject a shock",
                "What-if branch",
                "Save game",
                "Load game",
                "Export report",
                "Help",
            ):
                assert t in titles

    run(go())


def test_classroom_played_to_the_end_with_two_seats_and_a_report(in_tmp):
    """The classroom exercise, JPN and GBR seated, all 12 turns, one inject, then export."""

    async def go():
        app = make_app(scenario="classroom", seed=4, seats=["JPN", "GBR"])
        async with app.run_test(size=SIZE) as pilot:
            total = app.game.setup.turns
            assert total == 12
            for turn in range(total):
                if turn == 5:
                    app.game.inject("scs-standoff")
                await pilot.press("n")
                jpn = await form_for(pilot, app, "JPN")
                jpn.query_one("#priorities", SelectionList).select("DEU")
                jpn.query_one("#exercise", SelectionList).select("GBR")
                jpn.query_one("#submit", Button).press()
                gbr = await form_for(pilot, app, "GBR")
                gbr.query_one("#statement", Checkbox).value = turn % 2 == 0
                gbr.query_one("#submit", Button).press()
                await settle(pilot, app)
                assert app.game.turn == turn + 1
            assert app.game.done and app.game.date == "2023-Q1"
            moves = [r.moves for r in app.game.model.history]
            assert all([m.actor for m in ms] == ["JPN", "GBR"] for ms in moves)
            assert any(k == "inject" for k, _ in log(app))
            await pilot.press("n")  # the game is over: nothing more is played
            await settle(pilot, app)
            assert app.game.turn == total
            await pilot.press("e")
            await pilot.press("enter")
            await settle(pilot, app)
            html = (in_tmp / "reports" / f"classroom-seed4-t{total}.html").read_text()
            assert "JPN prioritises DEU" in html and "data:image/png;base64" in html

    run(go())
