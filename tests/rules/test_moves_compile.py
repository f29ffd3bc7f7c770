"""Conformance of move compilation (sim/moves.py, DESIGN "Human moves"): each field of a
seat's `Move` lands on its own array and nowhere else; a bad move is an InputError naming
the field, and leaves the model exactly as it was."""

from __future__ import annotations

import numpy as np
import pytest
from pydantic import ValidationError

from sim.errors import InputError
from sim.ids import AGENT_ACTORS, ENABLERS
from sim.model import WargameModel
from sim.moves import Move, MoveArrays, compile_moves

from .library import setups

COST = 0.4  # bandwidth per exercise level, for these tests


def compiled(*moves: Move, cost: float = COST) -> MoveArrays:
    s = setups()["baseline"]
    return compile_moves(list(moves), s.dyads, s.pairs, cost)


def slot(actor: str, partner: str) -> tuple[int, int]:
    """(dyad, side) of `actor` in its dyad with `partner`."""
    s = setups()["baseline"]
    a, p = AGENT_ACTORS.index(actor), AGENT_ACTORS.index(partner)
    d = next(d for d in range(len(s.dyads)) if {a, p} == set(s.pairs[d].tolist()))
    return d, int(np.flatnonzero(s.pairs[d] == a)[0])


def same(x: MoveArrays, y: MoveArrays, *skip: str) -> None:
    """x and y agree on every array but those named in `skip`."""
    for name in ("caution_shift", "threat_boost", "priority", "exercise_boost", "exercise_cost"):
        if name not in skip:
            assert np.array_equal(getattr(x, name), getattr(y, name)), name
    if "negotiate" not in skip:
        assert x.negotiate == y.negotiate


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
        same(m, neutral(), "caution_shift")


def test_a_statement_raises_china_salience_and_lowers_caution():
    """A public statement raises the actor's China threat salience and widens the gap with
    cautious partners (its own caution falls)."""
    m = compiled(Move(actor="FRA", statement=True))
    fra = AGENT_ACTORS.index("FRA")
    assert m.threat_boost[fra] > 0 and np.count_nonzero(m.threat_boost) == 1
    assert m.caution_shift[fra] < 0 and np.count_nonzero(m.caution_shift) == 1
    same(m, neutral(), "threat_boost", "caution_shift")
    both = compiled(Move(actor="FRA", statement=True, posture="firm"))
    firm = compiled(Move(actor="FRA", posture="firm"))
    assert both.caution_shift[fra] == pytest.approx(firm.caution_shift[fra]
                                                    + m.caution_shift[fra])


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
    assert m.exercise_cost[gbr] == pytest.approx(boost * COST)
    assert np.count_nonzero(m.exercise_cost) == 1
    double = compiled(Move(actor="GBR", propose_exercise=["JPN"]), cost=2 * COST)
    assert double.exercise_cost[gbr] == pytest.approx(2 * m.exercise_cost[gbr])
    same(m, neutral(), "exercise_boost", "exercise_cost")
    two = compiled(Move(actor="JPN", propose_exercise=["GBR", "FRA"]))
    jpn = AGENT_ACTORS.index("JPN")
    assert two.exercise_cost[jpn] == pytest.approx(2 * boost * COST)


def test_the_engine_charges_the_exercise_cost_of_its_exercise_track():
    """The model compiles moves with the exercise track's `cost` from config/model.yaml."""
    setup = setups()["baseline"]
    m = WargameModel(setup, seed=0, runs=1)
    m.keep_snapshots = True
    m.submit([Move(actor="GBR", propose_exercise=["JPN"])])
    m.step()
    got = m.snapshots[-1].moves
    gbr = AGENT_ACTORS.index("GBR")
    d, s = slot("GBR", "JPN")
    assert got.exercise_cost[gbr] == pytest.approx(
        got.exercise_boost[d, s] * float(setup.track["cost"][2]))


