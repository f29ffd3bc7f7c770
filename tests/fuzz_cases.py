"""Fuzzed scenario files, shared by tests/test_fuzz.py (hypothesis, small budget) and
benchmarks/fuzz.py (10,000 cases in isolated processes).

A case starts from a shipped scenario and applies one or two mutations: a value of another
type or out of its range (the JSON schema gives fields and bounds), a key removed, unknown or
duplicated, YAML features (tags, aliases, alias bombs, deep nesting), broken bytes, an
oversized file, or a mutated copy of the config folder. Mutations that make a file invalid
for certain say so (`must_reject`), so a file accepted anyway is counted.

`check_case` is the oracle: the file is either refused with an `InputError` naming a file of
the case, or it is accepted and then runs to its last turn with finite levels and a JSON
document that `json.dumps(allow_nan=False)` accepts.
"""

from __future__ import annotations

import copy
import json
import math
import shutil
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import yaml

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
SCHEMA = json.loads((ROOT / "scenarios" / "scenario.schema.json").read_text())
CONFIG_FILES = ("actors", "world", "dyads", "enablers", "model")


class Chooser(Protocol):
    """What a mutation draws from: random.Random, or hypothesis data (see test_fuzz)."""

    def choice(self, seq): ...

    def random(self) -> float: ...

    def randint(self, a: int, b: int) -> int: ...


@dataclass
class Case:
    base: str
    data: Any
    text: str | None = None  # final text when a mutation works on the text itself
    raw: bytes | None = None  # final bytes when a mutation breaks the encoding
    config: dict[str, str] = field(default_factory=dict)  # mutated config files: name -> text
    must_reject: list[tuple[tuple | None, str]] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)

    def touch(self, path: tuple) -> None:
        """A mutation replaces `path`: earlier certain faults at or under it are gone."""
        self.must_reject = [
            (p, why) for p, why in self.must_reject if p is None or p[: len(path)] != path
        ]

    def invalid(self, why: str, path: tuple | None = None) -> None:
        self.must_reject.append((path, why))

    @property
    def reasons(self) -> list[str]:
        return [why for _, why in self.must_reject]

    def write(self, folder: Path) -> Path:
        """Write the scenario (and its config copy) into `folder`; return the file."""
        path = folder / "case.yaml"
        if self.config:
            cfg = folder / "cfg"
            shutil.copytree(ROOT / "config", cfg, dirs_exist_ok=True)
            for name, text in self.config.items():
                (cfg / f"{name}.yaml").write_text(text, encoding="utf-8")
            if isinstance(self.data, dict) and self.text is None and self.raw is None:
                self.touch(("config",))
                self.data["config"] = str(cfg)
        if self.raw is not None:
            path.write_bytes(self.raw)
        else:
            text = self.text if self.text is not None else dump(self.data)
            path.write_text(text, encoding="utf-8")
        return path


def dump(data: Any) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def _paths(data: Any, prefix: tuple = ()) -> list[tuple]:
    """Every location in the tree (mapping keys and list indices)."""
    out = [prefix]
    if isinstance(data, dict):
        for k, v in data.items():
            out += _paths(v, prefix + (k,))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out += _paths(v, prefix + (i,))
    return out


def _get(data, path):
    for k in path:
        data = data[k]
    return data


def _set(data, path, value):
    _get(data, path[:-1])[path[-1]] = value


WILD = [
    None,
    True,
    False,
    0,
    -1,
    1,
    2**63,
    2**64,
    -(2**64),
    10**30,
    0.5,
    -0.0,
    1e308,
    -1e308,
    5e-324,
    "",
    "x",
    "nan",
    "inf",
    "-Infinity",
    "1e999",
    "2020-Q5",
    "9999-Q4",
    "JPN-JPN",
    "[/]",
    "[bold]x",
    "x" * 5000,
    "é✓\u202e",
    [],
    {},
    [1, 2],
    {"a": 1},
    {"add": 0.1},
    {"set": 0.5, "mul": 2},
]


def _numeric_bounds() -> list[tuple[tuple[str, ...], float, float]]:
    """(path pattern, lo, hi) of every bounded number in the JSON schema ('*' = any key or
    list index)."""
    defs = SCHEMA["$defs"]
    out = []

    def walk(node, path):
        if "$ref" in node:
            node = defs[node["$ref"].split("/")[-1]]
        for alt in node.get("anyOf", []):
            walk(alt, path)
        lo = node.get("minimum", node.get("exclusiveMinimum"))
        hi = node.get("maximum", node.get("exclusiveMaximum"))
        if node.get("type") in ("number", "integer") and (lo is not None or hi is not None):
            out.append((path, lo, hi))
        for k, sub in node.get("properties", {}).items():
            walk(sub, path + (k,))
        ap = node.get("additionalProperties")
        if isinstance(ap, dict):
            walk(ap, path + ("*",))
        if isinstance(node.get("items"), dict):
            walk(node["items"], path + ("*",))

    walk(SCHEMA, ())
    return out


