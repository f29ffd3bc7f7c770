"""A deal's concession cost is a sourced constant of config/classroom.yaml, not a literal."""

from __future__ import annotations

import yaml

from sim.game import deals as D
from sim.game.objectives import default_path, load_classroom
from sim.game.session import Session


def test_the_concession_cost_comes_from_config_with_its_range_and_source(tmp_path):
    raw = yaml.safe_load(default_path().read_text(encoding="utf-8"))["concession_cost"]
    cost = load_classroom().concession_cost
    assert cost.value == raw["value"] and tuple(cost.range) == tuple(raw["range"])
    assert cost.range[0] <= cost.value <= cost.range[1]
    assert cost.source.startswith("model choice")
    ses = Session("classroom", tmp_path, seed=1, turns=2)
    assert ses.concession_cost == cost.value


def test_a_settled_raa_charges_the_conceding_side_the_configured_cost():
    p = D.Proposal(
        id="p1",
        turn=1,
        frm="JPN",
        to="GBR",
        kind="agreement",
        terms={"enabler": "raa", "jurisdiction": "host_state"},
        dyad="JPN-GBR",
    )
    shock = D.terms_shock(p, "JPN-GBR", 1, 0.125)
    assert shock is not None
    assert shock.params["GBR.domestic_constraint"].add == 0.125
    assert shock.enablers == {"JPN-GBR.raa": "unblock"}
