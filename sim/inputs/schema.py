"""The file formats: pydantic models for config/ and scenarios/.

A tree of small models with a docstring per field; unknown keys are rejected (the loader adds
the nearest valid name). `wargame schema` regenerates `scenarios/scenario.schema.json` from
`Scenario`, and a test fails when the committed copy drifts.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from sim.vocabulary import AGENT_ACTORS, ENABLERS, INDICES, PARAM_DEFAULTS, PARAMS, TRACKS

ActorId = Literal["JPN", "GBR", "FRA", "DEU", "NATO", "USA", "CHN", "RUS"]
AgentId = Literal["JPN", "GBR", "FRA", "DEU", "NATO"]
TrackName = Literal["dialogue", "exchange", "exercise"]
IndexName = Literal[
    "china_assertiveness",
    "russian_aggression",
    "nk_provocation",
    "us_engagement",
    "budget_pressure",
    "japan_activism",
]
EnablerName = Literal["isa", "acsa", "equipment", "two_plus_two", "raa", "partnership"]
#: Every actor parameter: the vocabulary of sim/vocabulary.py (PARAMS), declared once.
ParamName = Literal[PARAMS]  # type: ignore[valid-type]
Unit = Annotated[float, Field(ge=0.0, le=1.0)]
Level = Annotated[float, Field(ge=0.0, le=5.0)]

#: Hard bounds of each parameter (a value outside is an error; `range:` is the plausible part).
PARAM_DOMAIN: dict[str, tuple[float, float]] = {p: (0.0, 1.0) for p in PARAMS} | {
    "bandwidth": (0.0, 20.0)
}
QUARTER_RE = re.compile(r"^(\d{4})-Q([1-4])$")

assert tuple(IndexName.__args__) == INDICES  # noqa: S101  (vocabularies declared twice must agree)
assert tuple(EnablerName.__args__) == ENABLERS  # noqa: S101
assert tuple(TrackName.__args__) == TRACKS  # noqa: S101
assert tuple(AgentId.__args__) == AGENT_ACTORS  # noqa: S101


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True, frozen=True,
                              allow_inf_nan=False)


def parse_quarter(text: str) -> tuple[int, int]:
    m = QUARTER_RE.match(str(text))
    if not m:
        raise ValueError(f"'{text}' is not a quarter; write it like 2019-Q3")
    return int(m.group(1)), int(m.group(2))


def quarter_label(start: str, turn: int) -> str:
    """Date of `turn` (0 = the start quarter) as 'YYYY-Qn'."""
    y, q = parse_quarter(start)
    n = y * 4 + (q - 1) + turn
    return f"{n // 4}-Q{n % 4 + 1}"


def quarter_turn(start: str, date: str) -> int:
    """Turn number of `date` in a run starting at `start` (may be negative or past the end)."""
    (y0, q0), (y1, q1) = parse_quarter(start), parse_quarter(date)
    return (y1 * 4 + q1) - (y0 * 4 + q0)


# --------------------------------------------------------------------------- config/


class Sourced(Strict):
    """A calibrated value with the report section it rests on and a plausible range."""

    value: float
    """The calibrated value."""
    range: tuple[float, float]
    """Plausible bounds [lo, hi]: the default bounds of sweeps and sensitivity studies."""
    source: str = Field(min_length=3)
    """Where in the report the value comes from (chapter › section)."""

    @model_validator(mode="after")
    def _inside(self) -> Sourced:
        lo, hi = self.range
        if not lo <= hi:
            raise ValueError(f"range [{lo}, {hi}] is empty; write [low, high]")
        if not lo <= self.value <= hi:
            raise ValueError(f"value {self.value} lies outside its range [{lo}, {hi}]")
        return self


class ActorConfig(Strict):
    """One actor of config/actors.yaml."""

    name: str
    """Display name."""
    kind: Literal["state", "alliance", "context"]
    """Decision style: a sovereign state, an alliance deciding by consensus, or context only."""
    description: str = ""
    """What drives this actor, in a sentence or two."""
    params: dict[ParamName, Sourced] = {}
    """Motivations, divergences and constraints, each sourced and bounded."""
    region: Literal["europe", "indo-pacific"] = "europe"
    """Where the actor sits: presence deployments are made by actors outside the Indo-Pacific
    and create occasions to exercise with partners inside it."""
    members: list[str] = []
    """For an alliance: the member states among the agent actors; each can withhold the
    consensus the alliance needs (Ch7 › Temper Expectations: NAC approval)."""

    @model_validator(mode="before")
    @classmethod
    def _defaults(cls, data):
        """Config folders written before a parameter existed get its neutral default."""
        if isinstance(data, dict) and data.get("kind") != "context" and isinstance(
                data.get("params"), dict):
            params = dict(data["params"])
            for name, v in PARAM_DEFAULTS.items():
                params.setdefault(name, {"value": v, "range": [v, v],
                                         "source": "default: the mechanism is off"})
            data = {**data, "params": params}
        return data

    @model_validator(mode="after")
    def _domains(self) -> ActorConfig:
        for name, p in self.params.items():
            lo, hi = PARAM_DOMAIN[name]
            if not (lo <= p.range[0] and p.range[1] <= hi):
                raise ValueError(f"params.{name}.range must lie within [{lo}, {hi}]")
        if self.kind != "context":
            missing = [p for p in PARAMS if p not in self.params]
            if missing:
                raise ValueError(f"params missing: {', '.join(missing)}")
        return self


class IndexConfig(Strict):
    """A world index: mean-reverting with noise, moved by shocks (config/world.yaml)."""

    initial: Unit
    """Value at turn 0."""
    mean: Unit
    """Long-run level the index reverts to."""
    reversion: Unit
    """Share of the gap to the mean closed each turn."""
    noise: Annotated[float, Field(ge=0.0, le=0.5)]
    """Standard deviation of the per-turn shock-free noise."""
    range: tuple[float, float] = (0.0, 1.0)
    """Plausible bounds of `mean` for sweeps."""
    source: str = Field(min_length=3)
    """Report section the index and its level rest on."""


#: Hard bounds of each per-track constant (a value or range outside is an error).
TRACK_DOMAIN: dict[str, tuple[float, float]] = {
    "bias": (-10.0, 10.0), "caution_gap": (0.0, 10.0), "own_caution": (0.0, 10.0),
    "russia_gap": (0.0, 10.0), "domestic": (0.0, 10.0), "visibility": (0.0, 1.0),
    "cost": (1e-6, 5.0), "bandwidth_priority": (1e-6, 10.0), "up": (0.0, 1.0),
    "down": (0.0, 1.0), "noise": (0.0, 1.0), "event_rate": (0.0, 1.0),
    "missing_enabler": (0.0, 5.0), "interop": (0.0, 5.0), "trust": (0.0, 5.0),
    "frustration": (0.0, 5.0), "missions": (0.0, 5.0), "presence": (0.0, 5.0),
}
#: Per-track constants added with model v2, and their value in a config folder written
#: before them (the mechanism off).
TRACK_DEFAULTS: dict[str, float] = {"missing_enabler": 0.0, "interop": 0.0, "trust": 0.0,
                                    "frustration": 0.0, "missions": 0.0, "presence": 0.0}

#: Scalar rule constants (config/model.yaml `rules:`), keyed 'group.name': hard bounds and
#: the value a config folder written before them gets (which switches the mechanism off or
#: keeps the first version's behaviour).
RULE_DOMAIN: dict[str, tuple[float, float, float]] = {
    "meet.pull": (0.0, 1.0, 0.0),
    "meet.saturation": (0.1, 10.0, 1.0),
    "meet.trust_pull": (0.0, 1.0, 0.0),
    "meet.priority_pull": (0.0, 1.0, 0.0),
    "memory.interop_gain": (0.0, 1.0, 0.0),
    "memory.interop_decay": (0.0, 1.0, 0.0),
    "memory.trust_rate": (0.0, 1.0, 0.0),
    "memory.frustration_gain": (0.0, 1.0, 0.0),
    "memory.frustration_decay": (0.0, 1.0, 1.0),
    "china.caution_rate": (0.0, 1.0, 0.0),
    "china.coercion_caution": (0.0, 2.0, 0.0),
    "china.coercion_threat": (0.0, 2.0, 0.0),
    "china.retaliation_caution": (0.0, 2.0, 0.0),
    "china.coercion_decay": (0.0, 1.0, 0.1),
    "china.retaliation_rate": (0.0, 1.0, 0.0),
    "china.retaliation_size": (0.0, 1.0, 0.0),
    "russia.pull": (0.0, 1.0, 0.6),
    "russia.linkage": (0.0, 2.0, 0.0),
    "us.floor": (0.0, 1.0, 0.4),
    "presence.rate": (0.0, 1.0, 0.0),
    "presence.cost": (0.0, 5.0, 0.0),
    "presence.threat": (0.0, 5.0, 0.0),
    "agreements.pressure_scale": (0.01, 5.0, 0.01),
    "agreements.threat_drive": (0.0, 5.0, 0.0),
    "agreements.activism_drive": (0.0, 5.0, 0.0),
    "agreements.two_plus_two_drive": (0.0, 5.0, 0.0),
    "agreements.blocker_relief": (0.0, 1.0, 0.0),
    "agreements.blocker_politics": (0.0, 1.0, 0.0),
    "agreements.stall_turns": (1.0, 100.0, 8.0),
    "agreements.member_veto": (0.0, 1.0, 0.0),
    "moves.posture_shift": (0.0, 1.0, 0.25),
    "moves.priority_weight": (1.0, 5.0, 1.5),
    "moves.other_weight": (0.0, 1.0, 0.75),
    "moves.priority_attention": (0.0, 3.0, 0.0),
    "moves.exercise_boost": (0.0, 5.0, 1.0),
    "moves.statement_threat": (0.0, 1.0, 0.2),
    "moves.statement_caution": (0.0, 1.0, 0.15),
    "moves.russia_statement": (0.0, 1.0, 0.0),
    "moves.deploy_presence": (0.0, 1.0, 0.0),
    "moves.buy_exchange": (0.0, 5.0, 0.0),
    "moves.two_plus_two_dialogue": (0.0, 5.0, 0.0),
    "moves.agreement_push": (0.0, 10.0, 0.0),
    "moves.invitation_pull": (0.0, 1.0, 0.0),
    "moves.exercise_event": (0.0, 1.0, 0.0),
    "moves.proposal_relief": (0.0, 1.0, 0.0),
    "memory.stance_decay": (0.0, 1.0, 1.0),
    "agreements.press_margin": (0.0, 2.0, 0.05),
    "agreements.open_strength": (0.0, 1.0, 1.0),
    "salience.nk": (0.0, 2.0, 0.3),
    "salience.cap": (0.1, 5.0, 1.5),
    "salience.regional_base": (0.0, 2.0, 0.3),
    "salience.regional_china": (0.0, 2.0, 0.4),
    "salience.regional_nk": (0.0, 2.0, 0.3),
    "salience.dependence": (0.0, 1.0, 0.7),
    "salience.outlet_power": (0.0, 5.0, 2.0),
    "salience.knowledge_base": (0.0, 2.0, 0.6),
    "salience.knowledge_nk": (0.0, 2.0, 0.4),
    "salience.image": (0.0, 2.0, 1.0),
    "salience.awareness_base": (0.0, 2.0, 0.4),
    "salience.awareness_china": (0.0, 2.0, 0.6),
    "activism.japan_base": (0.0, 2.0, 0.5),
    "activism.partner_base": (0.0, 2.0, 0.65),
    "activism.partner_slope": (0.0, 2.0, 0.5),
    "bandwidth.budget": (0.0, 1.0, 0.5),
    "russia.gap_base": (0.0, 2.0, 0.3),
}


class TrackConstants(Strict):
    """Per-track constants of the decision rules (config/model.yaml), each sourced and
    bounded like an actor parameter."""

    bias: Sourced
    """Intercept of the desired-level logit."""
    caution_gap: Sourced
    """Weight of the gap in China caution between the partners (largest for visible tracks)."""
    own_caution: Sourced
    """Weight of an actor's own China caution times China's assertiveness."""
    russia_gap: Sourced
    """Weight of the gap in Russia priority."""
    domestic: Sourced
    """Weight of the domestic constraint."""
    visibility: Sourced
    """How visible the track is; scales NATO's consensus friction."""
    cost: Sourced
    """Bandwidth used per level unit per turn."""
    bandwidth_priority: Sourced
    """Relative claim on scarce bandwidth: tracks with a higher value are cut less."""
    up: Sourced
    """Share of a gap upward closed per turn."""
    down: Sourced
    """Share of a gap downward closed per turn (smaller: ties are sticky)."""
    noise: Sourced
    """Standard deviation of the per-turn noise of a level."""
    event_rate: Sourced
    """Chance per turn of a concrete activity at level 5 (scales with (level/5)^2)."""
    missing_enabler: Sourced | None = None
    """Weight on the desire of a track capped by a missing agreement (it weighs on
    willingness as well as capping)."""
    interop: Sourced | None = None
    """Weight of the interoperability the partners have built by exercising together."""
    trust: Sourced | None = None
    """Weight of trust (reciprocity: offers that were matched)."""
    frustration: Sourced | None = None
    """Weight (a penalty) of an actor's frustration with offers its partner left unmatched."""
    missions: Sourced | None = None
    """Weight of shared operations (counter-piracy, sanctions patrols, peacekeeping)."""
    presence: Sourced | None = None
    """Weight of a European partner's presence in the Indo-Pacific (occasions to exercise)."""

    @model_validator(mode="after")
    def _domains(self) -> TrackConstants:
        for name, (lo, hi) in TRACK_DOMAIN.items():
            v = getattr(self, name)
            if v is None:
                continue
            if not (lo <= v.range[0] and v.range[1] <= hi):
                raise ValueError(f"{name}.range must lie within [{lo:g}, {hi:g}]")
        return self


