"""Every move does something: each move, one-off and as a standing policy, moves its target
in the intended direction by more than one SD of chance over four turns (paired runs), unless
the report says it should not (sim/research/move_effects.py)."""

import pytest

from sim.research.move_effects import CASES, measure

RUNS = 120


@pytest.fixture(scope="module")
def effects():
    return {(e.case.name, e.standing): e for e in measure(RUNS, seed=5)}


@pytest.mark.parametrize("standing", [False, True], ids=["one-off", "standing"])
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_move_moves_its_target_beyond_chance(effects, case, standing):
    e = effects[(case.name, standing)]
    if e.exempt:
        assert case.exempt and case.sign * e.effect > 0  # still the intended direction
        return
    assert e.passed, (
        f"{case.name} ({'standing' if standing else 'one-off'}): effect "
        f"{e.effect:+.3f}, chance SD {e.chance_sd:.3f}"
    )


def test_every_seat_has_a_move_and_every_move_field_is_exercised():
    from sim.engine.moves import Move

    seats = {c.actor for c in CASES}
    assert seats == {"JPN", "GBR", "FRA", "DEU", "NATO"}
    used = {k for c in CASES for k in c.move}
    fields = set(Move.model_fields) - {"actor", "note"}
    assert used == fields
