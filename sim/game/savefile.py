"""The saved-game file: its format, checksum, engine fingerprint, size limit, reading and
writing.

A saved game holds what determines a game besides the engine: the scenario (name, path and
the hash of its file), the seed, the `--set` overrides, and per turn the shocks injected by
the facilitator (library ids, or the full shock for custom ones) and the human moves
(DESIGN "Files in and out": saved games). This module only reads and writes the file and
refuses a damaged, foreign, oversized or tampered one with one line; replaying it into a
game is `sim.game.game.Game.load`.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError

from sim.engine.moves import Move
from sim.errors import InputError
from sim.files import read_text, write_file
from sim.inputs.schema import Shock, Strict

#: Format written by this version.
FORMAT = 2
#: Formats this version opens (1: before checksums and the engine fingerprint).
FORMATS = (1, 2)
#: Largest saved game opened (checked before reading).
SAVE_LIMIT = 5_000_000


def engine_fingerprint() -> str:
    """Fingerprint of the code that plays a game (the engine and sim/game/): a saved game
    records it (`sim.engine.fingerprint`)."""
    from sim.engine import fingerprint

    return fingerprint("game")


def checksum(data: dict[str, Any]) -> str:
    """SHA-256 of a saved game's content (every field but `checksum`), canonical JSON."""
    body = {k: v for k, v in data.items() if k != "checksum"}
    blob = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(blob.encode()).hexdigest()


class TurnInput(Strict):
    """What people added to one turn: the typed input of a turn, in a game and in its file."""

    turn: int
    """Turn the inputs apply to (1 = the first turn played)."""
    inject: list[str | Shock] = []
    """Shocks injected for this turn: a library id, or the full shock when custom."""
    moves: list[Move] = []
    """Moves of the human-seated actors (any actor of the game, an added one too)."""


class BranchSpec(Strict):
    """A what-if branch forked from the main game."""

    at: int
    """Turn after which the branch forked (its change applies from turn at+1)."""
    set: dict[str, float]
    """Parameter values set in the branch, keyed 'ACTOR.param'."""
    final: dict[str, dict[str, float]] = {}
    """Levels of the branch at the saved turn, per dyad and track."""


class SavedGame(Strict):
    """The replay file (JSON)."""

    format: int = FORMAT
    """File format version."""
    engine: str = ""
    """Fingerprint of the engine that played the game (`engine_fingerprint`)."""
    checksum: str = ""
    """SHA-256 of the other fields (`checksum`): a changed file is refused."""
    scenario: str
    """Scenario name."""
    scenario_path: str
    """Scenario file the game was played on."""
    digest: str
    """SHA-256 of the scenario file."""
    seed: int = Field(ge=0, lt=2**64)
    """Base seed."""
    run: int = Field(0, ge=0, lt=2**63)
    """Run index whose random stream the game draws (a batch run replayed in the UI)."""
    overrides: dict[str, float] = {}
    """Extra parameter values ('ACTOR.param': value) given with --set."""
    turns: int | None = None
    """Number of turns if it differs from the scenario's."""
    seats: list[str] = []
    """Human-seated actors."""
    turn: int
    """Turns played when saved."""
    inputs: list[TurnInput] = []
    """Injected shocks and moves per turn (turn turn+1 holds pending injections)."""
    final: dict[str, dict[str, float]]
    """Levels at the saved turn, per dyad and track (checked on load)."""
    branch: BranchSpec | None = None
    """The what-if branch, if one was forked."""


def write(path: str | Path, saved: SavedGame) -> Path:
    """Write `saved` atomically, stamped with this engine's fingerprint and the checksum."""
    data = saved.model_dump(mode="json")
    data["engine"] = engine_fingerprint()
    data["checksum"] = checksum(data)
    return write_file(Path(path), json.dumps(data, indent=1))


def read(path: str | Path) -> SavedGame:
    """A saved game's content: at most SAVE_LIMIT bytes of UTF-8 JSON in a known format
    whose checksum matches and whose fields validate; anything else is one InputError."""
    p = str(path)
    text = read_text(path, SAVE_LIMIT, "saved game")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(p, "", f"not a saved game (invalid JSON: {exc.msg})", exc.lineno) from None
    except (RecursionError, ValueError) as exc:
        raise InputError(p, "", f"not a saved game ({exc.__class__.__name__})") from None
    if not isinstance(data, dict) or "format" not in data and "final" not in data:
        raise InputError(p, "", "not a saved game of this wargame (no format or final levels)")
    fmt = data.get("format", 1)
    if fmt not in FORMATS:
        raise InputError(
            p,
            "format",
            f"{fmt!r} is not supported; allowed: "
            f"{', '.join(map(str, FORMATS))} (saved by a newer version?)",
        )
    if (
        fmt >= 2
        and data.get("checksum") != checksum(data)
        or fmt == 1
        and ("checksum" in data or "engine" in data)
    ):
        raise InputError(
            p,
            "checksum",
            "does not match the content: the file was changed or damaged after it was saved",
        )
    try:
        return SavedGame.model_validate(data)
    except RecursionError:
        raise InputError(p, "", "not a saved game (nested too deeply)") from None
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(x) for x in err["loc"])
        raise InputError(p, field, err["msg"]) from None
