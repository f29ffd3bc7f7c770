"""Briefs and objectives: sourced, validated, overridable; scores read the engine's record;
no standing policy is best for every seat."""

from __future__ import annotations

import numpy as np
import pytest

from sim.engine.moves import Move
from sim.errors import InputError
from sim.game.game import Game
from sim.game.objectives import Objective, SeatPlan, load_plans, objective_values, turn_score
from sim.game.policies import standing_scores

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
    f.write_text(
        "seats:\n  DEU:\n    brief: {role: Germany}\n    objectives:\n"
        "      - {id: x, kind: level, dyad: JPN-DEU, track: exercise, at_least: 2,\n"
        "         points: 5, text: t, source: Ch5 › X}\n"
    )
    plans = load_plans(f, ("JPN-GBR", "JPN-FRA", "JPN-DEU", "JPN-NATO"))
    assert [o.id for o in plans["DEU"].objectives] == ["x"]
    assert plans["JPN"] == load_plans()["JPN"]
    f.write_text(f.read_text().replace("JPN-DEU", "JPN-ITA"))
    with pytest.raises(InputError, match=r"objectives\[0\]\.dyad: 'JPN-ITA' is not a dyad"):
        load_plans(f, ("JPN-GBR", "JPN-FRA", "JPN-DEU", "JPN-NATO"))
    f.write_text(
        "seats:\n  DEU:\n    brief: {role: Germany}\n    objectives:\n"
        "      - {id: x, kind: level, dyad: JPN-DEU, points: 5, text: t, source: S › X}\n"
    )
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
        "      - {id: y, kind: cost, at_most: 1, points: 4, text: t, source: Ch6 › X}\n"
    )
    from sim.game.session import Session

    ses = Session(str(sc), tmp_path / "out", turns=2)
    assert [o.id for o in ses.plans["NATO"].objectives] == ["y"]
    assert ses.plans["JPN"] == load_plans()["JPN"]
    assert [
        o.id for o in Session("classroom", tmp_path / "o2", turns=2).plans["NATO"].objectives
    ] == [o.id for o in load_plans()["NATO"].objectives]


LESSON_OBJECTIVES = """
briefs:
  DEU: {role: Germany as the scenario sees it}
objectives:
  NATO:
    - {id: from-scenario, kind: cost, at_most: 20, points: 6, text: t, source: "Ch6 › X"}
"""


def lesson(tmp_path, extra: str = LESSON_OBJECTIVES):
    """A copy of the classroom scenario with its own sections appended."""
    from sim.inputs.loader import scenarios_dir

    sc = tmp_path / "lesson.yaml"
    sc.write_text((scenarios_dir() / "classroom.yaml").read_text() + extra)
    return sc


def test_precedence_teacher_file_then_scenario_then_file_beside_then_defaults(tmp_path):
    """Per seat and per part (brief, objectives): --objectives > the scenario's sections >
    objectives/<name>.yaml > config/classroom.yaml; a part a layer leaves out comes from
    the layer below."""
    from sim.game.session import Session

    sc = lesson(tmp_path)
    (tmp_path / "objectives").mkdir()
    (tmp_path / "objectives" / "lesson.yaml").write_text(
        "seats:\n"
        "  NATO:\n    brief: {role: NATO beside}\n    objectives:\n"
        "      - {id: beside, kind: cost, at_most: 1, points: 4, text: t, source: Ch6 › X}\n"
        "  FRA:\n    brief: {role: France beside}\n    objectives:\n"
        "      - {id: beside, kind: cost, at_most: 1, points: 4, text: t, source: Ch4 › X}\n"
        "  DEU:\n    brief: {role: Germany beside}\n    objectives:\n"
        "      - {id: beside, kind: cost, at_most: 1, points: 4, text: t, source: Ch5 › X}\n"
    )
    teacher = tmp_path / "teacher.yaml"
    teacher.write_text(
        "seats:\n  FRA:\n    brief: {role: France for the teacher}\n    objectives:\n"
        "      - {id: teacher, kind: cost, at_most: 1, points: 4, text: t, source: Ch4 › X}\n"
    )
    defaults = load_plans()
    plans = Session(str(sc), tmp_path / "out", turns=2).plans
    assert [o.id for o in plans["NATO"].objectives] == ["from-scenario"]  # scenario > beside
    assert plans["NATO"].brief.role == "NATO beside"  # the scenario gave no NATO brief
    assert plans["DEU"].brief.role == "Germany as the scenario sees it"
    assert [o.id for o in plans["DEU"].objectives] == ["beside"]
    assert [o.id for o in plans["FRA"].objectives] == ["beside"]
    assert plans["JPN"] == defaults["JPN"]  # named nowhere: the defaults
    plans = Session(str(sc), tmp_path / "out2", turns=2, objectives=str(teacher)).plans
    assert plans["FRA"].brief.role == "France for the teacher"
    assert [o.id for o in plans["FRA"].objectives] == ["teacher"]  # the teacher's file wins
    assert [o.id for o in plans["NATO"].objectives] == ["from-scenario"]
    # without the file beside, the scenario's sections sit on the defaults
    (tmp_path / "objectives" / "lesson.yaml").unlink()
    plans = Session(str(sc), tmp_path / "out3", turns=2).plans
    assert plans["NATO"].brief == defaults["NATO"].brief
    assert plans["DEU"].objectives == defaults["DEU"].objectives
    assert plans["FRA"] == defaults["FRA"]


