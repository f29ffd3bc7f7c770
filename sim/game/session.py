"""The hosted game's state: seats, tokens, submissions, proposals, injects, scores, saving.

The session is the only place where messages become engine inputs: a seat's submitted move,
merged with the deals it accepted this turn, becomes its `Move`; the facilitator's injects
become `Game.inject`; seats nobody plays keep the engine's own choice. It knows nothing of
sockets, so tests and the host drive the same object. Everything is saved after every turn:
`game.json` is an ordinary saved game (`wargame play --load`), `session.json` holds what the
classroom adds (tokens, proposals, notices, the inject timetable).

Length: one state machine over one shared state (seats, submissions, proposals, scores and
saving read and change the same fields), kept whole so each transition reads in one place.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import asdict, dataclass
from pathlib import Path

from pydantic import Field

from sim.engine.moves import Move
from sim.engine.results import levels_dict
from sim.errors import InputError, allowed, did_you_mean
from sim.files import atomic_write, write_file
from sim.game import deals as D
from sim.game.game import Game
from sim.game.objectives import load_classroom, load_plans, objective_values, score_history
from sim.game.protocol import MovePayload, Propose, Respond, State, seat_move
from sim.inputs.config_schema import ActorName
from sim.inputs.loader import read_yaml, validate
from sim.inputs.safe_yaml import node_line
from sim.inputs.schema import Strict
from sim.vocabulary import ENABLERS, PARAMS

SESSION_FORMAT = 1
GAME_FILE, SESSION_FILE, TOKENS_FILE = "game.json", "session.json", "tokens.json"


class SessionError(Exception):
    """A message the rules refuse (wrong seat, stale turn, unknown proposal...)."""

    def __init__(self, code: str, message: str):
        self.code, self.message = code, message
        super().__init__(f"{code}: {message}")


class TimedInject(Strict):
    """One line of an inject timetable (--injects FILE)."""

    turn: int = Field(ge=1)
    """Turn the inject applies to (the teams hear of it when that turn opens)."""
    shock: str | None = None
    """Shock id from the game's library; omit for an information-only inject."""
    to: ActorName | None = None
    """The one seat told (private); omit to tell everyone."""
    text: str = Field("", max_length=500)
    """Words for the team(s)."""


class Timetable(Strict):
    """An inject timetable file."""

    injects: list[TimedInject]


@dataclass
class Notice:
    turn: int
    text: str
    to: str | None = None  # None: everyone
    shock: str | None = None


def load_timetable(path: str | Path, game: Game, seats: list[str]) -> list[TimedInject]:
    p = Path(path)
    data, node = read_yaml(p)
    tt = validate(Timetable, data, p, node)
    lib = game.library()
    for i, e in enumerate(tt.injects):
        if e.to is not None and e.to not in seats:
            raise InputError(
                str(p),
                f"injects[{i}].to",
                f"unknown seat '{e.to}'{did_you_mean(e.to, seats)}; {allowed(seats)}",
                node_line(node, ("injects", i, "to")),
            )
        if e.shock is not None and e.shock not in lib:
            raise InputError(
                str(p), f"injects[{i}].shock", f"unknown shock '{e.shock}'; {allowed(lib)}"
            )
        if e.shock is None and not e.text:
            raise InputError(str(p), f"injects[{i}]", "give a shock, a text or both")
        if e.turn > game.setup.turns:
            raise InputError(
                str(p),
                f"injects[{i}].turn",
                f"{e.turn} is after the last turn ({game.setup.turns})",
            )
    return list(tt.injects)


def write_private(path: Path, text: str) -> None:
    """Write a secret (the seats' tokens) readable by its owner only from the first byte
    (`atomic_write` with mode 0600: never half-written, never readable by others)."""
    atomic_write(path, text, mode=0o600)


def new_tokens(seats: list[str]) -> dict[str, str]:
    return {k: secrets.token_urlsafe(12) for k in [*seats, "observer", "facilitator"]}


