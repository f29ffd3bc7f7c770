"""The claims file of the directional battery (config/claims.yaml): format and reading.

A claim is a paraphrase of the report with its source (chapter › section), a control and a
treatment (a scenario, `set:` overrides, extra `shocks:` in the scenario format, standing
`moves:`), a metric, a direction and a window of turns; sim/research/battery.py runs it. Reading
the file validates it completely: every claim whose levers the engine has is compiled (its
scenarios, overrides, shocks, moves, window and dyads), so a bad claim stops the battery
with one line naming file, line and field before anything runs. A lever listed under
`pending_levers:` that the engine lacks is not an error: the battery reports that claim as
FAIL "lever not in this engine".

Each entry has a `kind:`. A `claim` (the default) is a claim of the report and is scored. A
`mechanism` checks the model's own parameters or rules and is reported apart, unscored: an
entry that can only pass because its treatment sets what its metric reads, removes the cap
or blocker in front of it, or adds a move's bonus and reads it straight back. Reading the
file rejects a `claim` that does so where that can be told from the entry itself
(`direct_reads`): what the treatment changes that the control does not (`set:`, extra
shocks, standing moves, and a different scenario's overrides, starting agreements and
shocks) against what the metric reads.

Length: over 410 lines on purpose: the format, the reading with one-line errors, and the
load-time check that a scored claim can fail (`direct_reads`) read the same entries and
arms; splitting them would scatter one file's rules across modules.
"""

from __future__ import annotations

import dataclasses
import functools
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, PrivateAttr, model_validator

from sim.errors import InputError, allowed, did_you_mean
from sim.inputs.config_schema import AgentId, EnablerName, Strict, TrackName
from sim.inputs.params import ParamKey
from sim.vocabulary import PARAMS, TRACKS

SOURCE_PATTERN = r"Ch[1-7]"

#: Actor parameters that enter the per-actor state a metric reads in one step (presence
#: aims at appetite × threat; caution at the base caution plus retaliation and minus
#: coercion, each weighted by the actor's own response), for the check that a scored
#: claim's treatment does not set them for an actor the metric reads.
DIRECT_PARAMS: dict[str, tuple[str, ...]] = {
    "presence": ("presence_appetite",),
    "caution": ("china_caution", "retaliation_sensitivity", "coercion_resolve"),
}
#: Shock keys aimed at an actor whose exposure is a term of the state a metric reads.
DIRECT_SHOCKS: dict[str, tuple[str, ...]] = {"caution": ("coercion", "retaliation")}
#: Move fields that add to a track of the mover's dyad with the partner it names (an
#: offer added on top, or the bandwidth weight of a priority partner).
MOVE_TRACKS: dict[str, tuple[str, ...]] = {
    "propose_exercise": ("exercise",),
    "buy_equipment": ("exchange",),
    "request_two_plus_two": ("dialogue",),
    "priorities": TRACKS,
}
#: Agreement actions that open the way to a signature.
OPENING: tuple[str, ...] = ("sign", "unblock", "negotiate")


# ----------------------------------------------------------------------- the file


class StandingMove(Strict):
    """A move (fields of `sim.engine.moves.Move`) submitted every turn from `start` to `end`."""

    move: dict[str, Any]
    """The move, e.g. {actor: JPN, propose_exercise: [GBR]}."""
    start: int = Field(1, ge=1)
    """First turn the move is made."""
    end: int | None = Field(None, ge=1)
    """Last turn (default: every turn to the end)."""


class Arm(Strict):
    """One side of a pair: a scenario with overrides, extra shocks and standing moves."""

    scenario: str
    """Name in scenarios/ (or a path)."""
    set: dict[str, float] = {}
    """`--set` style overrides, 'ACTOR.param' or 'MODEL.track.name'."""
    shocks: list[dict[str, Any]] = []
    """Extra shocks, in the format of a scenario's `shocks:` (id and name optional)."""
    moves: list[StandingMove] = []
    """Moves applied every turn from a given turn."""


