"""Host and five clients over real sockets on loopback: eight turns with proposals, an
accepted deal, a counter-offer, a private inject, a reconnect and the debrief written."""

from __future__ import annotations

import asyncio
import json
import time

import numpy as np
import pytest
from websockets.asyncio.client import connect

from sim.game import protocol as P
from sim.game.host import Host
from sim.game.session import Session, verify_replay
from sim.vocabulary import PARAMS

from .conftest import Team

SEATS = ["JPN", "GBR", "FRA", "DEU", "NATO"]


def run(coro, timeout=120):
    return asyncio.run(asyncio.wait_for(coro, timeout))


async def start(tmp_path, turns=8, **kw) -> Host:
    ses = Session("classroom", tmp_path / "game", seed=3, turns=turns)
    h = Host(ses, headless=True, wait=kw.pop("wait", 30.0), port=0, linger=0.0, **kw)
    await h.start()
    return h


def test_eight_turns_with_deals_inject_and_reconnect(tmp_path):
    async def main():
        h = await start(tmp_path)
        teams = {a: Team(h.join_url(a)) for a in SEATS}
        fac = Team(h.join_url("facilitator"))
        obs = Team(h.join_url("observer"))
        try:
            for t in teams.values():
                await t.until(lambda t=t: t.state is not None)
            jpn, gbr = teams["JPN"], teams["GBR"]
            # turn 1: JPN offers GBR an exercise (accepted) and an RAA on Japan's terms
            await jpn.conn.send(P.Propose(to="GBR", kind="exercise"))
            await jpn.conn.send(
                P.Propose(
                    to="GBR",
                    kind="agreement",
                    terms=P.Terms(enabler="raa", jurisdiction="host_state"),
                )
            )
            await gbr.until(lambda: len(gbr.state.proposals) == 2)
            ex, raa = gbr.state.proposals
            await gbr.conn.send(P.Respond(proposal=ex["id"], answer="accept"))
            await gbr.conn.send(
                P.Respond(
                    proposal=raa["id"],
                    answer="counter",
                    terms=P.Terms(enabler="raa", jurisdiction="sending_state"),
                )
            )
            await jpn.until(lambda: any(p["counter_of"] == raa["id"] for p in jpn.state.proposals))
            counter = next(p for p in jpn.state.proposals if p["counter_of"] == raa["id"])
            assert counter["frm"] == "GBR" and counter["terms"]["jurisdiction"] == "sending_state"
            await jpn.conn.send(P.Respond(proposal=counter["id"], answer="accept"))
            # observers and other seats see none of it
            await obs.until(lambda: obs.state is not None)
            assert obs.state.proposals == [] and teams["FRA"].state.proposals == []
            assert obs.state.scores == {} and obs.state.params == {}
            for a, t in teams.items():
                await t.conn.send(
                    P.Submit(turn=1, move=P.MovePayload(priorities=["GBR"] if a == "JPN" else []))
                )
            for t in teams.values():
                await t.turn(1)
            # the deals acted through the engine: both sides' moves carry them
            rec = h.session.game.model.history[0]
            by = {m.actor: m for m in rec.moves}
            assert by["JPN"].propose_exercise == ["GBR"] and by["GBR"].propose_exercise == ["JPN"]
            assert "JPN-GBR.raa" in by["JPN"].propose_agreement
            d = h.session.game.setup.dyads.index("JPN-GBR")
            assert h.session.game.model.blockers[0, d, 4] == 0.0  # jurisdiction settled
            dc = PARAMS.index("domestic_constraint")
            assert h.session.game.model.params[0, 0, dc] == pytest.approx(
                h.session.game.setup.params[0, dc] + 0.05
            )  # Japan conceded: domestic cost
            assert h.session.game.model.params[0, 1, dc] == h.session.game.setup.params[1, dc]
            # turn 2: a private inject for Japan only
            await fac.conn.send(P.Inject(shock="scs-standoff", to="JPN", text="Only you know."))
            await jpn.until(
                lambda: any(n.private for n in jpn.of("notice") if "Only you know" in n.text)
            )
            for t in teams.values():
                await t.conn.send(P.Submit(turn=2, move=P.MovePayload()))
            for t in teams.values():
                await t.turn(2)
            assert not any(
                "Only you know" in n.text
                for a, t in teams.items()
                if a != "JPN"
                for n in t.of("notice")
            )
            assert not any("Only you know" in line for line in gbr.state.log + obs.state.log)
            assert any("Only you know" in line for line in jpn.state.log)
            assert any("Only you know" in line for line in fac.state.log)
            assert "scs-standoff" in h.session.game.inputs[2].inject
            # turn 3: GBR's link drops; it comes back on the same address, gets its seat back
            welcomes = len(gbr.of("welcome"))
            await gbr.conn.ws.close()
            await gbr.until(lambda: len(gbr.of("welcome")) == welcomes + 1)
            assert gbr.of("welcome")[-1].seat == "GBR"
            for turn in range(3, 9):
                for t in teams.values():
                    await t.conn.send(
                        P.Submit(
                            turn=turn,
                            move=P.MovePayload(posture="cautious") if t is gbr else P.MovePayload(),
                        )
                    )
                for t in teams.values():
                    await t.until(lambda t=t, turn=turn: t.state.turn >= turn or bool(t.of("over")))
            await asyncio.wait_for(h.finished.wait(), 60)
            await jpn.until(lambda: bool(jpn.of("over")))
            over = jpn.of("over")[-1]
            assert set(over.scores) == set(SEATS)
        finally:
            for t in [*teams.values(), fac, obs]:
                await t.close()
            await h.stop()
        return h

    h = run(main())
    out = tmp_path / "game"
    assert h.session.turn == 8 and h.session.done
    report = (out / "report.html").read_text()
    assert "Deals made" in report and "a joint exercise" in report
    assert "Reciprocal Access Agreement" in report and "Only you know" in report
    assert (out / "after-action.html").exists()
    n, same = verify_replay(out)
    assert same and n == 9 * 4 * 3
    saved = json.loads((out / "game.json").read_text())
    assert [m["actor"] for m in saved["inputs"][0]["moves"]] == SEATS


