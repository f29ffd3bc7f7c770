"""The classroom screens: the joined client and the facilitator console. Messages first
(every tab reachable by key at 80x24, the move form sends the seat's move), then SVG
snapshots at 80x24, 120x36 and 200x50 of a fixed game (classroom, seed 4, one turn with a
deal, a private inject)."""

from __future__ import annotations

import asyncio

import pytest

from sim.game import protocol as P
from sim.game.host import Host
from sim.game.session import Session, SessionError
from tui.classroom.client_app import ClientApp
from tui.classroom.console import ConsoleApp
from tui.keymap import CONSOLE_TABS
from tui.keymap import SEAT_TABS as TABS

SIZES = [(80, 24), (120, 36), (200, 50)]


def played(tmp_path) -> Session:
    ses = Session("classroom", tmp_path / "g", seed=4, turns=6)
    p = ses.propose("JPN", P.Propose(to="GBR", kind="exercise"))
    ses.respond("GBR", P.Respond(proposal=p.id, answer="accept"))
    ses.submit("JPN", 1, P.MovePayload(priorities=["GBR"]))
    ses.inject("nk-missiles", to="JPN", text="Intelligence: more launches are coming.")
    ses.advance()
    ses.propose("DEU", P.Propose(to="JPN", kind="agreement", terms=P.Terms(enabler="isa")))
    ses.submit("JPN", 2, P.MovePayload(posture="cautious"))
    return ses


def client_for(ses: Session, seat: str = "JPN") -> ClientApp:
    app = ClientApp(None)
    sent: list = []

    async def send(msg):
        sent.append(msg)

    app.send = send
    app.sent = sent

    def feed():
        app.apply(P.Welcome(role="seat", seat=seat, **ses.welcome_info("seat", seat)))
        app.apply(ses.view("seat", seat, ["JPN", "GBR"]))

    app.feed = feed
    return app


def test_every_client_tab_is_reachable_at_80x24_and_the_form_sends_the_move(tmp_path):
    asyncio.run(_client_tabs(tmp_path))


async def _client_tabs(tmp_path):
    ses = played(tmp_path)
    app = client_for(ses)
    async with app.run_test(size=(80, 24)) as pilot:
        app.feed()
        await pilot.pause()
        tabs = app.query_one("#tabs")
        for i, tab in enumerate(TABS, start=1):
            await pilot.press(str(i))
            assert tabs.active == tab
        await pilot.press("6")
        sl = app.query_one("#priorities")
        sl.select("FRA")
        app.query_one("#deploy").value = True
        btn = app.query_one("#submit")
        btn.scroll_visible(animate=False)
        await pilot.pause()
        await pilot.click("#submit")
        await pilot.pause()
        sub = [m for m in app.sent if m.type == "submit"]
        assert sub and sub[-1].turn == 2 and sub[-1].move.priorities == ["FRA"]
        assert sub[-1].move.deploy is True
        # the seat sees its private inject and its own parameters only
        text = str(app.query_one("#private-notices").render())
        assert "more launches" in text
        log = str(app.query_one("#log-text").render())
        assert "[private] " in log and "more launches" in log  # shown as written, not markup
        assert list(app.state.params) == ["JPN"]
        # answer the German proposal from the Deals tab
        await pilot.press("5")
        app.query_one("#answer-id").value = "p2"
        await pilot.pause()
        await pilot.click("#accept")
        await pilot.pause()
        assert [m.answer for m in app.sent if m.type == "respond"] == ["accept"], (
            app.sent,
            app.query_one("#tabs").active,
            app.focused,
        )


def test_another_seat_does_not_see_the_private_inject(tmp_path):
    ses = played(tmp_path)
    gbr = ses.view("seat", "GBR", [])
    assert not any("more launches" in ln for ln in gbr.log)
    assert list(gbr.params) == ["GBR"] and set(gbr.scores) == {"GBR"}
    assert all("GBR" in (p["frm"], p["to"]) for p in gbr.proposals)
    fac = ses.view("facilitator", None, [])
    assert any("[private to JPN]" in ln and "more launches" in ln for ln in fac.log)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("tab", ["score", "deals", "private", "move"])
def test_client_snapshot(snap_compare, tmp_path, size, tab):
    app = client_for(played(tmp_path))

    async def run_before(pilot):
        app.feed()
        await pilot.press(str(TABS.index(tab) + 1))
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_console_snapshot(snap_compare, tmp_path, size):
    ses = played(tmp_path)
    app = ConsoleApp(Host(ses, headless=False, port=0), start=False)

    async def run_before(pilot):
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=run_before)


def test_console_tabs_advance_pause_and_private_inject(tmp_path):
    asyncio.run(_console_tabs(tmp_path))


async def _console_tabs(tmp_path):
    ses = played(tmp_path)
    host = Host(ses, headless=False, port=0)
    app = ConsoleApp(host, start=False)
    async with app.run_test(size=(80, 24)) as pilot:
        for i, tab in enumerate(CONSOLE_TABS, start=1):
            await pilot.press(str(i))
            assert app.query_one("#tabs").active == tab
        await pilot.press("p")
        assert ses.paused
        await pilot.press("p")
        assert not ses.paused
        await pilot.press("2")
        app.query_one("#shock").value = "russia-moves"
        app.query_one("#inject-to").value = "NATO"
        await pilot.pause()
        await pilot.click("#do-inject")
        await pilot.pause()
        assert ses.notices[-1].to == "NATO" and ses.notices[-1].shock == "russia-moves"
        assert "russia-moves" in ses.game.inputs[2].inject
        await pilot.press("a")
        await pilot.pause()
        assert ses.turn == 2
        old = ses.tokens["FRA"]
        await pilot.press("6")
        app.query_one("#reseat-seat").value = "FRA"
        await pilot.pause()
        await pilot.click("#reseat")
        await pilot.pause()
        assert ses.tokens["FRA"] != old
        with pytest.raises(SessionError):
            ses.role_of("FRA", old)
        assert ses.role_of("FRA", ses.tokens["FRA"]) == ("seat", "FRA")