class Metric(Strict):
    """What is measured, per run."""

    kind: Literal["level", "spent", "signed", "presence", "caution"]
    """level | spent | signed | presence | caution."""
    dyads: list[str] = []
    """Dyads averaged (level, spent, signed)."""
    tracks: list[TrackName] = []
    """Tracks averaged (level)."""
    actor: AgentId | None = None
    """Whose bandwidth (spent)."""
    actors: list[AgentId] = []
    """Actors averaged (presence, caution)."""
    enabler: EnablerName | None = None
    """The agreement (signed)."""

    @model_validator(mode="after")
    def _complete(self) -> Metric:
        need = {
            "level": ("dyads", "tracks"),
            "spent": ("dyads", "actor"),
            "signed": ("dyads", "enabler"),
            "presence": ("actors",),
            "caution": ("actors",),
        }[self.kind]
        for name in need:
            if not getattr(self, name):
                raise ValueError(f"a {self.kind} metric needs {', '.join(need)}")
        if self.kind == "spent":
            for d in self.dyads:
                if self.actor not in d.split("-"):
                    raise ValueError(f"{self.actor} is not a side of {d}")
        return self

    def describe(self) -> str:
        dyads = _join_dyads(self.dyads)
        if self.kind == "level":
            tracks = "all tracks" if len(set(self.tracks)) == len(TRACKS) else "+".join(self.tracks)
            return f"{dyads} {tracks}"
        if self.kind == "spent":
            return f"{self.actor} bandwidth on {dyads}"
        if self.kind == "signed":
            return f"{dyads} {self.enabler} signed"
        return f"{self.kind} {'+'.join(self.actors)}"


def _join_dyads(dyads: list[str]) -> str:
    """'JPN-GBR+FRA' for dyads that share their first actor, else 'A-B+C-D'."""
    firsts = {d.split("-")[0] for d in dyads}
    if len(dyads) > 1 and len(firsts) == 1:
        return f"{dyads[0]}+" + "+".join(d.split("-", 1)[1] for d in dyads[1:])
    return "+".join(dyads)


class Window(Strict):
    """Turns measured, inclusive (turn 0 is the start; 4 is 2021-Q1 in forward scenarios)."""

    start: int = Field(ge=0)
    """First turn."""
    end: int = Field(ge=1)
    """Last turn (for `signed`: in force by this turn)."""

    @model_validator(mode="after")
    def _order(self) -> Window:
        if self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self


