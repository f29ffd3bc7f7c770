"""Compile a scenario and its config into the arrays the engine steps.

`Setup` is immutable and cheap to share between processes: everything a run needs besides
its run index, seed and per-run parameter values.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from sim import vocabulary as vocab
from sim.errors import InputError
from sim.inputs.compiled_shock import CompiledShock, compile_shock
from sim.inputs.config import Config
from sim.inputs.domains import RULE_DOMAIN, TRACK_DOMAIN
from sim.inputs.loader import load_scenario
from sim.inputs.params import ParamArrays, ParamKey
from sim.inputs.schema import Scenario, Shock, quarter_label
from sim.vocabulary import AGENT_ACTORS, ENABLERS, INDICES, MOTIVATIONS, PARAMS, TRACKS

PI = {p: i for i, p in enumerate(PARAMS)}
MI = {m: i for i, m in enumerate(MOTIVATIONS)}
AI = {a: i for i, a in enumerate(AGENT_ACTORS)}
II = {x: i for i, x in enumerate(INDICES)}
EI = {e: i for i, e in enumerate(ENABLERS)}
KI = {k: i for i, k in enumerate(TRACKS)}


@dataclass(frozen=True)
class Setup:
    scenario: Scenario
    config: Config
    path: Path
    digest: str
    overrides: dict[str, float]
    turns: int
    actors: tuple[str, ...]  # agent actors in array order (config and scenario)
    dyads: tuple[str, ...]
    pairs: np.ndarray  # (D, 2) agent indices
    kinds: tuple[str, ...]  # per agent actor: state | alliance
    params: np.ndarray  # (A, P) after overrides
    #: (A,) each actor's bandwidth as config/actors.yaml reads it (before overrides and
    #: sweeps): the means its ambitions are sized to (sim/engine/actors.py `capacity`)
    means: np.ndarray
    #: (A,) each actor's regional-interests weight as config/actors.yaml reads it: the stake
    #: its presence in the Indo-Pacific is sized to (sim/engine/model.py `remember`)
    stake: np.ndarray
    #: (A,) each actor's caution toward China as config/actors.yaml reads it: the caution its
    #: presence in the Indo-Pacific is sized to (sim/engine/model.py `presence_aim`)
    reserve: np.ndarray
    param_ranges: np.ndarray  # (A, P, 2)
    world_initial: np.ndarray  # (I,)
    world_mean: np.ndarray
    world_reversion: np.ndarray
    world_noise: np.ndarray
    levels: np.ndarray  # (D, K)
    signed: np.ndarray  # (D, E) bool
    negotiating: np.ndarray  # (D, E) bool: negotiations open at the start
    applicable: np.ndarray  # (D, E) bool
    blockers: np.ndarray  # (D, E)
    max_level: np.ndarray  # (D, K)
    gate_caps: np.ndarray  # (E, K), 5 where the enabler does not gate the track
    success: np.ndarray  # (E,)
    track: dict[str, np.ndarray]  # per-track constants, each (K,)
    rules: dict[str, float]  # scalar rule constants 'group.name'
    missions: np.ndarray  # (D,) shared operations at the start
    indo: np.ndarray  # (A,) bool: the actor sits in the Indo-Pacific
    members: np.ndarray  # (A, A) bool: members[a, m] when m is a member of alliance a
    relevance: np.ndarray  # (M, K)
    negotiation_start: int
    shocks: tuple[CompiledShock, ...]
    library: dict[str, Shock] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.scenario.name

    def date(self, turn: int) -> str:
        return quarter_label(self.scenario.start, turn)

    def compile_shock(self, s: Shock, file: str = "inject") -> CompiledShock:
        return compile_shock(s, self.scenario.start, self.dyads, file, self.actors)

    @property
    def ai(self) -> dict[str, int]:
        """Position of each agent actor in the arrays (the report's five keep theirs)."""
        return {a: i for i, a in enumerate(self.actors)}


def scenario_digest(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def parse_keys(
    items: list[str] | Mapping[str, float],
    source: str = "--set",
    agents: tuple[str, ...] = AGENT_ACTORS,
) -> dict[ParamKey, float]:
    """'DEU.china_caution=0.1' items (or a mapping) -> validated {ParamKey: value}, each key
    parsed once here, at the boundary, and passed on as itself (`compile_setup` takes it);
    `agents` are the actors that may be named (a scenario may add some)."""
    out: dict[ParamKey, float] = {}
    pairs = items.items() if isinstance(items, Mapping) else [_split(i, source) for i in items]
    for key, raw in pairs:
        pk = ParamKey.parse(key, agents, file=source)
        out[pk] = pk.value_of(raw, source, key)
    return out


def parse_overrides(
    items: list[str] | Mapping[str, float],
    source: str = "--set",
    agents: tuple[str, ...] = AGENT_ACTORS,
) -> dict[str, float]:
    """`parse_keys` with the keys as text, for what stores or shows them (a game's save
    file, a what-if's label)."""
    return {str(pk): v for pk, v in parse_keys(items, source, agents).items()}


def _split(item: str, source: str) -> tuple[str, str]:
    """'KEY=VALUE' -> (key, value), stripped, or a one-line InputError."""
    key, eq, value = item.partition("=")
    if not eq or not key or not value:
        raise InputError(source, item, "write ACTOR.param=VALUE, e.g. DEU.china_caution=0.1")
    return key.strip(), value.strip()


def build(
    scenario: str,
    overrides: list[str] | Mapping[str, float] | None = None,
    turns: int | None = None,
) -> Setup:
    """Load `scenario` (name or path) and compile it with `--set` style overrides."""
    sc, cfg, path = load_scenario(scenario)
    return compile_setup(sc, cfg, path, parse_keys(overrides or [], agents=cfg.agents), turns)


def compile_setup(
    sc: Scenario,
    cfg: Config,
    path: Path,
    extra: Mapping[ParamKey, float] | Mapping[str, float],
    turns: int | None = None,
) -> Setup:
    """`sc` and its config `cfg` (read from `path`) as the arrays the engine steps, with the
    scenario's `overrides:` and then `extra` applied (`extra` wins where both set a key).

    `extra` holds keys parsed by `parse_keys`; text keys (from callers that hold them so)
    are parsed here, once, against the scenario's actors."""
    if turns is not None and not 1 <= turns <= vocab.MAX_TURNS:
        limit = f"allowed: 1 to {vocab.MAX_TURNS}"
        raise InputError("--turns", "turns", f"{turns} is out of range; {limit}")
    f = str(path)
    actors = cfg.agents
    dyads = tuple(sc.dyads if sc.dyads is not None else cfg.dyads)
    keys = override_keys(sc, extra, actors, f)
    actor_fields = _actor_arrays(cfg, actors)
    model_fields = _model_constants(cfg)
    arrays = ParamArrays(
        actor_fields["params"],
        model_fields["track"],
        model_fields["rules"],
        model_fields["relevance"],
    )
    for pk, v in keys.items():
        pk.apply(arrays, v, actors)
    return Setup(
        scenario=sc,
        config=cfg,
        path=path,
        digest=scenario_digest(path),
        overrides={str(pk): v for pk, v in keys.items()},
        turns=turns if turns is not None else sc.turns,
        actors=actors,
        dyads=dyads,
        pairs=np.array([[actors.index(x) for x in d.split("-")] for d in dyads], dtype=np.int64),
        **actor_fields,
        **_world_arrays(cfg, sc),
        **_dyad_arrays(cfg, sc, dyads),
        **_enabler_arrays(cfg),
        **model_fields,
        missions=np.array(
            [cfg.dyads[d].missions.value if cfg.dyads[d].missions else 0.0 for d in dyads]
        ),
        negotiation_start=cfg.model.negotiation_start,
        shocks=tuple(compile_shock(s, sc.start, dyads, f, actors) for s in sc.shocks),
        library={s.id: s for s in sc.shocks},
    )


def override_keys(
    sc: Scenario,
    extra: Mapping[ParamKey, float] | Mapping[str, float],
    actors: tuple[str, ...],
    file: str,
) -> dict[ParamKey, float]:
    """The scenario's `overrides:` and then `extra`, by key, in the order they apply (a key
    in both keeps its place and takes `extra`'s value)."""
    out: dict[ParamKey, float] = {}
    for key, v in (*sc.overrides.items(), *extra.items()):
        pk = key if isinstance(key, ParamKey) else ParamKey.parse(key, actors, file=file)
        out[pk] = v
    return out


def _actor_arrays(cfg: Config, actors: tuple[str, ...]) -> dict[str, object]:
    """The Setup fields of the agent actors: parameters (before overrides), their ranges,
    the bandwidth they are sized to, kinds, regions and alliance members."""
    params = np.array([[cfg.param_value(a, p) for p in PARAMS] for a in actors])
    members = np.zeros((len(actors), len(actors)), bool)
    for a, actor in enumerate(actors):
        for m in cfg.actors[actor].members:  # agent actors (config.check_members)
            members[a, actors.index(m)] = True
    return {
        "params": params,
        "means": params[:, PI["bandwidth"]].copy(),
        "stake": params[:, PI["regional_interests"]].copy(),
        "reserve": params[:, PI["china_caution"]].copy(),
        "param_ranges": np.array([[cfg.param_range(a, p) for p in PARAMS] for a in actors]),
        "kinds": tuple(cfg.actors[a].kind for a in actors),
        "indo": np.array([cfg.actors[a].region == "indo-pacific" for a in actors]),
        "members": members,
    }


def _world_arrays(cfg: Config, sc: Scenario) -> dict[str, np.ndarray]:
    """The Setup fields of the world indices: the config's, with the scenario's `world:`."""
    w = cfg.world
    out = {
        "world_initial": np.array([w[x].initial for x in INDICES]),
        "world_mean": np.array([w[x].mean for x in INDICES]),
        "world_reversion": np.array([w[x].reversion for x in INDICES]),
        "world_noise": np.array([w[x].noise for x in INDICES]),
    }
    for name, o in sc.world.items():
        i = II[name]
        for part in ("initial", "mean", "reversion", "noise"):
            value = getattr(o, part)
            if value is not None:
                out[f"world_{part}"][i] = value
    return out


def _dyad_arrays(cfg: Config, sc: Scenario, dyads: tuple[str, ...]) -> dict[str, np.ndarray]:
    """The Setup fields of the dyads at the start: levels, ceilings and each agreement's
    status and blocker (config/dyads.yaml, then the scenario's `initial:`)."""
    D, K, E = len(dyads), len(TRACKS), len(ENABLERS)
    levels = np.zeros((D, K))
    signed = np.zeros((D, E), bool)
    talks = np.zeros((D, E), bool)  # negotiations already open at the start
    applicable = np.ones((D, E), bool)
    blockers = np.zeros((D, E))
    max_level = np.full((D, K), vocab.SCALE)
    for d, name in enumerate(dyads):
        dc = cfg.dyads[name]
        for k, t in enumerate(TRACKS):
            levels[d, k] = dc.levels[t].value if t in dc.levels else 0.0
            max_level[d, k] = dc.max_level.get(t, vocab.SCALE)
        for e, en in enumerate(ENABLERS):
            st = dc.enablers.get(en)
            if st is not None:
                signed[d, e] = st.status == "signed"
                talks[d, e] = st.status == "negotiating"
                applicable[d, e] = st.status != "n/a"
                blockers[d, e] = st.blocker
        for t, v in sc.initial.levels.get(name, {}).items():
            levels[d, KI[t]] = v
        for en, st in sc.initial.enablers.get(name, {}).items():
            # a status makes an agreement the config reads as `n/a` for the pair applicable
            signed[d, EI[en]] = st == "signed"
            talks[d, EI[en]] = st == "negotiating"
            applicable[d, EI[en]] = True
    return {
        "levels": levels,
        "signed": signed,
        "negotiating": talks,
        "applicable": applicable,
        "blockers": blockers,
        "max_level": max_level,
    }


def _enabler_arrays(cfg: Config) -> dict[str, np.ndarray]:
    """The Setup fields of the agreements: the level each one caps a track at while it is
    missing (5 where it does not gate the track) and its chance to be signed."""
    gate_caps = np.full((len(ENABLERS), len(TRACKS)), vocab.SCALE)
    for e, en in enumerate(ENABLERS):
        for t, cap in cfg.enablers[en].gates.items():
            gate_caps[e, KI[t]] = cap
    return {
        "gate_caps": gate_caps,
        "success": np.array([cfg.enablers[en].success_rate for en in ENABLERS]),
    }


def _model_constants(cfg: Config) -> dict[str, object]:
    """The Setup fields of config/model.yaml (before overrides): per-track constants,
    scalar rule constants and the motivations' relevance to each track."""
    rel = cfg.model.relevance
    return {
        "track": {
            name: np.array([cfg.model.track_constant(t, name).value for t in TRACKS])
            for name in TRACK_DOMAIN
        },
        "rules": {key: float(cfg.model.rule(key).value) for key in RULE_DOMAIN},
        "relevance": np.array(
            [[rel[m].value.get(t, 0.0) if m in rel else 0.0 for t in TRACKS] for m in MOTIVATIONS]
        ),
    }


def setup_fingerprint(setup: Setup) -> str:
    """Hash of everything that determines results besides seed and run indices."""
    blob = json.dumps(
        {
            "scenario": setup.digest,
            "overrides": setup.overrides,
            "turns": setup.turns,
            "config": _config_digest(setup.config.folder),
        },
        sort_keys=True,
    )
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def _config_digest(folder: Path) -> str:
    """Hash of the files the engine reads (not, e.g., the claims of validate-model)."""
    from sim.inputs.config import CONFIG_FILES

    h = hashlib.sha256()
    for p in sorted(Path(folder) / f"{n}.yaml" for n in CONFIG_FILES):
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()
