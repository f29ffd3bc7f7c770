"""Loading scenarios/: a scenario file validated and cross-checked against its config.

Every problem becomes an `InputError` naming the file, the line where known, the field and
the allowed values. The YAML is read as untrusted input (sim/inputs/safe_yaml.py); the config
folder a scenario names is loaded by sim/inputs/config.py, with the actors and dyads the
scenario adds; parameter keys are read by sim/inputs/params.py.
"""

from __future__ import annotations

import os
from pathlib import Path

import yaml

from sim.errors import InputError, allowed, did_you_mean
from sim.inputs.config import (
    CONFIG_FILES,
    MAX_TURNS,
    Config,
    check_dyad_id,
    check_members,
    list_scenarios,
    load_config,
    project_root,
    scenarios_dir,
)
from sim.inputs.params import ParamKey
from sim.inputs.safe_yaml import node_line, read_yaml, validate
from sim.inputs.schema import ACTS_ON_APPLICABLE, Scenario, duplicate_objective, quarter_turn
from sim.vocabulary import AGENT_ACTORS, ENABLERS


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
    raise InputError(
        name_or_path,
        "scenario",
        f"no such scenario{did_you_mean(name_or_path, names)}; {allowed(names, 40)}",
    )


#: Largest multiplier a shock may apply to a parameter.
MAX_FACTOR = 100.0


def check_effect(key: ParamKey, eff, file: str, field: str, line: int | None = None) -> None:
    """A shock's change of `key` stays meaningful: `set` inside the parameter's domain,
    `add` at most the domain's width either way, `mul` from 0 to MAX_FACTOR."""
    lo, hi = key.domain
    width = hi - lo
    for op, (a, b) in (("set", (lo, hi)), ("add", (-width, width)), ("mul", (0.0, MAX_FACTOR))):
        v = getattr(eff, op)
        if v is not None and not a <= v <= b:
            raise InputError(
                file, f"{field}.{op}", f"{v} is out of range; allowed: {a:g} to {b:g}", line
            )


def load_scenario(name_or_path: str) -> tuple[Scenario, Config, Path]:
    """Load and cross-check a scenario and its config."""
    path = resolve_scenario(name_or_path)
    data, node = read_yaml(path)
    if not isinstance(data, dict):
        raise InputError(str(path), "", "a scenario file is a mapping (name:, description:, ...)")
    sc: Scenario = validate(Scenario, data, path, node)
    cfg = with_scenario_actors(load_config(config_folder(sc.config, path, node)), sc, path, node)
    check_scenario(sc, cfg, path, node)
    return sc, cfg, path


def config_folder(value: str, path: Path, node=None) -> Path:
    """The config folder a scenario's `config:` names: absolute, or relative to the scenario's
    folder, then to the project. One that is missing, or lacks a config file, is an error of
    the scenario (its file, line and `config:`), not of a file it never meant to name."""
    folder = Path(value)
    tried = [folder] if folder.is_absolute() else [path.parent / folder, project_root() / folder]
    shown = value if len(value) <= 80 else value[:77] + "..."
    for where in tried:
        try:
            if not where.is_dir():
                continue
            missing = [f"{n}.yaml" for n in CONFIG_FILES if not (where / f"{n}.yaml").is_file()]
        except OSError:  # a name too long for the file system, a folder we may not read
            continue
        if missing:
            raise InputError(
                str(path),
                "config",
                f"'{shown}' is not a config folder (no "
                f"{', '.join(missing)}); allowed: a folder holding "
                f"{', '.join(f'{n}.yaml' for n in CONFIG_FILES)}",
                node_line(node, ("config",)),
            )
        return where
    raise InputError(
        str(path),
        "config",
        f"config folder '{shown}' not found (looked in "
        f"{' and '.join(str(t.parent) for t in tried)}); allowed: a folder "
        "holding the config files, relative to the scenario, the project or "
        "absolute",
        node_line(node, ("config",)),
    )


