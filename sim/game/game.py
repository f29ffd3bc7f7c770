"""The game session: one interactive game and what people add to it turn by turn.

`Game` is what the terminal UI drives and what the hosted classroom session wraps: step a
turn with the human moves, back one turn (re-run from scratch: the engine is deterministic),
inject a shock, fork a what-if branch from the current turn and step both together, save and
load (the file itself is `sim.game.savefile`). Its turn inputs are typed: a `Move` per human
seat and a library id or a `Shock` per inject, kept per turn as `TurnInput`.

Screens and widgets read the game only through its small read-only view (`levels`,
`history`, `branches`, `events`, `params`, `spent`, `agreements`, `explain`): copies that
cannot be written into, so no view can change a game behind the engine's back.

Length: one class; the view is a dozen small methods kept beside the state they read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np

from sim.engine.model import Ensemble
from sim.engine.moves import Move, MoveArrays, compile_moves
from sim.engine.results import levels_dict, run_events
from sim.errors import InputError, allowed
from sim.game import savefile
from sim.game.savefile import BranchSpec, SavedGame, TurnInput
from sim.inputs.loader import load_scenario, not_applicable
from sim.inputs.schema import ACTS_ON_APPLICABLE, ParamEffect, Shock
from sim.inputs.setup import CompiledShock, Setup, compile_setup, parse_keys, parse_overrides
from sim.vocabulary import ENABLERS, PARAMS, TRACKS

#: Name of the main line of play and of the what-if branch (its first shock's id too).
MAIN, WHAT_IF_ID = "main", "what-if"


@dataclass(frozen=True)
class Branch:
    """One line of play of a game: the main game or the what-if branch forked from it."""

    name: str
    """`MAIN` or `WHAT_IF_ID`."""
    forked_at: int | None = None
    """Turn after which the branch forked (None for the main game)."""
    set: Mapping[str, float] = MappingProxyType({})
    """Parameter values set in the branch, keyed 'ACTOR.param' (read-only)."""


def what_if_shock(values: dict[str, float]) -> Shock:
    """The custom shock a what-if branch starts with: each parameter set to its new value."""
    text = ", ".join(f"{k} = {v:g}" for k, v in values.items())
    return Shock(
        id=WHAT_IF_ID,
        name=f"What-if: {text}",
        params={k: ParamEffect(set=v) for k, v in values.items()},
    )


def frozen(a: Any) -> np.ndarray:
    """A copy of `a` that raises ValueError when written into."""
    out = np.array(a, copy=True)
    out.setflags(write=False)
    return out


class Game:
    """One interactive game: a single run with keep_snapshots, plus its inputs per turn."""

    def __init__(
        self,
        scenario: str,
        seed: int = 0,
        overrides: list[str] | dict | None = None,
        turns: int | None = None,
        seats: list[str] | tuple[str, ...] = (),
        run: int = 0,
    ):
        self.scenario = scenario
        self.seed = int(seed)
        self.run = int(run)  # run index of the random stream (run k of a batch)
        self.turns_opt = turns
        # keys name the scenario's actors (australia-joins adds AUS), as `wargame run` reads them
        sc, cfg, path = load_scenario(scenario)
        keys = parse_keys(overrides or [], agents=cfg.agents)  # parsed once, passed on as keys
        self.setup: Setup = compile_setup(sc, cfg, path, keys, turns)
        self.overrides = {str(pk): v for pk, v in keys.items()}
        self.seats = check_seats(list(seats) or list(self.setup.scenario.seats), self.setup.actors)
        self.inputs: dict[int, TurnInput] = {}
        self.model = self._fresh()
        self.branch: Game | None = None
        self.fork_at: int | None = None
        self.fork_set: dict[str, float] = {}
        self._library: dict[str, Shock] | None = None
        #: What a reader should know about a loaded game (e.g. another engine version).
        self.note: str | None = None

    # ------------------------------------------------------------------ state
    def _fresh(self) -> Ensemble:
        return Ensemble(self.setup, seed=self.seed, runs=[self.run], keep_snapshots=True)

    @property
    def turn(self) -> int:
        return self.model.turn

    @property
    def done(self) -> bool:
        return self.model.done

    @property
    def date(self) -> str:
        return self.model.date

    def _slot(self, turn: int) -> TurnInput:
        if turn not in self.inputs:
            self.inputs[turn] = TurnInput(turn=turn)
        return self.inputs[turn]

    def library(self) -> dict[str, Shock]:
        """Shocks a facilitator can inject: this scenario's, then those of the other shipped
        scenarios that fit this game's dyads."""
        from sim.inputs.loader import list_scenarios

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
            names.update({x.id: x.name for x in slot.inject if not isinstance(x, str)})
        return names

    # ------------------------------------------------------------------ the read-only view
    def _line(self, branch: str | None) -> Ensemble:
        if branch in (None, MAIN):
            return self.model
        if branch == WHAT_IF_ID and self.branch is not None:
            return self.branch.model
        raise KeyError(
            f"no branch {branch!r}; branches: {', '.join(b.name for b in self.branches())}"
        )

    def dyads(self) -> tuple[str, ...]:
        """The game's dyads ('JPN-GBR', ...), in the order of every array of the view."""
        return tuple(self.setup.dyads)

    def actors(self) -> tuple[str, ...]:
        """The negotiating actors, in the order of the engine's actor axis (the config's:
        a scenario may add one, as australia-joins adds AUS)."""
        return self.setup.actors

    def partners(self, actor: str) -> list[str]:
        """The actors `actor` has a dyad with, in dyad order."""
        agents = self.actors()
        a = self.setup.ai[actor]
        return [agents[int(y if x == a else x)] for x, y in self.setup.pairs if a in (x, y)]

    def branches(self) -> tuple[Branch, ...]:
        """The lines of play: the main game, then the what-if branch if one was forked."""
        out = [Branch(MAIN)]
        if self.branch is not None:
            out.append(Branch(WHAT_IF_ID, self.fork_at, MappingProxyType(dict(self.fork_set))))
        return tuple(out)

    def what_if(self) -> Branch | None:
        """The what-if branch, or None."""
        lines = self.branches()
        return lines[1] if len(lines) > 1 else None

    def levels(self, branch: str | None = None, turn: int | None = None) -> np.ndarray:
        """Levels (dyads, tracks) now, or after `turn` (0: the start), read-only."""
        m = self._line(branch)
        return frozen(m.levels[0] if turn is None else m.level_history()[turn, 0])

    def history(
        self, dyad: str | int, track: str | int | None = None, branch: str | None = None
    ) -> np.ndarray:
        """Levels of one dyad from the start to now: (turns+1, tracks), or (turns+1,) for
        one track; read-only."""
        d = dyad if isinstance(dyad, int) else self.setup.dyads.index(dyad)
        hist = self._line(branch).level_history()[:, 0, d]
        if track is not None:
            hist = hist[:, track if isinstance(track, int) else TRACKS.index(track)]
        return frozen(hist)

    def events(self, turn: int | None = None, branch: str | None = None) -> list[dict]:
        """Events of the game (shocks, injects, moves, negotiations, signatures, activities),
        of every turn or of one; fresh dicts each call."""
        return [e for e in run_events(self._line(branch)) if turn is None or e["turn"] == turn]

    def params(self, actor: str, branch: str | None = None) -> dict[str, float]:
        """The actor's parameters now (after shocks and what-if settings)."""
        vals = self._line(branch).params[0, self.setup.ai[actor]]
        return {p: float(vals[i]) for i, p in enumerate(PARAMS)}

    def spent(self, actor: str, branch: str | None = None) -> dict[str, float]:
        """Bandwidth the actor gave each partner in the last turn (0 before the first)."""
        m = self._line(branch)
        agents = self.actors()
        a = self.setup.ai[actor]
        rec = m.history[-1] if m.history else None
        out = {}
        for d, (x, y) in enumerate(self.setup.pairs):
            if a in (x, y):
                side = 0 if x == a else 1
                out[agents[int(y if side == 0 else x)]] = (
                    float(rec.spent[0, d, side]) if rec is not None else 0.0
                )
        return out

    def applicable(self, branch: str | None = None) -> np.ndarray:
        """Which agreements (dyads, agreements) apply to which dyad now: the config's, with
        those `initial:` or an `apply` shock made applicable; read-only."""
        return frozen(self._line(branch).applicable[0])

    def agreements(self, branch: str | None = None) -> dict[str, dict[str, bool]]:
        """Per dyad, each agreement that applies to it and whether it is signed now."""
        signed = self._line(branch).signed[0]
        applies = self.applicable(branch)
        return {
            dy: {en: bool(signed[d, e]) for e, en in enumerate(ENABLERS) if applies[d, e]}
            for d, dy in enumerate(self.setup.dyads)
        }

    def explain(self, turn: int | None = None) -> np.ndarray:
        """Contributions (1 + drivers, dyads, tracks) to the change of the main game's levels
        in `turn` (default: the last turn played), read-only (`sim.engine.explain`)."""
        from sim.engine.explain import explain

        t = self.turn if turn is None else turn
        return frozen(explain(self.model, 0, t - 1, t))

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
            entry = resolved = shock
        cs = self.setup.compile_shock(resolved)  # validates keys before anything is queued
        for line in (self, self.branch):
            if line is not None:
                line.check_inject(cs)
        self._slot(self.turn + 1).inject.append(entry)
        self.model.inject(entry)
        if self.branch is not None:
            self.branch.inject(entry)
        return resolved

    def check_inject(self, cs: CompiledShock) -> None:
        """Refuse an inject that acts on an agreement which does not apply to the pair (n/a
        in the config) and which nothing has made applicable by the next turn: not
        `initial:`, not an `apply` fired, queued before it or timed for the next turn."""
        s = self.setup
        applies = self.model.applicable[0].copy()
        nxt = self.turn + 1
        for earlier in [c for c in s.shocks if c.turn == nxt] + self.model.shocks.queue:
            for d, e, action in earlier.enablers:
                applies[d, e] |= action not in ACTS_ON_APPLICABLE
        for d, e, action in cs.enablers:
            if action in ACTS_ON_APPLICABLE and not applies[d, e]:
                dy, en = s.dyads[d], ENABLERS[e]
                reading = not_applicable(s.config, s.scenario, dy, en) or "n/a in this game"
                raise InputError(
                    "inject",
                    f"{cs.shock.id}.enablers.{dy}.{en}",
                    f"{dy} {en} is {reading}; make it applicable first: inject "
                    f"`{dy}.{en}: apply` (custom effect {dy}.{en}:apply) before this shock",
                )

    def check_moves(self, moves: list[Move]) -> MoveArrays:
        """Refuse moves twice by one actor; the engine checks the rest as it compiles them
        (the mover is an actor of this game, each partner named is one of the mover's).
        Returns the compiled moves."""
        actors = [m.actor for m in moves]
        for a in actors:
            if actors.count(a) > 1:
                raise InputError("move", "actor", f"{a} moves twice in one turn")
        return compile_moves(moves, self.setup)

    def step(self, moves: list[Move] | None = None) -> None:
        """Play one turn with these human moves (seats not listed keep the rule's choice)."""
        if self.done:
            return
        moves = list(moves or [])
        self._play(moves, self.check_moves(moves))

    def _play(self, moves: list[Move], compiled: MoveArrays) -> None:
        """One turn with moves compiled once, for this game and its what-if branch (which
        shares the setup)."""
        t = self.turn + 1
        self.inputs[t] = self._slot(t).model_copy(update={"moves": moves})
        self.model.submit(moves, compiled)
        self.model.step()
        if self.branch is not None and not self.branch.done:
            self.branch._play(moves, compiled)

    def _replay(self, target: int) -> None:
        self.model = self._fresh()
        for t in range(1, target + 1):
            slot = self.inputs.get(t, TurnInput(turn=t))
            for s in slot.inject:
                self.model.inject(s)
            self.model.submit(slot.moves)
            self.model.step()
        for s in self.inputs.get(target + 1, TurnInput(turn=target + 1)).inject:
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
        values = parse_overrides(items, source="what-if", agents=self.setup.actors)
        self.branch = self._branch(values, self.turn, self.turn)
        self.fork_at, self.fork_set = self.turn, values
        return self.branch

    def _branch(self, values: dict[str, float], at: int, target: int) -> Game:
        branch = Game.__new__(Game)
        branch.__dict__.update(self.__dict__)
        branch.inputs = {
            t: v.model_copy(update={"inject": list(v.inject), "moves": list(v.moves)})
            for t, v in self.inputs.items()
        }
        branch.branch, branch.fork_at, branch.fork_set = None, None, {}
        branch._slot(at + 1).inject.insert(0, what_if_shock(values))
        branch._replay(target)
        return branch

    # ------------------------------------------------------------------ files
    def to_saved(self) -> SavedGame:
        inputs = [v for _, v in sorted(self.inputs.items()) if v.inject or v.moves]
        branch = None
        if self.branch is not None and self.fork_at is not None:
            branch = BranchSpec(
                at=self.fork_at,
                set=self.fork_set,
                final=levels_dict(self.setup.dyads, self.branch.model.levels[0]),
            )
        return SavedGame(
            scenario=self.setup.name,
            scenario_path=str(self.setup.path),
            digest=self.setup.digest,
            seed=self.seed,
            run=self.run,
            overrides=self.overrides,
            turns=self.turns_opt,
            seats=self.seats,
            turn=self.turn,
            inputs=inputs,
            final=levels_dict(self.setup.dyads, self.model.levels[0]),
            branch=branch,
        )

    def save(self, path: str | Path) -> Path:
        """Write the replay file (`sim.game.savefile.write`)."""
        return savefile.write(path, self.to_saved())

    @classmethod
    def from_saved(cls, saved: SavedGame, file: str = "savegame") -> Game:
        scenario = saved.scenario_path if Path(saved.scenario_path).exists() else saved.scenario
        game = cls(scenario, saved.seed, dict(saved.overrides), saved.turns, saved.seats, saved.run)
        if game.setup.digest != saved.digest:
            raise InputError(
                file,
                "digest",
                f"scenario file {game.setup.path} has changed since "
                "the game was saved; it would not replay identically",
            )
        if not 0 <= saved.turn <= game.setup.turns:
            raise InputError(
                file, "turn", f"{saved.turn} is out of range; allowed: 0 to {game.setup.turns}"
            )
        game.inputs = {
            i.turn: i.model_copy(update={"inject": list(i.inject), "moves": list(i.moves)})
            for i in saved.inputs
        }
        bad = [t for t in game.inputs if not 1 <= t <= saved.turn + 1]
        if bad:
            raise InputError(file, "inputs", f"turn {bad[0]} is outside 1 to {saved.turn + 1}")
        try:
            game._replay(saved.turn)
            b = saved.branch
            if b is not None:
                if not 0 <= b.at <= saved.turn:
                    raise InputError(
                        file, "branch.at", f"{b.at} is out of range; allowed: 0 to {saved.turn}"
                    )
                values = parse_overrides(
                    dict(b.set), source=f"{file} branch.set", agents=game.setup.actors
                )
                game.branch = game._branch(values, b.at, saved.turn)
                game.fork_at, game.fork_set = b.at, values
        except InputError as exc:
            if exc.file == file:
                raise
            raise InputError(file, "inputs", str(exc)) from None
        got = levels_dict(game.setup.dyads, game.model.levels[0])
        if got != saved.final:
            raise InputError(
                file,
                "final",
                "replay does not reproduce the saved levels "
                "(engine or config changed since the game was saved)",
            )
        if saved.branch is not None and saved.branch.final:
            got_b = levels_dict(game.setup.dyads, game.branch.model.levels[0])
            if got_b != saved.branch.final:
                raise InputError(
                    file, "branch.final", "replay does not reproduce the branch's saved levels"
                )
        return game

    @classmethod
    def load(cls, path: str | Path) -> Game:
        """Open a saved game (`sim.game.savefile.read`) and replay it to the same levels. A
        game saved by another engine version opens with a note when it replays identically
        and is refused otherwise."""
        p = str(path)
        saved = savefile.read(path)
        here = savefile.engine_fingerprint()
        try:
            game = cls.from_saved(saved, p)
        except InputError as exc:
            if exc.field in ("final", "branch.final") and saved.engine != here:
                raise InputError(
                    p,
                    exc.field,
                    f"saved by engine {saved.engine or '(older)'}, "
                    f"this is {here}: the replay gives different levels, so it "
                    "is refused",
                ) from None
            raise
        if saved.engine != here:
            game.note = (
                f"{p} was saved by "
                + (f"engine {saved.engine}" if saved.engine else "an older version")
                + f" (this is {here}); its replay "
                "reproduces the saved levels exactly"
            )
        return game


def check_seats(seats: list[str], actors: tuple[str, ...]) -> list[str]:
    """`seats` without repeats, each one of the game's `actors` (a scenario may add some)."""
    out = []
    for a in seats:
        if a not in actors:
            raise InputError("--seat", "actor", f"unknown actor '{a}'; {allowed(actors)}")
        if a not in out:
            out.append(a)
    return out
