"""A `--set` key is parsed once, where it enters, and travels as a `ParamKey` into the setup
(no text round trip between `parse_keys` and `compile_setup`)."""

from __future__ import annotations

from types import SimpleNamespace

from sim.research.claims import Arm, arm_setup


def test_a_games_override_is_parsed_once(parsed):
    from sim.game.game import Game

    g = Game("australia-joins", seed=1, overrides=["AUS.china_caution=0.9"], turns=2)
    assert parsed.count("AUS.china_caution") == 1
    assert g.overrides == {"AUS.china_caution": 0.9}
    assert g.params("AUS")["china_caution"] == 0.9


def test_a_claims_arm_is_parsed_once_against_its_scenarios_actors(parsed):
    claim = SimpleNamespace(
        id="aus", treatment=Arm(scenario="australia-joins", set={"AUS.china_caution": 0.9})
    )
    setup = arm_setup(claim, "treatment")
    assert parsed.count("AUS.china_caution") == 1
    assert setup.overrides["AUS.china_caution"] == 0.9