BOUNDS = _numeric_bounds()


def _matches(path: tuple, pattern: tuple) -> bool:
    return len(path) == len(pattern) and all(
        p == "*" or p == k for k, p in zip(path, pattern, strict=True)
    )


# ----------------------------------------------------------------------- mutations


def m_wild_value(c: Case, r: Chooser) -> None:
    """Any location gets a value of any type."""
    paths = [p for p in _paths(c.data) if p]
    p = r.choice(paths)
    v = copy.deepcopy(r.choice(WILD))
    c.touch(p)
    _set(c.data, p, v)
    c.steps.append(f"wild {p} = {str(v)[:40]!r}")
    if (
        isinstance(v, float)
        and not math.isfinite(v)
        or v in ("nan", "inf", "-Infinity", "1e999")
        and _is_number_at(c, p)
    ):
        c.invalid("non-finite number", p)


def _is_number_at(c: Case, p: tuple) -> bool:
    return any(
        _matches(tuple("*" if isinstance(k, int) else k for k in p), pat) or _matches(p, pat)
        for pat, _, _ in BOUNDS
    )


def m_out_of_range(c: Case, r: Chooser) -> None:
    """A bounded number (from the JSON schema) just or far outside its bounds."""
    cands = []
    for p in _paths(c.data):
        for pat, lo, hi in BOUNDS:
            if (
                _matches(p, pat)
                and isinstance(_get(c.data, p), int | float)
                and not isinstance(_get(c.data, p), bool)
            ):
                cands.append((p, lo, hi))
    if not cands:
        return m_overrides(c, r)
    p, lo, hi = r.choice(cands)
    side = r.choice([s for s in ("lo", "hi") if (lo if s == "lo" else hi) is not None])
    bound = lo if side == "lo" else hi
    delta = r.choice([1e-6, 0.5, 1, 1000, 1e300])
    v = bound - delta if side == "lo" else bound + delta
    if isinstance(bound, int) and delta >= 1:
        v = int(v) if abs(v) < 1e18 else v
    c.touch(p)
    _set(c.data, p, v)
    c.steps.append(f"out of range {p} = {v}")
    c.invalid(f"{p} outside [{lo}, {hi}]", p)


def m_edge(c: Case, r: Chooser) -> None:
    """A bounded number set exactly to one of its bounds (valid: must run to the end)."""
    cands = [
        (p, lo, hi)
        for p in _paths(c.data)
        for pat, lo, hi in BOUNDS
        if _matches(p, pat)
        and isinstance(_get(c.data, p), int | float)
        and not isinstance(_get(c.data, p), bool)
    ]
    if not cands:
        return m_shock(c, r)
    p, lo, hi = r.choice(cands)
    v = r.choice([b for b in (lo, hi) if b is not None])
    c.touch(p)
    _set(c.data, p, v)
    c.steps.append(f"edge {p} = {v}")


def m_overrides(c: Case, r: Chooser) -> None:
    """An ACTOR.param override, in or out of its domain, or with a bad key."""
    from sim.inputs.domains import PARAM_DOMAIN
    from sim.vocabulary import AGENT_ACTORS, PARAMS

    actor = r.choice(list(AGENT_ACTORS) + ["XYZ", "USA", "MODEL"])
    param = r.choice(list(PARAMS) + ["nope", "exercise.bias", ""])
    value = r.choice([0.0, 0.3, 1.0, 1.5, -0.1, 19.0, 25.0, 1e300, float("nan")])
    c.data.setdefault("overrides", {})
    if not isinstance(c.data["overrides"], dict):
        c.touch(("overrides",))
        c.data["overrides"] = {}
    key = f"{actor}.{param}"
    c.touch(("overrides", key))
    c.data["overrides"][key] = value
    c.steps.append(f"override {actor}.{param} = {value}")
    ok = actor in AGENT_ACTORS and param in PARAMS
    if not ok and not (actor == "MODEL" and param == "exercise.bias"):
        c.invalid("bad override key", ("overrides", key))
    else:
        lo, hi = PARAM_DOMAIN[param] if ok else (-10, 10)  # MODEL.exercise.bias
        if not lo <= value <= hi:
            c.invalid("override out of domain", ("overrides", key))


