"""ParamKey: parsing, bounds, config ranges and how a value is read and set, for each kind."""

import numpy as np
import pytest

from sim.cli.listing import parameter_rows
from sim.errors import InputError
from sim.inputs.params import Kind, ParamKey
from sim.inputs.setup import build
from sim.vocabulary import MOTIVATIONS, PARAMS, TRACKS

#: One key of each kind with its parts, hard bounds and config/ range and value.
KEYS = [
    ("DEU.china_caution", Kind.ACTOR, "DEU", "china_caution", (0.0, 1.0), (0.65, 0.95), 0.8),
    ("NATO.bandwidth", Kind.ACTOR, "NATO", "bandwidth", (0.0, 20.0), (1.5, 3.2), None),
    (
        "MODEL.exercise.caution_gap",
        Kind.TRACK,
        "exercise",
        "caution_gap",
        (0.0, 10.0),
        (2.0, 5.0),
        None,
    ),
    (
        "MODEL.china.coercion_threat",
        Kind.RULE,
        "china",
        "coercion_threat",
        (0.0, 2.0),
        (0.2, 0.6),
        None,
    ),
    (
        "MODEL.relevance.support_us.exercise",
        Kind.RELEVANCE,
        "support_us",
        "exercise",
        (0.0, 10.0),
        (0.0, 3.5),
        None,
    ),
]


@pytest.fixture(scope="module")
def setup():
    return build("baseline")


@pytest.mark.parametrize("text,kind,scope,name,domain,plausible,value", KEYS)
def test_parse_gives_kind_parts_bounds_and_the_text_back(
    setup, text, kind, scope, name, domain, plausible, value
):
    key = ParamKey.parse(text)
    assert (key.kind, key.scope, key.name) == (kind, scope, name)
    assert str(key) == text
    assert key.domain == domain
    assert key.plausible_range(setup.config) == plausible
    assert key.is_model == (kind is not Kind.ACTOR)
    assert key.actor == (scope if kind is Kind.ACTOR else None)
    if value is not None:
        assert key.sourced(setup.config)[0] == value
        assert key.get(setup) == value


def test_every_listed_key_parses_and_prints_back_with_its_listed_range():
    rows = parameter_rows()
    kinds = set()
    for row in rows:
        key = ParamKey.parse(row["key"])
        kinds.add(key.kind)
        assert str(key) == row["key"]
        lo, hi = key.domain
        assert lo <= row["range"][0] <= row["range"][1] <= hi, row
    assert kinds == set(Kind)


def test_constructors_agree_with_parse():
    assert ParamKey.actor_param("DEU", "bandwidth") == ParamKey.parse("DEU.bandwidth")
    assert ParamKey.track_constant("dialogue", "up") == ParamKey.parse("MODEL.dialogue.up")
    assert ParamKey.rule_constant("meet.pull") == ParamKey.parse("MODEL.meet.pull")
    assert ParamKey.rule_constant("meet.pull").rule == "meet.pull"
    assert ParamKey.relevance_weight("industrial", "exchange") == ParamKey.parse(
        "MODEL.relevance.industrial.exchange"
    )
    assert ParamKey.last_name("MODEL.exercise.caution_gap") == "caution_gap"
    assert ParamKey.last_name("DEU.future_lever") == "future_lever"


@pytest.mark.parametrize(
    "text,message",
    [
        ("china_caution", "'china_caution' must be ACTOR.param, e.g. DEU.china_caution"),
        ("MODEL", "'MODEL' must be ACTOR.param"),
        ("XYZ.china_caution", "unknown actor 'XYZ'; allowed: JPN, GBR, FRA, DEU, NATO"),
        ("DEU.china_cation", "unknown parameter 'china_cation' (did you mean 'china_caution'?)"),
        (
            "MODEL.exercise.caution_gpa",
            "must be MODEL.track.name (track one of dialogue, "
            "exchange, exercise; allowed: bias, caution_gap,",
        ),
        ("MODEL.exercise.caution_gpa", "(did you mean 'caution_gap'?); see `wargame list`"),
        ("MODEL.china.coercion_rate", "(did you mean 'china.coercion_threat'?)"),
        ("MODEL.exercise", "must be MODEL.track.name"),
        (
            "MODEL.relevance.support_us.exercize",
            "must be MODEL.relevance.motivation.track with motivation one of protect_order",
        ),
    ],
)
def test_bad_keys_raise_one_line_naming_the_allowed_values(text, message):
    with pytest.raises(InputError) as e:
        ParamKey.parse(text, file="--set")
    line = str(e.value)
    assert line.startswith(f"--set: {text}: ") and "\n" not in line
    assert message in line


def test_actors_a_scenario_adds_and_unchecked_actors():
    with pytest.raises(InputError, match="unknown actor 'AUS'"):
        ParamKey.parse("AUS.china_caution")
    assert ParamKey.parse("AUS.china_caution", ("JPN", "AUS")).actor == "AUS"
    assert ParamKey.parse("AUS.china_caution", None).actor == "AUS"
    with pytest.raises(InputError, match="unknown parameter"):
        ParamKey.parse("AUS.nope", None)


