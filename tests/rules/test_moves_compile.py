"""Conformance of move compilation (sim/engine/moves.py, DESIGN "Human moves"): each field of a
seat's `Move` lands on its own array and nowhere else; a bad move is an InputError naming
the field, and leaves the model exactly as it was."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from pydantic import ValidationError

from sim.engine.model import Ensemble
from sim.engine.moves import Move, MoveArrays, compile_moves
from sim.errors import InputError
from sim.vocabulary import AGENT_ACTORS, ENABLERS, TRACKS

from .library import setups

FIELDS = [f.name for f in dataclasses.fields(MoveArrays)]


def compiled(*moves: Move, scale: float = 1.0) -> MoveArrays:
    """Moves compiled for the baseline, with the tracks' bandwidth costs times `scale`."""
    s = setups()["baseline"]
    if scale != 1.0:
        s = dataclasses.replace(s, track={**s.track, "cost": s.track["cost"] * scale})
    return compile_moves(list(moves), s)


def cost(track: str) -> float:
    return float(setups()["baseline"].track["cost"][TRACKS.index(track)])


def slot(actor: str, partner: str) -> tuple[int, int]:
    """(dyad, side) of `actor` in its dyad with `partner`."""
    s = setups()["baseline"]
    a, p = AGENT_ACTORS.index(actor), AGENT_ACTORS.index(partner)
    d = next(d for d in range(len(s.dyads)) if {a, p} == set(s.pairs[d].tolist()))
    return d, int(np.flatnonzero(s.pairs[d] == a)[0])


def same(x: MoveArrays, y: MoveArrays, *skip: str) -> None:
    """x and y agree on every array but those named in `skip`."""
    for name in FIELDS:
        if name not in skip:
            assert np.array_equal(getattr(x, name), getattr(y, name)), name


def neutral() -> MoveArrays:
    return MoveArrays.neutral(len(setups()["baseline"].dyads))


def test_a_move_that_changes_nothing_compiles_to_the_neutral_arrays():
    same(compiled(Move(actor="DEU")), neutral())
    same(compiled(), neutral())


def test_posture_shifts_only_that_actors_caution_firm_down_cautious_up():
    firm = compiled(Move(actor="DEU", posture="firm"))
    cautious = compiled(Move(actor="DEU", posture="cautious"))
    deu = AGENT_ACTORS.index("DEU")
    assert firm.caution_shift[deu] < 0 < cautious.caution_shift[deu]
    for m in (firm, cautious):
        assert np.count_nonzero(m.caution_shift) == 1
    same(cautious, neutral(), "caution_shift")
    # a firm line may draw Chinese retaliation; a cautious one does not
    assert firm.provocation[deu] > 0 and np.count_nonzero(firm.provocation) == 1
    same(firm, neutral(), "caution_shift", "provocation")


def test_a_statement_raises_china_salience_and_lowers_caution():
    """A public statement raises the actor's China threat salience and widens the gap with
    cautious partners: its own caution falls, for good (a statement is remembered)."""
    m = compiled(Move(actor="FRA", statement=True))
    fra = AGENT_ACTORS.index("FRA")
    assert m.threat_boost[fra] > 0 and np.count_nonzero(m.threat_boost) == 1
    assert m.stance[fra] < 0 and np.count_nonzero(m.stance) == 1
    assert m.provocation[fra] > 0
    same(m, neutral(), "threat_boost", "stance", "provocation")
    both = compiled(Move(actor="FRA", statement=True, posture="firm"))
    firm = compiled(Move(actor="FRA", posture="firm"))
    assert both.caution_shift[fra] == firm.caution_shift[fra]
    assert both.stance[fra] == m.stance[fra]


def test_priorities_weight_the_named_partners_above_the_others():
    m = compiled(Move(actor="JPN", priorities=["GBR", "FRA"]))
    first = [m.priority[slot("JPN", p)] for p in ("GBR", "FRA")]
    rest = [m.priority[slot("JPN", p)] for p in ("DEU", "NATO")]
    assert min(first) > max(rest)
    assert first[0] == first[1] and rest[0] == rest[1]
    # the partners' own sides of those dyads keep their weight
    for p in ("GBR", "FRA", "DEU", "NATO"):
        assert m.priority[slot(p, "JPN")] == 1.0
    same(m, neutral(), "priority")