def test_a_seat_moves_only_for_itself_and_tokens_are_checked(tmp_path):
    async def main():
        h = await start(tmp_path)
        url = h.join_url("JPN")
        try:
            # wrong token: refused before anything else
            async with connect(url.replace("seat=JPN", "seat=GBR")) as ws:
                err = P.parse_host(await ws.recv())
                assert err.type == "error" and err.code == "auth"
            async with connect(url.split("&token=")[0] + "&token=nope") as ws:
                assert P.parse_host(await ws.recv()).code == "auth"
            async with connect(url) as ws:
                assert P.parse_host(await ws.recv()).seat == "JPN"
                await ws.recv()  # state
                # the move names no actor: naming one is refused, nothing changes
                await ws.send(
                    json.dumps({"v": 1, "type": "submit", "turn": 1, "move": {"actor": "GBR"}})
                )
                errors = []
                while not errors:
                    m = P.parse_host(await ws.recv())
                    errors += [m] if m.type == "error" else []
                assert errors[0].code == "bad-message" and "actor" in errors[0].message
                for bad, code in (
                    (b"{nope", "bad-json"),
                    (json.dumps({"v": 2, "type": "ping"}), "bad-version"),
                    (json.dumps({"v": 1, "type": "advance"}), "forbidden"),
                    (json.dumps({"v": 1, "type": "inject", "shock": "nk-missiles"}), "forbidden"),
                    (json.dumps({"v": 1, "type": "submit", "turn": 5, "move": {}}), "stale"),
                    (
                        json.dumps(
                            {
                                "v": 1,
                                "type": "propose",
                                "to": "FRA",
                                "kind": "agreement",
                                "terms": {"enabler": "raa", "jurisdiction": "host_state"},
                            }
                        ),
                        None,
                    ),
                ):
                    await ws.send(bad)
                    if code is None:
                        continue
                    while True:
                        m = P.parse_host(await ws.recv())
                        if m.type == "error":
                            assert m.code == code, (bad, m)
                            break
                assert h.session.submitted == {} and h.session.game.turn == 0
            # observers cannot move either
            async with connect(h.join_url("observer")) as ws:
                await ws.recv()
                await ws.recv()
                await ws.send(P.dump(P.Submit(turn=1, move=P.MovePayload())))
                while True:
                    m = P.parse_host(await ws.recv())
                    if m.type == "error":
                        assert m.code == "forbidden"
                        break
        finally:
            await h.stop()

    run(main())


