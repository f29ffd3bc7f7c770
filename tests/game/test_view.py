"""The game's read-only view: what screens and widgets read, equal to the engine's state and
impossible to write into; and no module under tui/ reaches past it into the model."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest

from sim.engine.explain import explain
from sim.engine.results import run_events
from sim.game.game import MAIN, WHAT_IF_ID, Game, frozen
from sim.vocabulary import AGENT_ACTORS, PARAMS, TRACKS

TUI = Path(__file__).resolve().parents[2] / "tui"
#: Attributes of a game that only the sim side may touch: the engine model and the branch's
#: own Game, and the inputs the view does not expose.
PRIVATE = {"model", "branch", "fork_at", "fork_set", "inputs"}


@pytest.fixture(scope="module")
def game() -> Game:
    g = Game("baseline", seed=2)
    g.step()
    g.step()
    g.fork(["DEU.china_caution=0.1"])
    for _ in range(3):
        g.step()
    return g


def test_view_equals_the_engine_state(game):
    m, b = game.model, game.branch.model
    assert np.array_equal(game.levels(), m.levels[0])
    assert np.array_equal(game.levels(WHAT_IF_ID), b.levels[0])
    assert not np.array_equal(game.levels(WHAT_IF_ID), game.levels())
    assert np.array_equal(game.levels(turn=1), m.level_history()[1, 0])
    d = game.dyads().index("JPN-DEU")
    assert np.array_equal(game.history("JPN-DEU"), m.level_history()[:, 0, d])
    assert np.array_equal(
        game.history(d, "exercise", WHAT_IF_ID),
        b.level_history()[:, 0, d, TRACKS.index("exercise")],
    )
    assert game.events(turn=2) == [e for e in run_events(m) if e["turn"] == 2]
    assert np.array_equal(game.explain(), explain(m, 0, 4, 5))
    assert game.params("DEU", WHAT_IF_ID)["china_caution"] == 0.1
    assert game.params("DEU")["china_caution"] == float(
        m.params[0, AGENT_ACTORS.index("DEU"), PARAMS.index("china_caution")]
    )
    assert set(game.spent("JPN")) == {"GBR", "FRA", "DEU", "NATO"}
    assert sum(game.spent("JPN").values()) > 0
    assert game.partners("GBR") == ["JPN"]
    assert game.agreements()["JPN-GBR"]["isa"] is True
    assert [br.name for br in game.branches()] == [MAIN, WHAT_IF_ID]
    assert game.what_if().forked_at == 2 and dict(game.what_if().set) == {"DEU.china_caution": 0.1}
    with pytest.raises(KeyError, match="branches: main, what-if"):
        game.levels("other")


@pytest.mark.parametrize(
    "read",
    [
        lambda g: g.levels(),
        lambda g: g.levels(WHAT_IF_ID),
        lambda g: g.levels(turn=0),
        lambda g: g.history("JPN-GBR"),
        lambda g: g.history(0, "dialogue"),
        lambda g: g.explain(),
    ],
)
def test_a_widget_cannot_write_into_the_game(game, read):
    before = game.model.level_history().copy()
    arr = read(game)
    with pytest.raises(ValueError, match="read-only"):
        arr[(0,) * arr.ndim] = 5.0
    with pytest.raises(ValueError, match="read-only"):
        arr += 1.0
    assert np.array_equal(game.model.level_history(), before)
    assert np.array_equal(game.levels(), game.model.levels[0])


def test_view_of_branches_is_read_only(game):
    with pytest.raises(TypeError):
        game.what_if().set["DEU.china_caution"] = 0.9
    with pytest.raises(AttributeError):
        game.what_if().forked_at = 0
    game.spent("JPN")["GBR"] = 99.0  # a fresh dict each call
    assert game.spent("JPN")["GBR"] != 99.0
    assert game.fork_set == {"DEU.china_caution": 0.1}


def test_frozen_copies():
    a = np.zeros(3)
    f = frozen(a)
    a[0] = 1.0
    assert f[0] == 0.0 and not f.flags.writeable


def private_uses(source: str) -> list[str]:
    """`x.model`, `x.branch`... and imports of the engine model in one module's source."""
    out = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr in PRIVATE:
            out.append(f"line {node.lineno}: .{node.attr}")
        elif isinstance(node, ast.ImportFrom) and node.module == "sim.engine.model":
            out.append(f"line {node.lineno}: imports sim.engine.model")
    return out


def test_the_check_finds_what_it_forbids():
    src = (
        "from sim.engine.model import WargameModel\n"
        "def f(game):\n    return game.model.levels[0], game.branch\n"
    )
    assert sorted(private_uses(src)) == [
        "line 1: imports sim.engine.model",
        "line 3: .branch",
        "line 3: .model",
    ]
    assert private_uses("def f(game):\n    return game.levels(), Move.model_fields\n") == []


def test_no_tui_module_reaches_into_the_model():
    files = sorted(TUI.rglob("*.py"))
    assert len(files) > 20
    found = {
        str(f.relative_to(TUI)): u
        for f in files
        if (u := private_uses(f.read_text(encoding="utf-8")))
    }
    assert found == {}