def m_drop_key(c: Case, r: Chooser) -> None:
    paths = [p for p in _paths(c.data) if p and isinstance(_get(c.data, p[:-1]), dict)]
    p = r.choice(paths)
    c.touch(p)
    del _get(c.data, p[:-1])[p[-1]]
    c.steps.append(f"drop {p}")
    if p in (("name",), ("description",)) or (
        len(p) == 3 and p[0] == "shocks" and p[2] in ("id", "name")
    ):
        c.invalid("required field dropped", p)


def m_unknown_key(c: Case, r: Chooser) -> None:
    paths = [p for p in _paths(c.data) if isinstance(_get(c.data, p), dict)]
    p = r.choice(paths)
    key = r.choice(["zzz_unknown", "turn", "descripton", "Name", "shock"])
    target = _get(c.data, p)
    if key in target:
        return
    target[key] = r.choice([1, "x", None])
    c.steps.append(f"unknown key {p + (key,)}")
    c.invalid("unknown key", p + (key,))


def m_shock(c: Case, r: Chooser) -> None:
    """A new shock with drawn timing and effects (each valid or not)."""
    from sim.vocabulary import ENABLERS

    s: dict[str, Any] = {"id": r.choice(["fz", "fz-1", "Bad Id", ""]), "name": "Fuzz"}
    timing = r.choice(["at", "quarter", "when", "probability", "none"])
    if timing == "at":
        s["at"] = r.choice([0, 1, 3, 39, 400, 401, -1, 10**20])
    elif timing == "quarter":
        s["at"] = r.choice(["2020-Q2", "2012-Q1", "2099-Q4", "2020-Q0"])
    elif timing == "when":
        s["when"] = r.choice(
            [
                {"index": "china_assertiveness", "above": 0.6},
                {"index": "budget_pressure", "below": 0.2},
                {"index": "nk_provocation", "above": 0.5, "below": 0.1},
            ]
        )
    elif timing == "probability":
        s["probability"] = r.choice([0.0, 0.05, 1.0, 1.2])
    if r.random() < 0.5:
        s["duration"] = r.choice([1, 2, 40, 400, 0, 10**20])
    if r.random() < 0.7:
        key = r.choice(
            [
                "DEU.china_caution",
                "GBR.bandwidth",
                "JPN.china_threat",
                "NATO.consensus_friction",
                "DEU.nope",
            ]
        )
        op = r.choice(["add", "set", "mul"])
        val = r.choice([0.1, -0.5, 2.0, 0.0, 1e6, -1e6, 150.0])
        s["params"] = {key: {op: val}}
    if r.random() < 0.5:
        d = r.choice(["JPN-GBR", "JPN-DEU", "JPN-NATO", "GBR-FRA", "JPN-XYZ"])
        s["enablers"] = {
            f"{d}.{r.choice(list(ENABLERS) + ['nope'])}": r.choice(
                ["sign", "negotiate", "block", "unblock", "explode"]
            )
        }
    if r.random() < 0.5:
        s["indices"] = {
            r.choice(["china_assertiveness", "us_engagement", "nope"]): r.choice(
                [0.2, -0.3, 1.0, 1.5]
            )
        }
    c.data.setdefault("shocks", [])
    if not isinstance(c.data["shocks"], list):
        c.touch(("shocks",))
        c.data["shocks"] = []
    c.data["shocks"].append(s)
    c.steps.append(f"shock {s}")


def m_turns(c: Case, r: Chooser) -> None:
    v = r.choice([1, 2, 12, 400, 0, 401, -5, 10**12])
    c.touch(("turns",))
    c.data["turns"] = v
    c.steps.append(f"turns {v}")
    if not 1 <= v <= 400:
        c.invalid("turns out of range", ("turns",))


def m_initial(c: Case, r: Chooser) -> None:
    d = r.choice(["JPN-GBR", "JPN-DEU", "JPN-FRA", "GBR-DEU", "JPN-JPN"])
    t = r.choice(["dialogue", "exchange", "exercise", "trade"])
    v = r.choice([0.0, 2.5, 5.0, 5.01, -1, 1e9])
    c.data.setdefault("initial", {})
    if not isinstance(c.data["initial"], dict):
        c.touch(("initial",))
        c.data["initial"] = {}
    c.data["initial"].setdefault("levels", {})
    if not isinstance(c.data["initial"]["levels"], dict):
        c.touch(("initial", "levels"))
        c.data["initial"]["levels"] = {}
    c.touch(("initial", "levels", d))
    c.data["initial"]["levels"][d] = {t: v}
    c.steps.append(f"initial {d}.{t} = {v}")
    if t == "trade" or not 0 <= v <= 5:
        c.invalid("bad initial level", ("initial", "levels", d) + ((t,) if t != "trade" else ()))