def with_scenario_actors(cfg: Config, sc: Scenario, path: Path, node) -> Config:
    """The config with the actors and dyads the scenario adds (actors and dyads are data)."""
    if not sc.actors and not sc.add_dyads:
        return cfg
    from dataclasses import replace

    f = str(path)
    for a, ac in sc.actors.items():
        if a in AGENT_ACTORS and ac.kind != cfg.actors[a].kind:
            raise InputError(
                f,
                f"actors.{a}.kind",
                f"{a} is a {cfg.actors[a].kind} in the "
                "config; a scenario may change its parameters, not its kind",
                node_line(node, ("actors", a, "kind")),
            )
    out = replace(cfg, actors={**cfg.actors, **sc.actors})
    agents = out.agents
    check_members(sc.actors, agents, f, node)
    for a, ac in cfg.actors.items():  # a config alliance whose member the scenario made context
        if a in sc.actors:
            continue  # the scenario's own alliance: checked above
        for m in ac.members:
            if m not in agents:
                raise InputError(
                    f,
                    f"actors.{m}.kind",
                    f"{m} is a member of {a} in the config, so it stays a state or alliance",
                    node_line(node, ("actors", m, "kind")),
                )
    for d in sc.add_dyads:
        check_dyad_id(d, f, node_line(node, ("add_dyads", d)), agents)
    return replace(out, dyads={**cfg.dyads, **sc.add_dyads})


def check_scenario(sc: Scenario, cfg: Config, path: Path, node: yaml.Node | None) -> None:
    """Cross-check `sc` against its config (read from `path`, `node` for line numbers):
    its dyads, overrides, shocks and classroom parts name what the config declares."""
    f = str(path)
    dyads = check_dyads(sc, cfg, f, node)
    check_overrides(sc, cfg.agents, f, node)
    # an `n/a` agreement given a status in `initial:` applies, with that status (setup.py);
    # (dyad, enabler) -> turn from which it applies (0: from the start; None: whenever a
    # conditional, random or injected shock applies it)
    applied: dict[tuple[str, str], int | None] = {
        (d, en): 0 for d, statuses in sc.initial.enablers.items() for en in statuses
    }
    ids = set()
    for i, s in enumerate(sc.shocks):
        if s.id in ids:
            raise InputError(
                f,
                f"shocks[{i}].id",
                f"duplicate shock id '{s.id}'",
                node_line(node, ("shocks", i, "id")),
            )
        ids.add(s.id)
        check_shock(sc, cfg, i, dyads, applied, f, node)
    check_classroom(sc, dyads, cfg.agents, f, node)


def check_dyads(sc: Scenario, cfg: Config, f: str, node: yaml.Node | None) -> list[str]:
    """The scenario's dyads (its `dyads:` or the config's), each declared in the config, and
    the dyads its `initial:` names among them; returns the dyads."""
    dyads = sc.dyads if sc.dyads is not None else list(cfg.dyads)
    for i, d in enumerate(dyads):
        check_dyad_id(d, f, node_line(node, ("dyads", i)), cfg.agents)
        if d not in cfg.dyads:
            raise InputError(
                f,
                f"dyads[{i}]",
                f"dyad {d} is not declared in {cfg.folder}/dyads.yaml; {allowed(cfg.dyads)}",
                node_line(node, ("dyads", i)),
            )
    for part in ("levels", "enablers"):
        for d in getattr(sc.initial, part):
            if d not in dyads:
                raise InputError(
                    f,
                    f"initial.{part}.{d}",
                    f"unknown dyad{did_you_mean(d, dyads)}; {allowed(dyads)}",
                    node_line(node, ("initial", part, d)),
                )
    return dyads


def check_overrides(sc: Scenario, agents: tuple[str, ...], f: str, node: yaml.Node | None) -> None:
    """Each key of the scenario's `overrides:` names a parameter, its value in the domain."""
    for key, value in sc.overrides.items():
        line = node_line(node, ("overrides", key))
        pk = ParamKey.parse(key, agents, file=f, field=f"overrides.{key}", line=line)
        pk.check(value, f, f"overrides.{key}", line)