def test_an_objective_written_in_the_scenario_is_scored_in_a_hosted_game(tmp_path):
    """Host and a client over a real socket: the seat is told the scenario's objectives,
    and its score (each turn and at the end) is theirs."""
    import asyncio

    from sim.game import protocol as P
    from sim.game.host import Host
    from sim.game.session import Session

    from .conftest import Team

    sc = lesson(
        tmp_path,
        """
objectives:
  JPN:
    - {id: always, kind: cost, at_most: 20, points: 7, text: Spend under 20, source: "Ch7 › X"}
    - {id: quiet, kind: restraint, move: statement, at_most: 0, points: 5,
       text: No statement on China, source: "Ch7 › Approaches to China"}
""",
    )

    async def main():
        h = Host(
            Session(str(sc), tmp_path / "game", seed=1, turns=2),
            headless=True,
            wait=0.2,
            port=0,
            linger=0.0,
        )
        await h.start()
        jpn = Team(h.join_url("JPN"))
        try:
            await jpn.until(lambda: jpn.state is not None)
            assert [o["id"] for o in jpn.conn.welcome.objectives] == ["always", "quiet"]
            await jpn.conn.send(P.Submit(turn=1, move=P.MovePayload(statement=True)))
            await jpn.turn(1)
            assert jpn.state.scores == {"JPN": [7 - 5]}
            assert [(i, ok) for i, _, ok in jpn.state.progress["JPN"]] == [
                ("always", True),
                ("quiet", False),
            ]
            await jpn.conn.send(P.Submit(turn=2, move=P.MovePayload()))
            await asyncio.wait_for(h.finished.wait(), 60)
            await jpn.until(lambda: bool(jpn.of("over")))
            return jpn.of("over")[-1].scores
        finally:
            await jpn.close()
            await h.stop()

    totals = asyncio.run(asyncio.wait_for(main(), 120))
    assert totals["JPN"] == 4.0  # the restraint is broken for good: 2 + 2
    assert "No statement on China" in (tmp_path / "game" / "report.html").read_text()


def test_the_shipped_example_replaces_japan_and_the_uks_objectives_only():
    from sim.inputs.setup import build

    s = build("uk-raa-signed")
    plans = load_plans(None, s.dyads, s.path, s.scenario)
    defaults = load_plans(None, s.dyads)
    assert "uk-raa" in [o.id for o in defaults["JPN"].objectives]
    for seat in ("JPN", "GBR"):
        ids = [o.id for o in plans[seat].objectives]
        assert "uk-exercises-in-japan" in ids and "uk-raa" not in ids, seat
        assert plans[seat].brief == defaults[seat].brief
    for seat in ("FRA", "DEU", "NATO"):
        assert plans[seat] == defaults[seat]