#: Hard bounds of a motivation's weight on a track (MODEL.relevance.motivation.track).
RELEVANCE_DOMAIN: tuple[float, float] = (0.0, 10.0)


class Relevance(Strict):
    """How strongly one motivation feeds each track."""

    value: dict[TrackName, Annotated[float, Field(ge=0.0, le=10.0)]]
    """Weight per track (a track not listed gets 0)."""
    range: tuple[float, float]
    """Plausible bounds of each weight."""
    source: str = Field(min_length=3)
    """Where in the report the link rests."""

    @model_validator(mode="after")
    def _inside(self) -> Relevance:
        lo, hi = self.range
        for track, v in self.value.items():
            if not lo <= v <= hi:
                raise ValueError(f"value.{track} = {v} lies outside its range [{lo}, {hi}]")
        return self


class ModelConstants(Strict):
    """Structure of the decision rules (config/model.yaml)."""

    tracks: dict[TrackName, TrackConstants]
    """Constants per track."""
    relevance: dict[Literal[PARAMS[:7]], Relevance]  # type: ignore[valid-type]
    """Which motivation feeds which track."""
    negotiation_start: int = Field(3, ge=1)
    """Turns both sides must press against a cap before a negotiation opens."""
    rules: dict[str, dict[str, Sourced]] = {}
    """Scalar constants of the rules by group (meet, memory, china, russia, us, presence,
    agreements, moves); a constant not given takes its default (RULE_DOMAIN)."""

    @model_validator(mode="after")
    def _rules(self) -> ModelConstants:
        for group, consts in self.rules.items():
            for name, v in consts.items():
                key = f"{group}.{name}"
                if key not in RULE_DOMAIN:
                    from sim.errors import did_you_mean

                    raise ValueError(f"unknown rule constant rules.{key}"
                                     f"{did_you_mean(key, RULE_DOMAIN)}")
                lo, hi, _ = RULE_DOMAIN[key]
                if not (lo <= v.range[0] and v.range[1] <= hi):
                    raise ValueError(f"rules.{key}.range must lie within [{lo:g}, {hi:g}]")
        return self

    def rule(self, key: str) -> Sourced:
        """The constant 'group.name', or its default when the config does not give it."""
        group, _, name = key.partition(".")
        got = self.rules.get(group, {}).get(name)
        if got is not None:
            return got
        v = RULE_DOMAIN[key][2]
        return Sourced(value=v, range=(v, v), source="default: not in this config")

    def track_constant(self, track: str, name: str) -> Sourced:
        got = getattr(self.tracks[track], name)
        if got is not None:
            return got
        v = TRACK_DEFAULTS[name]
        return Sourced(value=v, range=(v, v), source="default: not in this config")
    sources: list[str] = []
    """Report sections the structure rests on."""


