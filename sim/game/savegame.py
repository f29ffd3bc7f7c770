"""Saved games: a replay file and the game session that produces it.

A saved game holds what determines a game besides the engine: the scenario (name, path and
the hash of its file), the seed, the `--set` overrides, and per turn the shocks injected by
the facilitator (library ids, or the full shock for custom ones) and the human moves. Because
the engine is deterministic, loading re-simulates the game and checks that the scenario file
is unchanged and the final levels come out the same (DESIGN "Saved games").

`Game` is the session the terminal UI drives: step, back one turn (re-run from scratch),
inject, fork a what-if branch from the current turn and step both together.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError

from sim.engine.model import WargameModel
from sim.engine.moves import Move, compile_moves
from sim.engine.results import levels_dict
from sim.errors import InputError, allowed
from sim.inputs.schema import ParamEffect, Shock, Strict
from sim.inputs.setup import Setup, build, parse_overrides
from sim.vocabulary import AGENT_ACTORS

FORMAT = 2
#: Formats this version opens (1: before checksums and the engine fingerprint).
FORMATS = (1, 2)
#: Largest saved game opened (checked before reading).
SAVE_LIMIT = 5_000_000
WHAT_IF_ID = "what-if"


def engine_fingerprint() -> str:
    """Fingerprint of the code that plays a game (the engine and sim/game/): a saved game
    records it (`sim.engine.fingerprint`)."""
    from sim.engine import fingerprint

    return fingerprint("game")


def checksum(data: dict[str, Any]) -> str:
    """SHA-256 of a saved game's content (every field but `checksum`), canonical JSON."""
    import hashlib

    body = {k: v for k, v in data.items() if k != "checksum"}
    blob = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(blob.encode()).hexdigest()


class TurnInput(Strict):
    """What people added to one turn."""

    turn: int
    """Turn the inputs apply to (1 = the first turn played)."""
    inject: list[str | Shock] = []
    """Shocks injected for this turn: a library id, or the full shock when custom."""
    moves: list[Move] = []
    """Moves of the human-seated actors."""


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


def what_if_shock(values: dict[str, float]) -> Shock:
    """The custom shock a what-if branch starts with: each parameter set to its new value."""
    text = ", ".join(f"{k} = {v:g}" for k, v in values.items())
    return Shock(id=WHAT_IF_ID, name=f"What-if: {text}",
                 params={k: ParamEffect(set=v) for k, v in values.items()})


