"""The directional battery (sim/research/battery.py, config/claims.yaml) and its sampler.

Small ensembles (tens of runs, a handful of sampled points) keep these fast; the claims used
here have effects far larger than their noise at that size.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
import yaml
from typer.testing import CliRunner

from sim.errors import InputError
from sim.inputs.loader import list_scenarios
from sim.inputs.setup import build
from sim.research import battery as b
from sim.research import battery_table as bt
from sim.research.uncertainty import latin_hypercube, plausible_ranges, point_value, sample

RUNS, SAMPLES = 24, 6

# The machinery tests build their claims in code (ClaimsFile.model_validate), which runs no
# load-time classification: RAA_UP (sign the RAA, read exercises) is a mechanism by the
# rules of config/claims.yaml, and serves where its timing matters (nothing differs before
# turn 4). Tests that need a verdict that holds robustly, and tests that read a claims
# file, use STRONG_UP, a claim of the report with an effect far above the thresholds
# at nearly every draw of the posterior (config/claims.yaml us-engagement-lifts-nato-exercises).
RAA_UP = {
    "id": "raa-up",
    "claim": "Signing the UK RAA raises Japan-UK exercises.",
    "source": "Ch3 UK › Training and Exercises",
    "control": {"scenario": "baseline"},
    "treatment": {"scenario": "uk-raa-signed"},
    "metric": {"kind": "level", "dyads": ["JPN-GBR"], "tracks": ["exercise"]},
    "direction": "up",
    "window": {"start": 5, "end": 40},
}


STRONG_UP = {
    "id": "strong-up",
    "kind": "claim",
    "claim": "An engaged US makes NATO-Japan exercises more likely.",
    "source": "Ch6 NATO › Support the United States",
    "control": {"scenario": "baseline"},
    "treatment": {
        "scenario": "baseline",
        "shocks": [
            {"at": 4, "indices": {"us_engagement": 0.25}, "index_means": {"us_engagement": 0.2}}
        ],
    },
    "metric": {"kind": "level", "dyads": ["JPN-NATO"], "tracks": ["exercise"]},
    "direction": "up",
    "window": {"start": 5, "end": 40},
}


def claims_file(*claims: dict, pending: list[str] | None = None) -> b.ClaimsFile:
    return b.ClaimsFile.model_validate({"pending_levers": pending or [], "claims": list(claims)})


def twin(claim: dict, **changes) -> dict:
    return {**claim, **changes}


def write(tmp_path: Path, data: dict) -> Path:
    p = tmp_path / "claims.yaml"
    p.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return p


# --------------------------------------------------------------------- the claims file


def test_shipped_claims_file_validates_and_spans_the_report():
    doc = b.load_claims()
    ids = [c.id for c in doc.claims]
    assert len(set(ids)) == len(ids)
    claims = [c for c in doc.claims if c.kind == "claim"]
    assert len(claims) >= 60  # scored claims only; mechanisms do not count
    scenarios = set(list_scenarios())
    for c in doc.claims:
        assert re.search(r"\bCh[1-7]\b", c.source), c.id
        assert c.control.scenario in scenarios and c.treatment.scenario in scenarios, c.id
        assert c.control != c.treatment, c.id
        # the digest's reading of the report is not the report: a source citing it says so
        assert "digest" not in c.source or "inference" in c.source, c.id
    chapters = {m for c in claims for m in re.findall(r"Ch([1-7])", c.source)}
    assert chapters >= {"2", "3", "4", "5", "6", "7"}
    assert {c.metric.kind for c in claims} >= {"level", "spent", "signed", "presence"}
    assert {c.direction for c in claims} == {"up", "down"}
    assert {c.kind for c in doc.claims} == {"claim", "mechanism"}


def test_every_shipped_entry_states_its_kind():
    # the default (claim) is for files written before kinds; the shipped file says it
    data = yaml.safe_load(b.claims_path().read_text(encoding="utf-8"))
    missing = [c["id"] for c in data["claims"] if c.get("kind") not in b.KINDS]
    assert missing == []


@pytest.mark.parametrize(
    "cid",
    [
        "presence-appetite-raises-presence",  # sets the parameter the metric reads
        "retaliation-sensitivity-matters",
        "coercion-resolve-matters",
        "europe-pull-sizes-the-drain",
        "uk-raa-raises-exercises",  # removes the cap in front of the metric
        "uk-raa-blocker",  # unblocks the agreement it reads
        "german-politics-holds-isa",
        "japan-buys-british",  # adds a move's bonus and reads it back
        "japan-proposes-exercises-uk",
    ],
)
def test_entries_that_can_only_pass_are_mechanisms(cid):
    doc = b.load_claims()
    assert {c.id: c.kind for c in doc.claims}[cid] == "mechanism"


@pytest.mark.parametrize(
    "cid, kind, dyads, what",
    [
        ("korea-crisis-presses-uk-raa", "signed", ["JPN-GBR"], "raa"),
        ("uk-tilt-presses-uk-raa", "signed", ["JPN-GBR"], "raa"),
        ("uk-tilt-lifts-capped-exercises", "level", ["JPN-GBR"], "exercise"),
        ("german-caution-falls-isa-signed", "signed", ["JPN-DEU"], "isa"),
        ("germany-withholds-nato-exercises", "level", ["JPN-NATO"], "exercise"),
        ("germany-withholds-nato-agreements", "signed", ["JPN-NATO"], "acsa"),
        ("nac-friction-after-settling", "level", ["JPN-NATO"], "exercise"),
        ("japan-tighter-law-cuts-exercises", "level", ["JPN-GBR", "JPN-FRA"], "exercise"),
        ("us-retreat-urges-nato-dialogue", "level", ["JPN-NATO"], "dialogue"),
        ("germany-resources-lift-exercises", "level", ["JPN-DEU"], "exercise"),
    ],
)
def test_claims_on_the_new_rules_are_scored_and_read_what_they_say(cid, kind, dyads, what):
    c = {c.id: c for c in b.load_claims().claims}[cid]
    assert c.kind == "claim" and c.metric.kind == kind and c.metric.dyads == dyads
    assert what == (c.metric.enabler if kind == "signed" else "+".join(c.metric.tracks))
    assert b.direct_reads(c) == []


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda c: [c, c], "duplicate claim id 'raa-up'"),
        (
            lambda c: [twin(c, treatment={"scenario": "uk-raa-signd"})],
            "no such scenario 'uk-raa-signd' (did you mean 'uk-raa-signed'?)",
        ),
        (
            lambda c: [
                twin(c, treatment={"scenario": "baseline", "set": {"DEU.china_cuation": 0.1}})
            ],
            "unknown lever 'china_cuation' (did you mean 'china_caution'?)",
        ),
        (lambda c: [twin(c, source="the report, somewhere")], "source"),
        (
            lambda c: [twin(c, metric={"kind": "spent", "dyads": ["JPN-GBR"]})],
            "a spent metric needs dyads, actor",
        ),
        (lambda c: [twin(c, direction="sideways")], "'sideways' is not allowed"),
        (lambda c: [twin(c, window={"start": 9, "end": 4})], "end 4 is before start 9"),
        (lambda c: [{**c, "extra": 1}], "unknown key 'extra'"),
        (
            lambda c: [twin(c, window={"start": 5, "end": 41})],
            "claims[0].window.end: turn 41 is after the last turn of baseline (40)",
        ),
        (
            lambda c: [
                twin(c, metric={"kind": "level", "dyads": ["JPN-GRB"], "tracks": ["exercise"]})
            ],
            "unknown dyad 'JPN-GRB' (did you mean 'JPN-GBR'?)",
        ),
        (
            lambda c: [
                twin(c, treatment={"scenario": "baseline", "set": {"DEU.china_caution": 2}})
            ],
            "claims[0].treatment.set.DEU.china_caution: DEU.china_caution = 2.0 is out of range",
        ),
        (
            lambda c: [
                twin(
                    c,
                    treatment={
                        "scenario": "baseline",
                        "shocks": [{"at": 4, "indices": {"china_assertivness": 0.2}}],
                    },
                )
            ],
            "claims[0].treatment.shocks[0].indices",
        ),
        (
            lambda c: [
                twin(
                    c,
                    treatment={
                        "scenario": "baseline",
                        "moves": [{"move": {"actor": "JPN", "propose_exercise": ["ITA"]}}],
                    },
                )
            ],
            "claims[0].treatment.moves[0].move.propose_exercise: ITA is not a partner of JPN",
        ),
    ],
)
def test_bad_claims_file_names_file_field_and_what_is_allowed(tmp_path, change, message):
    path = write(tmp_path, {"claims": change(RAA_UP)})
    with pytest.raises(InputError) as exc:
        b.load_claims(path)
    assert str(path) in str(exc.value) and message in str(exc.value)


# ------------------------------------------------- claims that can only pass are mechanisms

PRESENCE = {
    **STRONG_UP,
    "id": "appetite",
    "control": {"scenario": "china-coercion", "set": {"GBR.presence_appetite": 0.2}},
    "treatment": {"scenario": "china-coercion", "set": {"GBR.presence_appetite": 0.9}},
    "metric": {"kind": "presence", "actors": ["GBR"]},
}
CAUTION = {
    **STRONG_UP,
    "id": "caution",
    "treatment": {"scenario": "baseline", "set": {"DEU.china_caution": 0.3}},
    "metric": {"kind": "caution", "actors": ["DEU"]},
    "direction": "down",
}
SIGNED = {
    **STRONG_UP,
    "id": "signed",
    "metric": {"kind": "signed", "dyads": ["JPN-GBR"], "enabler": "raa"},
    "window": {"start": 1, "end": 40},
}


def _shock(**effects) -> dict:
    return {"scenario": "baseline", "shocks": [{"at": 1, **effects}]}


def _moves(move: dict, start: int = 1, end: int | None = None) -> dict:
    return {"scenario": "baseline", "moves": [{"move": move, "start": start, "end": end}]}


@pytest.mark.parametrize(
    "claim, reads",
    [
        (PRESENCE, "its treatment sets GBR.presence_appetite, which the presence metric reads"),
        (CAUTION, "its treatment sets DEU.china_caution, which the caution metric reads"),
        (
            twin(CAUTION, treatment=_shock(params={"DEU.china_caution": {"add": -0.3}})),
            "its treatment sets DEU.china_caution",
        ),
        (
            twin(CAUTION, treatment=_shock(coercion={"DEU": 0.6})),
            "its treatment aims coercion at DEU",
        ),
        (
            twin(SIGNED, treatment=_shock(enablers={"JPN-GBR.raa": "unblock"})),
            "its treatment shocks JPN-GBR.raa: unblock, the agreement it reads",
        ),
        (
            twin(SIGNED, treatment=_shock(enablers={"JPN-GBR.raa": "sign"})),
            "its treatment shocks JPN-GBR.raa: sign, the agreement it reads",
        ),
        (
            twin(SIGNED, treatment=_moves({"actor": "JPN", "propose_agreement": ["JPN-GBR.raa"]})),
            "proposes JPN-GBR.raa, the agreement it reads",
        ),
        (
            {**RAA_UP, "kind": "claim"},  # a scenario that signs the agreement capping the track
            "its treatment shocks JPN-GBR.raa: sign, the agreement that caps the JPN-GBR "
            "exercise it reads",
        ),
        (
            twin(RAA_UP, treatment=_moves({"actor": "JPN", "propose_exercise": ["GBR"]}, 1, 8)),
            "move propose_exercise adds to the JPN-GBR exercise it reads, within its window",
        ),
        (
            twin(RAA_UP, treatment=_shock(missions={"JPN-GBR": 0.5})),
            "changes the shared operations of JPN-GBR",
        ),
    ],
)
def test_a_claim_that_can_only_pass_is_rejected_at_load_and_loads_as_a_mechanism(
    tmp_path, claim, reads
):
    path = write(tmp_path, {"claims": [claim]})
    with pytest.raises(InputError) as exc:
        b.load_claims(path)
    text = str(exc.value)
    assert str(path) in text and "claims[0].kind" in text and reads in text
    assert "mark it `kind: mechanism`" in text and "\n" not in text
    doc = b.load_claims(write(tmp_path, {"claims": [twin(claim, kind="mechanism")]}))
    assert doc.claims[0].kind == "mechanism"


@pytest.mark.parametrize(
    "claim",
    [
        # another actor's caution, or another actor's parameter
        twin(CAUTION, metric={"kind": "caution", "actors": ["FRA"]}),
        twin(PRESENCE, metric={"kind": "presence", "actors": ["FRA"]}),
        # the same change on both sides is no change
        twin(PRESENCE, treatment=PRESENCE["control"]),
        # another agreement: a 2+2 as an engine of the ISA (Ch4 France › Dialogues)
        twin(
            SIGNED,
            metric={"kind": "signed", "dyads": ["JPN-DEU"], "enabler": "isa"},
            treatment=_shock(enablers={"JPN-DEU.two_plus_two": "sign"}),
        ),
        # an agreement that caps another track than the one read
        twin(RAA_UP, metric={"kind": "level", "dyads": ["JPN-GBR"], "tracks": ["dialogue"]}),
        # a move that ends before the window: what is read is what it left behind
        twin(
            RAA_UP,
            treatment=_moves({"actor": "JPN", "propose_exercise": ["GBR"]}, 1, 4),
            window={"start": 9, "end": 40},
        ),
        STRONG_UP,
    ],
)
def test_a_claim_that_can_fail_loads(tmp_path, claim):
    doc = b.load_claims(write(tmp_path, {"claims": [claim]}))
    assert doc.claims[0].kind == "claim" and b.direct_reads(doc.claims[0]) == []


def test_kind_is_claim_or_mechanism_and_defaults_to_claim(tmp_path):
    no_kind = {k: v for k, v in STRONG_UP.items() if k != "kind"}
    assert b.load_claims(write(tmp_path, {"claims": [no_kind]})).claims[0].kind == "claim"
    with pytest.raises(InputError, match="kind"):
        b.load_claims(write(tmp_path, {"claims": [twin(STRONG_UP, kind="model")]}))


# ------------------------------------------------------------------------ the verdicts


def test_thresholds_are_005_for_every_metric():
    want = dict.fromkeys(("level", "spent", "signed", "presence", "caution"), 0.05)
    assert want == b.THRESHOLDS


def test_a_sampled_points_share_of_runs_resolves_the_threshold():
    # a share of r runs moves in steps of 1/r: a step coarser than the shares' threshold
    # turns each sampled point's verdict on an agreement into a coin toss (one run of 8 is
    # 0.125), so the robust check runs enough per point to resolve it, with room
    assert b.RUNS_PER_POINT * b.THRESHOLDS["signed"] >= 1.5


@pytest.mark.parametrize("metric", ["level", "spent", "signed", "presence", "caution"])
@pytest.mark.parametrize("size, holds", [(0.04, False), (0.06, True)])
def test_an_effect_holds_only_beyond_its_metrics_threshold(monkeypatch, metric, size, holds):
    # every paired difference is `size`, at the point estimates and at every sampled point
    spec = {
        "level": {"kind": "level", "dyads": ["JPN-GBR"], "tracks": ["exercise"]},
        "spent": {"kind": "spent", "dyads": ["JPN-GBR"], "actor": "GBR"},
        "signed": {"kind": "signed", "dyads": ["JPN-GBR"], "enabler": "raa"},
        "presence": {"kind": "presence", "actors": ["GBR"]},
        "caution": {"kind": "caution", "actors": ["GBR"]},
    }[metric]
    bat = b.Battery(claims_file(twin(RAA_UP, metric=spec)), runs=10, samples=4)
    arms = {
        side: b.ArmResult((), (), None, None, None, None, {"presence": 0, "caution": 0})
        for side in ("control", "treatment")
    }
    monkeypatch.setattr(bat, "arm", lambda claim, side: arms[side])
    n = 10 + 4 * bat.runs_per_point
    monkeypatch.setattr(
        bat,
        "values",
        lambda claim, res: np.full(n, size if res is arms["treatment"] else 0.0),
    )
    o = bat.evaluate(bat.doc.claims[0])
    assert o.effect == pytest.approx(size)
    assert o.holds_point is holds and o.holds_robust is holds
    if not holds:
        assert "too small" in o.reason and "0.05" in o.reason


def test_a_claim_and_its_reversed_twin_get_opposite_verdicts():
    down = twin(STRONG_UP, id="strong-down", direction="down")
    up_o, down_o = b.Battery(claims_file(STRONG_UP, down), RUNS, SAMPLES).run()
    assert up_o.holds_point and up_o.holds_robust and up_o.passed and up_o.reason == ""
    assert up_o.effect > 0.1 and up_o.low <= up_o.effect <= up_o.high
    assert not down_o.holds_point and not down_o.holds_robust
    assert down_o.effect == up_o.effect
    assert down_o.robust_share == pytest.approx(0.0)
    assert "wrong sign" in down_o.reason


def test_the_same_world_on_both_sides_has_no_effect_and_fails():
    same = twin(RAA_UP, id="same", treatment={"scenario": "baseline"})
    (o,) = b.Battery(claims_file(same), RUNS, SAMPLES).run()
    assert o.effect == 0.0 and o.low == 0.0 and o.high == 0.0
    assert not o.holds_point and o.robust_share == 0.0
    assert o.reason.startswith("no effect")


def test_an_effect_below_the_threshold_does_not_hold():
    # before the RAA is signed (turn 4) the two arms share every draw: no effect at all
    early = twin(RAA_UP, id="early", window={"start": 0, "end": 3})
    (o,) = b.Battery(claims_file(early), RUNS, SAMPLES).run()
    assert o.effect == 0.0 and not o.holds_point


def test_a_robust_failure_names_the_parameter_it_turns_on():
    """The parameter whose values rank most with the effect per point is named, with the
    sign of that rank correlation (the claim holds more where it is higher: it fails where
    it is low), and none is named when no parameter reaches `DRIVER_RHO`."""
    rng = np.random.default_rng(0)
    values = {k: rng.uniform(size=64) for k in ("A", "B", "C")}
    values["fixed"] = np.full(64, 0.3)
    up = b.robust_driver(values["B"] + 0.05 * rng.normal(size=64), values)
    assert up[0] == "B" and up[1] > 0.9
    down = b.robust_driver(-values["C"], values)
    assert down == ("C", pytest.approx(-1.0))
    assert b.robust_driver(rng.normal(size=64), values) is None
    assert b.robust_driver(np.zeros(64), values) is None
    # a loose ranking at 20 points among 40 parameters is chance: rho 0.60, p 0.005, above
    # the bound 0.01 / 40
    r20 = np.random.default_rng(0)
    x = np.linspace(0, 1, 20)
    loose = x + 0.35 * r20.normal(size=20)
    many = {"K": x} | {f"K{i}": r20.uniform(size=20) for i in range(39)}
    assert b.robust_driver(loose, many) is None
    assert b.robust_driver(loose, many | {"K": loose}) == ("K", pytest.approx(1.0))
    # and at a handful of points nothing is named, however well it ranks
    few = {k: v[:8] for k, v in values.items()}
    assert b.robust_driver(few["B"], few) is None
    o = b.Outcome(b.Claim.model_validate(RAA_UP), effect=0.1, robust_share=0.4)
    o.holds_point, o.driver = True, up
    reason = b._reason(o, np.array([0.1]), 1.0, 0.05)
    assert "fails where B is low (rank correlation +0.9" in reason
    o.driver = down
    assert "fails where C is high" in b._reason(o, np.array([0.1]), 1.0, 0.05)
    assert o.as_dict()["driver"] == {"key": "C", "rho": pytest.approx(-1.0)}


def test_the_battery_asks_for_the_driver_of_a_robust_failure_from_its_sampled_points(
    monkeypatch,
):
    seen = []

    def spy(effect, values):
        seen.append((effect, values))
        return ("MODEL.x", 0.7)

    monkeypatch.setattr(b, "robust_driver", spy)
    monkeypatch.setattr(b, "ROBUST_SHARE", 1.01)  # nothing holds robustly
    (o,) = b.Battery(claims_file(STRONG_UP), RUNS, SAMPLES).run()
    assert not o.holds_robust and o.driver == ("MODEL.x", 0.7)
    effect, values = seen[0]
    assert effect.shape == (SAMPLES,)
    assert all(v.shape == (SAMPLES,) for v in values.values()) and len(values) > 100
    assert "fails where MODEL.x is low" in o.reason


def test_a_lever_the_engine_lacks_fails_with_its_name_and_the_rest_still_run():
    pending = ["made_up_lever", "shock.made_up_key", "move.made_up_field"]
    needs_param = twin(
        STRONG_UP, id="p", treatment={"scenario": "baseline", "set": {"JPN.made_up_lever": 0.5}}
    )
    needs_shock = twin(
        STRONG_UP,
        id="s",
        treatment={"scenario": "baseline", "shocks": [{"at": 4, "made_up_key": {"DEU": 0.6}}]},
    )
    needs_move = twin(
        STRONG_UP,
        id="m",
        treatment={
            "scenario": "baseline",
            "moves": [{"move": {"actor": "JPN", "made_up_field": True}}],
        },
    )
    doc = claims_file(needs_param, needs_shock, needs_move, STRONG_UP, pending=pending)
    p, s, m, ok = b.Battery(doc, RUNS, SAMPLES).run()
    assert p.reason == "lever not in this engine: made_up_lever"
    assert s.reason == "lever not in this engine: made_up_key"
    assert m.reason == "lever not in this engine: made_up_field"
    for o in (p, s, m):
        assert not o.holds_point and not o.holds_robust and o.effect is None
    assert ok.passed
    text = bt.table([p, s, m, ok], RUNS, SAMPLES, b.RUNS_PER_POINT)
    assert "why: lever not in this engine: made_up_lever" in text
    assert "battery: 1/4 hold at the point estimates; 1/4 hold across the plausible ranges" in text


def test_mechanisms_run_are_marked_and_are_counted_apart():
    mech = twin(STRONG_UP, id="strong-mech", kind="mechanism")
    mech_down = twin(STRONG_UP, id="strong-mech-down", kind="mechanism", direction="down")
    down = twin(STRONG_UP, id="strong-down", direction="down")
    outs = b.Battery(claims_file(mech, STRONG_UP, mech_down, down), RUNS, SAMPLES).run()
    assert outs[0].passed and outs[0].as_dict() | {"id": "strong-up", "kind": "claim"} == (
        outs[1].as_dict()
    )  # a mechanism runs and is judged like a claim
    text = bt.table(outs, RUNS, SAMPLES, b.RUNS_PER_POINT)
    lines = text.splitlines()
    assert re.match(r"strong-mech +mech ", next(x for x in lines if x.startswith("strong-mech ")))
    assert re.match(r"strong-up +claim ", next(x for x in lines if x.startswith("strong-up ")))
    # claims first, then the mechanisms under their own heading
    assert text.index("strong-down") < text.index("-- mechanisms") < text.index("strong-mech ")
    assert lines[-2] == (
        "mechanisms: 1/2 hold at the point estimates; 1/2 across the plausible ranges (not scored)"
    )
    assert lines[-1] == (
        "battery: 1/2 hold at the point estimates; 1/2 hold across the plausible ranges"
    )
    assert "thresholds level 0.05, spent 0.05, signed 0.05, presence 0.05, caution 0.05" in text
    # what --strict reads: a failing claim counts, a failing mechanism does not
    assert bt.claims_fail(outs)
    assert not bt.claims_fail(outs[:3])
    no_mech = bt.table(outs[1:2], RUNS, SAMPLES, b.RUNS_PER_POINT)
    assert "mechanisms:" not in no_mech and "-- mechanisms" not in no_mech


def test_extra_shocks_and_standing_moves_reach_the_model():
    from sim.engine.model import Ensemble
    from sim.engine.moves import Move

    # an inline enabler shock is the uk-raa-signed scenario written in the claim
    inline = twin(
        RAA_UP,
        id="inline",
        treatment={
            "scenario": "baseline",
            "shocks": [{"at": 4, "enablers": {"JPN-GBR.raa": "sign"}}],
        },
    )
    a, c = b.Battery(claims_file(RAA_UP, inline), RUNS, SAMPLES).run()
    assert a.effect == c.effect and a.robust_share == c.robust_share
    # standing moves are submitted on the turns of their window, and only then
    move = {"actor": "JPN", "propose_agreement": ["JPN-FRA.raa"]}
    propose = twin(
        RAA_UP,
        id="propose",
        treatment={"scenario": "baseline", "moves": [{"move": move, "start": 2, "end": 4}]},
    )
    late = twin(
        RAA_UP,
        id="late",
        treatment={"scenario": "baseline", "moves": [{"move": move, "start": 41}]},
    )
    bat = b.Battery(claims_file(propose, late), 12, 2)
    got = bat.arm(bat.doc.claims[0], "treatment")
    m = Ensemble(
        build("baseline"),
        seed=0,
        runs=np.arange(12 + 2 * b.RUNS_PER_POINT),
        run_params=bat.parameter_sample(build("baseline")).run_params(build("baseline"), prefix=12),
    )
    for t in range(1, 41):
        m.submit([Move.model_validate(move)] if 2 <= t <= 4 else [])
        m.step()
    assert np.array_equal(got.levels, m.level_history())
    control = bat.arm(bat.doc.claims[0], "control")
    assert not np.array_equal(got.in_force, control.in_force)  # the proposal did something
    never = bat.arm(bat.doc.claims[1], "treatment")
    assert np.array_equal(never.levels, control.levels)
    assert np.array_equal(never.in_force, control.in_force)


def test_signed_metric_counts_agreements_in_force_by_the_window_end():
    from sim.engine.model import Ensemble
    from sim.vocabulary import ENABLERS

    signed = twin(
        RAA_UP, id="in-force", metric={"kind": "signed", "dyads": ["JPN-GBR"], "enabler": "raa"}
    )
    by5 = twin(signed, id="by5", window={"start": 0, "end": 5})
    by3 = twin(signed, id="by3", window={"start": 0, "end": 3})
    o5, o3 = b.Battery(claims_file(by5, by3), RUNS, SAMPLES).run()
    setup = build("baseline")
    m = Ensemble(setup, seed=0, runs=RUNS).run(5)
    already = m.signed[:, setup.dyads.index("JPN-GBR"), ENABLERS.index("raa")].mean()
    assert o5.effect == pytest.approx(1.0 - already) and o5.holds_point
    assert o3.effect == 0.0 and not o3.holds_point  # the RAA is signed at turn 4


def test_spent_metric_reads_the_named_side():
    russia = {
        **RAA_UP,
        "id": "russia",
        "treatment": {"scenario": "russia-aggression"},
        "metric": {"kind": "spent", "dyads": ["JPN-NATO"], "actor": "NATO"},
        "direction": "down",
        "window": {"start": 4, "end": 40},
    }
    bat = b.Battery(claims_file(russia), RUNS, SAMPLES)
    claim = bat.doc.claims[0]
    ctrl = bat.arm(claim, "control")
    d = ctrl.dyads.index("JPN-NATO")
    side = int(np.flatnonzero(ctrl.pairs[d] == 4)[0])  # NATO is agent 4
    want = ctrl.spent[3:40, :, d, side].mean(axis=0)
    assert np.allclose(bat.values(claim, ctrl), want)
    (o,) = bat.run()
    assert o.holds_point and o.effect < -0.1


def test_window_past_the_last_turn_is_an_input_error_when_built_in_code():
    late = twin(RAA_UP, id="late", window={"start": 5, "end": 41})
    with pytest.raises(InputError, match="late.window.end: turn 41 is after the last turn"):
        b.Battery(claims_file(late), RUNS, SAMPLES).run()


def test_battery_is_deterministic_in_the_seed():
    r1 = b.Battery(claims_file(RAA_UP), RUNS, SAMPLES, seed=3).run()[0]
    r2 = b.Battery(claims_file(RAA_UP), RUNS, SAMPLES, seed=3).run()[0]
    r3 = b.Battery(claims_file(RAA_UP), RUNS, SAMPLES, seed=4).run()[0]
    assert r1.as_dict() == r2.as_dict()
    assert r1.effect != r3.effect


# ------------------------------------------------------------------------ the sampler


def test_sampler_gives_per_run_values_inside_the_ranges_and_is_seeded():
    setup = build("baseline")
    ranges = plausible_ranges(setup)
    keys = [k for k, _, _ in ranges]
    assert "DEU.china_caution" in keys and "MODEL.exercise.caution_gap" in keys
    assert "JPN.consensus_friction" not in keys  # a single-value range is not sampled
    ps = sample(setup, 16, 3, seed=5)
    assert ps.runs == 48 and np.array_equal(ps.point_of_run(), np.repeat(np.arange(16), 3))
    for key, lo, hi in ranges:
        v = ps.values[key]
        assert v.shape == (48,) and np.all((v >= lo) & (v <= hi)), key
        assert np.all(v.reshape(16, 3) == v.reshape(16, 3)[:, :1]), key  # replicates share it
        # Latin hypercube: one point in each of the 16 strata of every range
        strata = np.floor((v[::3] - lo) / (hi - lo) * 16).clip(0, 15)
        assert sorted(strata) == list(range(16)), key
    again = sample(setup, 16, 3, seed=5)
    other = sample(setup, 16, 3, seed=6)
    assert all(np.array_equal(ps.values[k], again.values[k]) for k in keys)
    assert not np.array_equal(ps.values["DEU.china_caution"], other.values["DEU.china_caution"])


def test_run_params_keep_overrides_and_give_point_runs_the_config_values():
    setup = build("baseline", ["DEU.china_caution=0.3"])
    ps = sample(setup, 4, 2, seed=0)
    rp = ps.run_params(setup, prefix=5)
    assert "DEU.china_caution" not in rp  # the override wins on every run
    assert len(rp["JPN.bandwidth"]) == 13
    assert np.all(rp["JPN.bandwidth"][:5] == point_value(setup, "JPN.bandwidth"))
    assert np.array_equal(rp["JPN.bandwidth"][5:], ps.values["JPN.bandwidth"])
    assert point_value(setup, "MODEL.exercise.up") == pytest.approx(0.12)


def test_latin_hypercube_rejects_zero_points():
    with pytest.raises(ValueError):
        latin_hypercube([("JPN.bandwidth", 7.0, 12.0)], 0, 0)


# ------------------------------------------------------------------------------ the CLI


def _app():
    import typer

    from sim.cli.model import register

    app = typer.Typer()
    register(app)

    @app.command()
    def _other() -> None:  # a second command keeps validate-model a named subcommand
        pass

    return app


def test_validate_model_battery_only_prints_the_battery_and_strict_sets_the_exit_code(tmp_path):
    down = twin(STRONG_UP, id="strong-down", direction="down")
    path = write(tmp_path, {"claims": [STRONG_UP, down]})
    args = [
        "validate-model",
        "--battery-only",
        "--claims",
        str(path),
        "--runs",
        "16",
        "--samples",
        "4",
    ]
    r = CliRunner().invoke(_app(), args)
    assert r.exit_code == 0, r.output
    assert "checks pass" not in r.output
    assert "Directional battery: 2 claims" in r.output
    assert (
        "battery: 1/2 hold at the point estimates; 1/2 hold across the plausible ranges" in r.output
    )
    # the legend names what the robust check sampled: the posterior's draws where one fits
    # this model, the ranges' Latin hypercube otherwise
    legend = next(x for x in r.output.splitlines() if x.startswith("robust: the number of the 4 "))
    if "robust here:" in r.output:
        assert "draws of the posterior" in legend and "Latin-hypercube" not in legend
    else:
        assert "of the 4 Latin-hypercube points" in legend
    strict = CliRunner().invoke(_app(), args + ["--strict"])
    assert strict.exit_code == 1 and "strong-down" in strict.output
    good = write(tmp_path, {"claims": [STRONG_UP]})
    ok = CliRunner().invoke(
        _app(),
        [
            "validate-model",
            "--battery-only",
            "--claims",
            str(good),
            "--runs",
            "16",
            "--samples",
            "4",
            "--strict",
        ],
    )
    assert ok.exit_code == 0, ok.output


def test_strict_counts_claims_only(tmp_path):
    # a failing mechanism is shown but does not fail --strict; a failing claim does
    mech_down = twin(RAA_UP, id="raa-mech-down", kind="mechanism", direction="down")
    args = ["validate-model", "--battery-only", "--runs", "16", "--samples", "4", "--strict"]
    path = write(tmp_path, {"claims": [STRONG_UP, mech_down]})
    r = CliRunner().invoke(_app(), args + ["--claims", str(path)])
    assert r.exit_code == 0, r.output
    assert "Directional battery: 1 claim of the report and 1 mechanism check" in r.output
    assert "raa-mech-down" in r.output and "FAIL" in r.output
    assert "mechanisms: 0/1 hold" in r.output and "battery: 1/1 hold" in r.output
    claim_down = twin(STRONG_UP, id="strong-down", direction="down")
    path = write(tmp_path, {"claims": [claim_down, twin(RAA_UP, kind="mechanism")]})
    r = CliRunner().invoke(_app(), args + ["--claims", str(path)])
    assert r.exit_code == 1 and "battery: 0/1 hold" in r.output


def test_validate_model_no_battery_and_bad_flags(tmp_path, monkeypatch):
    from sim.research import validation as v

    monkeypatch.setattr(
        v,
        "run_checks",
        lambda runs, seed, patterns=None: [v.Check("a check", "> 0", 1.0, 0.5, 1.5, True)],
    )
    r = CliRunner().invoke(_app(), ["validate-model", "--no-battery"])
    assert r.exit_code == 0 and "1/1 checks pass" in r.output
    assert "Directional battery" not in r.output
    both = CliRunner().invoke(_app(), ["validate-model", "--no-battery", "--battery-only"])
    assert both.exit_code == 2 and "exclude each other" in both.output
    bad = write(tmp_path, {"claims": [twin(RAA_UP, direction="sideways")]})
    r = CliRunner().invoke(_app(), ["validate-model", "--claims", str(bad)])
    assert r.exit_code == 2 and "direction" in r.output and "Traceback" not in r.output
    assert "checks pass" not in r.output  # bad claims stop before anything runs
    zero = CliRunner().invoke(_app(), ["validate-model", "--samples", "0"])
    assert zero.exit_code == 2


def test_battery_failures_do_not_change_the_exit_code_without_strict(tmp_path, monkeypatch):
    from sim.research import validation as v

    monkeypatch.setattr(
        v,
        "run_checks",
        lambda runs, seed, patterns=None: [v.Check("a check", "> 0", 1.0, 0.5, 1.5, True)],
    )
    path = write(tmp_path, {"claims": [twin(STRONG_UP, direction="down")]})
    r = CliRunner().invoke(
        _app(), ["validate-model", "--claims", str(path), "--runs", "16", "--samples", "4"]
    )
    assert r.exit_code == 0 and "1/1 checks pass" in r.output and "FAIL" in r.output
    monkeypatch.setattr(
        v,
        "run_checks",
        lambda runs, seed, patterns=None: [v.Check("a check", "> 0", -1.0, -1.5, -0.5, False)],
    )
    r = CliRunner().invoke(
        _app(), ["validate-model", "--claims", str(path), "--runs", "16", "--samples", "4"]
    )
    assert r.exit_code == 1


def test_point_runs_of_the_combined_ensemble_are_the_plain_ensemble():
    # sampled runs share the ensemble with the point-estimate runs; those must be exactly
    # what a plain run of the scenario gives (per-run rule constants included)
    from sim.engine.model import Ensemble

    bat = b.Battery(claims_file(RAA_UP), 12, 3)
    res = bat.arm(bat.doc.claims[0], "treatment")
    plain = Ensemble(build("uk-raa-signed"), seed=0, runs=12).run().level_history()
    assert np.array_equal(res.levels[:, :12], plain)
    assert res.levels.shape[1] == 12 + 3 * b.RUNS_PER_POINT
    assert not np.array_equal(res.levels[:, 12 : 12 + 12], plain)  # sampled runs differ


def test_sample_of_a_scenario_with_more_actors_fits_one_with_fewer():
    # a scenario may add actors (australia-joins): their ranges are sampled, and a paired
    # side without them gets no values for them
    more, fewer = build("australia-joins"), build("baseline")
    extra = {k for k, _, _ in plausible_ranges(more)} - {k for k, _, _ in plausible_ranges(fewer)}
    assert extra and all(k.startswith("AUS.") for k in extra)
    ps = sample(more, 3, 1, seed=0)
    assert extra <= set(ps.run_params(more)) and not extra & set(ps.run_params(fewer))


def test_an_effect_through_an_event_in_some_runs_counts_at_its_mean(monkeypatch):
    """A lever that acts in a third of the runs (an agreement concluded sooner there, lifting
    a cap) moves the expected level by a third of its size: the battery reads the mean paired
    difference, `wargame compare`'s estimand, at the point and at each sampled point, where
    the median run would show no effect at all."""
    bat = b.Battery(claims_file(RAA_UP), RUNS, SAMPLES)
    claim = bat.doc.claims[0]
    n = RUNS + SAMPLES * bat.runs_per_point
    lifted = (np.arange(n) % 3 == 0).astype(float)  # one run in three
    monkeypatch.setattr(bat, "arm", lambda c, side: side)
    monkeypatch.setattr(
        bat, "values", lambda c, side: lifted if side == "treatment" else 0 * lifted
    )
    out = bat.evaluate(claim)
    assert np.median(lifted) == 0.0
    assert out.effect == pytest.approx(lifted[:RUNS].mean()) and out.holds_point
    assert out.robust_share == 1.0 and out.passed


def test_a_share_claim_names_the_sampled_points_that_leave_it_no_room(monkeypatch):
    """Where the control already concludes the agreement in 95% of runs or more, a claim
    that it rises cannot pass there: the reason counts those points apart from the rest,
    and a claim that it falls counts the points where the control is at 5% or less."""
    up = twin(RAA_UP, metric={"kind": "signed", "dyads": ["JPN-GBR"], "enabler": "raa"})
    down = twin(up, id="raa-down", direction="down")
    bat = b.Battery(claims_file(up, down), RUNS, SAMPLES)
    rpp = bat.runs_per_point
    # control: in force in every run at the first two sampled points, in none elsewhere
    control = np.zeros(RUNS + SAMPLES * rpp)
    control[RUNS : RUNS + 2 * rpp] = 1.0
    monkeypatch.setattr(bat, "arm", lambda c, side: side)
    monkeypatch.setattr(bat, "values", lambda c, side: control)
    rise, fall = (bat.evaluate(c) for c in bat.doc.claims)
    assert rise.no_room == 2 and not rise.holds_robust
    assert "at 2 of the sampled points the control's share is already at least 95%" in rise.reason
    assert fall.no_room == SAMPLES - 2 and "no room to fall" in fall.reason
    assert rise.as_dict()["no_room"] == 2
