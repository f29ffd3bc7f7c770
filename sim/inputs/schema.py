"""The scenario file format: pydantic models for scenarios/*.yaml.

A tree of small models with a docstring per field; unknown keys are rejected (the loader adds
the nearest valid name). `wargame schema` regenerates `scenarios/scenario.schema.json` from
`Scenario`, and a test fails when the committed copy drifts. A scenario may add actors and
dyads in the config's format (sim/inputs/config_schema.py).
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from sim.inputs.config_schema import (
    ActorConfig,
    ActorName,
    DyadConfig,
    EnablerName,
    IndexName,
    Level,
    Strict,
    TrackName,
    Unit,
)
from sim.vocabulary import MAX_TURNS

QUARTER_RE = re.compile(r"^(\d{4})-Q([1-4])$")


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


#: What a shock does to an agreement (the one list: the TUI's inject parser reads it too).
#: `apply` makes an agreement that config/dyads.yaml reads as `n/a` for the pair applicable
#: (missing, so its cap holds, and open to talks); the others act only on an applicable one.
EnablerAction = Literal["apply", "sign", "negotiate", "unblock", "block"]
#: The actions that need the agreement to apply to the pair.
ACTS_ON_APPLICABLE: tuple[str, ...] = tuple(a for a in EnablerAction.__args__ if a != "apply")


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
    """Agreement actions, keyed 'DYAD.enabler' (e.g. 'JPN-GBR.raa: sign'); 'apply' makes
    an agreement that is n/a for the pair in the config applicable (e.g. 'JPN-DEU.acsa:
    apply'), which an action on it in a later shock needs."""
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


# --------------------------------------------------------------------------- classroom
# Briefs and objectives of the seats of a hosted game (wargame host): config/classroom.yaml
# holds the defaults; a scenario may bring its own (`briefs:` and `objectives:` below).

ObjectiveKind = Literal["level", "agreement", "limit", "cost", "restraint", "domestic"]
RestrainedMove = Literal["statement", "deploy", "statement_russia"]


class Cited(Strict):
    """One line of a brief with where the report says it."""

    text: str
    """What the team should know."""
    source: str = Field(min_length=3)
    """Chapter › section of the report."""


class Brief(Strict):
    """What a team reads before it plays."""

    role: str
    """Who the team is, in two lines."""
    motivations: list[Cited] = []
    """Why it cooperates with Japan (or, for Japan, with Europe)."""
    red_lines: list[Cited] = []
    """What it will not do."""
    constraints: list[Cited] = []
    """What limits it."""


class Objective(Strict):
    """One objective worth points, scored every turn."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    """Short name, unique within the seat."""
    text: str
    """The objective in plain words."""
    kind: ObjectiveKind
    """level, agreement, limit, cost, restraint or domestic (see scenarios/README.md)."""
    points: float = Field(gt=0, le=20)
    """Points earned per turn met (or lost per turn over a limit)."""
    source: str = Field(min_length=3)
    """Chapter › section of the report."""
    dyad: str | None = None
    """Dyad of a level, agreement or limit objective (e.g. JPN-GBR)."""
    track: TrackName | None = None
    """Track of a level or limit objective."""
    enabler: EnablerName | None = None
    """Agreement of an agreement objective."""
    index: IndexName | None = None
    """World index of a limit objective."""
    move: RestrainedMove | None = None
    """Move counted by a restraint objective."""
    at_least: float | None = None
    """Level to reach (level)."""
    at_most: float | None = None
    """Limit not to cross (limit, cost, restraint, domestic)."""

    @model_validator(mode="after")
    def _fields(self) -> Objective:
        need = {
            "level": ("dyad", "track", "at_least"),
            "agreement": ("dyad", "enabler"),
            "cost": ("at_most",),
            "restraint": ("move", "at_most"),
            "domestic": ("at_most",),
        }.get(self.kind, ("at_most",))
        missing = [f for f in need if getattr(self, f) is None]
        if missing:
            raise ValueError(f"a {self.kind} objective needs {', '.join(missing)}")
        if self.kind == "limit" and (self.index is None) == (
            self.dyad is None or self.track is None
        ):
            raise ValueError("a limit objective needs either index, or dyad and track")
        return self


def duplicate_objective(objectives: list[Objective]) -> int | None:
    """Position of the first objective whose id repeats an earlier one's, if any."""
    seen: set[str] = set()
    for i, o in enumerate(objectives):
        if o.id in seen:
            return i
        seen.add(o.id)
    return None


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
    """Per dyad, per agreement; a status given to an agreement that is n/a for the pair in
    the config makes it applicable, with that status."""


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
    turns: int = Field(40, ge=1, le=MAX_TURNS)
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
    seats: list[ActorName] = []
    """Actors played by people (classroom)."""
    actors: dict[ActorName, ActorConfig] = {}
    """Actors added to (or replacing those of) the config for this scenario, in the format
    of config/actors.yaml (e.g. Australia): every parameter with value, range and source."""
    add_dyads: dict[str, DyadConfig] = {}
    """Relationships added to (or replacing those of) the config for this scenario, in the
    format of config/dyads.yaml (e.g. JPN-AUS); they are simulated unless `dyads:` lists
    which to simulate."""
    briefs: dict[ActorName, Brief] = {}
    """Classroom (wargame host): the briefs of the seats named, replacing those of
    config/classroom.yaml (see scenarios/README.md for the order of precedence)."""
    objectives: dict[ActorName, list[Objective]] = {}
    """Classroom (wargame host): the objectives of the seats named, scored every turn,
    replacing those of config/classroom.yaml and of objectives/<name>.yaml."""

    @field_validator("start")
    @classmethod
    def _start(cls, v: str) -> str:
        parse_quarter(v)
        return v
