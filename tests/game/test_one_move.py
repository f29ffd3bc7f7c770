"""One `Move` from the wire to the engine: the wire's move is the engine's `Move` without its
actor, the session keeps `Move`s, and a turn's moves are compiled once (for the game and its
what-if branch alike)."""

from __future__ import annotations

import sim.engine.moves as engine_moves
from sim.engine.moves import Move
from sim.game import game as game_module
from sim.game import protocol as P
from sim.game.game import Game
from sim.game.session import Session


def test_the_wire_move_is_the_engines_move_without_its_actor():
    fields = {n: (f.annotation, f.default) for n, f in Move.model_fields.items() if n != "actor"}
    wire = {n: (f.annotation, f.default) for n, f in P.MovePayload.model_fields.items()}
    assert wire == fields


def test_the_session_keeps_the_engines_moves(tmp_path):
    ses = Session("classroom", tmp_path, seed=1, turns=2)
    ses.submit("JPN", 1, P.MovePayload(priorities=["GBR"], posture="firm"))
    kept = ses.submitted["JPN"]
    assert type(kept) is Move
    assert kept == Move(actor="JPN", priorities=["GBR"], posture="firm")
    assert ses.moves() == [kept]


def test_a_turns_moves_are_compiled_once_for_the_game_and_its_branch(monkeypatch):
    calls = []
    real = engine_moves.compile_moves

    def counting(moves, setup):
        calls.append([m.actor for m in moves])
        return real(moves, setup)

    monkeypatch.setattr(game_module, "compile_moves", counting)
    monkeypatch.setattr("sim.engine.model.compile_moves", counting)
    g = Game("classroom", 1, [], 3, [])
    g.step([Move(actor="JPN", priorities=["GBR"])])
    g.fork(["DEU.china_caution=0.1"])
    calls.clear()
    g.step([Move(actor="GBR", posture="cautious")])
    assert calls == [["GBR"]]
    assert g.what_if() is not None and g.branch.turn == g.turn == 2
