"""The classroom wire protocol: versioned JSON messages, validated by pydantic on arrival.

Every message is one JSON object with `v` (the protocol version) and `type`. Clients send
`submit`, `propose`, `respond`, `ping` and, for the facilitator, `inject`, `advance`,
`pause` and `reseat`; the host sends `welcome`, `state`, `notice`, `proposal`, `error` and
`over`. A message that does not parse, names another seat or comes from a role not allowed
to send it is answered with an `error` and changes nothing.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, create_model

from sim.engine.moves import Move
from sim.inputs.config_schema import Strict

VERSION = 1
Role = Literal["seat", "observer", "facilitator"]
DealKind = Literal[
    "exercise", "agreement", "equipment", "statement_china", "statement_russia", "two_plus_two"
]
Answer = Literal["accept", "reject", "counter"]


class Msg(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    v: Literal[1] = VERSION
    """Protocol version."""


#: A seat's move for one turn as sent on the wire: the engine's `Move` (sim/engine/moves.py)
#: without its actor, which the host adds (the seat the connection holds). Built from
#: `Move`'s own fields, so the wire follows the engine's instruments.
MovePayload = create_model(
    "MovePayload",
    __base__=Strict,
    __doc__="A seat's move for one turn, as sent on the wire (the host adds the actor).",
    **{name: (f.annotation, f) for name, f in Move.model_fields.items() if name != "actor"},
)


def seat_move(seat: str, payload: BaseModel) -> Move:
    """The engine's move of `seat` from a wire payload."""
    return Move(actor=seat, **payload.model_dump())


class Terms(BaseModel):
    """What a proposal commits both sides to."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    enabler: str | None = None
    """For an agreement: isa, acsa, equipment, two_plus_two, raa, partnership."""
    jurisdiction: Literal["unresolved", "host_state", "sending_state"] | None = None
    """RAA only: whose courts try visiting forces' personnel (the UK RAA's blocker,
    Ch3 UK › Training and Exercises)."""
    text: str = Field("", max_length=300)


# ------------------------------------------------------------------ client -> host
class Submit(Msg):
    type: Literal["submit"] = "submit"
    turn: int
    """The turn being played (the host's turn + 1); a stale turn is refused."""
    move: MovePayload


class Propose(Msg):
    type: Literal["propose"] = "propose"
    to: str
    kind: DealKind
    terms: Terms = Terms()


class Respond(Msg):
    type: Literal["respond"] = "respond"
    proposal: str
    answer: Answer
    terms: Terms | None = None
    """Counter-proposal terms (answer 'counter')."""


class Ping(Msg):
    type: Literal["ping"] = "ping"


class Inject(Msg):
    type: Literal["inject"] = "inject"
    shock: str | None = None
    """A shock id from the game's library (applied next turn through the engine)."""
    to: str | None = None
    """A seat to tell privately; None tells everyone."""
    text: str = Field("", max_length=500)
    """Extra words for the team(s) (an intelligence brief when no shock is given)."""


class Advance(Msg):
    type: Literal["advance"] = "advance"


class Pause(Msg):
    type: Literal["pause"] = "pause"
    paused: bool = True


class Reseat(Msg):
    type: Literal["reseat"] = "reseat"
    seat: str
    """Issue the seat a new token and disconnect whoever holds it."""


ClientMsg = Annotated[
    Submit | Propose | Respond | Ping | Inject | Advance | Pause | Reseat,
    Field(discriminator="type"),
]
FACILITATOR_ONLY = {"inject", "advance", "pause", "reseat"}
SEAT_ONLY = {"submit", "propose", "respond"}


# ------------------------------------------------------------------ host -> client
class Welcome(Msg):
    type: Literal["welcome"] = "welcome"
    role: Role
    seat: str | None
    scenario: str
    turns: int
    seats: list[str]
    partners: list[str] = []
    brief: dict[str, Any] = {}
    objectives: list[dict[str, Any]] = []
    params: dict[str, float] = {}
    """The seat's own parameters (private)."""
    shocks: dict[str, str] = {}
    """Injectable shocks (facilitator)."""


class State(Msg):
    type: Literal["state"] = "state"
    turn: int
    date: str
    done: bool
    paused: bool
    deadline: float | None
    """Seconds left on the turn timer, if one runs."""
    levels: dict[str, dict[str, float]]
    signed: dict[str, list[str]]
    submitted: list[str]
    connected: list[str]
    scores: dict[str, list[float]]
    """Score per turn of the seats this client may see."""
    log: list[str]
    proposals: list[dict[str, Any]]
    params: dict[str, dict[str, float]] = {}
    """Current parameters of the seats this client may see."""
    progress: dict[str, list[tuple[str, float, bool]]] = {}
    """Per seat this client may see: (objective id, value it reads, met) at this turn."""


class Notice(Msg):
    type: Literal["notice"] = "notice"
    turn: int
    text: str
    private: bool = False
    to: str | None = None


class Error(Msg):
    type: Literal["error"] = "error"
    code: str
    message: str


class Over(Msg):
    type: Literal["over"] = "over"
    report: str | None = None
    scores: dict[str, float] = {}


HostMsg = Annotated[Welcome | State | Notice | Error | Over, Field(discriminator="type")]

_client = TypeAdapter(ClientMsg)
_host = TypeAdapter(HostMsg)


class ProtocolError(ValueError):
    """A message that is not valid JSON or not a valid message of this version."""

    def __init__(self, code: str, message: str):
        self.code, self.message = code, message
        super().__init__(f"{code}: {message}")


def _parse(adapter: TypeAdapter, raw: str | bytes):
    import json

    try:
        data = json.loads(raw)
    except (ValueError, TypeError) as exc:
        raise ProtocolError("bad-json", f"not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise ProtocolError("bad-message", "a message is a JSON object")
    if data.get("v") != VERSION:
        raise ProtocolError(
            "bad-version",
            f"protocol version {data.get('v')!r} is not supported; allowed: {VERSION}",
        )
    try:
        return adapter.validate_python(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(x) for x in err["loc"])
        raise ProtocolError("bad-message", f"{where}: {err['msg']}") from None


def parse_client(raw: str | bytes):
    """A client's message, validated (raises ProtocolError)."""
    return _parse(_client, raw)


def parse_host(raw: str | bytes):
    """A host's message, validated (raises ProtocolError)."""
    return _parse(_host, raw)


def dump(msg: Msg) -> str:
    return msg.model_dump_json()
