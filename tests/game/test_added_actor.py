"""An actor a scenario adds (australia-joins adds AUS) is an actor of the game like the
report's five: overrides name it, it can be seated, move and be named as a partner, saved
games replay its moves, a hosted game seats it (with a one-line note when the scenario gives
it no brief or objectives, or with the ones an objectives file gives), a bot plays it over
the network, and the EMA adapter offers its levers and uncertainties."""

from __future__ import annotations

import asyncio

import pytest

from sim.engine.moves import Move
from sim.errors import InputError
from sim.game import protocol as P
from sim.game.client import run_bot
from sim.game.game import Game
from sim.game.host import Host
from sim.game.session import Session, verify_replay

AUS = "australia-joins"


def test_overrides_and_seats_name_the_scenarios_actors(tmp_path):
    g = Game(AUS, seed=1, overrides=["AUS.china_caution=0.9"], turns=3, seats=["AUS"])
    assert g.overrides == {"AUS.china_caution": 0.9} and g.seats == ["AUS"]
    assert g.params("AUS")["china_caution"] == 0.9
    assert g.partners("AUS") == ["JPN", "GBR"] and set(g.spent("AUS")) == {"JPN", "GBR"}
    # the five-actor scenarios still refuse it, with the allowed actors named
    with pytest.raises(InputError, match="unknown actor 'AUS'"):
        Game("baseline", overrides=["AUS.china_caution=0.9"])
    with pytest.raises(InputError, match=r"unknown actor 'AUS'; allowed: JPN, GBR, FRA, DEU, NATO"):
        Game("baseline", seats=["AUS"])
    # a what-if on the added actor
    g.fork(["AUS.bandwidth=5"])
    assert g.what_if().set == {"AUS.bandwidth": 5.0}


def test_the_play_command_accepts_the_added_actor():
    from tui.cli import _game

    g = _game(AUS, 0, ["AUS"], ["AUS.china_caution=0.9"], 2, None)
    assert g.seats == ["AUS"] and g.overrides == {"AUS.china_caution": 0.9}


def test_the_added_actor_moves_is_a_partner_and_its_moves_replay(tmp_path):
    g = Game(AUS, seed=2, turns=4, seats=["AUS", "JPN"])
    g.step(
        [
            Move(actor="AUS", priorities=["JPN"], propose_exercise=["GBR"], statement=True),
            Move(actor="JPN", priorities=["AUS"], buy_equipment=["AUS"]),
        ]
    )
    assert [m.actor for m in g.model.history[0].moves] == ["AUS", "JPN"]
    with pytest.raises(InputError, match="FRA is not a partner of AUS"):
        g.check_moves([Move(actor="AUS", priorities=["FRA"])])
    with pytest.raises(InputError, match="unknown actor 'KOR'"):
        g.check_moves([Move(actor="KOR")])
    g.step([Move(actor="AUS", posture="firm")])
    g.save(tmp_path / "g.json")
    back = Game.load(tmp_path / "g.json")
    assert back.turn == 2 and (back.levels() == g.levels()).all()


def test_a_hosted_game_seats_the_added_actor_with_a_note_or_its_objectives(tmp_path):
    ses = Session(AUS, tmp_path / "a", seed=1, turns=2)
    assert ses.seats[-1] == "AUS" and "AUS" not in ses.plans
    (note,) = ses.plan_notes()
    assert note.startswith("AUS has no brief or objectives in this scenario")
    assert any(note in line for line in ses.log)
    assert "brief" not in ses.welcome_info("seat", "AUS")
    assert ses.welcome_info("seat", "AUS")["partners"] == ["JPN", "GBR"]
    assert set(ses.view("seat", "AUS", []).params) == {"AUS"}
    # an objectives file gives the added seat a brief and objectives: no note, scored
    f = tmp_path / "obj.yaml"
    f.write_text(
        "seats:\n  AUS:\n    brief: {role: Australia}\n    objectives:\n"
        "      - {id: ex, kind: level, dyad: JPN-AUS, track: exercise, at_least: 1,\n"
        "         points: 2, text: t, source: Ch1 › Introduction}\n"
    )
    ses = Session(AUS, tmp_path / "b", seed=1, turns=2, objectives=str(f))
    assert ses.plan_notes() == [] and ses.welcome_info("seat", "AUS")["brief"]["role"]
    ses.submit("AUS", 1, P.MovePayload(priorities=["JPN"]))
    ses.advance()
    assert ses.scores()["AUS"] == [2.0]
    # a seat that is not an actor of the game is refused, naming the allowed ones
    f.write_text(f.read_text().replace("AUS:", "KOR:", 1))
    with pytest.raises(InputError, match=r"seats\.KOR: 'KOR' is not an actor of this game"):
        Session(AUS, tmp_path / "c", seed=1, turns=2, objectives=str(f))


