"""The client end of the classroom protocol: join addresses, a connection that reconnects
and gets its seat back, and the unattended bot loop (`wargame join ... --bot`)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import sys
import time
from collections.abc import AsyncIterator, Callable, Mapping
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus, InvalidURI

from sim.errors import InputError
from sim.game import bots
from sim.game import protocol as P
from sim.game.host import registry_file

LOOPBACK = ("127.0.0.1", "localhost", "::1")
REGISTRY_WAIT = 30.0  # seconds a client on the host's machine waits for the host to start


TOKEN_ENV = "WARGAME_TOKEN"
"""Environment variable a client reads its token (or its whole join address) from, so that
the token stays out of the command line, which every user of the machine can read."""
_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{4,256}$")


def join_url(
    address: str,
    seat: str | None = None,
    token: str | None = None,
    token_file: str | None = None,
    environ: Mapping[str, str] | None = None,
    prompt: Callable[[str], str] | None = None,
) -> str:
    """The full join address. The token comes from the first of: `token` (--token), the
    address (?token=...), `token_file`, the WARGAME_TOKEN variable of `environ`, (on this
    machine only) the host's own registry of tokens, or `prompt`."""
    parts = urlsplit(address)
    if parts.scheme not in ("ws", "wss") or not parts.hostname:
        raise InputError(
            "address",
            "",
            f"'{address}' is not a join address; expected ws://HOST:PORT/?seat=JPN&token=...",
        )
    q = {k: v[0] for k, v in parse_qs(parts.query).items()}
    seat = seat or q.get("seat")
    if seat is None:
        raise InputError(
            "--seat",
            "",
            "give the seat (an actor of the game such as JPN, GBR, FRA, DEU, NATO, "
            "observer or facilitator)",
        )
    token = token or (q.get("token") if q.get("seat", seat) == seat else None)
    if token is None and token_file:
        token = _token_from(Path(token_file), seat)
    env = os.environ if environ is None else environ
    if token is None and env.get(TOKEN_ENV):
        token = _token_in(env[TOKEN_ENV], seat, TOKEN_ENV)
    if token is None and parts.hostname in LOOPBACK and parts.port:
        f = registry_file(parts.port)
        end = time.monotonic() + REGISTRY_WAIT
        while not f.exists() and time.monotonic() < end:  # the host may still be starting
            time.sleep(0.1)
        if f.exists():
            token = _token_from(f, seat)
    if token is None and prompt is not None:
        token = _token_in(prompt(f"token (or join address) for {seat}"), seat, "the prompt")
    if token is None:
        raise InputError(
            "address",
            "token",
            f"no token for seat {seat}: use the join address "
            f"the host printed (it carries ?seat=...&token=...), {TOKEN_ENV} "
            "or --token-file",
        )
    q.update(seat=seat, token=token)
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", urlencode(q), ""))


def _token_from(path: Path, seat: str) -> str | None:
    """The token of `seat` in a file: the host's tokens.json (or its registry), or a text
    file holding the token or the join address."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, ValueError) as exc:
        raise InputError(str(path), "", f"cannot read tokens: {exc.__class__.__name__}") from None
    if text.lstrip().startswith("{"):
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise InputError(
                str(path), "", f"cannot read tokens: {exc.__class__.__name__}"
            ) from None
        tokens = data.get("tokens", data) if isinstance(data, dict) else {}
        return tokens.get(seat) if isinstance(tokens, dict) else None
    return _token_in(text, seat, str(path))


def _token_in(text: str, seat: str, where: str) -> str | None:
    """A token given as itself or inside a join address (None if the address is another
    seat's)."""
    text = text.strip()
    if "token=" in text:
        q = {k: v[0] for k, v in parse_qs(urlsplit(text.split()[-1]).query).items()}
        if q.get("seat", seat) != seat:
            return None
        text = q.get("token", "")
    if not _TOKEN_RE.match(text):
        raise InputError(
            where, "", "not a token or a join address (a token is letters, digits, - and _)"
        )
    return text


def child_command(url: str) -> tuple[list[str], dict[str, str]]:
    """The command and the extra environment of a process that opens `url`'s screen
    (`join --serve` starts one per browser session): the token travels in the environment,
    never on the command line."""
    parts = urlsplit(url)
    q = {k: v[0] for k, v in parse_qs(parts.query).items()}
    token = q.pop("token")
    bare = urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(q), ""))
    return [sys.executable, "-m", "sim", "join", bare], {TOKEN_ENV: token}