def test_proposing_an_exercise_raises_that_offer_at_its_bandwidth_cost():
    """The boost lands on the proposer's side of that one dyad; its bandwidth cost is the
    boost times the exercise track's cost per level, charged to the proposer."""
    m = compiled(Move(actor="GBR", propose_exercise=["JPN"]))
    d, s = slot("GBR", "JPN")
    gbr = AGENT_ACTORS.index("GBR")
    boost = m.exercise_boost[d, s]
    assert boost > 0 and np.count_nonzero(m.exercise_boost) == 1
    assert m.cost[gbr] == pytest.approx(boost * cost("exercise"))
    assert np.count_nonzero(m.cost) == 1
    double = compiled(Move(actor="GBR", propose_exercise=["JPN"]), scale=2.0)
    assert double.cost[gbr] == pytest.approx(2 * m.cost[gbr])
    # the invitation also makes an exercise likelier this turn and pulls the partner in
    assert m.exercise_event[d] > 0 and np.count_nonzero(m.exercise_event) == 1
    assert m.pull[d, TRACKS.index("exercise")] > 0 and np.count_nonzero(m.pull) == 1
    same(m, neutral(), "exercise_boost", "cost", "exercise_event", "pull")
    two = compiled(Move(actor="JPN", propose_exercise=["GBR", "FRA"]))
    jpn = AGENT_ACTORS.index("JPN")
    assert two.cost[jpn] == pytest.approx(2 * boost * cost("exercise"))


def test_buying_equipment_raises_the_exchange_offer_at_its_cost():
    m = compiled(Move(actor="JPN", buy_equipment=["FRA"]))
    d, s = slot("JPN", "FRA")
    jpn = AGENT_ACTORS.index("JPN")
    assert m.buy[d, s] > 0 and np.count_nonzero(m.buy) == 1
    assert m.cost[jpn] == pytest.approx(m.buy[d, s] * cost("exchange"))
    assert m.pull[d, TRACKS.index("exchange")] > 0 and np.count_nonzero(m.pull) == 1
    same(m, neutral(), "buy", "cost", "pull")


def test_requesting_a_two_plus_two_raises_dialogue_and_opens_the_format():
    m = compiled(Move(actor="JPN", request_two_plus_two=["DEU"]))
    d, s = slot("JPN", "DEU")
    jpn = AGENT_ACTORS.index("JPN")
    assert m.two_plus_two[d, s] > 0 and np.count_nonzero(m.two_plus_two) == 1
    assert m.cost[jpn] == pytest.approx(m.two_plus_two[d, s] * cost("dialogue"))
    assert m.negotiate == [(d, ENABLERS.index("two_plus_two"))]
    assert m.pull[d, TRACKS.index("dialogue")] > 0 and np.count_nonzero(m.pull) == 1
    same(m, neutral(), "two_plus_two", "cost", "negotiate", "pull")


def test_deploying_adds_presence_at_its_cost_and_may_provoke():
    m = compiled(Move(actor="FRA", deploy=True))
    fra = AGENT_ACTORS.index("FRA")
    assert m.deploy[fra] > 0 and np.count_nonzero(m.deploy) == 1
    assert m.cost[fra] == pytest.approx(m.deploy[fra] * setups()["baseline"].rules["presence.cost"])
    assert m.provocation[fra] > 0
    same(m, neutral(), "deploy", "cost", "provocation")


def test_a_statement_on_russia_raises_russia_threat_and_priority():
    m = compiled(Move(actor="GBR", statement_russia=True))
    gbr = AGENT_ACTORS.index("GBR")
    assert m.russia_boost[gbr] > 0 and m.russia_shift[gbr] > 0
    assert np.count_nonzero(m.russia_boost) == np.count_nonzero(m.russia_shift) == 1
    same(m, neutral(), "russia_boost", "russia_shift")


def test_the_engine_charges_the_exercise_cost_of_its_exercise_track():
    """The model compiles moves with the exercise track's `cost` from config/model.yaml."""
    setup = setups()["baseline"]
    m = Ensemble(setup, seed=0, runs=1)
    m.keep_snapshots = True
    m.submit([Move(actor="GBR", propose_exercise=["JPN"])])
    m.step()
    got = m.snapshots[-1].moves
    gbr = AGENT_ACTORS.index("GBR")
    d, s = slot("GBR", "JPN")
    assert got.cost[gbr] == pytest.approx(got.exercise_boost[d, s] * cost("exercise"))


def test_proposing_an_agreement_queues_that_negotiation():
    m = compiled(Move(actor="JPN", propose_agreement=["JPN-GBR.raa", "JPN-DEU.isa"]))
    dyads = setups()["baseline"].dyads
    assert m.negotiate == [
        (dyads.index("JPN-GBR"), ENABLERS.index("raa")),
        (dyads.index("JPN-DEU"), ENABLERS.index("isa")),
    ]
    same(m, neutral(), "negotiate")


