"""Reading config/ and scenarios/: safe YAML, pydantic validation, one-line errors.

Every problem becomes an `InputError` naming the file, the line where known, the field and
the allowed values. Files are untrusted input: YAML is read with a subclass of the safe
loader that also bounds size, nesting and aliases and refuses duplicate keys, tags beyond
the core schema and non-finite numbers (`parse_yaml`).
"""

from __future__ import annotations

import functools
import os
import types
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from sim.errors import InputError, allowed, did_you_mean
from sim.files import YAML_LIMIT, read_text
from sim.inputs.schema import (
    PARAM_DOMAIN,
    ActorConfig,
    DyadConfig,
    EnablerType,
    IndexConfig,
    ModelConstants,
    Scenario,
)
from sim.vocabulary import AGENT_ACTORS, ENABLERS, PARAMS


def project_root() -> Path:
    """Folder holding config/ and scenarios/: $WARGAME_HOME, the source tree, or the wheel's copy."""
    env = os.environ.get("WARGAME_HOME")
    if env:
        return Path(env)
    package = Path(__file__).resolve().parents[1]  # sim/
    if (package.parent / "config").is_dir() and (package.parent / "scenarios").is_dir():
        return package.parent
    return package / "_data"


def scenarios_dir() -> Path:
    return project_root() / "scenarios"


# ------------------------------------------------------------------------ YAML + lines


def _node_line(node: yaml.Node | None, loc: tuple[Any, ...]) -> int | None:
    """1-based line of the YAML node at `loc`, or of the deepest parent found."""
    line = None
    for key in loc:
        if node is None:
            break
        line = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            nxt = None
            for k, v in node.value:
                if k.value == str(key):
                    nxt = v
                    line = k.start_mark.line + 1
                    break
            node = nxt
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
        else:
            node = None
    if node is not None:
        line = node.start_mark.line + 1
    return line


#: Limits on a YAML file's structure (each an InputError when exceeded).
MAX_DEPTH = 40  # nesting of mappings and lists
MAX_ALIASES = 100  # `*name` references
MAX_NODES = 100_000  # values after aliases are expanded
#: Explicit tags allowed: YAML's core schema only (no Python objects, sets, binary, dates).
CORE_TAGS = {f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null",
                                                "seq", "map")}


class _StrictLoader(yaml.SafeLoader):
    """`yaml.SafeLoader` that also bounds nesting depth and alias count while composing and
    refuses explicit tags outside the core schema (checked per node, before construction)."""

    def __init__(self, stream):
        super().__init__(stream)
        self._depth = 0
        self._aliases = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                raise _Refused(f"more than {MAX_ALIASES} aliases (*name)",
                               self.peek_event().start_mark)
            return super().compose_node(parent, index)
        event = self.peek_event()
        tag = getattr(event, "tag", None)
        if tag is not None and tag not in ("!",) and tag not in CORE_TAGS:
            shown = tag.replace("tag:yaml.org,2002:", "!!")
            raise _Refused(f"YAML tag '{shown}' is not allowed; plain values only "
                           "(text, numbers, true/false, lists, mappings)", event.start_mark)
        if tag == "!":
            raise _Refused("the non-specific tag '!' is not allowed", event.start_mark)
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise _Refused(f"nested deeper than {MAX_DEPTH} levels", event.start_mark)
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class _Refused(yaml.YAMLError):
    def __init__(self, problem: str, mark):
        super().__init__(problem)
        self.problem, self.problem_mark = problem, mark


_FLOAT = "tag:yaml.org,2002:float"
_INT = "tag:yaml.org,2002:int"
_MERGE = "tag:yaml.org,2002:merge"