class Claim(Strict):
    """One claim of the report, as a paired experiment with its rule."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    """Short identifier."""
    kind: Literal["claim", "mechanism"] = "claim"
    """claim: a claim of the report, scored. mechanism: a check of the model's own
    parameters or rules (the treatment sets what the metric reads, removes the cap in front
    of it, or adds a move's bonus and reads it back); reported apart, not scored."""
    claim: str = Field(min_length=10)
    """What the report says, paraphrased in one sentence (for a mechanism: what the model
    does)."""
    source: str = Field(pattern=SOURCE_PATTERN)
    """Chapter › section of the report; '(inference)' or 'model choice' where the claim is
    not the report's own."""
    control: Arm
    """The world without the change."""
    treatment: Arm
    """The world with the change."""
    metric: Metric
    """What is compared."""
    direction: Literal["up", "down"]
    """Treatment minus control is expected above (up) or below (down) zero."""
    window: Window
    """When."""
    note: str = ""
    """Anything a reader should know (what the claim leaves out, a caveat)."""


class ClaimsFile(Strict):
    """config/claims.yaml."""

    pending_levers: list[str] = []
    """Names the engine is being extended with (parameters, shock keys, move fields,
    per-turn records). A claim naming one the engine lacks is reported as FAIL."""
    claims: list[Claim]
    """The battery."""
    _source: str = PrivateAttr("claims")


def claims_path() -> Path:
    from sim.inputs.config import project_root

    return project_root() / "config" / "claims.yaml"


def load_claims(path: Path | str | None = None) -> ClaimsFile:
    """Read and validate the claims file (one-line InputError naming file, line and field).

    Every claim whose levers the engine has is compiled here (scenario, overrides, shocks,
    moves, window and dyads), so a bad claim stops the battery before anything runs."""
    from sim.inputs.loader import list_scenarios, resolve_scenario
    from sim.inputs.safe_yaml import read_yaml, validate

    path = Path(path) if path is not None else claims_path()
    f = str(path)
    data, node = read_yaml(path)
    if not isinstance(data, dict):
        raise InputError(f, "", "a claims file is a mapping (pending_levers:, claims:)")
    doc: ClaimsFile = validate(ClaimsFile, data, path, node)
    doc._source = f
    seen = set()
    for i, c in enumerate(doc.claims):
        if c.id in seen:
            raise InputError(
                f,
                f"claims[{i}].id",
                f"duplicate claim id '{c.id}'",
                _line(node, ("claims", i, "id")),
            )
        seen.add(c.id)
        for side in ("control", "treatment"):
            arm = getattr(c, side)
            try:
                resolve_scenario(arm.scenario)
            except InputError:
                raise InputError(
                    f,
                    f"claims[{i}].{side}.scenario",
                    f"no such scenario '{arm.scenario}'"
                    f"{did_you_mean(arm.scenario, list_scenarios())}; "
                    f"{allowed(list_scenarios(), 40)}",
                    _line(node, ("claims", i, side, "scenario")),
                ) from None
            for name in _lever_names(arm):
                if not _engine_has(name) and name not in doc.pending_levers:
                    raise InputError(
                        f,
                        f"claims[{i}].{side}",
                        f"unknown lever '{display_lever(name)}'"
                        f"{did_you_mean(display_lever(name), _known_levers())}; list "
                        f"'{name}' under pending_levers if the engine is to gain "
                        "it",
                        _line(node, ("claims", i, side)),
                    )
        if c.metric.kind in ("presence", "caution"):
            rec = f"history.{c.metric.kind}"
            if not _engine_has(rec) and rec not in doc.pending_levers:
                raise InputError(
                    f,
                    f"claims[{i}].metric.kind",
                    f"the engine records no {c.metric.kind}; list '{rec}' under pending_levers",
                    _line(node, ("claims", i, "metric", "kind")),
                )
        if not missing_levers(c):
            for side in ("control", "treatment"):
                at = ("claims", i, side)
                setup = arm_setup(c, side, path, node, at)
                arm_moves(c, side, path, node, at, setup)
                _check_metric(c, setup, f, _line(node, ("claims", i)), i)
    for i, c in enumerate(doc.claims):  # once every entry is well formed
        why = direct_reads(c) if c.kind == "claim" else []
        if why:
            raise InputError(
                f,
                f"claims[{i}].kind",
                f"'{c.id}' can only pass: {why[0]}; a check of the model's own rules is "
                "not a claim of the report: mark it `kind: mechanism`",
                _line(node, ("claims", i, "kind")) or _line(node, ("claims", i)),
            )
    return doc


def _line(node, loc) -> int | None:
    from sim.inputs.safe_yaml import node_line

    return node_line(node, loc)


def arm_setup(claim: Claim, side: str, path: Path | str = "claims", node=None, at=()):
    """Compile one arm: its scenario with the `set:` overrides and the extra shocks."""
    from sim.inputs.loader import check_scenario, load_scenario
    from sim.inputs.safe_yaml import field_name, validate
    from sim.inputs.schema import Shock
    from sim.inputs.setup import compile_setup, parse_keys

    arm: Arm = getattr(claim, side)
    f = str(path)
    sc, cfg, spath = load_scenario(arm.scenario)
    try:
        extra = parse_keys(dict(arm.set), source=f, agents=cfg.agents)
    except InputError as exc:
        raise InputError(
            f,
            field_name((*at, "set", exc.field)),
            exc.message,
            _line(node, (*at, "set", exc.field)),
        ) from None
    if arm.shocks:
        shocks = []
        for j, raw in enumerate(arm.shocks):
            sid = raw.get("id", f"{claim.id}-{side}-{j}")
            data = {"id": sid, "name": raw.get("name", sid)} | dict(raw)
            shocks.append(validate(Shock, data, Path(f), node, at=(*at, "shocks", j)))
        sc = sc.model_copy(update={"shocks": list(sc.shocks) + shocks})
        try:
            check_scenario(sc, cfg, spath, None)
        except InputError as exc:
            raise InputError(
                f,
                f"{field_name((*at, 'shocks'))} ({exc.field})",
                exc.message,
                _line(node, (*at, "shocks")),
            ) from None
    return compile_setup(sc, cfg, spath, extra)


def arm_moves(claim: Claim, side: str, path: Path | str = "claims", node=None, at=(), setup=None):
    """The arm's standing moves as (start, end, Move); with the arm's `setup`, each move is
    also checked against its actors (the mover one of them, each partner one of its own)."""
    from sim.engine.moves import Move, compile_moves
    from sim.inputs.safe_yaml import field_name, validate

    arm: Arm = getattr(claim, side)
    out = []
    for j, sm in enumerate(arm.moves):
        loc = (*at, "moves", j, "move")
        mv = validate(Move, sm.move, Path(str(path)), node, at=loc)
        if setup is not None:
            try:
                compile_moves([mv], setup)
            except InputError as exc:  # field: 'actor' or 'ACTOR.field'
                where = (*loc, exc.field.partition(".")[2] or exc.field)
                raise InputError(
                    str(path), field_name(where), exc.message, _line(node, where)
                ) from None
        out.append((sm.start, sm.end, mv))
    return out


def _check_metric(claim: Claim, setup, f: str, line: int | None, i: int) -> None:
    mt, w = claim.metric, claim.window
    if w.end > setup.turns:
        raise InputError(
            f,
            f"claims[{i}].window.end",
            f"turn {w.end} is after the last turn of {setup.name} ({setup.turns})",
            line,
        )
    for d in mt.dyads:
        if d not in setup.dyads:
            raise InputError(
                f,
                f"claims[{i}].metric.dyads",
                f"unknown dyad '{d}'{did_you_mean(d, setup.dyads)}; {allowed(setup.dyads)}",
                line,
            )


# --------------------------------------------------------- claims that can only pass


@dataclasses.dataclass
class Changes:
    """What a claim's treatment does that its control does not."""

    params: set[str]  # 'ACTOR.param' set by `set:`, a scenario override or a shock
    enablers: set[tuple[str, str, str]]  # (dyad, enabler, action)
    aimed: set[tuple[str, str]]  # (shock key, actor): China's behaviour aimed at an actor
    missions: set[str]  # dyads given shared operations
    moves: list[StandingMove]


def treatment_changes(claim: Claim) -> Changes:
    """The treatment's `set:` values, extra shocks and standing moves that the control lacks
    and, when the two arms run different scenarios, the treatment scenario's overrides,
    starting agreements and shocks that the control's scenario lacks."""
    from sim.inputs.loader import load_scenario

    c, t = claim.control, claim.treatment
    out = Changes(set(), set(), set(), set(), [m for m in t.moves if m not in c.moves])
    out.params = {k for k, v in t.set.items() if c.set.get(k) != v}
    shocks = [dict(s) for s in t.shocks if s not in c.shocks]
    if t.scenario != c.scenario:
        ts, cs = load_scenario(t.scenario)[0], load_scenario(c.scenario)[0]
        out.params |= {k for k, v in ts.overrides.items() if cs.overrides.get(k) != v}
        for dyad, statuses in ts.initial.enablers.items():
            for en, st in statuses.items():
                if st != "absent" and cs.initial.enablers.get(dyad, {}).get(en) != st:
                    out.enablers.add((dyad, en, "sign" if st == "signed" else "negotiate"))
        ids = {s.id for s in cs.shocks}
        shocks += [s.model_dump() for s in ts.shocks if s.id not in ids]
    for s in shocks:
        out.params |= set(s.get("params") or {})
        for key, action in (s.get("enablers") or {}).items():
            dyad, _, en = str(key).partition(".")
            out.enablers.add((dyad, en, str(action)))
        for kind in ("coercion", "retaliation"):
            out.aimed |= {(kind, a) for a, v in (s.get(kind) or {}).items() if v}
        out.missions |= {d for d, v in (s.get("missions") or {}).items() if v}
    return out


def _dyad_of(a: str, b: str, dyads: list[str]) -> str | None:
    for d in (f"{a}-{b}", f"{b}-{a}"):
        if d in dyads:
            return d
    return None


def direct_reads(claim: Claim) -> list[str]:
    """Why `claim` can only pass (empty when it can fail): its treatment sets a parameter
    that enters the state its metric reads, aims China's coercion or retaliation at the
    actor whose caution it reads, deploys the actor whose presence it reads, opens the
    agreement a `signed` metric reads or one that caps a track a `level` metric reads, adds
    shared operations to a dyad it reads, or makes a move that adds to a track it reads
    during its window."""
    from sim.inputs.loader import load_scenario

    mt, w = claim.metric, claim.window
    ch = treatment_changes(claim)
    why = []
    for key in sorted(ch.params):
        pk = ParamKey.parse(key, None)
        actor, name = pk.scope, pk.name
        if actor in mt.actors and name in DIRECT_PARAMS.get(mt.kind, ()):
            why.append(f"its treatment sets {key}, which the {mt.kind} metric reads directly")
    for kind, actor in sorted(ch.aimed):
        if actor in mt.actors and kind in DIRECT_SHOCKS.get(mt.kind, ()):
            why.append(f"its treatment aims {kind} at {actor}, a term of the {mt.kind} it reads")
    gates = {}
    if mt.kind == "level":
        cfg = load_scenario(claim.treatment.scenario)[1]
        gates = {en: set(spec.gates) & set(mt.tracks) for en, spec in cfg.enablers.items()}
    for dyad, en, action in sorted(ch.enablers):
        if dyad not in mt.dyads or action not in OPENING:
            continue
        if mt.kind == "signed" and en == mt.enabler:
            why.append(f"its treatment shocks {dyad}.{en}: {action}, the agreement it reads")
        elif mt.kind == "level" and gates.get(en):
            tracks = "+".join(sorted(gates[en]))
            why.append(
                f"its treatment shocks {dyad}.{en}: {action}, the agreement that caps the "
                f"{dyad} {tracks} it reads"
            )
    if mt.kind == "level":
        for dyad in sorted(ch.missions & set(mt.dyads)):
            why.append(
                f"its treatment changes the shared operations of {dyad}, a term of its tracks"
            )
    for sm in ch.moves:
        mv, actor = sm.move, str(sm.move.get("actor", ""))
        during = sm.start <= w.end and (sm.end is None or sm.end >= w.start)
        if mt.kind == "presence" and mv.get("deploy") and actor in mt.actors:
            why.append(f"its treatment deploys {actor}, whose presence it reads")
        if mt.kind == "signed":
            wanted = {f"{d}.{mt.enabler}" for d in mt.dyads}
            asked = set(mv.get("propose_agreement") or [])
            if mt.enabler == "two_plus_two":
                asked |= {
                    f"{d}.two_plus_two"
                    for p in mv.get("request_two_plus_two") or []
                    if (d := _dyad_of(actor, str(p), mt.dyads))
                }
            for key in sorted(asked & wanted):
                why.append(f"its treatment's move proposes {key}, the agreement it reads")
        if mt.kind == "level" and during:
            for field, tracks in MOVE_TRACKS.items():
                hit = set(tracks) & set(mt.tracks)
                for p in mv.get(field) or []:
                    dyad = _dyad_of(actor, str(p), mt.dyads)
                    if dyad and hit:
                        why.append(
                            f"its treatment's move {field} adds to the {dyad} "
                            f"{'+'.join(sorted(hit))} it reads, within its window"
                        )
    return why


# ------------------------------------------------------------------------ levers


def _lever_names(arm: Arm) -> list[str]:
    """Parameter, shock-key and move-field names an arm relies on."""
    from sim.inputs.params import ParamKey

    names = []
    for key in arm.set:
        names.append(ParamKey.last_name(key))
    for s in arm.shocks:
        for k, v in s.items():
            names.append(f"shock.{k}")
            if k == "params" and isinstance(v, dict):
                names += [ParamKey.last_name(str(p)) for p in v]
    for sm in arm.moves:
        names += [f"move.{k}" for k in sm.move]
    return names


@functools.cache
def _known_levers() -> tuple[str, ...]:
    from sim.engine.moves import Move
    from sim.inputs.domains import TRACK_DOMAIN
    from sim.inputs.schema import Shock

    return tuple(
        list(PARAMS)
        + list(TRACK_DOMAIN)
        + [f"shock.{k}" for k in Shock.model_fields]
        + [f"move.{k}" for k in Move.model_fields]
        + [f"history.{f.name}" for f in dataclasses.fields(_record())]
    )


def _record():
    from sim.engine.model import Record

    return Record


def _engine_has(name: str) -> bool:
    return name in _known_levers()


def missing_levers(claim: Claim) -> list[str]:
    """Levers `claim` needs that this engine does not have (in order, no repeats)."""
    names = _lever_names(claim.control) + _lever_names(claim.treatment)
    if claim.metric.kind in ("presence", "caution"):
        names.append(f"history.{claim.metric.kind}")
    out = []
    for n in names:
        if not _engine_has(n) and n not in out:
            out.append(n)
    return out


def display_lever(name: str) -> str:
    """A lever's name as a reader knows it ('coercion', not 'shock.coercion')."""
    return name.split(".", 1)[1] if name.startswith(("shock.", "move.")) else name


def rule_text(c: Claim) -> str:
    arrow = "up" if c.direction == "up" else "down"
    return f"{c.metric.describe()} {arrow} t{c.window.start}-{c.window.end}"