def test_empty_seats_are_played_by_the_model_after_the_wait(tmp_path):
    async def main():
        h = await start(tmp_path, turns=2, wait=0.3)
        jpn = Team(h.join_url("JPN"))
        try:
            await jpn.until(lambda: jpn.state is not None)
            await jpn.conn.send(P.Submit(turn=1, move=P.MovePayload(priorities=["FRA"])))
            await jpn.turn(1)
            assert [m.actor for m in h.session.game.model.history[0].moves] == ["JPN"]
            await jpn.conn.send(P.Submit(turn=2, move=P.MovePayload()))
            await asyncio.wait_for(h.finished.wait(), 30)
        finally:
            await jpn.close()
            await h.stop()

    run(main())


def test_resume_continues_where_the_host_stopped(tmp_path):
    async def first():
        h = await start(tmp_path, turns=4, wait=0.2)
        jpn = Team(h.join_url("JPN"))
        await jpn.until(lambda: jpn.state is not None)
        await jpn.conn.send(P.Submit(turn=1, move=P.MovePayload(propose_exercise=["GBR"])))
        await jpn.turn(1)
        await jpn.conn.send(P.Propose(to="GBR", kind="exercise"))
        await jpn.until(lambda: len(jpn.state.proposals) == 1)
        await jpn.close()
        await h.stop()  # the host dies during turn 2
        return h.session.tokens, h.session.game.model.level_history().copy()

    tokens, before = run(first())
    ses = Session.resume(tmp_path / "game")
    assert ses.tokens == tokens and ses.turn == 1
    assert np.array_equal(ses.game.model.level_history(), before)
    assert [p.status for p in ses.proposals] == ["open"]

    async def second():
        h = Host(ses, headless=True, wait=0.2, port=0, linger=0.0)
        await h.start()
        jpn = Team(h.join_url("JPN"))  # the old address works again
        try:
            await jpn.until(lambda: jpn.state is not None and jpn.state.turn == 1)
            for t in (2, 3, 4):
                await jpn.conn.send(P.Submit(turn=t, move=P.MovePayload()))
                await jpn.until(lambda t=t: jpn.state.turn >= t or bool(jpn.of("over")))
            await asyncio.wait_for(h.finished.wait(), 60)
        finally:
            await jpn.close()
            await h.stop()
        return h

    h = run(second())
    assert h.session.turn == 4
    assert verify_replay(tmp_path / "game")[1]


def test_the_turn_waits_for_answers_and_pauses_and_the_timer_ends_it(tmp_path):
    async def main():
        h = await start(tmp_path, turns=3)
        teams = {a: Team(h.join_url(a)) for a in SEATS}
        try:
            for t in teams.values():
                await t.until(lambda t=t: t.state is not None)
            await teams["JPN"].conn.send(P.Propose(to="GBR", kind="statement_china"))
            for t in teams.values():
                await t.conn.send(P.Submit(turn=1, move=P.MovePayload()))
            await teams["JPN"].until(lambda: len(teams["JPN"].state.submitted) == 5)
            await asyncio.sleep(0.5)
            assert h.session.turn == 0 and h.waiting_for() == ["GBR"]  # owes an answer
            h.set_paused(True)
            p = h.session.proposals[0]
            await teams["GBR"].conn.send(P.Respond(proposal=p.id, answer="reject"))
            await teams["GBR"].until(
                lambda: teams["GBR"].state.proposals[0]["status"] == "rejected"
            )
            await asyncio.sleep(0.5)
            assert h.session.turn == 0  # paused: nothing advances
            h.set_paused(False)
            await teams["JPN"].turn(1)
            assert not any(m.statement for m in h.session.game.model.history[0].moves)
            # turn 2: nobody answers, nobody submits; the timer ends the turn
            h.timer = 0.5
            h.turn_opened = time.monotonic()
            await teams["JPN"].conn.send(P.Propose(to="FRA", kind="exercise"))
            await teams["JPN"].turn(2)
            assert h.session.proposals[-1].status == "lapsed"
            assert h.session.game.model.history[1].moves == []
        finally:
            for t in teams.values():
                await t.close()
            await h.stop()

    run(main())
