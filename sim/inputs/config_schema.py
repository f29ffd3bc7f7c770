"""The config/ file format: pydantic models for actors, world, dyads, enablers and model.

A tree of small models with a docstring per field; unknown keys are rejected (the loader adds
the nearest valid name). The vocabulary types and the `Strict` base here are shared with the
scenario format (sim/inputs/schema.py); hard bounds come from sim/inputs/domains.py.
"""

from __future__ import annotations

import functools
import sys
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from sim.inputs.domains import PARAM_DOMAIN, RULE_DOMAIN, TRACK_DEFAULTS, TRACK_DOMAIN
from sim.inputs.params import ParamKey
from sim.vocabulary import (
    PARAM_DEFAULTS,
    PARAMS,
    SCALE,
    Actor,
    AgentActor,
    Enabler,
    Index,
    Motivation,
    Track,
)

if TYPE_CHECKING:  # pragma: no cover
    import ast

# The vocabularies of sim/vocabulary.py, under the names the file formats use.
ActorId = Actor
AgentId = AgentActor
#: An actor id as scenarios write them (config/actors.yaml's or one a scenario adds).
ActorName = Annotated[str, Field(pattern=r"^[A-Z]{2,5}$")]
TrackName = Track
IndexName = Index
EnablerName = Enabler
#: Every actor parameter: the vocabulary of sim/vocabulary.py (PARAMS), declared once.
ParamName = Literal[PARAMS]  # type: ignore[valid-type]
Unit = Annotated[float, Field(ge=0.0, le=1.0)]
Level = Annotated[float, Field(ge=0.0, le=SCALE)]


class Strict(BaseModel):
    # Field docstrings become descriptions on demand (`describe`), not as each class is
    # defined: pydantic's use_attribute_docstrings reads every class's source at import,
    # 50-100 ms of every command's start-up for text only the JSON Schema and `list` show.
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


def describe(model: type[BaseModel]) -> type[BaseModel]:
    """`model` with the docstring under each field as the field's description, and so every
    model it contains (children first, then each is rebuilt so its schema carries them).
    What pydantic's `use_attribute_docstrings` does, read from the source when asked."""
    _describe(model, set())
    return model


def _describe(model: type[BaseModel], done: set[type]) -> None:
    import typing

    if model in done:
        return
    done.add(model)

    def nested(tp) -> list[type[BaseModel]]:
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            return [tp]
        return [m for arg in typing.get_args(tp) for m in nested(arg)]

    for field in model.model_fields.values():
        for child in nested(field.annotation):
            _describe(child, done)
    docs: dict[str, str] = {}
    for cls in reversed(model.__mro__):  # a subclass's docstring wins over its base's
        if isinstance(cls, type) and issubclass(cls, BaseModel) and cls is not BaseModel:
            docs |= _field_docstrings(cls)
    changed = False
    for name, field in model.model_fields.items():
        if field.description is None and name in docs:
            field.description = docs[name]
            changed = True
    if changed:
        model.model_rebuild(force=True)


def _field_docstrings(cls: type) -> dict[str, str]:
    """{field: docstring} of the string literals that follow annotated fields in the body
    of `cls` (cleaned as inspect.cleandoc does, like pydantic)."""
    import ast
    import inspect

    body = _class_bodies(cls.__module__).get(cls.__qualname__, [])
    out = {}
    for stmt, after in zip(body, body[1:], strict=False):
        if (
            isinstance(stmt, ast.AnnAssign)
            and isinstance(stmt.target, ast.Name)
            and isinstance(after, ast.Expr)
            and isinstance(after.value, ast.Constant)
            and isinstance(after.value.value, str)
        ):
            out[stmt.target.id] = inspect.cleandoc(after.value.value)
    return out


@functools.cache
def _class_bodies(module: str) -> dict[str, list[ast.stmt]]:
    """{qualified class name: body} of every class in `module`'s source, parsed once (asking
    inspect for each class's source parses the whole module again per class: 12 classes
    took 70 ms)."""
    import ast
    import inspect

    try:
        source = inspect.getsource(sys.modules[module])
        tree = ast.parse(source)
    except (KeyError, OSError, TypeError, SyntaxError):  # pragma: no cover - no source
        return {}
    out: dict[str, list[ast.stmt]] = {}

    def walk(body: list[ast.stmt], prefix: str) -> None:
        for node in body:  # qualified names as Python gives them (`f.<locals>.C` too)
            if isinstance(node, ast.ClassDef):
                out[prefix + node.name] = node.body
                walk(node.body, f"{prefix}{node.name}.")
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                walk(node.body, f"{prefix}{node.name}.<locals>.")

    walk(tree.body, "")
    return out


class Sourced(Strict):
    """A calibrated value with the report section it rests on and a plausible range."""

    value: float
    """The calibrated value."""
    range: tuple[float, float]
    """Plausible bounds [lo, hi]: the default bounds of sweeps and sensitivity studies."""
    source: str = Field(min_length=3)
    """Where in the report the value comes from (chapter › section)."""
    prior: Literal["pert", "uniform"] = "pert"
    """The posterior fit's prior on the range (sim/research/posterior.py): `pert` peaks at
    the value, a reading of the report; `uniform` leaves the value to the record, for a
    constant the report gives no reading of (a rate it dates but does not give)."""

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
        if (
            isinstance(data, dict)
            and data.get("kind") != "context"
            and isinstance(data.get("params"), dict)
        ):
            params = dict(data["params"])
            for name, v in PARAM_DEFAULTS.items():
                params.setdefault(
                    name, {"value": v, "range": [v, v], "source": "default: the mechanism is off"}
                )
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
    capacity: Sourced | None = None
    """Weight of resources on ambition: the log of an actor's bandwidth over its configured
    means raises (or, squeezed, lowers) what it wants on the track."""
    domestic_gate: Sourced | None = None
    """Levels the track's ceiling falls per unit of the tighter domestic constraint of the
    pair (Japan's laws, German opinion); 0: no domestic ceiling."""

    @model_validator(mode="after")
    def _domains(self) -> TrackConstants:
        for name, (lo, hi) in TRACK_DOMAIN.items():
            v = getattr(self, name)
            if v is None:
                continue
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
    relevance: dict[Motivation, Relevance]
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

                    raise ValueError(
                        f"unknown rule constant rules.{key}{did_you_mean(key, RULE_DOMAIN)}"
                    )
                lo, hi, _ = RULE_DOMAIN[key]
                if not (lo <= v.range[0] and v.range[1] <= hi):
                    raise ValueError(f"rules.{key}.range must lie within [{lo:g}, {hi:g}]")
        return self

    def rule(self, key: str) -> Sourced:
        """The constant 'group.name', or its default when the config does not give it."""
        k = ParamKey.rule_constant(key)
        got = self.rules.get(k.scope, {}).get(k.name)
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