def test_moves_of_several_seats_add_up_independently():
    a = Move(actor="JPN", priorities=["GBR"], propose_exercise=["FRA"])
    b = Move(actor="DEU", posture="cautious", statement=True)
    both, ma, mb = compiled(a, b), compiled(a), compiled(b)
    assert np.array_equal(both.priority, ma.priority)
    assert np.array_equal(both.exercise_boost, ma.exercise_boost)
    assert np.array_equal(both.caution_shift, mb.caution_shift)
    assert np.array_equal(both.threat_boost, mb.threat_boost)
    assert np.array_equal(both.cost, ma.cost)


@pytest.mark.parametrize(
    "move,field,allowed",
    [
        (Move(actor="DEU", priorities=["FRA"]), "DEU.priorities", "allowed: JPN"),
        (Move(actor="NATO", propose_exercise=["GBR"]), "NATO.propose_exercise", "allowed: JPN"),
        (
            Move(actor="GBR", propose_agreement=["JPN-FRA.raa"]),
            "GBR.propose_agreement",
            "dyads: JPN-GBR",
        ),
        (
            Move(actor="JPN", propose_agreement=["JPN-GBR.treaty"]),
            "JPN.propose_agreement",
            "allowed: isa, acsa",
        ),
        (Move(actor="JPN", propose_agreement=["JPN-GBR"]), "JPN.propose_agreement", "dyads:"),
        (Move(actor="FRA", buy_equipment=["DEU"]), "FRA.buy_equipment", "allowed: JPN"),
        (
            Move(actor="GBR", request_two_plus_two=["NATO"]),
            "GBR.request_two_plus_two",
            "allowed: JPN",
        ),
    ],
)
def test_a_bad_move_is_an_input_error_naming_the_field_and_the_choices(move, field, allowed):
    with pytest.raises(InputError) as exc:
        compiled(move)
    assert exc.value.field == field
    assert allowed in exc.value.message
    assert "\n" not in str(exc.value)


@pytest.mark.parametrize(
    "data,field",
    [
        ({"actor": "usa"}, "actor"),
        ({"actor": "JPN", "posture": "aggressive"}, "posture"),
        ({"actor": "JPN", "priorities": ["Korea"]}, "priorities"),
        ({"actor": "JPN", "statment": True}, "statment"),
    ],
)
def test_a_malformed_move_is_rejected_naming_the_field(data, field):
    with pytest.raises(ValidationError) as exc:
        Move.model_validate(data)
    assert exc.value.errors()[0]["loc"][0] == field


@pytest.mark.parametrize("actor", ["KOR", "USA"])
def test_a_move_by_an_actor_the_setup_does_not_seat_is_refused_naming_the_allowed_ones(actor):
    """A move names any actor id; compiling it against the setup refuses one that is not
    among the setup's actors (a context actor such as the USA moves no slot either) in one
    line naming the actor and the allowed ones."""
    with pytest.raises(InputError) as exc:
        compiled(Move(actor=actor))
    assert exc.value.field == "actor"
    assert f"'{actor}'" in exc.value.message and "allowed: JPN" in exc.value.message
    assert "\n" not in str(exc.value)


def _classroom_at_turn_2():
    m = Ensemble(setups()["classroom"], seed=3, runs=4).run(2)
    m.inject("russia-moves")
    return m


BAD = [
    Move(actor="JPN", posture="firm", priorities=["GBR"]),
    Move(actor="DEU", propose_exercise=["FRA"]),
]
GOOD = [Move(actor="JPN", posture="firm", priorities=["GBR"])]


def test_a_bad_move_leaves_the_model_state_unchanged():
    m = _classroom_at_turn_2()
    state = {
        k: getattr(m, k).copy()
        for k in ("levels", "params", "signed", "negotiating", "blockers", "pressing", "talks")
    }
    world = (m.world.values.copy(), m.world.mean.copy())
    with pytest.raises(InputError, match="DEU.propose_exercise"):
        m.submit(BAD)
        m.step()
    assert m.turn == 2 and len(m.history) == 2
    for k, v in state.items():
        assert np.array_equal(getattr(m, k), v), k
    assert np.array_equal(m.world.values, world[0]) and np.array_equal(m.world.mean, world[1])
    assert [cs.shock.id for cs in m.shocks.queue] == ["russia-moves"]  # still pending


def test_the_model_plays_on_after_a_bad_move():
    """After a rejected move, the same turn played with good moves goes ahead exactly as
    if the bad move had never been offered."""
    m = _classroom_at_turn_2()
    with pytest.raises(InputError, match="DEU.propose_exercise"):
        m.submit(BAD)
        m.step()
    fresh = _classroom_at_turn_2()
    for model in (m, fresh):
        model.submit(GOOD)
        model.step()
    assert m.turn == fresh.turn == 3
    assert np.array_equal(m.levels, fresh.levels)
    assert np.array_equal(m.world.values, fresh.world.values)