@pytest.mark.parametrize(
    "extra, field, needle",
    [
        (
            "objectives:\n  JPN:\n    - {id: a, kind: level, dyad: JPN-ITA, track: exercise,"
            " at_least: 2, points: 1, text: t, source: Ch2 › X}\n",
            "objectives.JPN[0].dyad",
            "'JPN-ITA' is not a dyad of this scenario",
        ),
        (
            "objectives:\n  JPN:\n    - {id: a, kind: level, dyad: JPN-GBR, at_least: 2,"
            " points: 1, text: t, source: Ch2 › X}\n",
            "objectives.JPN[0]",
            "needs track",
        ),
        (
            "objectives:\n  JPN:\n    - {id: a, kind: cost, at_most: 1, points: 1, text: t,"
            " source: Ch2 › X}\n    - {id: a, kind: cost, at_most: 2, points: 1, text: t,"
            " source: Ch2 › X}\n",
            "objectives.JPN[1].id",
            "'a' is used twice",
        ),
        (
            "objectives:\n  JPN:\n    - {id: a, kind: cost, at_most: 1, points: 30, text: t,"
            " source: Ch2 › X}\n",
            "objectives.JPN[0].points",
            "less than or equal to 20",
        ),
        (
            "briefs:\n  JPN: {role: x, red_line: []}\n",
            "briefs.JPN.red_line",
            "unknown key 'red_line' (did you mean 'red_lines'?)",
        ),
        ("briefs:\n  USA: {role: x}\n", "briefs.USA", "allowed: JPN, GBR"),
    ],
)
def test_bad_objectives_in_a_scenario_are_one_line_with_file_line_and_field(
    tmp_path, extra, field, needle
):
    import subprocess
    import sys

    sc = lesson(tmp_path, extra)
    line = len(sc.read_text().splitlines())  # each bad entry is the file's last line
    r = subprocess.run(
        [sys.executable, "-m", "sim", "host", str(sc), "--headless", "--out", str(tmp_path / "o")],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert r.returncode == 2, r.stderr
    assert r.stderr.count("\n") == 1 and "Traceback" not in r.stderr
    assert f"{sc}:{line}" in r.stderr and f": {field}: " in r.stderr and needle in r.stderr
    assert not (tmp_path / "o").exists()


def test_an_objective_for_a_seat_the_scenario_does_not_have_is_refused(tmp_path):
    from sim.inputs.loader import load_scenario

    sc = lesson(
        tmp_path,
        "objectives:\n  NATO:\n    - {id: a, kind: cost, at_most: 1,"
        " points: 1, text: t, source: Ch6 › X}\n",
    )
    sc.write_text(sc.read_text().replace("seats: [JPN, GBR, FRA, DEU, NATO]", "seats: [JPN, GBR]"))
    with pytest.raises(
        InputError,
        match=r"objectives\.NATO: NATO is not a seat of this "
        r"scenario; allowed: JPN, GBR",
    ):
        load_scenario(str(sc))


def test_scores_read_levels_spending_moves_and_parameters_of_the_engine():
    g = Game("classroom", 2, [], 3, ["DEU"])
    g.step([Move(actor="DEU", statement=True, propose_exercise=["JPN"])])
    g.step([])
    rec = g.model.history[1]
    d = g.setup.dyads.index("JPN-DEU")
    lvl = float(rec.levels[0, d, 2])
    plan = SeatPlan(
        brief={"role": "x"},
        objectives=[
            Objective(
                id="reach",
                kind="level",
                dyad="JPN-DEU",
                track="exercise",
                at_least=lvl,
                points=3,
                text="t",
                source="s › s",
            ),
            Objective(
                id="above",
                kind="level",
                dyad="JPN-DEU",
                track="exercise",
                at_least=np.nextafter(lvl, 9),
                points=10,
                text="t",
                source="s › s",
            ),
            Objective(
                id="cheap",
                kind="cost",
                at_most=float(rec.spent[0, d, 1]),
                points=2,
                text="t",
                source="s › s",
            ),
            Objective(
                id="quiet",
                kind="restraint",
                move="statement",
                at_most=0,
                points=4,
                text="t",
                source="s › s",
            ),
            Objective(
                id="calm",
                kind="limit",
                index="china_assertiveness",
                at_most=1.0,
                points=8,
                text="t",
                source="s › s",
            ),
        ],
    )
    vals = {o.id: (v, ok) for o, v, ok in objective_values(g.model, "DEU", plan, 2)}
    assert vals["reach"] == (lvl, True) and vals["above"][1] is False
    assert vals["cheap"][1] and vals["quiet"] == (1.0, False) and vals["calm"][1]
    assert turn_score(g.model, "DEU", plan, 2) == 3 + 2 - 4


@pytest.mark.parametrize("scenario, seeds, turns", [("classroom", 3, 8), ("uk-raa-signed", 2, 12)])
def test_no_single_standing_policy_is_best_for_every_seat(scenario, seeds, turns):
    """Each seat plays every standing policy alone over the same seeds; the policy that
    maximises the score is not the same for all seats (with the scenario's own objectives
    where it has them)."""
    from sim.inputs.setup import build

    s = build(scenario)
    plans = load_plans(None, s.dyads, s.path, s.scenario)
    scores = standing_scores(scenario, plans, range(seeds), turns, SEATS)
    best = {seat: max(v, key=v.get) for seat, v in scores.items()}
    assert len(set(best.values())) >= 2, best
    for policy in next(iter(scores.values())):
        losers = [s for s in SEATS if scores[s][policy] < max(scores[s].values())]
        assert losers, f"{policy} is best for every seat"


def test_the_example_in_scenarios_readme_is_a_valid_scenario_section(tmp_path):
    import re

    from sim.game.session import Session
    from sim.inputs.loader import scenarios_dir

    text = (scenarios_dir() / "README.md").read_text()
    block = re.search(r"## Briefs and objectives.*?```yaml\n(.*?)```", text, re.S).group(1)
    assert block.startswith("seats: [JPN, GBR, FRA, DEU, NATO]\n")
    plans = Session(
        str(lesson(tmp_path, "\n" + block.split("\n", 1)[1])), tmp_path / "o", turns=1
    ).plans
    assert plans["GBR"].brief.role.startswith("The United Kingdom, with the RAA signed")
    assert [o.id for o in plans["GBR"].objectives] == ["uk-exercises-in-japan", "golden-era"]