def test_where_only_actor_parameters_are_allowed_a_rule_constant_is_refused():
    with pytest.raises(InputError) as e:
        ParamKey.parse(
            "MODEL.meet.pull", file="s.yaml", field="shocks[0].params.x", line=9, model=False
        )
    assert str(e.value) == (
        "s.yaml:9: shocks[0].params.x: 'MODEL.meet.pull': only actor "
        "parameters are allowed here (ACTOR.param, e.g. DEU.china_caution),"
        " not the rule constants MODEL.*"
    )
    assert ParamKey.parse("DEU.bandwidth", model=False).name == "bandwidth"


@pytest.mark.parametrize("text", [k[0] for k in KEYS])
def test_values_are_numbers_inside_the_domain(text):
    key = ParamKey.parse(text)
    lo, hi = key.domain
    assert key.value_of(str(hi), "--set", text) == hi
    assert key.value_of(lo, "--set", text) == lo
    with pytest.raises(InputError, match=f"'abc' is not a number; allowed: {lo} to {hi}"):
        key.value_of("abc", "--set", text)
    with pytest.raises(InputError, match="'inf' is not a finite number"):
        key.value_of("inf", "--set", text)
    with pytest.raises(InputError) as e:
        key.value_of(hi + 1, "--set", text)
    assert (
        str(e.value) == f"--set: {text}: {text} = {hi + 1} is out of range; allowed: {lo} to {hi}"
    )


#: A value inside each key's plausible range but different from the config's.
NEW = {
    "DEU.china_caution": 0.7,
    "NATO.bandwidth": 2.0,
    "MODEL.exercise.caution_gap": 4.5,
    "MODEL.china.coercion_threat": 0.25,
    "MODEL.relevance.support_us.exercise": 3.25,
}


@pytest.mark.parametrize("text", list(NEW))
def test_an_override_is_applied_to_the_setup_and_read_back(setup, text):
    key = ParamKey.parse(text)
    changed = build("baseline", [f"{text}={NEW[text]}"])
    assert key.get(setup) != NEW[text]
    assert key.get(changed) == NEW[text]
    # nothing else moved
    for name in ("params", "relevance"):
        diff = getattr(changed, name) != getattr(setup, name)
        assert diff.sum() == (
            1 if {"params": Kind.ACTOR, "relevance": Kind.RELEVANCE}[name] is key.kind else 0
        )
    moved = [k for k in setup.rules if setup.rules[k] != changed.rules[k]]
    assert moved == ([key.rule] if key.kind is Kind.RULE else [])
    moved = [
        (k, t)
        for k in setup.track
        for t in range(len(TRACKS))
        if setup.track[k][t] != changed.track[k][t]
    ]
    assert moved == ([(key.name, TRACKS.index(key.scope))] if key.kind is Kind.TRACK else [])


@pytest.mark.parametrize("text", list(NEW))
def test_per_run_values_land_on_the_ensemble_axis(setup, text):
    from sim.engine.model import Ensemble

    key = ParamKey.parse(text)
    values = np.array([NEW[text], key.get(setup), key.domain[0]])
    m = Ensemble(setup, seed=1, runs=3, run_params={text: values})
    if key.kind is Kind.ACTOR:
        got = m.params[:, setup.ai[key.scope], PARAMS.index(key.name)]
        assert (m.params[:, setup.ai[key.scope] - 1] == setup.params[setup.ai[key.scope] - 1]).all()
    elif key.kind is Kind.TRACK:
        got = m.track[key.name][:, 0, TRACKS.index(key.scope)]
    elif key.kind is Kind.RULE:
        got = m.rules[key.rule]
    else:
        got = m.relevance[:, MOTIVATIONS.index(key.scope), TRACKS.index(key.name)]
    assert got.shape == (3,) and got.tolist() == values.tolist()


def test_a_per_run_key_the_setup_lacks_is_refused(setup):
    from sim.engine.model import Ensemble

    with pytest.raises(InputError, match="run_params: AUS.bandwidth: unknown actor 'AUS'"):
        Ensemble(setup, seed=1, runs=2, run_params={"AUS.bandwidth": np.ones(2)})


def test_a_set_key_is_parsed_once_on_its_way_into_the_setup(parsed):
    """`build` parses a --set key at the boundary and hands the ParamKey itself to
    `compile_setup`: no text round trip (parse, str, parse again)."""
    setup = build("baseline", ["MODEL.exercise.caution_gap=3.5"], turns=2)
    assert parsed.count("MODEL.exercise.caution_gap") == 1
    assert setup.overrides["MODEL.exercise.caution_gap"] == 3.5


def test_compile_setup_takes_parsed_keys_or_text_alike():
    from sim.inputs.loader import load_scenario
    from sim.inputs.setup import compile_setup, parse_keys

    sc, cfg, path = load_scenario("baseline")
    typed = compile_setup(sc, cfg, path, parse_keys(["DEU.china_caution=0.3"]))
    text = compile_setup(sc, cfg, path, {"DEU.china_caution": 0.3})
    assert typed.overrides == text.overrides and typed.overrides["DEU.china_caution"] == 0.3
    assert np.array_equal(typed.params, text.params)
    with pytest.raises(InputError, match="unknown actor 'XXX'"):
        compile_setup(sc, cfg, path, {"XXX.china_caution": 0.3})
