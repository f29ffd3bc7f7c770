"""Briefs and objectives: sourced, validated, overridable; scores read the engine's record;
no standing policy is best for every seat."""

from __future__ import annotations

import numpy as np
import pytest

from sim.engine.moves import Move
from sim.errors import InputError
from sim.game.objectives import Objective, SeatPlan, load_plans, objective_values, turn_score
from sim.game.policies import standing_scores
from sim.game.savegame import Game

SEATS = ["JPN", "GBR", "FRA", "DEU", "NATO"]


def test_every_seat_has_a_sourced_brief_and_objectives_that_pull_both_ways():
    plans = load_plans()
    assert sorted(plans) == sorted(SEATS)
    for seat, plan in plans.items():
        assert plan.brief.motivations and plan.brief.red_lines and plan.brief.constraints
        kinds = {o.kind for o in plan.objectives}
        assert kinds & {"level", "agreement"}, seat  # something to reach
        assert kinds & {"limit", "cost", "restraint", "domestic"}, seat  # something to keep
        for o in plan.objectives:
            assert "›" in o.source or "Summary" in o.source, (seat, o.id)


def test_an_override_file_replaces_only_the_seats_it_names(tmp_path):
    f = tmp_path / "obj.yaml"
    f.write_text("seats:\n  DEU:\n    brief: {role: Germany}\n    objectives:\n"
                 "      - {id: x, kind: level, dyad: JPN-DEU, track: exercise, at_least: 2,\n"
                 "         points: 5, text: t, source: Ch5 › X}\n")
    plans = load_plans(f, ("JPN-GBR", "JPN-FRA", "JPN-DEU", "JPN-NATO"))
    assert [o.id for o in plans["DEU"].objectives] == ["x"]
    assert plans["JPN"] == load_plans()["JPN"]
    f.write_text(f.read_text().replace("JPN-DEU", "JPN-ITA"))
    with pytest.raises(InputError, match=r"objectives\[0\]\.dyad: 'JPN-ITA' is not a dyad"):
        load_plans(f, ("JPN-GBR", "JPN-FRA", "JPN-DEU", "JPN-NATO"))
    f.write_text("seats:\n  DEU:\n    brief: {role: Germany}\n    objectives:\n"
                 "      - {id: x, kind: level, dyad: JPN-DEU, points: 5, text: t, source: S › X}\n")
    with pytest.raises(InputError, match="needs track, at_least"):
        load_plans(f)


def test_a_scenario_brings_its_own_objectives_next_to_it(tmp_path):
    import shutil

    from sim.inputs.loader import scenarios_dir

    sc = tmp_path / "lesson.yaml"
    shutil.copy(scenarios_dir() / "classroom.yaml", sc)
    (tmp_path / "objectives").mkdir()
    (tmp_path / "objectives" / "lesson.yaml").write_text(
        "seats:\n  NATO:\n    brief: {role: NATO}\n    objectives:\n"
        "      - {id: y, kind: cost, at_most: 1, points: 4, text: t, source: Ch6 › X}\n")
    from sim.game.session import Session

    ses = Session(str(sc), tmp_path / "out", turns=2)
    assert [o.id for o in ses.plans["NATO"].objectives] == ["y"]
    assert ses.plans["JPN"] == load_plans()["JPN"]
    assert [o.id for o in Session("classroom", tmp_path / "o2", turns=2).plans["NATO"]
            .objectives] == [o.id for o in load_plans()["NATO"].objectives]


def test_scores_read_levels_spending_moves_and_parameters_of_the_engine():
    g = Game("classroom", 2, [], 3, ["DEU"])
    g.step([Move(actor="DEU", statement=True, propose_exercise=["JPN"])])
    g.step([])
    rec = g.model.history[1]
    d = g.setup.dyads.index("JPN-DEU")
    lvl = float(rec.levels[0, d, 2])
    plan = SeatPlan(brief={"role": "x"}, objectives=[
        Objective(id="reach", kind="level", dyad="JPN-DEU", track="exercise",
                  at_least=lvl, points=3, text="t", source="s › s"),
        Objective(id="above", kind="level", dyad="JPN-DEU", track="exercise",
                  at_least=np.nextafter(lvl, 9), points=10, text="t", source="s › s"),
        Objective(id="cheap", kind="cost", at_most=float(rec.spent[0, d, 1]), points=2,
                  text="t", source="s › s"),
        Objective(id="quiet", kind="restraint", move="statement", at_most=0, points=4,
                  text="t", source="s › s"),
        Objective(id="calm", kind="limit", index="china_assertiveness", at_most=1.0, points=8,
                  text="t", source="s › s"),
    ])
    vals = {o.id: (v, ok) for o, v, ok in objective_values(g.model, "DEU", plan, 2)}
    assert vals["reach"] == (lvl, True) and vals["above"][1] is False
    assert vals["cheap"][1] and vals["quiet"] == (1.0, False) and vals["calm"][1]
    assert turn_score(g.model, "DEU", plan, 2) == 3 + 2 - 4


def test_no_single_standing_policy_is_best_for_every_seat():
    """Each seat plays every standing policy alone over the same seeds; the policy that
    maximises the score is not the same for all seats."""
    scores = standing_scores("classroom", load_plans(), range(3), 8, SEATS)
    best = {seat: max(v, key=v.get) for seat, v in scores.items()}
    assert len(set(best.values())) >= 2, best
    for policy in next(iter(scores.values())):
        losers = [s for s in SEATS if scores[s][policy] < max(scores[s].values())]
        assert losers, f"{policy} is best for every seat"