class Connection:
    """A client connection that reconnects (same seat, same token) when the link drops."""

    def __init__(self, url: str, retries: int = 20, delay: float = 0.25):
        self.url, self.retries, self.delay = url, retries, delay
        self.ws = None
        self.welcome: P.Welcome | None = None
        self.state: P.State | None = None
        self.closed = False

    async def _open(self) -> None:
        last: Exception | None = None
        for _ in range(self.retries):
            try:
                self.ws = await connect(self.url, max_size=2**22, open_timeout=5)
                return
            except (OSError, InvalidStatus, InvalidURI, TimeoutError) as exc:
                last = exc
                await asyncio.sleep(self.delay)
        raise ConnectionError(f"cannot reach {urlsplit(self.url).netloc}: {last}")

    async def send(self, msg: P.Msg) -> None:
        if self.ws is None:
            await self._open()
        # a dropped link: the next read reconnects and the state says what the host lacks
        with contextlib.suppress(ConnectionClosed):
            await self.ws.send(P.dump(msg))

    async def messages(self) -> AsyncIterator:
        """Host messages, reconnecting when the link drops, until the game is over."""
        while not self.closed:
            if self.ws is None:
                await self._open()
            try:
                async for raw in self.ws:
                    msg = P.parse_host(raw)
                    if msg.type == "welcome":
                        self.welcome = msg
                    elif msg.type == "state":
                        self.state = msg
                    yield msg
                    if msg.type == "over":
                        self.closed = True
                        break
            except ConnectionClosed:
                pass
            if self.ws is not None and self.ws.close_code in (4401, 4409):
                self.closed = True
                raise ConnectionError(f"the host refused the seat ({self.ws.close_reason})")
            self.ws = None

    async def close(self) -> None:
        self.closed = True
        if self.ws is not None:
            await self.ws.close()


async def run_bot(url: str, log=print, timeout: float | None = None) -> dict:
    """Play a seat unattended until the game is over; returns the final scores message."""
    conn = Connection(url)
    done_turn = 0
    proposed_turn = 0
    answered: set[str] = set()
    result: dict = {}

    async def play():
        nonlocal done_turn, proposed_turn, result  # noqa: F824
        async for msg in conn.messages():
            if msg.type == "welcome":
                done_turn = 0  # (re)joined: the state says whether the host has our move
            elif msg.type == "error":
                log(f"host: {msg.code}: {msg.message}")
            elif msg.type == "notice":
                log(f"notice: {msg.text}")
            elif msg.type == "over":
                result = msg.model_dump()
                log(f"game over; report: {msg.report}")
            elif msg.type == "state" and not msg.done and conn.welcome is not None:
                seat = conn.welcome.seat
                objs = conn.welcome.objectives
                st = msg.model_dump()
                for p in st["proposals"]:
                    if p["to"] == seat and p["status"] == "open" and p["id"] not in answered:
                        answered.add(p["id"])
                        ans, terms = bots.answer(seat, objs, st, p)
                        await conn.send(
                            P.Respond(
                                proposal=p["id"],
                                answer=ans,
                                terms=P.Terms(**terms) if terms else None,
                            )
                        )
                playing = msg.turn + 1
                if proposed_turn < playing:
                    proposed_turn = playing
                    for pr in bots.proposals(seat, objs, st):
                        await conn.send(
                            P.Propose(to=pr["to"], kind=pr["kind"], terms=P.Terms(**pr["terms"]))
                        )
                if seat not in msg.submitted and done_turn < playing:
                    done_turn = playing
                    await conn.send(
                        P.Submit(turn=playing, move=P.MovePayload(**bots.choose(seat, objs, st)))
                    )
                    log(f"{msg.date}: {seat} submitted its move for turn {playing}")

    try:
        await asyncio.wait_for(play(), timeout)
    finally:
        await conn.close()
    return result
