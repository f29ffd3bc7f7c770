"""Loading a config folder (config/ by default): five YAML files validated into a `Config`.

Every problem becomes an `InputError` naming the file, the line where known, the field and
the allowed values (sim/inputs/safe_yaml.py). A loaded folder is cached while its files are
unchanged.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.errors import InputError, allowed, did_you_mean
from sim.inputs.config_schema import (
    ActorConfig,
    DyadConfig,
    EnablerType,
    IndexConfig,
    ModelConstants,
)
from sim.inputs.safe_yaml import node_line, read_top_text, read_yaml, validate
from sim.vocabulary import AGENT_ACTORS, ENABLERS, INDICES, MAX_TURNS, SCALE


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
    """The scenario library (scenarios/ beside config/)."""
    return project_root() / "scenarios"


def list_scenarios() -> list[str]:
    """The library's scenario names, sorted."""
    return sorted(p.stem for p in scenarios_dir().glob("*.yaml"))


def scenario_description(name: str) -> str:
    """A library scenario's `description:` on one line, read from the top of its file only
    (safe_yaml.read_top_text): what listings and the picker show."""
    text = read_top_text(scenarios_dir() / f"{name}.yaml", "description") or ""
    return " ".join(text.split())


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
    return AGENT_ACTORS + tuple(
        a for a, c in actors.items() if a not in AGENT_ACTORS and c.kind != "context"
    )


def _mapping(path: Path, data: Any, node, model, key: str | None = None) -> dict[str, Any]:
    body = data.get(key) if isinstance(data, dict) and key else data
    if not isinstance(body, dict):
        raise InputError(str(path), key or "", "expected a mapping")
    return {
        name: validate(model, v, path, node, ((key,) if key else ()) + (name,))
        for name, v in body.items()
    }


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
            raise InputError(
                str(p),
                f"actors.{a}",
                "an actor id is 2 to 5 capital letters (e.g. AUS)",
                node_line(node, ("actors", a)),
            )
    for a in AGENT_ACTORS:
        if a not in actors:
            raise InputError(str(p), "actors", f"actor {a} is missing")
    agents = agent_ids(actors)
    check_members(actors, agents, p, node)

    p, (data, node) = files["world"], loaded["world"]
    world = _mapping(p, data, node, IndexConfig, "indices")
    for name in world:
        if name not in INDICES:
            raise InputError(
                str(p),
                f"indices.{name}",
                f"unknown index{did_you_mean(name, INDICES)}; {allowed(INDICES)}",
                node_line(node, ("indices", name)),
            )
    for name in INDICES:
        if name not in world:
            raise InputError(str(p), "indices", f"index {name} is missing")

    p, (data, node) = files["enablers"], loaded["enablers"]
    enablers = _mapping(p, data, node, EnablerType, "enablers")
    for name in ENABLERS:
        if name not in enablers:
            raise InputError(str(p), "enablers", f"enabler {name} is missing")

    p, (data, node) = files["dyads"], loaded["dyads"]
    dyads = _mapping(p, data, node, DyadConfig, "dyads")
    for d, dc in dyads.items():
        check_dyad_id(d, p, node_line(node, ("dyads", d)), agents)
        for t, v in dc.levels.items():
            if not (v.range[0] >= 0.0 and v.range[1] <= SCALE):
                raise InputError(
                    str(p),
                    f"dyads.{d}.levels.{t}.range",
                    f"[{v.range[0]:g}, {v.range[1]:g}] must lie within the 0-5 scale",
                    node_line(node, ("dyads", d, "levels", t)),
                )

    p, (data, node) = files["model"], loaded["model"]
    model = validate(ModelConstants, data, p, node)
    if model.negotiation_start > MAX_TURNS:
        raise InputError(
            str(p),
            "negotiation_start",
            f"{model.negotiation_start} is out of range; allowed: 1 to {MAX_TURNS}",
            node_line(node, ("negotiation_start",)),
        )
    return Config(folder, actors, world, dyads, enablers, model)


def check_members(
    actors: dict[str, ActorConfig], agents: tuple[str, ...], path: Path | str, node=None
) -> None:
    """An alliance's members are agent actors (each can withhold its consensus)."""
    for a, ac in actors.items():
        for i, m in enumerate(ac.members):
            if m not in agents:
                raise InputError(
                    str(path),
                    f"actors.{a}.members[{i}]",
                    f"unknown member '{m}'{did_you_mean(m, agents)}; {allowed(agents)}",
                    node_line(node, ("actors", a, "members", i)),
                )


def check_dyad_id(
    d: str, path: Path | str, line: int | None = None, agents: tuple[str, ...] = AGENT_ACTORS
) -> tuple[str, str]:
    parts = d.split("-")
    if len(parts) != 2 or parts[0] == parts[1] or any(x not in agents for x in parts):
        raise InputError(
            str(path),
            d,
            f"a dyad is two different actors joined by '-', e.g. JPN-GBR; {allowed(agents)}",
            line,
        )
    return parts[0], parts[1]
