"""`Outcome`: a dyad's track, read in one place (sim/inputs/outcomes.py)."""

import pytest

from sim.errors import InputError
from sim.inputs.outcomes import Outcome
from sim.vocabulary import TRACKS

DYADS = ("JPN-GBR", "JPN-DEU")


def test_parse_and_text_round_trip():
    o = Outcome.parse("JPN-DEU.exercise", DYADS)
    assert o == Outcome("JPN-DEU", "exercise")
    assert str(o) == "JPN-DEU.exercise"
    assert o.index(DYADS) == (1, TRACKS.index("exercise"))


def test_every_is_in_level_array_order():
    every = Outcome.every(DYADS)
    assert [o.index(DYADS) for o in every] == [
        (d, k) for d in range(len(DYADS)) for k in range(len(TRACKS))
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("JPN-DEU", "--outcome: JPN-DEU: write DYAD.TRACK, e.g. JPN-DEU.exercise"),
        (
            "JPN-DEX.exercise",
            "unknown dyad 'JPN-DEX' (did you mean 'JPN-DEU'?); allowed: JPN-GBR, JPN-DEU",
        ),
        (
            "JPN-DEU.exercize",
            "unknown track 'exercize' (did you mean 'exercise'?); allowed: dialogue",
        ),
    ],
)
def test_bad_text_is_one_line_naming_the_allowed_values(text, message):
    with pytest.raises(InputError) as err:
        Outcome.parse(text, DYADS)
    assert message in str(err.value) and "\n" not in str(err.value)


def test_error_names_the_file_and_field_given():
    with pytest.raises(InputError, match=r"^--where: JPN-FRA.exercise < 1: unknown dyad"):
        Outcome.parse("JPN-FRA.exercise", DYADS, "--where", "JPN-FRA.exercise < 1")