def test_a_bot_plays_the_added_seat_over_the_network(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path / "run"))

    async def main():
        ses = Session(AUS, tmp_path / "game", seed=3, turns=2)
        h = Host(ses, headless=True, wait=0.3, port=0, linger=0.0, report=False)
        await h.start()
        try:
            await asyncio.wait_for(run_bot(h.join_url("AUS"), log=lambda s: None), 30)
        finally:
            await h.stop()
        return h

    h = asyncio.run(main())
    assert h.session.done
    assert [[m.actor for m in r.moves] for r in h.session.game.model.history] == [["AUS"]] * 2
    assert verify_replay(tmp_path / "game")[1]


def test_the_ema_adapter_offers_the_added_actors_levers_and_uncertainties():
    pytest.importorskip("ema_workbench", reason="the research extra is not installed")
    from sim.ema import ema_model, partners, play
    from sim.inputs.setup import build

    s = build(AUS, turns=2)
    assert partners(s)["AUS"] == ["JPN", "GBR"] and "AUS" in partners(s)["JPN"]
    m = ema_model(AUS, turns=2)
    names = [lv.name for lv in m.levers]
    assert {"AUS.posture", "AUS.priority", "AUS.exercise_with", "AUS.statement"} <= set(names)
    assert "AUS.china_caution" in [u.name for u in m.uncertainties]
    policy = {"AUS.posture": "firm", "AUS.priority": "JPN", "JPN.exercise_with": "AUS"}
    a = play(s, 1, {"AUS.china_caution": 0.8}, policy)
    b = play(s, 1, {"AUS.china_caution": 0.8}, {})
    assert set(a) == set(b) and "JPN-AUS.exercise" in a and a != b


def test_the_debrief_of_a_game_with_a_seat_that_scores_nothing(tmp_path):
    from sim.game.debrief import write_debrief
    from sim.game.selfplay import play

    host = play(AUS, tmp_path / "g", seed=1, turns=1)
    assert "AUS" in host.seats and "AUS" not in host.scores()
    html = write_debrief(host).read_text()
    assert "AUS" in html


def _with_seats(tmp_path, extra: str):
    """A copy of australia-joins with classroom sections appended."""
    from sim.inputs.loader import scenarios_dir

    sc = tmp_path / "aus-lesson.yaml"
    sc.write_text((scenarios_dir() / f"{AUS}.yaml").read_text() + extra)
    return sc


def test_a_scenario_seats_briefs_and_scores_the_actor_it_adds(tmp_path):
    sc = _with_seats(
        tmp_path,
        "seats: [JPN, AUS]\n"
        "briefs:\n  AUS: {role: Australia the newcomer}\n"
        "objectives:\n  AUS:\n    - {id: cheap, kind: cost, at_most: 3, points: 1, text: t,"
        " source: Ch7 › X}\n",
    )
    ses = Session(str(sc), tmp_path / "game", seed=1, turns=2)
    assert ses.seats == ["JPN", "AUS"]
    assert ses.plans["AUS"].brief.role == "Australia the newcomer"
    assert [o.id for o in ses.plans["AUS"].objectives] == ["cheap"]


@pytest.mark.parametrize(
    "extra,field",
    [
        ("seats: [JPN, KOR]\n", "seats[1]"),
        ("seats: [JPN, AUS]\nbriefs:\n  GBR: {role: x}\n", "briefs.GBR"),
    ],
)
def test_a_seat_or_brief_outside_the_scenarios_actors_is_refused_naming_them(
    tmp_path, extra, field
):
    from sim.inputs.loader import load_scenario

    with pytest.raises(InputError) as exc:
        load_scenario(str(_with_seats(tmp_path, extra)))
    assert exc.value.field == field and "allowed: JPN" in exc.value.message
    assert "\n" not in str(exc.value)