def check_shock(
    sc: Scenario,
    cfg: Config,
    i: int,
    dyads: list[str],
    applied: dict[tuple[str, str], int | None],
    f: str,
    node: yaml.Node | None,
) -> None:
    """Shock `i`: its parameter changes, duration, agreements, targets and turn (`applied`
    as `check_applied` reads and extends it)."""
    s = sc.shocks[i]
    for key, eff in s.params.items():
        line = node_line(node, ("shocks", i, "params", key))
        pk = ParamKey.parse(
            key, cfg.agents, file=f, field=f"shocks[{i}].params.{key}", line=line, model=False
        )
        check_effect(pk, eff, f, f"shocks[{i}].params.{key}", line)
    if s.duration is not None and s.duration > MAX_TURNS:
        raise InputError(
            f,
            f"shocks[{i}].duration",
            f"{s.duration} turns is out of range; allowed: 1 to {MAX_TURNS}",
            node_line(node, ("shocks", i, "duration")),
        )
    check_shock_enablers(sc, cfg, i, dyads, applied, f, node)
    check_shock_targets(s, i, cfg.agents, dyads, f, node)
    if isinstance(s.at, int) and s.at > sc.turns:
        raise InputError(
            f,
            f"shocks[{i}].at",
            f"turn {s.at} is after the last turn ({sc.turns})",
            node_line(node, ("shocks", i, "at")),
        )


def check_shock_enablers(
    sc: Scenario,
    cfg: Config,
    i: int,
    dyads: list[str],
    applied: dict[tuple[str, str], int | None],
    f: str,
    node: yaml.Node | None,
) -> None:
    """Each 'DYAD.enabler' shock `i` acts on names a dyad and an agreement, and the action
    does something there (`check_applied`)."""
    s = sc.shocks[i]
    for key in s.enablers:
        d, dot, e = key.partition(".")
        line = node_line(node, ("shocks", i, "enablers", key))
        if d not in dyads:
            raise InputError(
                f,
                f"shocks[{i}].enablers.{key}",
                f"unknown dyad '{d}'{did_you_mean(d, dyads)}; {allowed(dyads)}",
                line,
            )
        if e not in ENABLERS:
            raise InputError(
                f,
                f"shocks[{i}].enablers.{key}",
                f"unknown enabler '{e}'{did_you_mean(e, ENABLERS)}; {allowed(ENABLERS)}",
                line,
            )
        why = check_applied(sc, cfg, i, d, e, s.enablers[key], applied)
        if why:
            raise InputError(f, f"shocks[{i}].enablers.{key}", why, line)


def check_shock_targets(
    s, i: int, agents: tuple[str, ...], dyads: list[str], f: str, node: yaml.Node | None
) -> None:
    """Shock `i`'s coercion and retaliation aim at agent actors, its missions at dyads."""
    for part in ("coercion", "retaliation"):
        for a in getattr(s, part):
            if a not in agents:
                raise InputError(
                    f,
                    f"shocks[{i}].{part}.{a}",
                    f"unknown actor '{a}'{did_you_mean(a, agents)}; {allowed(agents)}",
                    node_line(node, ("shocks", i, part, a)),
                )
    for d in s.missions:
        if d not in dyads:
            raise InputError(
                f,
                f"shocks[{i}].missions.{d}",
                f"unknown dyad '{d}'{did_you_mean(d, dyads)}; {allowed(dyads)}",
                node_line(node, ("shocks", i, "missions", d)),
            )