def m_world(c: Case, r: Chooser) -> None:
    idx = r.choice(["china_assertiveness", "russian_aggression", "us_engagement", "nope"])
    k = r.choice(["initial", "mean", "reversion", "noise", "drift"])
    v = r.choice([0.0, 0.5, 1.0, 1.1, -0.2, 0.6])
    c.data.setdefault("world", {})
    if not isinstance(c.data["world"], dict):
        c.touch(("world",))
        c.data["world"] = {}
    c.touch(("world", idx))
    c.data["world"][idx] = {k: v}
    c.steps.append(f"world {idx}.{k} = {v}")
    hi = 0.5 if k == "noise" else 1.0
    if idx == "nope" or k == "drift" or not 0 <= v <= hi:
        c.invalid(
            "bad world override", ("world", idx) + ((k,) if idx != "nope" and k != "drift" else ())
        )


def m_config_folder(c: Case, r: Chooser) -> None:
    """`config:` naming a folder that is missing, not a config folder, or a name too long for
    the file system (only the project's own config folder is valid)."""
    v = r.choice(
        [
            "config",
            str(ROOT / "config"),
            "nowhere",
            "x" * 5000,
            "scenarios",
            "",
            ".",
            "/",
            "../config",
            "é✓\u202e",
            "/dev/null",
            "config/actors.yaml",
        ]
    )
    c.touch(("config",))
    c.data["config"] = v
    c.steps.append(f"config folder {v[:40]!r}")
    if v not in ("config", str(ROOT / "config")):
        c.invalid("bad config folder", ("config",))


DATA_MUTATIONS = [
    m_wild_value,
    m_out_of_range,
    m_overrides,
    m_drop_key,
    m_unknown_key,
    m_shock,
    m_shock,
    m_turns,
    m_initial,
    m_world,
    m_edge,
    m_edge,
    m_config_folder,
]


def t_duplicate_key(c: Case, r: Chooser) -> None:
    text = dump(c.data)
    key = r.choice([k for k in c.data] or ["name"])
    c.text = text + f"{key}: {json.dumps(c.data.get(key, 'x'))}\n"
    c.steps.append(f"duplicate key {key}")
    c.invalid("duplicate key")


def t_tag(c: Case, r: Chooser) -> None:
    tag = r.choice(
        [
            "!!python/object/apply:os.getcwd []",
            "!!python/name:os.system",
            "!!binary aGVsbG8=",
            "!custom 1",
            "!!set {a, b}",
            "!!timestamp 2001-12-14",
            "!!omap [a: 1]",
            "! x",
        ]
    )
    c.text = dump(c.data) + f"zz_tagged: {tag}\n"
    c.steps.append(f"tag {tag}")
    c.invalid("tag")


def t_alias_bomb(c: Case, r: Chooser) -> None:
    width, depth = r.choice([(9, 9), (10, 6), (3, 20), (2, 40)])
    lines = ["l0: &l0 [" + ", ".join(["lol"] * width) + "]"]
    for i in range(1, depth):
        lines.append(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * width) + "]")
    c.text = "\n".join(lines) + "\n" + dump(c.data)
    c.steps.append(f"alias bomb {width}^{depth}")
    c.invalid("alias bomb")


def t_deep(c: Case, r: Chooser) -> None:
    n = r.choice([50, 1000, 100_000])
    kind = r.choice(["list", "map"])
    body = ("[" * n + "]" * n) if kind == "list" else ("{a: " * n + "1" + "}" * n)
    c.text = dump(c.data) + f"sources: {body}\n"
    c.steps.append(f"nesting {kind} {n}")
    c.invalid("deep nesting")


def t_recursive(c: Case, r: Chooser) -> None:
    c.text = dump(c.data) + "zz: &r [1, *r]\n"
    c.steps.append("recursive alias")
    c.invalid("recursive alias")