def _check_tree(root: yaml.Node) -> None:
    """Refuse recursive or oversized alias expansion, duplicate or non-scalar keys and
    non-finite numbers, each at its line."""
    size: dict[int, int] = {}
    busy: set[int] = set()

    def walk(node: yaml.Node) -> int:
        key = id(node)
        if key in size:
            return size[key]
        if key in busy:
            raise _Refused("an alias refers to a value containing itself", node.start_mark)
        busy.add(key)
        n = 1
        if isinstance(node, yaml.ScalarNode):
            if node.tag == _FLOAT and _non_finite(node.value):
                raise _Refused(f"'{node.value}' is not a finite number", node.start_mark)
            if node.tag in (_FLOAT, _INT) and len(node.value) > 64:
                raise _Refused(f"a number of {len(node.value)} characters is too long "
                               "(at most 64)", node.start_mark)
        elif isinstance(node, yaml.SequenceNode):
            n += sum(walk(v) for v in node.value)
        elif isinstance(node, yaml.MappingNode):
            seen: dict[Any, Any] = {}
            for k, v in node.value:
                if k.tag == _MERGE:
                    n += walk(v)
                    continue
                if not isinstance(k, yaml.ScalarNode):
                    raise _Refused("a key must be plain text or a number, not a list or "
                                   "mapping", k.start_mark)
                ident = (k.tag, k.value)
                if ident in seen:
                    raise _Refused(f"duplicate key '{k.value}' (first at line "
                                   f"{seen[ident].line + 1})", k.start_mark)
                seen[ident] = k.start_mark
                n += walk(k) + walk(v)
        busy.discard(key)
        size[key] = n
        if n > MAX_NODES:
            raise _Refused(f"expands to more than {MAX_NODES} values (aliases?)",
                           node.start_mark)
        return n

    walk(root)


def _non_finite(text: str) -> bool:
    t = text.strip().lower().lstrip("+-")
    return t in (".nan", ".inf") or t in ("nan", "inf", "infinity")


def parse_yaml(text: str, file: str) -> tuple[Any, yaml.Node | None]:
    """Parse YAML text as untrusted input: safe constructors only, bounded depth and aliases,
    no duplicate keys, no non-finite numbers, core-schema tags only."""
    try:
        loader = _StrictLoader(text)
        try:
            node = loader.get_single_node()
            if node is None:
                return None, None
            _check_tree(node)
            data = loader.construct_document(node)
        finally:
            loader.dispose()
    except RecursionError:
        raise InputError(file, "", f"nested deeper than {MAX_DEPTH} levels") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        context = getattr(exc, "context", None)
        if context and not isinstance(exc, _Refused):
            problem = f"{context} {problem}"
        raise InputError(file, "", f"malformed YAML: {problem}" if not isinstance(exc, _Refused)
                         else problem, line) from None
    except (ValueError, TypeError, OverflowError) as exc:  # e.g. an impossible !!int
        raise InputError(file, "", f"malformed YAML: {exc}") from None
    _check_values(data, node, file)
    return data, node