def not_applicable(cfg: Config, sc: Scenario, dyad: str, enabler: str) -> str | None:
    """Where the config reads `enabler` as not applying to `dyad` ("n/a in
    config/dyads.yaml (the report's section)"), or None where it applies. An `n/a` is a
    reading of the report, not a law: a scenario's `initial:` or a shock's `apply` lifts it."""
    st = cfg.dyads[dyad].enablers.get(enabler)
    if st is None or st.status != "n/a":
        return None
    if dyad in sc.add_dyads:
        where = "this scenario's add_dyads"
    else:
        folder, root = Path(cfg.folder).resolve(), project_root().resolve()
        if folder.is_relative_to(root):  # config/dyads.yaml rather than the whole path
            folder = folder.relative_to(root)
        where = f"{folder.as_posix()}/dyads.yaml"
    return f"n/a in {where}" + (f" ({st.source})" if st.source else "")


def check_applied(
    sc: Scenario,
    cfg: Config,
    i: int,
    d: str,
    e: str,
    action: str,
    applied: dict[tuple[str, str], int | None],
) -> str | None:
    """Why shock `i`'s `action` on agreement `e` of dyad `d` would do nothing (the
    agreement is n/a for the pair and no `initial:` status or earlier `apply` lifts it), or
    None. `applied` holds what `initial:` and the shocks before `i` made applicable (an
    `apply` is added to it)."""
    turn = shock_turn(sc, sc.shocks[i])
    if action not in ACTS_ON_APPLICABLE:  # `apply`: from its turn, or from any time
        if (d, e) not in applied:
            applied[(d, e)] = turn
        elif applied[(d, e)] is not None:
            applied[(d, e)] = None if turn is None else min(applied[(d, e)], turn)
        return None
    reading = not_applicable(cfg, sc, d, e)
    if reading is None:
        return None
    initial = f"`initial: {{enablers: {{{d}: {{{e}: absent}}}}}}`"
    if (d, e) not in applied:
        return (
            f"{d} {e} is {reading}; make it applicable first: `{d}.{e}: apply` in an "
            f"earlier shock, or {initial}"
        )
    since = applied[(d, e)]
    if turn is not None and since is not None and since > turn:
        return (
            f"{d} {e} is {reading} and is applied only from turn {since}, after this shock "
            f"(turn {turn}); apply it at turn {turn} or earlier, or {initial}"
        )
    return None


def shock_turn(sc: Scenario, s) -> int | None:
    """Turn a timed shock fires at (as sim/inputs/setup.py compiles it), or None."""
    if isinstance(s.at, str):
        return max(1, quarter_turn(sc.start, s.at))
    if isinstance(s.at, int):
        return max(1, s.at)
    return None


def check_classroom(
    sc: Scenario, dyads: list[str], agents: tuple[str, ...], f: str, node: yaml.Node | None
) -> None:
    """The scenario's seats: actors of the scenario (the config's and those it adds); its
    own briefs and objectives: only for its seats, on its dyads, one id per objective of a
    seat."""
    for i, a in enumerate(sc.seats):
        if a not in agents:
            raise InputError(
                f,
                f"seats[{i}]",
                f"'{a}' is not an actor of this scenario{did_you_mean(a, agents)}; "
                f"{allowed(agents)}",
                node_line(node, ("seats", i)),
            )
    seats = list(sc.seats) or list(agents)
    for part in ("briefs", "objectives"):
        for a in getattr(sc, part):
            if a not in seats:
                raise InputError(
                    f,
                    f"{part}.{a}",
                    f"{a} is not a seat of this scenario; {allowed(seats)}",
                    node_line(node, (part, a)),
                )
    for a, objectives in sc.objectives.items():
        i = duplicate_objective(objectives)
        if i is not None:
            raise InputError(
                f,
                f"objectives.{a}[{i}].id",
                f"'{objectives[i].id}' is used twice; an objective's id is unique within the seat",
                node_line(node, ("objectives", a, i, "id")),
            )
        for i, o in enumerate(objectives):
            if o.dyad is not None and o.dyad not in dyads:
                raise InputError(
                    f,
                    f"objectives.{a}[{i}].dyad",
                    f"'{o.dyad}' is not a dyad of this scenario"
                    f"{did_you_mean(o.dyad, dyads)}; {allowed(dyads)}",
                    node_line(node, ("objectives", a, i, "dyad")),
                )