class EnablerType(Strict):
    """An agreement that gates a track (config/enablers.yaml)."""

    name: str
    """Display name."""
    verb: str = "sign"
    """What the partners do when it concludes ('sign', 'launch', ...), for the event log."""
    gates: dict[TrackName, Level]
    """Cap on each gated track while the agreement is missing."""
    success_rate: Unit
    """Chance per turn that an open negotiation concludes, before blockers."""
    source: str = Field(min_length=3)
    """Report section that makes the agreement a gate."""


class EnablerStatus(Strict):
    """State of one agreement in one dyad at the start (config/dyads.yaml)."""

    status: Literal["signed", "negotiating", "absent", "n/a"]
    """Signed, under negotiation, absent (can be negotiated) or not applicable to this pair."""
    date: str | None = None
    """Date of signature or entry into force, as the report gives it."""
    blocker: Unit = 0.0
    """Named obstacle lowering the chance a negotiation concludes (0 none, 1 impossible)."""
    blocker_reason: str = ""
    """What the obstacle is (e.g. criminal jurisdiction for an RAA)."""
    source: str = ""
    """Report section."""


class DyadConfig(Strict):
    """A relationship and its starting state (config/dyads.yaml)."""

    levels: dict[TrackName, Sourced]
    """Starting level per track on the 0–5 scale."""
    enablers: dict[EnablerName, EnablerStatus] = {}
    """Agreements; an enabler not listed is treated as absent."""
    max_level: dict[TrackName, Level] = {}
    """Structural ceilings (e.g. NATO has no defense-industrial sector)."""
    missions: Sourced | None = None
    """Shared operations at the start, 0–1 (counter-piracy, sanctions patrols, peacekeeping):
    occasions and reasons to work together; 0 when not given."""