def test_proposing_an_agreement_queues_that_negotiation():
    m = compiled(Move(actor="JPN", propose_agreement=["JPN-GBR.raa", "JPN-DEU.isa"]))
    dyads = setups()["baseline"].dyads
    assert m.negotiate == [(dyads.index("JPN-GBR"), ENABLERS.index("raa")),
                           (dyads.index("JPN-DEU"), ENABLERS.index("isa"))]
    same(m, neutral(), "negotiate")


def test_moves_of_several_seats_add_up_independently():
    a = Move(actor="JPN", priorities=["GBR"], propose_exercise=["FRA"])
    b = Move(actor="DEU", posture="cautious", statement=True)
    both, ma, mb = compiled(a, b), compiled(a), compiled(b)
    assert np.array_equal(both.priority, ma.priority)
    assert np.array_equal(both.exercise_boost, ma.exercise_boost)
    assert np.array_equal(both.caution_shift, mb.caution_shift)
    assert np.array_equal(both.threat_boost, mb.threat_boost)
    assert np.array_equal(both.exercise_cost, ma.exercise_cost)


@pytest.mark.parametrize("move,field,allowed", [
    (Move(actor="DEU", priorities=["FRA"]), "DEU.priorities", "allowed: JPN"),
    (Move(actor="NATO", propose_exercise=["GBR"]), "NATO.propose_exercise", "allowed: JPN"),
    (Move(actor="GBR", propose_agreement=["JPN-FRA.raa"]), "GBR.propose_agreement",
     "dyads: JPN-GBR"),
    (Move(actor="JPN", propose_agreement=["JPN-GBR.treaty"]), "JPN.propose_agreement",
     "allowed: isa, acsa"),
    (Move(actor="JPN", propose_agreement=["JPN-GBR"]), "JPN.propose_agreement", "dyads:"),
])
def test_a_bad_move_is_an_input_error_naming_the_field_and_the_choices(move, field, allowed):
    with pytest.raises(InputError) as exc:
        compiled(move)
    assert exc.value.field == field
    assert allowed in exc.value.message
    assert "\n" not in str(exc.value)


@pytest.mark.parametrize("data,field", [
    ({"actor": "USA"}, "actor"),
    ({"actor": "JPN", "posture": "aggressive"}, "posture"),
    ({"actor": "JPN", "priorities": ["KOR"]}, "priorities"),
    ({"actor": "JPN", "statment": True}, "statment"),
])
def test_a_malformed_move_is_rejected_naming_the_field(data, field):
    with pytest.raises(ValidationError) as exc:
        Move.model_validate(data)
    assert exc.value.errors()[0]["loc"][0] == field


def _classroom_at_turn_2():
    m = WargameModel(setups()["classroom"], seed=3, runs=4).run(2)
    m.inject("russia-moves")
    return m


BAD = [Move(actor="JPN", posture="firm", priorities=["GBR"]),
       Move(actor="DEU", propose_exercise=["FRA"])]
GOOD = [Move(actor="JPN", posture="firm", priorities=["GBR"])]


def test_a_bad_move_leaves_the_model_state_unchanged():
    m = _classroom_at_turn_2()
    state = {k: getattr(m, k).copy() for k in
             ("levels", "params", "signed", "negotiating", "blockers", "pressing", "talks")}
    world = (m.world.values.copy(), m.world.mean.copy())
    with pytest.raises(InputError, match="DEU.propose_exercise"):
        m.submit(BAD)
        m.step()
    assert m.turn == 2 and len(m.history) == 2
    for k, v in state.items():
        assert np.array_equal(getattr(m, k), v), k
    assert np.array_equal(m.world.values, world[0]) and np.array_equal(m.world.mean, world[1])
    assert [cs.shock.id for cs in m.shocks.queue] == ["russia-moves"]  # still pending


@pytest.mark.xfail(strict=True, reason=(
    "engine bug: WargameModel.step raises on a bad move inside Mesa's step event, which is "
    "then never rescheduled, so every later step() and run() silently does nothing; fix: "
    "compile the moves in WargameModel.submit (before storing them), so step cannot fail"))
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
