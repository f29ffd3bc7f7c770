"""Smoke test over every shipped scenario (scenarios/*.yaml): it opens and plays two turns in
a `Game`, on the dashboard (Pilot, headless; every actor inspected) and as a hosted game with
a bot on every seat, whatever actors it adds (australia-joins adds AUS)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import numpy as np
import pytest

from sim.game.game import Game
from sim.game.selfplay import play
from sim.game.session import verify_replay
from sim.vocabulary import TRACKS
from tests.tui.conftest import SIZE, form_for, make_app, settle
from tui.screens.dashboard import Dashboard
from tui.widgets.actor_inspector import ActorInspector

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = sorted(p.stem for p in (ROOT / "scenarios").glob("*.yaml"))
TURNS = 2


def test_the_list_holds_the_scenario_that_adds_an_actor():
    assert "australia-joins" in SCENARIOS and len(SCENARIOS) > 10


@pytest.mark.parametrize("name", SCENARIOS)
def test_a_game_plays_and_every_actor_can_be_read(name):
    g = Game(name, seed=1, turns=TURNS)
    g.step()
    g.step()
    assert g.turn == TURNS and g.levels().shape == (len(g.dyads()), len(TRACKS))
    for actor in g.actors():
        assert set(g.spent(actor)) == set(g.partners(actor))
        assert np.isfinite(list(g.params(actor).values())).all()


@pytest.mark.parametrize("name", SCENARIOS)
def test_the_dashboard_plays_two_turns_and_inspects_every_actor(name):
    """An actor the scenario adds is seated: its team fills the move form (hot seat) each
    turn; the other scenarios play without seats (the rule's choices), so no form opens."""
    game = Game(name, seed=1, turns=TURNS)
    game.seats = [a for a in game.actors() if a in game.setup.scenario.actors]

    async def go():
        app = make_app(name, seed=1, game=game)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, app)
            assert isinstance(app.screen, Dashboard)
            for _ in range(TURNS):
                await pilot.press("n")
                for seat in game.seats:
                    await form_for(pilot, app, seat)
                    await pilot.press("ctrl+s")
                await settle(pilot, app)
            assert app.game.turn == TURNS
            moved = [m.actor for t in range(1, TURNS + 1) for m in game.inputs[t].moves]
            assert moved == game.seats * TURNS
            shown = []
            for _ in app.game.actors():
                await pilot.press("a")
                await pilot.pause()
                head = app.screen.query_one(ActorInspector).text.plain.splitlines()[0]
                shown.append(head.split("(")[1].split(")")[0])
            assert sorted(shown) == sorted(app.game.actors())

    asyncio.run(go())


@pytest.mark.parametrize("name", SCENARIOS)
def test_a_hosted_game_with_a_bot_on_every_seat(name, tmp_path):
    host = play(name, tmp_path / "host", seed=1, turns=TURNS)
    s = host.game.setup
    assert host.seats == (list(s.scenario.seats) or list(s.actors))
    assert host.done and host.turn == TURNS
    # every seat's bot moved in every turn, an added actor's too
    for rec in host.game.model.history:
        assert sorted(m.actor for m in rec.moves) == sorted(host.seats)
    assert verify_replay(tmp_path / "host") == (
        (TURNS + 1) * len(s.dyads) * len(TRACKS),
        True,
    )


def test_the_what_if_dialog_names_and_takes_an_added_actor():
    from textual.widgets import Input

    from tui.screens.whatif import WhatIfScreen

    async def go():
        app = make_app("australia-joins", seed=1, turns=TURNS)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, app)
            await pilot.press("w")
            assert isinstance(app.screen, WhatIfScreen)
            assert "AUS" in str(app.screen.query_one(".hint").render())
            app.screen.query_one(Input).value = "AUS.bandwidth=5"
            await pilot.press("enter")
            await pilot.pause()
            assert app.game.what_if().set == {"AUS.bandwidth": 5.0}

    asyncio.run(go())