def t_bytes(c: Case, r: Chooser) -> None:
    raw = bytearray(dump(c.data).encode())
    how = r.choice(["latin1", "flip", "truncate", "nul", "bom"])
    pos = r.randint(0, max(0, len(raw) - 1))
    if how == "latin1":
        raw[pos:pos] = b"\xe9\xff"
        c.invalid("not UTF-8")
    elif how == "flip":
        raw[pos] ^= 1 << r.randint(0, 7)
        c.must_reject = [x for x in c.must_reject if x[0] is None]  # the fault may be gone
    elif how == "truncate":
        raw = raw[:pos]
        c.must_reject = [x for x in c.must_reject if x[0] is None]  # cut off with the rest
    elif how == "nul":
        raw[pos:pos] = b"\x00"
        c.invalid("NUL byte")
    else:
        raw = bytearray(b"\xef\xbb\xbf") + raw
    c.raw = bytes(raw)
    c.steps.append(f"bytes {how} at {pos}")


def t_huge(c: Case, r: Chooser) -> None:
    n = r.choice([1_100_000, 3_000_000])
    c.text = dump(c.data) + "# " + "x" * n + "\n"
    c.steps.append(f"file of {n} bytes")
    c.invalid("oversized")


def t_config(c: Case, r: Chooser) -> None:
    """A mutated copy of one config file (values out of domain, duplicates, junk)."""
    name = r.choice(list(CONFIG_FILES))
    text = (ROOT / "config" / f"{name}.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    how = r.choice(["wild", "dup", "nan", "huge-range", "drop"])
    if how == "dup":
        key = next(iter(data))
        text = text + f"{key}: {{}}\n"
        c.invalid("duplicate key in config")
    elif how == "nan":
        text = (
            text.replace("value: ", "value: .nan  # ", 1)
            if "value: " in text
            else text + "zz: .nan\n"
        )
        c.invalid("nan in config")
    else:
        paths = [p for p in _paths(data) if p]
        p = r.choice(paths)
        if how == "wild":
            _set(data, p, copy.deepcopy(r.choice(WILD)))
        elif how == "huge-range" and p[-1] in ("range", "value"):
            _set(data, p, [-1e300, 1e300] if p[-1] == "range" else 1e300)
            c.invalid("config value out of domain")
        else:
            parent = _get(data, p[:-1])
            if isinstance(parent, dict):
                del parent[p[-1]]
        text = dump(data)
    c.config[name] = text
    c.steps.append(f"config {name} {how}")


TEXT_MUTATIONS = [
    t_duplicate_key,
    t_tag,
    t_alias_bomb,
    t_deep,
    t_recursive,
    t_bytes,
    t_huge,
    t_config,
]


def make_case(r: Chooser) -> Case:
    """One fuzzed scenario: a shipped file and one to three drawn mutations."""
    base = r.choice(SCENARIOS)
    data = yaml.safe_load(base.read_text(encoding="utf-8"))
    c = Case(base.stem, data)
    for _ in range(r.randint(1, 3)):
        r.choice(DATA_MUTATIONS)(c, r)
    if r.random() < 0.3:
        r.choice(TEXT_MUTATIONS)(c, r)
    return c


# ---------------------------------------------------------------------------- oracle


def check_case(case: Case, folder: Path, runs: int = 2) -> tuple[str, str]:
    """Outcome of one case: ('rejected'|'ok'|'traceback'|'no-file'|'accepted-invalid'|
    'run-failed', detail)."""
    import numpy as np

    from sim.engine.model import Ensemble
    from sim.engine.results import run_json
    from sim.errors import InputError
    from sim.inputs.loader import load_scenario
    from sim.inputs.setup import build

    path = case.write(folder)
    try:
        load_scenario(str(path))  # what `wargame validate` checks
    except InputError as exc:
        if not exc.file or not exc.file.startswith(str(folder)):
            return "no-file", str(exc)
        return "rejected", str(exc)
    except Exception:  # noqa: BLE001 - the point is to count these
        return "traceback", traceback.format_exc(limit=-3)
    if case.must_reject:
        return "accepted-invalid", "; ".join(case.reasons)
    try:
        setup = build(str(path))  # what every run compiles: it must take what validate took
    except InputError as exc:
        return "run-failed", f"validate accepted the file, compiling it refused it: {exc}"
    try:
        model = Ensemble(setup, seed=7, runs=np.arange(runs), keep_snapshots=False).run()
        hist = model.level_history()
        if not np.isfinite(hist).all():
            return "run-failed", "non-finite levels"
        json.dumps(run_json(model), allow_nan=False)
    except Exception:  # noqa: BLE001
        return "run-failed", traceback.format_exc(limit=-3)
    return "ok", ""
