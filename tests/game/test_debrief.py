"""The debrief's counterfactual: the same game without one team's moves, same random numbers."""

from __future__ import annotations

import numpy as np

from sim.game import protocol as P
from sim.game.debrief import claims, without, write_debrief
from sim.game.session import Session


def test_without_a_team_removes_its_moves_and_deals_and_nothing_else(tmp_path):
    ses = Session("classroom", tmp_path / "g", seed=5, turns=3)
    p = ses.propose(
        "JPN",
        P.Propose(
            to="GBR", kind="agreement", terms=P.Terms(enabler="raa", jurisdiction="host_state")
        ),
    )
    ses.respond("GBR", P.Respond(proposal=p.id, answer="accept"))
    ses.submit("FRA", 1, P.MovePayload(propose_exercise=["JPN"]))
    ses.advance()
    ses.advance()
    ses.advance()
    game = ses.game
    no_gbr = without(game, "GBR")
    assert all(m.actor != "GBR" for r in no_gbr.model.history for m in r.moves)
    assert not any(
        getattr(x, "id", "").startswith("deal-") for v in no_gbr.inputs.values() for x in v.inject
    )  # GBR's concession went with its moves
    assert [m.actor for m in no_gbr.model.history[0].moves] == ["JPN", "FRA"]
    # a team that never moved changes nothing: the re-run is the game, bit for bit
    assert np.array_equal(without(game, "NATO").model.level_history(), game.model.level_history())
    assert not np.array_equal(
        without(game, "FRA").model.level_history(), game.model.level_history()
    )
    out = write_debrief(ses)
    page = out.read_text()
    assert "Reciprocal Access Agreement" in page and "criminal jurisdiction: host state" in page
    assert page.count("<img") == 1 + len(game.setup.dyads)
    assert len(claims(game, {"JPN": without(game, "JPN")})) == 5