class Session:
    """One hosted classroom game."""

    def __init__(
        self,
        scenario: str,
        out: str | Path,
        seed: int = 0,
        turns: int | None = None,
        objectives: str | None = None,
        injects: str | None = None,
        game: Game | None = None,
    ):
        self.out = Path(out)
        self.game = game or Game(scenario, seed, [], turns, [])
        s = self.game.setup
        # every actor of the scenario, one it adds too (australia-joins seats AUS)
        self.seats = list(s.scenario.seats) or list(s.actors)
        if not self.game.seats:
            self.game.seats = list(self.seats)
        self.objectives_path = str(Path(objectives).resolve()) if objectives else None
        self.plans = load_plans(objectives, s.dyads, s.path, s.scenario, s.actors)
        self.concession_cost = load_classroom().concession_cost.value
        self.timetable_path = injects
        self.timetable = load_timetable(injects, self.game, self.seats) if injects else []
        self.timetable_done: list[int] = []
        self.tokens = new_tokens(self.seats)
        self.submitted: dict[str, Move] = {}
        self.proposals: list[D.Proposal] = []
        self.notices: list[Notice] = []
        self.log: list[str] = []
        self.paused = False
        self._scores: dict[str, list[float]] | None = None
        self.log.extend(f"{s.date(0)}: note: {n}" for n in self.plan_notes())
        self._queue_timetable()

    # ----------------------------------------------------------------- basics
    @property
    def turn(self) -> int:
        return self.game.turn

    @property
    def playing(self) -> int:
        """The turn being decided now."""
        return self.game.turn + 1

    @property
    def done(self) -> bool:
        return self.game.done

    def role_of(self, seat: str | None, token: str | None) -> tuple[str, str | None]:
        """(role, seat) for a join address's seat and token; raises SessionError."""
        if token is None:
            raise SessionError("auth", "a token is required")
        if seat in (None, "", "observer"):
            if secrets.compare_digest(token, self.tokens["observer"]):
                return "observer", None
            if secrets.compare_digest(token, self.tokens["facilitator"]):
                return "facilitator", None
            raise SessionError("auth", "wrong token")
        if seat == "facilitator":
            if secrets.compare_digest(token, self.tokens["facilitator"]):
                return "facilitator", None
            raise SessionError("auth", "wrong token")
        if seat not in self.seats:
            raise SessionError("auth", f"unknown seat '{seat}'; {allowed(self.seats)}")
        if secrets.compare_digest(token, self.tokens[seat]):
            return "seat", seat
        raise SessionError("auth", "wrong token for this seat")

    def plan_notes(self) -> list[str]:
        """One line for each seat that has neither a brief nor objectives (an actor the
        scenario adds and no objectives file names): it plays and scores nothing."""
        name = Path(self.game.setup.path).stem
        return [
            f"{a} has no brief or objectives in this scenario: it plays and scores nothing "
            f"(give it some in objectives/{name}.yaml next to the scenario, or --objectives)"
            for a in self.seats
            if a not in self.plans
        ]

    def reseat(self, seat: str) -> str:
        """A new token for `seat` (the old one stops working)."""
        if seat not in self.seats:
            raise SessionError("bad-seat", f"unknown seat '{seat}'; {allowed(self.seats)}")
        self.tokens[seat] = secrets.token_urlsafe(12)
        self.save()
        return self.tokens[seat]

    def partners(self, seat: str) -> list[str]:
        out = []
        for d in self.game.setup.dyads:
            a, b = d.split("-")
            if seat in (a, b):
                out.append(b if a == seat else a)
        return out

    # ----------------------------------------------------------------- seats' messages
    def _live(self) -> None:
        if self.done:
            raise SessionError("over", "the game is over")

    def submit(self, seat: str, turn: int, move: MovePayload) -> None:
        """A seat's move for the turn being played (again to change it)."""
        self._live()
        if turn != self.playing:
            raise SessionError(
                "stale", f"turn {turn} is not the turn being played ({self.playing})"
            )
        try:
            mv = seat_move(seat, move)
            self.game.check_moves([mv])
        except InputError as exc:
            raise SessionError("bad-move", exc.message) from None
        self.submitted[seat] = mv

    def propose(self, seat: str, msg: Propose, counter_of: str | None = None) -> D.Proposal:
        self._live()
        if msg.to not in self.seats or msg.to == seat:
            raise SessionError(
                "bad-proposal",
                f"'{msg.to}' is not another seat; {allowed([s for s in self.seats if s != seat])}",
            )
        s = self.game.setup
        dyad = D.dyad_of(s.dyads, seat, msg.to)
        if dyad is None:
            raise SessionError(
                "bad-proposal",
                f"{seat} and {msg.to} have no relationship in "
                f"this game; partners: {', '.join(self.partners(seat))}",
            )
        d = s.dyads.index(dyad)
        applies = self.game.applicable()  # an `apply` shock may have lifted an n/a
        why = D.check_terms(
            msg.kind, msg.terms, dyad, {e: bool(applies[d, i]) for i, e in enumerate(ENABLERS)}
        )
        if why:
            raise SessionError("bad-proposal", why)
        p = D.Proposal(
            id=f"p{len(self.proposals) + 1}",
            turn=self.playing,
            frm=seat,
            to=msg.to,
            kind=msg.kind,
            terms=msg.terms.model_dump(exclude_defaults=True),
            dyad=dyad,
            counter_of=counter_of,
        )
        self.proposals.append(p)
        return p

    def respond(self, seat: str, msg: Respond) -> D.Proposal:
        """Accept, reject or counter an open proposal addressed to `seat`; a counter is a new
        proposal the other side then answers."""
        self._live()
        p = next((x for x in self.proposals if x.id == msg.proposal), None)
        if p is None or p.to != seat:
            raise SessionError("bad-proposal", f"no proposal '{msg.proposal}' addressed to {seat}")
        if p.status != "open":
            raise SessionError("bad-proposal", f"proposal {p.id} is {p.status}")
        if msg.answer == "counter":
            if msg.terms is None:
                raise SessionError("bad-proposal", "a counter needs terms")
            new = self.propose(seat, Propose(to=p.frm, kind=p.kind, terms=msg.terms), p.id)
            p.status = "countered"
            return new
        p.status = "accepted" if msg.answer == "accept" else "rejected"
        if p.status == "accepted":
            self.log.append(
                f"{self.game.setup.date(self.playing)}: deal — {p.text()} (accepted by {p.to})"
            )
        return p

    def open_for(self, seat: str) -> list[D.Proposal]:
        return [p for p in self.proposals if p.status == "open" and p.to == seat]

    # ----------------------------------------------------------------- facilitator
    def inject(self, shock: str | None, to: str | None = None, text: str = "") -> Notice:
        """Apply a library shock next turn (through the engine) and tell everyone, or only
        `to`; without a shock, only words (an intelligence brief)."""
        self._live()
        if to is not None and to not in self.seats:
            raise SessionError("bad-inject", f"unknown seat '{to}'; {allowed(self.seats)}")
        if shock is None and not text:
            raise SessionError("bad-inject", "give a shock, a text or both")
        words = text
        if shock is not None:
            try:
                sh = self.game.inject(shock)
            except InputError as exc:
                raise SessionError("bad-inject", exc.message) from None
            words = f"{sh.name}. {sh.description}".strip() + (f" {text}" if text else "")
        n = Notice(self.playing, words, to, shock)
        self.notices.append(n)
        return n

    def _queue_timetable(self) -> list[Notice]:
        out = []
        for i, e in enumerate(self.timetable):
            if i not in self.timetable_done and e.turn == self.playing and not self.done:
                out.append(self.inject(e.shock, e.to, e.text))
                self.timetable_done.append(i)
        return out

    # ----------------------------------------------------------------- the turn
    def moves(self) -> list[Move]:
        """The engine moves of this turn (the same typed input a local game steps with):
        submitted moves merged with accepted deals."""
        per: dict[str, list[Move]] = {a: [self.submitted[a]] for a in self.submitted}
        for p in self.proposals:
            if p.turn == self.playing and p.status == "accepted":
                for a, mv in D.deal_moves(p).items():
                    per.setdefault(a, []).append(mv)
        return [D.merge(per[a]) for a in self.seats if a in per]

    def advance(self) -> list[str]:
        """Play the turn: deals' terms as shocks, every move through the engine; lapse open
        proposals; score; save. Returns the new public log lines."""
        self._live()
        t = self.playing
        for p in self.proposals:
            if p.turn == t and p.status == "accepted":
                sh = D.terms_shock(p, p.dyad, t, self.concession_cost)
                if sh is not None:
                    self.game.inject(sh)
        moves = self.moves()
        self.game.step(moves)
        date = self.game.setup.date(t)
        lines = [f"{date}: {m.describe()}" for m in moves]
        for p in self.proposals:
            if p.status == "open" and p.turn == t:
                p.status = "lapsed"
        from sim.engine.results import run_events

        for e in run_events(self.game.model):
            if e["turn"] == t and e["kind"] in ("shock", "negotiation", "agreement", "stalled"):
                lines.append(f"{date}: {e['text']}")
        self.log.extend(lines)
        self.submitted = {}
        self._scores = None
        self._queue_timetable()
        self.save()
        return lines

    def scores(self) -> dict[str, list[float]]:
        if self._scores is None:
            self._scores = score_history(self.game.model, self.plans, self.seats)
        return self._scores

    # ----------------------------------------------------------------- views
    def view(
        self, role: str, seat: str | None, connected: list[str], deadline: float | None = None
    ) -> State:
        """What a client may see: a seat its own score, parameters, proposals and private
        notices; the facilitator everything; an observer the public picture."""
        g = self.game
        s = g.setup
        signed = {
            dy: [e for i, e in enumerate(ENABLERS) if g.model.signed[0, d, i]]
            for d, dy in enumerate(s.dyads)
        }
        sc = self.scores()
        everything = role == "facilitator"
        log = list(self.log)
        for n in self.notices:
            if n.to is None or everything or n.to == seat:
                tag = (
                    "" if n.to is None else f"[private to {n.to}] " if everything else "[private] "
                )
                log.append(f"{s.date(n.turn)}: inject: {tag}{n.text}")
        props = [p.to_dict() for p in self.proposals if everything or seat in (p.frm, p.to)]
        params = {}
        for a in self.seats:
            if everything or a == seat:
                params[a] = {
                    p: round(float(g.model.params[0, s.ai[a], i]), 4) for i, p in enumerate(PARAMS)
                }
        progress = {}
        if g.turn:
            for a in params:
                if a in self.plans:
                    progress[a] = [
                        (o.id, round(v, 4), ok)
                        for o, v, ok in objective_values(g.model, a, self.plans[a], g.turn)
                    ]
        return State(
            turn=g.turn,
            date=g.date,
            done=g.done,
            paused=self.paused,
            deadline=deadline,
            levels=levels_dict(s.dyads, g.model.levels[0]),
            signed=signed,
            submitted=sorted(self.submitted),
            connected=sorted(connected),
            scores={a: v for a, v in sc.items() if everything or a == seat},
            log=log[-200:],
            proposals=props,
            params=params,
            progress=progress,
        )

    def welcome_info(self, role: str, seat: str | None) -> dict:
        info: dict = {
            "scenario": self.game.setup.name,
            "turns": self.game.setup.turns,
            "seats": self.seats,
        }
        if seat is not None:
            plan = self.plans.get(seat)
            info["partners"] = self.partners(seat)
            if plan is not None:
                info["brief"] = plan.brief.model_dump()
                info["objectives"] = [o.model_dump(exclude_none=True) for o in plan.objectives]
        if role == "facilitator":
            info["shocks"] = {k: v.name for k, v in self.game.library().items()}
        return info

    # ----------------------------------------------------------------- files
    def to_json(self) -> dict:
        g = self.game
        return {
            "format": SESSION_FORMAT,
            "scenario": str(g.setup.path),
            "seed": g.seed,
            "turns": g.turns_opt,
            "objectives": self.objectives_path,
            "timetable": [e.model_dump() for e in self.timetable],
            "timetable_done": self.timetable_done,
            "tokens": self.tokens,
            "proposals": [asdict(p) for p in self.proposals],
            "notices": [asdict(n) for n in self.notices],
            "log": self.log,
            "paused": self.paused,
            "turn": g.turn,
            "submitted": {a: m.model_dump() for a, m in self.submitted.items()},
            "levels_hex": [float(x).hex() for x in g.model.level_history().ravel()],
        }

    def save(self) -> None:
        self.out.mkdir(parents=True, exist_ok=True)
        self.game.save(self.out / GAME_FILE)
        write_file(self.out / SESSION_FILE, json.dumps(self.to_json(), indent=1))
        try:
            write_private(self.out / TOKENS_FILE, json.dumps(self.tokens, indent=1))
        except OSError as exc:
            raise InputError(
                str(self.out / TOKENS_FILE), "", f"cannot write: {exc.strerror or exc}"
            ) from None

    @classmethod
    def resume(cls, out: str | Path) -> Session:
        """The game saved in `out`, at the turn it was saved, with the same tokens."""
        out = Path(out)
        f = out / SESSION_FILE
        try:
            data = json.loads(f.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise InputError(str(f), "", "file not found (not a hosted game's folder)") from None
        except (OSError, ValueError) as exc:
            raise InputError(str(f), "", f"cannot read: {exc.__class__.__name__}") from None
        if not isinstance(data, dict) or data.get("format") != SESSION_FORMAT:
            raise InputError(str(f), "format", f"not supported; allowed: {SESSION_FORMAT}")
        game = Game.load(out / GAME_FILE)
        try:
            ses = cls(data["scenario"], out, game=game, objectives=data.get("objectives"))
            ses.timetable = [TimedInject(**e) for e in data.get("timetable", [])]
            ses.timetable_done = list(data.get("timetable_done", []))
            ses.tokens = dict(data["tokens"])
            ses.proposals = [D.Proposal(**p) for p in data.get("proposals", [])]
            ses.notices = [Notice(**n) for n in data.get("notices", [])]
            ses.log = list(data.get("log", []))
            ses.paused = bool(data.get("paused", False))
            # a move saved before moves carried their actor has none: the seat is the actor
            ses.submitted = {
                a: Move(**{**m, "actor": a})
                for a, m in data.get("submitted", {}).items()
                if a in ses.seats
            }
        except (KeyError, TypeError, ValueError) as exc:
            raise InputError(
                str(f), "", f"damaged session file ({exc.__class__.__name__}: {exc})"
            ) from None
        return ses


def verify_replay(out: str | Path) -> tuple[int, bool]:
    """Replay `out`/game.json with the ordinary saved-game loader and compare every level of
    every turn, bit for bit, with what the host recorded in session.json."""
    out = Path(out)
    game = Game.load(out / GAME_FILE)
    f = out / SESSION_FILE
    try:
        want = json.loads(f.read_text(encoding="utf-8"))["levels_hex"]
    except (OSError, ValueError, KeyError) as exc:
        raise InputError(str(f), "levels_hex", f"cannot read: {exc.__class__.__name__}") from None
    got = [float(x).hex() for x in game.model.level_history().ravel()]
    return len(want), got == want
