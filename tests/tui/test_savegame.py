"""Saved games: round trips replay bit-identically; bad files give one-line errors."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from sim.engine.moves import Move
from sim.errors import InputError
from sim.game.game import Game
from sim.game.savefile import SavedGame, checksum
from sim.inputs.loader import scenarios_dir
from sim.inputs.schema import Shock


def played(seats=("JPN", "GBR")) -> Game:
    g = Game("baseline", seed=3, overrides=["FRA.bandwidth=5"], seats=list(seats))
    g.step()
    g.inject("scs-coercion")  # from another scenario of the library: stored in full
    g.step(
        [
            Move(actor="JPN", priorities=["GBR"], posture="firm", propose_exercise=["DEU"]),
            Move(actor="GBR", statement=True, propose_agreement=["JPN-GBR.raa"]),
        ]
    )
    g.inject(
        Shock(
            id="custom-1",
            name="Custom",
            indices={"russian_aggression": 0.3},
            params={"DEU.china_caution": {"add": -0.2}},
        )
    )
    for _ in range(3):
        g.step()
    return g


def test_round_trip_replays_identical_history(tmp_path):
    g = played()
    path = g.save(tmp_path / "game.json")
    h = Game.load(path)
    assert h.turn == g.turn == 5
    assert np.array_equal(h.model.level_history(), g.model.level_history())
    assert [r.injected for r in h.model.history] == [r.injected for r in g.model.history]
    assert [r.moves for r in h.model.history] == [r.moves for r in g.model.history]
    assert h.overrides == {"FRA.bandwidth": 5.0} and h.seats == ["JPN", "GBR"]
    # continuing both gives the same future
    g.step()
    h.step()
    assert np.array_equal(h.model.levels, g.model.levels)


def test_saved_file_holds_full_custom_and_foreign_shocks(tmp_path):
    data = json.loads(played().save(tmp_path / "g.json").read_text())
    injects = [i for t in data["inputs"] for i in t["inject"]]
    assert [i["id"] for i in injects] == ["scs-coercion", "custom-1"]
    assert injects[1]["params"]["DEU.china_caution"]["add"] == -0.2
    assert data["final"]["JPN-GBR"]["dialogue"] > 0
    assert len(data["digest"]) == 64


def test_pending_injection_survives_save(tmp_path):
    g = Game("baseline", seed=1)
    g.step()
    g.inject(Shock(id="c", name="c", indices={"china_assertiveness": 0.5}))
    h = Game.load(g.save(tmp_path / "p.json"))
    g.step()
    h.step()
    assert h.model.history[-1].injected == ["c"]
    assert np.array_equal(h.model.levels, g.model.levels)


def test_branch_round_trip(tmp_path):
    g = played()
    g.fork(["DEU.china_caution=0.1"])
    g.inject("scs-coercion")
    for _ in range(4):
        g.step()
    h = Game.load(g.save(tmp_path / "b.json"))
    assert h.fork_at == 5 and h.fork_set == {"DEU.china_caution": 0.1}
    assert np.array_equal(h.branch.model.level_history(), g.branch.model.level_history())
    assert np.array_equal(h.model.level_history(), g.model.level_history())
    assert not np.array_equal(g.branch.model.levels, g.model.levels)
    assert g.branch.model.params[0, 3, 8] == 0.1  # DEU china_caution in the branch only


def test_back_equals_fresh_replay():
    g = played()
    g.back()
    h = played()
    h.back()
    assert g.turn == 4
    assert np.array_equal(g.model.level_history(), h.model.level_history())
    ref = Game("baseline", seed=3, overrides=["FRA.bandwidth=5"])
    ref.step()
    ref.inject("scs-coercion")
    ref.step(g.model.history[1].moves)
    assert np.array_equal(ref.model.level_history(), g.model.level_history()[:3])


def test_back_past_fork_drops_branch():
    g = Game("baseline", seed=1)
    g.step()
    g.fork({"DEU.china_caution": 0.2})
    g.step()
    g.back()
    assert g.branch is not None and g.branch.turn == 1
    g.back()
    assert g.branch is None and g.turn == 0


def test_bad_move_leaves_game_untouched():
    g = Game("baseline", seed=1)
    with pytest.raises(InputError, match="not a partner"):
        g.step([Move(actor="GBR", propose_exercise=["FRA"])])
    assert g.turn == 0 and not g.inputs


def test_changed_scenario_is_refused(tmp_path):
    src = tmp_path / "mine.yaml"
    shutil.copy(scenarios_dir() / "baseline.yaml", src)
    g = Game(str(src), seed=1)
    g.step()
    path = g.save(tmp_path / "s.json")
    src.write_text(src.read_text() + "\n# edited\n")
    with pytest.raises(InputError, match="has changed"):
        Game.load(path)


def test_tampered_levels_are_refused(tmp_path):
    g = Game("baseline", seed=1)
    g.step()
    path = g.save(tmp_path / "s.json")
    data = json.loads(path.read_text())
    data["final"]["JPN-GBR"]["dialogue"] += 0.5
    path.write_text(json.dumps(data))
    with pytest.raises(InputError, match="checksum"):
        Game.load(path)
    data["checksum"] = checksum(data)  # a careful forger: the replay still gives it away
    path.write_text(json.dumps(data))
    with pytest.raises(InputError, match="does not reproduce"):
        Game.load(path)


@pytest.mark.parametrize(
    "text,match",
    [
        ("{not json", "invalid JSON"),
        ('{"scenario": "baseline"}', "not a saved game"),
        (
            '{"scenario": "baseline", "scenario_path": "x", "digest": "d", "seed": 0, "turn": 0,'
            ' "final": {}, "colour": 1}',
            "Extra inputs",
        ),
    ],
)
def test_bad_files_give_one_line_errors(tmp_path, text, match):
    p = tmp_path / "bad.json"
    p.write_text(text)
    with pytest.raises(InputError, match=match) as exc:
        Game.load(p)
    assert "\n" not in str(exc.value) and str(p) in str(exc.value)


def test_missing_file_and_bad_seat(tmp_path):
    with pytest.raises(InputError, match="file not found"):
        Game.load(tmp_path / "nope.json")
    with pytest.raises(InputError, match="allowed: JPN, GBR, FRA, DEU, NATO"):
        Game("baseline", seats=["USA"])
    assert SavedGame.model_fields["format"].default == 2


def test_unknown_injection_and_bad_what_if():
    g = Game("baseline")
    with pytest.raises(InputError, match="unknown shock"):
        g.inject("no-such-shock")
    with pytest.raises(InputError, match="unknown parameter"):
        g.fork(["DEU.china_cation=0.1"])
    with pytest.raises(InputError, match="out of range"):
        g.fork(["DEU.china_caution=3"])
    assert g.branch is None and not g.inputs
