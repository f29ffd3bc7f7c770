"""Each vocabulary is written once: a `Literal` in sim/vocabulary.py, its runtime tuple
derived from it, and the file formats' names for it the same object (no second list kept
equal by asserts)."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import get_args

import pytest

from sim import vocabulary as V
from sim.inputs import config_schema as C
from sim.inputs.setup import EI, II, KI, MI, PI

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    "literal,names",
    [
        (V.AgentActor, V.AGENT_ACTORS),
        (V.ContextActor, V.CONTEXT_ACTORS),
        (V.Actor, V.ACTORS),
        (V.Track, V.TRACKS),
        (V.Index, V.INDICES),
        (V.Enabler, V.ENABLERS),
        (V.Motivation, V.MOTIVATIONS),
    ],
)
def test_each_runtime_tuple_is_derived_from_its_literal(literal, names):
    assert get_args(literal) == names
    assert len(set(names)) == len(names)


def test_the_file_formats_use_the_vocabularys_literals_themselves():
    assert C.AgentId is V.AgentActor and C.ActorId is V.Actor
    assert C.TrackName is V.Track and C.IndexName is V.Index and C.EnablerName is V.Enabler


def test_the_index_maps_follow_the_tuples():
    for index, names in ((PI, V.PARAMS), (MI, V.MOTIVATIONS), (II, V.INDICES)):
        assert list(index) == list(names) and list(index.values()) == list(range(len(names)))
    assert list(EI) == list(V.ENABLERS) and list(KI) == list(V.TRACKS)


def _string_tuples(path: Path) -> list[tuple[str, ...]]:
    """Every tuple or list of three or more string literals written in `path`."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        strings = isinstance(node, ast.Tuple | ast.List) and all(
            isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts
        )
        if strings and len(node.elts) >= 3:
            out.append(tuple(e.value for e in node.elts))
    return out


def test_no_module_restates_a_vocabulary_or_the_scale():
    vocabularies = {
        V.AGENT_ACTORS,
        V.ACTORS,
        V.TRACKS,
        V.INDICES,
        V.ENABLERS,
        V.MOTIVATIONS,
    }
    restated, scales = [], []
    for path in sorted((ROOT / "sim").rglob("*.py")) + sorted((ROOT / "tui").rglob("*.py")):
        if path.name == "vocabulary.py":
            continue
        rel = path.relative_to(ROOT)
        restated += [(str(rel), t) for t in _string_tuples(path) if t in vocabularies]
        tree = ast.parse(path.read_text(encoding="utf-8"))
        scales += [
            f"{rel}:{n.lineno}"
            for n in ast.walk(tree)
            if isinstance(n, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id in ("SCALE", "MAX_TURNS") for t in n.targets)
        ]
    assert not restated
    assert not scales, f"the scale or the turn limit defined again: {scales}"