class Game:
    """One interactive game: a single run with keep_snapshots, plus its inputs per turn."""

    def __init__(self, scenario: str, seed: int = 0, overrides: list[str] | dict | None = None,
                 turns: int | None = None, seats: list[str] | tuple[str, ...] = (),
                 run: int = 0):
        self.scenario = scenario
        self.seed = int(seed)
        self.run = int(run)  # run index of the random stream (run k of a batch)
        self.overrides = parse_overrides(overrides or [])
        self.turns_opt = turns
        self.setup: Setup = build(scenario, self.overrides, turns)
        self.seats = check_seats(list(seats) or list(self.setup.scenario.seats))
        self.inputs: dict[int, dict[str, list]] = {}
        self.model = self._fresh()
        self.branch: Game | None = None
        self.fork_at: int | None = None
        self.fork_set: dict[str, float] = {}
        self._library: dict[str, Shock] | None = None
        #: What a reader should know about a loaded game (e.g. another engine version).
        self.note: str | None = None

    # ------------------------------------------------------------------ state
    def _fresh(self) -> WargameModel:
        return WargameModel(self.setup, seed=self.seed, runs=[self.run], keep_snapshots=True)

    @property
    def turn(self) -> int:
        return self.model.turn

    @property
    def done(self) -> bool:
        return self.model.done

    @property
    def date(self) -> str:
        return self.model.date

    def _slot(self, turn: int) -> dict[str, list]:
        return self.inputs.setdefault(turn, {"inject": [], "moves": []})

    def library(self) -> dict[str, Shock]:
        """Shocks a facilitator can inject: this scenario's, then those of the other shipped
        scenarios that fit this game's dyads."""
        from sim.inputs.loader import list_scenarios, load_scenario

        if self._library is not None:
            return self._library
        out = dict(self.setup.library)
        for name in list_scenarios():
            try:
                sc, _, _ = load_scenario(name)
            except InputError:
                continue
            for s in sc.shocks:
                if s.id in out:
                    continue
                try:
                    self.setup.compile_shock(s)
                except InputError:
                    continue
                out[s.id] = s
        self._library = out
        return out

    def shock_names(self) -> dict[str, str]:
        """Headline of every shock this game can mention, by id (library and custom)."""
        names = {k: v.name for k, v in self.library().items()}
        for slot in self.inputs.values():
            names.update({x.id: x.name for x in slot["inject"] if not isinstance(x, str)})
        return names

    # ------------------------------------------------------------------ inputs
    def inject(self, shock: str | Shock) -> Shock:
        """Queue a shock (a library id or a custom one) for the next turn, in every branch."""
        if isinstance(shock, str):
            lib = self.library()
            if shock not in lib:
                raise InputError("inject", "shock", f"unknown shock '{shock}'; {allowed(lib)}")
            entry: str | Shock = shock if shock in self.setup.library else lib[shock]
            resolved = lib[shock]
        else:
            self.setup.compile_shock(shock)  # validates keys before anything is queued
            entry = resolved = shock
        self._slot(self.turn + 1)["inject"].append(entry)
        self.model.inject(entry)
        if self.branch is not None:
            self.branch.inject(entry)
        return resolved

    def check_moves(self, moves: list[Move]) -> None:
        s = self.setup
        actors = [m.actor for m in moves]
        for a in actors:
            if actors.count(a) > 1:
                raise InputError("move", "actor", f"{a} moves twice in one turn")
        compile_moves(moves, s)

    def step(self, moves: list[Move] | None = None) -> None:
        """Play one turn with these human moves (seats not listed keep the rule's choice)."""
        if self.done:
            return
        moves = list(moves or [])
        self.check_moves(moves)
        self._slot(self.turn + 1)["moves"] = moves
        self.model.submit(moves)
        self.model.step()
        if self.branch is not None:
            self.branch.step(moves)

    def _replay(self, target: int) -> None:
        self.model = self._fresh()
        for t in range(1, target + 1):
            slot = self.inputs.get(t, {"inject": [], "moves": []})
            for s in slot["inject"]:
                self.model.inject(s)
            self.model.submit(slot["moves"])
            self.model.step()
        for s in self.inputs.get(target + 1, {"inject": []})["inject"]:
            self.model.inject(s)

    def back(self) -> None:
        """Back one turn: re-run from scratch to the previous turn with the same seed,
        injections and moves (the engine is deterministic); drop a branch forked later."""
        if self.turn == 0:
            return
        target = self.turn - 1
        self.inputs = {t: v for t, v in self.inputs.items() if t <= target}
        self._replay(target)
        if self.branch is not None:
            if self.fork_at is not None and target < self.fork_at:
                self.branch, self.fork_at, self.fork_set = None, None, {}
            else:
                self.branch.back()

    def fork(self, items: list[str] | dict[str, float]) -> Game:
        """A what-if branch from the current turn: the same inputs so far, then the named
        parameters set to new values from the next turn on; later turns step both."""
        values = parse_overrides(items, source="what-if")
        self.branch = self._branch(values, self.turn, self.turn)
        self.fork_at, self.fork_set = self.turn, values
        return self.branch

    def _branch(self, values: dict[str, float], at: int, target: int) -> Game:
        branch = Game.__new__(Game)
        branch.__dict__.update(self.__dict__)
        branch.inputs = {t: {"inject": list(v["inject"]), "moves": list(v["moves"])}
                         for t, v in self.inputs.items()}
        branch.branch, branch.fork_at, branch.fork_set = None, None, {}
        branch._slot(at + 1)["inject"].insert(0, what_if_shock(values))
        branch._replay(target)
        return branch

    # ------------------------------------------------------------------ files
    def to_saved(self) -> SavedGame:
        inputs = [TurnInput(turn=t, inject=v["inject"], moves=v["moves"])
                  for t, v in sorted(self.inputs.items()) if v["inject"] or v["moves"]]
        branch = None
        if self.branch is not None and self.fork_at is not None:
            branch = BranchSpec(at=self.fork_at, set=self.fork_set,
                                final=levels_dict(self.setup.dyads, self.branch.model.levels[0]))
        return SavedGame(scenario=self.setup.name, scenario_path=str(self.setup.path),
                         digest=self.setup.digest, seed=self.seed, run=self.run,
                         overrides=self.overrides,
                         turns=self.turns_opt, seats=self.seats, turn=self.turn, inputs=inputs,
                         final=levels_dict(self.setup.dyads, self.model.levels[0]),
                         branch=branch)

    def save(self, path: str | Path) -> Path:
        data = self.to_saved().model_dump(mode="json")
        data["engine"] = engine_fingerprint()
        data["checksum"] = checksum(data)
        return write_atomic(Path(path), json.dumps(data, indent=1))

    @classmethod
    def from_saved(cls, saved: SavedGame, file: str = "savegame") -> Game:
        scenario = saved.scenario_path if Path(saved.scenario_path).exists() else saved.scenario
        game = cls(scenario, saved.seed, dict(saved.overrides), saved.turns, saved.seats,
                   saved.run)
        if game.setup.digest != saved.digest:
            raise InputError(file, "digest", f"scenario file {game.setup.path} has changed since "
                             "the game was saved; it would not replay identically")
        if not 0 <= saved.turn <= game.setup.turns:
            raise InputError(file, "turn", f"{saved.turn} is out of range; allowed: 0 to "
                             f"{game.setup.turns}")
        game.inputs = {i.turn: {"inject": list(i.inject), "moves": list(i.moves)}
                       for i in saved.inputs}
        bad = [t for t in game.inputs if not 1 <= t <= saved.turn + 1]
        if bad:
            raise InputError(file, "inputs", f"turn {bad[0]} is outside 1 to {saved.turn + 1}")
        try:
            game._replay(saved.turn)
            b = saved.branch
            if b is not None:
                if not 0 <= b.at <= saved.turn:
                    raise InputError(file, "branch.at", f"{b.at} is out of range; allowed: 0 "
                                     f"to {saved.turn}")
                values = parse_overrides(dict(b.set), source=f"{file} branch.set")
                game.branch = game._branch(values, b.at, saved.turn)
                game.fork_at, game.fork_set = b.at, values
        except InputError as exc:
            if exc.file == file:
                raise
            raise InputError(file, "inputs", str(exc)) from None
        got = levels_dict(game.setup.dyads, game.model.levels[0])
        if got != saved.final:
            raise InputError(file, "final", "replay does not reproduce the saved levels "
                             "(engine or config changed since the game was saved)")
        if saved.branch is not None and saved.branch.final:
            got_b = levels_dict(game.setup.dyads, game.branch.model.levels[0])
            if got_b != saved.branch.final:
                raise InputError(file, "branch.final", "replay does not reproduce the "
                                 "branch's saved levels")
        return game

    @classmethod
    def load(cls, path: str | Path) -> Game:
        """Open a saved game: at most SAVE_LIMIT bytes of UTF-8 JSON in a known format whose
        checksum matches, replayed to the same levels. A game saved by another engine
        version opens with a note when it replays identically and is refused otherwise."""
        from sim.files import read_text

        p = str(path)
        text = read_text(path, SAVE_LIMIT, "saved game")
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(p, "", f"not a saved game (invalid JSON: {exc.msg})",
                             exc.lineno) from None
        except (RecursionError, ValueError) as exc:
            raise InputError(p, "", f"not a saved game ({exc.__class__.__name__})") from None
        if not isinstance(data, dict) or "format" not in data and "final" not in data:
            raise InputError(p, "", "not a saved game of this wargame (no format or final "
                             "levels)")
        fmt = data.get("format", 1)
        if fmt not in FORMATS:
            raise InputError(p, "format", f"{fmt!r} is not supported; allowed: "
                             f"{', '.join(map(str, FORMATS))} (saved by a newer version?)")
        if fmt >= 2 and data.get("checksum") != checksum(data) or fmt == 1 and (
                "checksum" in data or "engine" in data):
            raise InputError(p, "checksum", "does not match the content: the file was changed "
                             "or damaged after it was saved")
        try:
            saved = SavedGame.model_validate(data)
        except (ValidationError, RecursionError) as exc:
            if isinstance(exc, RecursionError):
                raise InputError(p, "", "not a saved game (nested too deeply)") from None
            err = exc.errors()[0]
            field = ".".join(str(x) for x in err["loc"])
            raise InputError(p, field, err["msg"]) from None
        here = engine_fingerprint()
        try:
            game = cls.from_saved(saved, p)
        except InputError as exc:
            if exc.field in ("final", "branch.final") and saved.engine != here:
                raise InputError(p, exc.field, f"saved by engine {saved.engine or '(older)'}, "
                                 f"this is {here}: the replay gives different levels, so it "
                                 "is refused") from None
            raise
        if saved.engine != here:
            game.note = (f"{p} was saved by " + (f"engine {saved.engine}" if saved.engine
                         else "an older version") + f" (this is {here}); its replay "
                         "reproduces the saved levels exactly")
        return game


def check_seats(seats: list[str]) -> list[str]:
    out = []
    for a in seats:
        if a not in AGENT_ACTORS:
            raise InputError("--seat", "actor", f"unknown actor '{a}'; {allowed(AGENT_ACTORS)}")
        if a not in out:
            out.append(a)
    return out


def write_atomic(path: Path, text: str | bytes) -> Path:
    """Write to a temporary file next to `path`, then rename: nothing half-written."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.is_dir():
            raise InputError(str(path), "", "is a folder; give a file name")
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        with os.fdopen(fd, "wb") as fh:
            fh.write(text.encode("utf-8") if isinstance(text, str) else text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as exc:
        raise InputError(str(path), "", f"cannot write: {exc.strerror or exc}") from None
    return path


def summary(game: Game) -> dict[str, Any]:
    """A small description of the game for logs and reports."""
    return {"scenario": game.setup.name, "seed": game.seed, "turn": game.turn,
            "date": game.date, "overrides": game.overrides, "seats": game.seats}