# ------------------------------------------------------------------------- scenarios/


class ParamEffect(Strict):
    """Change of one actor parameter: exactly one of add, set, mul."""

    add: float | None = None
    """Add this amount."""
    set: float | None = None
    """Set to this value."""
    mul: float | None = None
    """Multiply by this factor."""

    @model_validator(mode="after")
    def _one(self) -> ParamEffect:
        given = [k for k in ("add", "set", "mul") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of add, set, mul")
        return self


class Condition(Strict):
    """Fire when a world index crosses a value."""

    index: IndexName
    """The index watched."""
    above: Unit | None = None
    """Fire when the index is above this value."""
    below: Unit | None = None
    """Fire when the index is below this value."""

    @model_validator(mode="after")
    def _one(self) -> Condition:
        if (self.above is None) == (self.below is None):
            raise ValueError("give exactly one of above, below")
        return self


EnablerAction = Literal["sign", "negotiate", "unblock", "block"]


class Shock(Strict):
    """Something that happens to the world: timed, conditional, random, or injected by hand."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    """Short identifier (lowercase, digits, - and _)."""
    name: str
    """Headline shown in logs and reports."""
    description: str = ""
    """What happens and why it matters."""
    source: str = ""
    """Report section that grounds its effects."""
    at: int | str | None = None
    """Turn number or quarter ('2014-Q1') at which it fires."""
    when: Condition | None = None
    """Condition on a world index."""
    probability: Unit | None = None
    """Chance per turn that it fires."""
    once: bool = True
    """Fire at most once per run."""
    duration: int | None = Field(None, ge=1)
    """Turns after which its parameter effects are undone (permanent if absent)."""
    indices: dict[IndexName, Annotated[float, Field(ge=-1, le=1)]] = {}
    """Immediate change of world indices."""
    index_means: dict[IndexName, Annotated[float, Field(ge=-1, le=1)]] = {}
    """Shift of the indices' long-run means."""
    params: dict[str, ParamEffect] = {}
    """Actor parameter changes, keyed 'ACTOR.param'."""
    enablers: dict[str, EnablerAction] = {}
    """Agreement actions, keyed 'DYAD.enabler' (e.g. 'JPN-GBR.raa: sign')."""
    coercion: dict[str, Annotated[float, Field(ge=-1, le=1)]] = {}
    """Chinese coercion aimed at an actor, added to its exposure (0–1), keyed by actor
    (e.g. 'DEU: 0.6' for a KUKA-type takeover or trade pressure); it decays each turn."""
    retaliation: dict[str, Annotated[float, Field(ge=-1, le=1)]] = {}
    """Chinese retaliation against an actor (e.g. France disinvited after a Taiwan Strait
    transit), added to its exposure (0–1), keyed by actor; it decays each turn."""
    missions: dict[str, Annotated[float, Field(ge=-1, le=1)]] = {}
    """Change of a dyad's shared operations (0–1), keyed by dyad (e.g. 'JPN-NATO: -0.4'
    when a counter-piracy mission ends)."""

    @field_validator("at")
    @classmethod
    def _at(cls, v: int | str | None) -> int | str | None:
        if isinstance(v, str):
            parse_quarter(v)
        elif isinstance(v, int) and v < 0:
            raise ValueError("turn must be 0 or more")
        return v


class WorldOverride(Strict):
    """Scenario-level change of a world index's dynamics."""

    initial: Unit | None = None
    """Value at turn 0."""
    mean: Unit | None = None
    """Long-run mean."""
    reversion: Unit | None = None
    """Share of the gap to the mean closed each turn."""
    noise: Annotated[float, Field(ge=0.0, le=0.5)] | None = None
    """Per-turn noise."""


class InitialState(Strict):
    """Starting levels and agreements that replace config/dyads.yaml for this scenario."""

    levels: dict[str, dict[TrackName, Level]] = {}
    """Per dyad, per track."""
    enablers: dict[str, dict[EnablerName, Literal["signed", "negotiating", "absent"]]] = {}
    """Per dyad, per agreement."""


class Scenario(Strict):
    """A scenario file: the world's uncertainties and the shocks (scenarios/*.yaml)."""

    name: str
    """Short name (normally the file name)."""
    description: str
    """What the scenario explores."""
    sources: list[str] = []
    """Report sections the scenario rests on."""
    moves_params: list[str] = []
    """Parameters and indices the scenario moves (documentation for the library listing)."""
    start: str = "2020-Q1"
    """First quarter, 'YYYY-Qn'."""
    turns: int = Field(40, ge=1, le=400)
    """Number of quarterly turns."""
    config: str = "config"
    """Folder of actor parameters, relative to the project root or absolute."""
    dyads: list[str] | None = None
    """Relationships simulated (default: every dyad in the config)."""
    initial: InitialState = InitialState()
    """Starting state replacing the config's."""
    world: dict[IndexName, WorldOverride] = {}
    """Changes to the world indices' dynamics."""
    overrides: dict[str, float] = {}
    """Actor parameter values, keyed 'ACTOR.param'."""
    shocks: list[Shock] = []
    """Timed, conditional, random and inject-only shocks."""
    seats: list[AgentId] = []
    """Actors played by people (classroom)."""
    actors: dict[Annotated[str, Field(pattern=r"^[A-Z]{2,5}$")], ActorConfig] = {}
    """Actors added to (or replacing those of) the config for this scenario, in the format
    of config/actors.yaml (e.g. Australia): every parameter with value, range and source."""
    add_dyads: dict[str, DyadConfig] = {}
    """Relationships added to (or replacing those of) the config for this scenario, in the
    format of config/dyads.yaml (e.g. JPN-AUS); they are simulated unless `dyads:` lists
    which to simulate."""

    @field_validator("start")
    @classmethod
    def _start(cls, v: str) -> str:
        parse_quarter(v)
        return v