def _check_values(data: Any, node: yaml.Node, file: str) -> None:
    """After construction: no float that is not finite (e.g. 1e999 read as inf)."""
    import math

    stack = [(data, ())]
    while stack:
        value, loc = stack.pop()
        if isinstance(value, float) and not math.isfinite(value):
            raise InputError(file, _field_name(loc), f"{value} is not a finite number",
                             _node_line(node, loc))
        if isinstance(value, dict):
            stack.extend((v, loc + (k,)) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((v, loc + (i,)) for i, v in enumerate(value))


def read_yaml(path: Path) -> tuple[Any, yaml.Node | None]:
    """Parse `path` as untrusted YAML (see `parse_yaml`; at most `YAML_LIMIT` bytes of
    UTF-8); return (data, node tree for line lookups)."""
    text = read_text(path, YAML_LIMIT, "YAML file")
    return parse_yaml(text, str(path))


def _fields_at(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """Field names allowed at `loc` (the parent of an unknown key)."""
    ann: Any = model
    for key in loc:
        ann = _unwrap(ann)
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            f = ann.model_fields.get(str(key))
            if f is None:
                return []
            ann = f.annotation
        elif typing.get_origin(ann) in (dict, list, tuple):
            ann = typing.get_args(ann)[-1]
        else:
            return []
    ann = _unwrap(ann)
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return list(ann.model_fields)
    return []


def _unwrap(ann: Any) -> Any:
    origin = typing.get_origin(ann)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(ann) if a is not type(None)]
        models = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
        return models[0] if models else args[0]
    if origin is typing.Annotated:
        return typing.get_args(ann)[0]
    return ann


def _field_name(loc: tuple[Any, ...]) -> str:
    out = ""
    for k in loc:
        out += f"[{k}]" if isinstance(k, int) else (f".{k}" if out else str(k))
    return out


def validate(model: type[BaseModel], data: Any, path: Path, node: yaml.Node | None, at=()):
    """Validate `data` against `model`, raising a one-line InputError on the first problem."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(k for k in err["loc"] if k not in ("[key]",))
        # pydantic appends validator-type tags such as 'literal[...]' or 'int'; drop them
        loc = tuple(k for k in loc if not (isinstance(k, str) and ("[" in k or k in _TAGS)))
        full = tuple(at) + loc
        line = _node_line(node, full)
        field = _field_name(full)
        etype, msg = err["type"], err["msg"]
        if etype == "extra_forbidden":
            names = _fields_at(model, loc[:-1])
            msg = f"unknown key '{loc[-1]}'{did_you_mean(str(loc[-1]), names)}; {allowed(names)}"
        elif etype == "literal_error":
            expected = err.get("ctx", {}).get("expected", "")
            bad = err.get("input")
            hint = did_you_mean(str(bad), [s.strip(" '") for s in expected.split(",")])
            msg = f"'{bad}' is not allowed{hint}; allowed: {expected.replace(' or ', ', ')}"
        elif etype == "missing":
            msg = "required field is missing"
        elif etype.startswith(("greater", "less")):
            msg = f"{msg} (got {err.get('input')})"
        elif etype == "value_error":
            msg = msg.removeprefix("Value error, ")
        raise InputError(str(path), field, msg, line) from None


_TAGS = {"int", "str", "float", "bool", "function-after", "function-before", "list", "dict"}


# ----------------------------------------------------------------------- the config


@dataclass(frozen=True)
class Config:
    """The contents of one config folder, validated."""

    folder: Path
    actors: dict[str, ActorConfig]
    world: dict[str, IndexConfig]
    dyads: dict[str, DyadConfig]
    enablers: dict[str, EnablerType]
    model: ModelConstants

    @property
    def agents(self) -> tuple[str, ...]:
        """The agent actors in array order (see `agent_ids`)."""
        return agent_ids(self.actors)

    def param_value(self, actor: str, param: str) -> float:
        return self.actors[actor].params[param].value

    def param_range(self, actor: str, param: str) -> tuple[float, float]:
        return self.actors[actor].params[param].range


def agent_ids(actors: dict[str, ActorConfig]) -> tuple[str, ...]:
    """The agent actors in array order: the report's five first (their positions are fixed),
    then any other state or alliance the config or scenario declares, in file order."""
    return AGENT_ACTORS + tuple(a for a, c in actors.items()
                                if a not in AGENT_ACTORS and c.kind != "context")


def _mapping(path: Path, data: Any, node, model, key: str | None = None) -> dict[str, Any]:
    body = data.get(key) if isinstance(data, dict) and key else data
    if not isinstance(body, dict):
        raise InputError(str(path), key or "", "expected a mapping")
    return {name: validate(model, v, path, node, ((key,) if key else ()) + (name,))
            for name, v in body.items()}


CONFIG_FILES = ("actors", "world", "dyads", "enablers", "model")


def load_config(folder: Path | str) -> Config:
    """Load and validate a config folder (cached while its files are unchanged)."""
    folder = Path(folder)
    if not folder.is_absolute() and not folder.exists():
        folder = project_root() / folder
    if not folder.is_dir():
        raise InputError(str(folder), "config", "config folder not found")
    stamp = tuple(_stamp(folder / f"{n}.yaml") for n in CONFIG_FILES)
    return _load_config(folder.resolve(), stamp)


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size


@functools.lru_cache(maxsize=16)
def _load_config(folder: Path, stamp: tuple) -> Config:
    files = {n: folder / f"{n}.yaml" for n in CONFIG_FILES}
    loaded = {n: read_yaml(p) for n, p in files.items()}

    p, (data, node) = files["actors"], loaded["actors"]
    actors = _mapping(p, data, node, ActorConfig, "actors")
    for a in actors:
        if not (2 <= len(a) <= 5 and a.isalpha() and a.isupper()):
            raise InputError(str(p), f"actors.{a}", "an actor id is 2 to 5 capital letters "
                             "(e.g. AUS)", _node_line(node, ("actors", a)))
    for a in AGENT_ACTORS:
        if a not in actors:
            raise InputError(str(p), "actors", f"actor {a} is missing")

    p, (data, node) = files["world"], loaded["world"]
    world = _mapping(p, data, node, IndexConfig, "indices")
    from sim.vocabulary import INDICES

    for name in world:
        if name not in INDICES:
            raise InputError(str(p), f"indices.{name}",
                             f"unknown index{did_you_mean(name, INDICES)}; {allowed(INDICES)}",
                             _node_line(node, ("indices", name)))
    for name in INDICES:
        if name not in world:
            raise InputError(str(p), "indices", f"index {name} is missing")

    p, (data, node) = files["enablers"], loaded["enablers"]
    enablers = _mapping(p, data, node, EnablerType, "enablers")
    for name in ENABLERS:
        if name not in enablers:
            raise InputError(str(p), "enablers", f"enabler {name} is missing")

    agents = agent_ids(actors)
    p, (data, node) = files["dyads"], loaded["dyads"]
    dyads = _mapping(p, data, node, DyadConfig, "dyads")
    for d, dc in dyads.items():
        check_dyad_id(d, p, _node_line(node, ("dyads", d)), agents)
        for t, v in dc.levels.items():
            if not (v.range[0] >= 0.0 and v.range[1] <= 5.0):
                raise InputError(str(p), f"dyads.{d}.levels.{t}.range", f"[{v.range[0]:g}, "
                                 f"{v.range[1]:g}] must lie within the 0-5 scale",
                                 _node_line(node, ("dyads", d, "levels", t)))

    p, (data, node) = files["model"], loaded["model"]
    model = validate(ModelConstants, data, p, node)
    if model.negotiation_start > MAX_TURNS:
        raise InputError(str(p), "negotiation_start", f"{model.negotiation_start} is out of "
                         f"range; allowed: 1 to {MAX_TURNS}", _node_line(node, ("negotiation_start",)))
    return Config(folder, actors, world, dyads, enablers, model)


def check_dyad_id(d: str, path: Path | str, line: int | None = None,
                  agents: tuple[str, ...] = AGENT_ACTORS) -> tuple[str, str]:
    parts = d.split("-")
    if len(parts) != 2 or parts[0] == parts[1] or any(x not in agents for x in parts):
        raise InputError(str(path), d, "a dyad is two different actors joined by '-', "
                         f"e.g. JPN-GBR; {allowed(agents)}", line)
    return parts[0], parts[1]


# ---------------------------------------------------------------------- scenarios


def resolve_scenario(name_or_path: str) -> Path:
    """A name in scenarios/ ('baseline') or a path to a YAML file."""
    p = Path(name_or_path)
    if p.suffix in (".yaml", ".yml") or p.exists() or os.sep in name_or_path:
        if not p.exists():
            raise InputError(name_or_path, "", "file not found")
        return p
    cand = scenarios_dir() / f"{name_or_path}.yaml"
    if cand.exists():
        return cand
    names = list_scenarios()
    raise InputError(name_or_path, "scenario",
                     f"no such scenario{did_you_mean(name_or_path, names)}; {allowed(names, 40)}")


def list_scenarios() -> list[str]:
    return sorted(p.stem for p in scenarios_dir().glob("*.yaml"))


def parse_param_key(key: str, file: str, field: str, line: int | None = None,
                    allow_model: bool = False,
                    agents: tuple[str, ...] = AGENT_ACTORS) -> tuple[str, str]:
    """'DEU.china_caution' -> ('DEU', 'china_caution'), or an InputError naming the choices.

    With `allow_model`, a rule constant 'MODEL.exercise.caution_gap' -> ('MODEL',
    'exercise.caution_gap') is accepted too (config/model.yaml)."""
    if allow_model and key.startswith("MODEL."):
        from sim.inputs.schema import RULE_DOMAIN, TRACK_DOMAIN
        from sim.vocabulary import TRACKS

        parts = key.split(".")
        if len(parts) == 4 and parts[1] == "relevance":
            from sim.vocabulary import MOTIVATIONS

            if parts[2] in MOTIVATIONS and parts[3] in TRACKS:
                return "MODEL", ".".join(parts[1:])
            raise InputError(file, field, f"'{key}' must be MODEL.relevance.motivation.track "
                             f"with motivation one of {', '.join(MOTIVATIONS)} and track one "
                             f"of {', '.join(TRACKS)}", line)
        if len(parts) == 3 and parts[1] in TRACKS and parts[2] in TRACK_DOMAIN:
            return "MODEL", f"{parts[1]}.{parts[2]}"
        if len(parts) == 3 and f"{parts[1]}.{parts[2]}" in RULE_DOMAIN:
            return "MODEL", f"{parts[1]}.{parts[2]}"
        rest = key.removeprefix("MODEL.")
        if len(parts) == 3 and parts[1] in TRACKS:
            hint = did_you_mean(parts[2], TRACK_DOMAIN)
        else:
            hint = did_you_mean(rest, list(RULE_DOMAIN))
        raise InputError(file, field, f"'{key}' must be MODEL.track.name (track one of "
                         f"{', '.join(TRACKS)}; {allowed(TRACK_DOMAIN)}) or MODEL.group.name "
                         f"for a rule constant{hint}; see `wargame list`", line)
    actor, dot, param = key.partition(".")
    if not dot:
        raise InputError(file, field, f"'{key}' must be ACTOR.param, e.g. DEU.china_caution", line)
    if actor not in agents:
        raise InputError(file, field, f"unknown actor '{actor}'{did_you_mean(actor, agents)};"
                         f" {allowed(agents)}", line)
    if param not in PARAMS:
        raise InputError(file, field, f"unknown parameter '{param}'{did_you_mean(param, PARAMS)};"
                         f" {allowed(PARAMS)}", line)
    return actor, param


def check_param_value(actor: str, param: str, value: float, file: str, field: str,
                      line: int | None = None) -> None:
    if actor == "MODEL":
        from sim.inputs.schema import RELEVANCE_DOMAIN, RULE_DOMAIN, TRACK_DOMAIN

        lo, hi = (TRACK_DOMAIN[param.split(".")[1]] if param in _track_keys()
                  else RELEVANCE_DOMAIN if param.startswith("relevance.")
                  else RULE_DOMAIN[param][:2])
    else:
        lo, hi = PARAM_DOMAIN[param]
    if not lo <= value <= hi:
        raise InputError(file, field, f"{actor}.{param} = {value} is out of range; "
                         f"allowed: {lo} to {hi}", line)


#: Longest game, in turns (the schema's bound on `turns`).
MAX_TURNS = 400
#: Largest multiplier a shock may apply to a parameter.
MAX_FACTOR = 100.0


def check_effect(param: str, eff, file: str, field: str, line: int | None = None) -> None:
    """A shock's change of `param` stays meaningful: `set` inside the parameter's domain,
    `add` at most the domain's width either way, `mul` from 0 to MAX_FACTOR."""
    lo, hi = PARAM_DOMAIN[param]
    width = hi - lo
    for op, (a, b) in (("set", (lo, hi)), ("add", (-width, width)), ("mul", (0.0, MAX_FACTOR))):
        v = getattr(eff, op)
        if v is not None and not a <= v <= b:
            raise InputError(file, f"{field}.{op}", f"{v} is out of range; allowed: {a:g} "
                             f"to {b:g}", line)


def _track_keys() -> set[str]:
    from sim.inputs.schema import TRACK_DOMAIN
    from sim.vocabulary import TRACKS

    return {f"{t}.{n}" for t in TRACKS for n in TRACK_DOMAIN}


def load_scenario(name_or_path: str) -> tuple[Scenario, Config, Path]:
    """Load and cross-check a scenario and its config."""
    path = resolve_scenario(name_or_path)
    data, node = read_yaml(path)
    if not isinstance(data, dict):
        raise InputError(str(path), "", "a scenario file is a mapping (name:, description:, ...)")
    sc: Scenario = validate(Scenario, data, path, node)
    cfg = with_scenario_actors(load_config(config_folder(sc.config, path, node)), sc, path,
                               node)
    check_scenario(sc, cfg, path, node)
    return sc, cfg, path


def config_folder(value: str, path: Path, node=None) -> Path:
    """The config folder a scenario's `config:` names: absolute, or relative to the scenario's
    folder, then to the project. One that is missing, or lacks a config file, is an error of
    the scenario (its file, line and `config:`), not of a file it never meant to name."""
    folder = Path(value)
    tried = [folder] if folder.is_absolute() else [path.parent / folder,
                                                   project_root() / folder]
    shown = value if len(value) <= 80 else value[:77] + "..."
    for where in tried:
        try:
            if not where.is_dir():
                continue
            missing = [f"{n}.yaml" for n in CONFIG_FILES if not (where / f"{n}.yaml").is_file()]
        except OSError:  # a name too long for the file system, a folder we may not read
            continue
        if missing:
            raise InputError(str(path), "config", f"'{shown}' is not a config folder (no "
                             f"{', '.join(missing)}); allowed: a folder holding "
                             f"{', '.join(f'{n}.yaml' for n in CONFIG_FILES)}",
                             _node_line(node, ("config",)))
        return where
    raise InputError(str(path), "config", f"config folder '{shown}' not found (looked in "
                     f"{' and '.join(str(t.parent) for t in tried)}); allowed: a folder "
                     "holding the config files, relative to the scenario, the project or "
                     "absolute", _node_line(node, ("config",)))


def with_scenario_actors(cfg: Config, sc: Scenario, path: Path, node) -> Config:
    """The config with the actors and dyads the scenario adds (actors and dyads are data)."""
    if not sc.actors and not sc.add_dyads:
        return cfg
    from dataclasses import replace

    f = str(path)
    for a, ac in sc.actors.items():
        if a in AGENT_ACTORS and ac.kind != cfg.actors[a].kind:
            raise InputError(f, f"actors.{a}.kind", f"{a} is a {cfg.actors[a].kind} in the "
                             "config; a scenario may change its parameters, not its kind",
                             _node_line(node, ("actors", a, "kind")))
    out = replace(cfg, actors={**cfg.actors, **sc.actors})
    for d in sc.add_dyads:
        check_dyad_id(d, f, _node_line(node, ("add_dyads", d)), out.agents)
    return replace(out, dyads={**cfg.dyads, **sc.add_dyads})


def check_scenario(sc: Scenario, cfg: Config, path: Path, node: yaml.Node | None) -> None:
    f = str(path)
    agents = cfg.agents
    dyads = sc.dyads if sc.dyads is not None else list(cfg.dyads)
    for i, d in enumerate(dyads):
        check_dyad_id(d, f, _node_line(node, ("dyads", i)), agents)
        if d not in cfg.dyads:
            raise InputError(f, f"dyads[{i}]", f"dyad {d} is not declared in "
                             f"{cfg.folder}/dyads.yaml; {allowed(cfg.dyads)}",
                             _node_line(node, ("dyads", i)))
    for part in ("levels", "enablers"):
        for d in getattr(sc.initial, part):
            if d not in dyads:
                raise InputError(f, f"initial.{part}.{d}", f"unknown dyad{did_you_mean(d, dyads)};"
                                 f" {allowed(dyads)}", _node_line(node, ("initial", part, d)))
    for key, value in sc.overrides.items():
        line = _node_line(node, ("overrides", key))
        a, p = parse_param_key(key, f, f"overrides.{key}", line, allow_model=True, agents=agents)
        check_param_value(a, p, value, f, f"overrides.{key}", line)
    ids = set()
    for i, s in enumerate(sc.shocks):
        if s.id in ids:
            raise InputError(f, f"shocks[{i}].id", f"duplicate shock id '{s.id}'",
                             _node_line(node, ("shocks", i, "id")))
        ids.add(s.id)
        for key, eff in s.params.items():
            line = _node_line(node, ("shocks", i, "params", key))
            _, p = parse_param_key(key, f, f"shocks[{i}].params.{key}", line, agents=agents)
            check_effect(p, eff, f, f"shocks[{i}].params.{key}", line)
        if s.duration is not None and s.duration > MAX_TURNS:
            raise InputError(f, f"shocks[{i}].duration", f"{s.duration} turns is out of range; "
                             f"allowed: 1 to {MAX_TURNS}", _node_line(node, ("shocks", i, "duration")))
        for key in s.enablers:
            d, dot, e = key.partition(".")
            line = _node_line(node, ("shocks", i, "enablers", key))
            if d not in dyads:
                raise InputError(f, f"shocks[{i}].enablers.{key}",
                                 f"unknown dyad '{d}'{did_you_mean(d, dyads)}; {allowed(dyads)}", line)
            if e not in ENABLERS:
                raise InputError(f, f"shocks[{i}].enablers.{key}",
                                 f"unknown enabler '{e}'{did_you_mean(e, ENABLERS)}; "
                                 f"{allowed(ENABLERS)}", line)
        for part in ("coercion", "retaliation"):
            for a in getattr(s, part):
                if a not in agents:
                    raise InputError(f, f"shocks[{i}].{part}.{a}",
                                     f"unknown actor '{a}'{did_you_mean(a, agents)}; "
                                     f"{allowed(agents)}",
                                     _node_line(node, ("shocks", i, part, a)))
        for d in s.missions:
            if d not in dyads:
                raise InputError(f, f"shocks[{i}].missions.{d}",
                                 f"unknown dyad '{d}'{did_you_mean(d, dyads)}; {allowed(dyads)}",
                                 _node_line(node, ("shocks", i, "missions", d)))
        if isinstance(s.at, int) and s.at > sc.turns:
            raise InputError(f, f"shocks[{i}].at", f"turn {s.at} is after the last turn "
                             f"({sc.turns})", _node_line(node, ("shocks", i, "at")))
