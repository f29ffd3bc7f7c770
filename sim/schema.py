"""The file formats: pydantic models for config/ and scenarios/.

A tree of small models with a docstring per field; unknown keys are rejected (the loader adds
the nearest valid name). `wargame schema` regenerates `scenarios/scenario.schema.json` from
`Scenario`, and a test fails when the committed copy drifts.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .ids import AGENT_ACTORS, ENABLERS, INDICES, PARAMS, TRACKS

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
ParamName = Literal[
    "protect_order",
    "support_us",
    "regional_interests",
    "industrial",
    "operational_knowledge",
    "stakeholder_image",
    "indo_pacific_awareness",
    "china_threat",
    "china_caution",
    "russia_threat",
    "russia_priority",
    "bandwidth",
    "domestic_constraint",
    "consensus_friction",
    "us_equipment_dependence",
]
Unit = Annotated[float, Field(ge=0.0, le=1.0)]
Level = Annotated[float, Field(ge=0.0, le=5.0)]

#: Hard bounds of each parameter (a value outside is an error; `range:` is the plausible part).
PARAM_DOMAIN: dict[str, tuple[float, float]] = {p: (0.0, 1.0) for p in PARAMS} | {
    "bandwidth": (0.0, 20.0)
}
QUARTER_RE = re.compile(r"^(\d{4})-Q([1-4])$")

assert tuple(ParamName.__args__) == PARAMS  # noqa: S101  (vocabularies declared twice must agree)
assert tuple(IndexName.__args__) == INDICES  # noqa: S101
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

    @model_validator(mode="after")
    def _domains(self) -> TrackConstants:
        for name, (lo, hi) in TRACK_DOMAIN.items():
            v = getattr(self, name)
            if not (lo <= v.range[0] and v.range[1] <= hi):
                raise ValueError(f"{name}.range must lie within [{lo:g}, {hi:g}]")
        return self


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

    @field_validator("start")
    @classmethod
    def _start(cls, v: str) -> str:
        parse_quarter(v)
        return v
