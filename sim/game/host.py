"""`wargame host`: one game in one process, spoken to over WebSocket (protocol.py).

Clients connect to ws://HOST:PORT/?seat=JPN&token=... (observers: seat=observer; the
facilitator: seat=facilitator). The token is checked before anything else; a seat's move is
always its own (the seat comes from the token, not from the message). The turn advances
when every seat has submitted and answered the proposals addressed to it — seats with no
client for `wait` seconds are played by the model — or when the facilitator's timer runs
out, or when the facilitator says so. The session is saved after every turn; when the game
ends the after-action report is written next to the save.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed

from sim.game import protocol as P
from sim.game.session import Session, SessionError, write_private

TICK = 0.1  # seconds between checks of timers and absent seats


def registry_dir() -> Path:
    """Per-user folder where a host leaves its tokens for clients on the same machine."""
    base = os.environ.get("XDG_RUNTIME_DIR") or str(Path.home() / ".cache")
    return Path(base) / "wargame" / "hosts"


def registry_file(port: int) -> Path:
    return registry_dir() / f"127.0.0.1-{port}.json"


class Host:
    """The server of one hosted game."""

    def __init__(
        self,
        session: Session,
        *,
        headless: bool = True,
        timer: float | None = None,
        wait: float = 60.0,
        host: str = "127.0.0.1",
        port: int = 0,
        report: bool = True,
        linger: float = 1.0,
        on_change: Callable[[], None] | None = None,
    ):
        self.session = session
        self.headless, self.timer, self.wait = headless, timer, wait
        self.address, self.port = host, port
        self.report, self.linger = report, linger
        self.on_change = on_change
        self.clients: dict[ServerConnection, tuple[str, str | None]] = {}
        self.turn_opened = time.monotonic()
        self.finished = asyncio.Event()
        self.report_path: Path | None = None
        self.advancing = False
        self.server = None
        self.last_advance_latency: float | None = None

    # ----------------------------------------------------------------- addresses
    def join_url(self, seat: str) -> str:
        host = socket.gethostname() if self.address in ("0.0.0.0", "::", "") else self.address
        return f"ws://{host}:{self.port}/?seat={seat}&token={self.session.tokens[seat]}"

    def addresses(self) -> dict[str, str]:
        return {k: self.join_url(k) for k in self.session.tokens}

    def write_registry(self) -> None:
        if self.address not in ("127.0.0.1", "localhost"):
            return
        f = registry_file(self.port)
        f.parent.mkdir(parents=True, exist_ok=True)
        f.parent.chmod(0o700)
        write_private(f, json.dumps({"tokens": self.session.tokens, "out": str(self.session.out)}))

    # ----------------------------------------------------------------- state
    def connected(self) -> list[str]:
        return sorted({s for r, s in self.clients.values() if r == "seat" and s})

    def deadline(self) -> float | None:
        if self.timer is None or self.session.paused:
            return None
        return max(0.0, self.timer - (time.monotonic() - self.turn_opened))

    def waiting_for(self) -> list[str]:
        """Seats the turn still waits for."""
        ses = self.session
        present = set(self.connected())
        absent_long = time.monotonic() - self.turn_opened >= self.wait
        out = []
        for a in ses.seats:
            if a not in present:
                if not absent_long:
                    out.append(a)
                continue
            if a not in ses.submitted or ses.open_for(a):
                out.append(a)
        return out

    def ready(self) -> bool:
        if self.session.done or self.session.paused or self.advancing:
            return False
        if not self.waiting_for():
            return True
        d = self.deadline()
        return d is not None and d <= 0.0

    # ----------------------------------------------------------------- sending
    async def _send(self, ws: ServerConnection, text: str) -> None:
        with contextlib.suppress(ConnectionClosed):
            await ws.send(text)

    def _state_text(self, role: str, seat: str | None, cache: dict) -> str:
        key = (role, seat)
        if key not in cache:
            cache[key] = P.dump(self.session.view(role, seat, self.connected(), self.deadline()))
        return cache[key]

    async def broadcast(self) -> None:
        cache: dict = {}
        await asyncio.gather(
            *(
                self._send(ws, self._state_text(r, s, cache))
                for ws, (r, s) in list(self.clients.items())
            )
        )
        if self.on_change:
            self.on_change()

    async def send_notice(self, n) -> None:
        msg = P.dump(P.Notice(turn=n.turn, text=n.text, private=n.to is not None, to=n.to))
        await asyncio.gather(
            *(
                self._send(ws, msg)
                for ws, (r, s) in list(self.clients.items())
                if n.to is None or r == "facilitator" or s == n.to
            )
        )

    # ----------------------------------------------------------------- connections
    async def handler(self, ws: ServerConnection) -> None:
        q = parse_qs(urlsplit(ws.request.path).query)
        seat = (q.get("seat") or [None])[0]
        token = (q.get("token") or [None])[0]
        try:
            role, seat = self.session.role_of(seat, token)
        except SessionError as exc:
            await self._send(ws, P.dump(P.Error(code=exc.code, message=exc.message)))
            await ws.close(4401, "unauthorised")
            return
        info = self.session.welcome_info(role, seat)
        if seat is not None:
            info["params"] = self.session.view(role, seat, []).params.get(seat, {})
        await self._send(ws, P.dump(P.Welcome(role=role, seat=seat, **info)))
        self.clients[ws] = (role, seat)
        await self._send(
            ws, P.dump(self.session.view(role, seat, self.connected(), self.deadline()))
        )
        await self.broadcast()
        try:
            async for raw in ws:
                await self.on_message(ws, role, seat, raw)
        except ConnectionClosed:
            pass
        finally:
            self.clients.pop(ws, None)
            if not self.finished.is_set():
                await self.broadcast()

    async def on_message(self, ws, role: str, seat: str | None, raw) -> None:
        ses = self.session
        try:
            msg = P.parse_client(raw)
            if msg.type in P.FACILITATOR_ONLY and role != "facilitator":
                raise SessionError("forbidden", f"only the facilitator may send '{msg.type}'")
            if msg.type in P.SEAT_ONLY and role != "seat":
                raise SessionError("forbidden", f"only a seat may send '{msg.type}'")
            if msg.type == "ping":
                return
            if msg.type == "submit":
                ses.submit(seat, msg.turn, msg.move)
            elif msg.type == "propose":
                p = ses.propose(seat, msg)
                await self.tell(p.to, f"{p.text()} (answer with its id {p.id})")
            elif msg.type == "respond":
                p = ses.respond(seat, msg)
                await self.tell(
                    p.to if p.counter_of else p.frm,
                    f"{seat} {'counters: ' + p.text() if p.counter_of else p.status}"
                    f" ({msg.proposal})",
                )
            elif msg.type == "inject":
                n = ses.inject(msg.shock, msg.to, msg.text)
                await self.send_notice(n)
            elif msg.type == "advance":
                await self.advance()
                return
            elif msg.type == "pause":
                self.set_paused(msg.paused)
            elif msg.type == "reseat":
                await self.reseat(msg.seat)
        except P.ProtocolError as exc:
            await self._send(ws, P.dump(P.Error(code=exc.code, message=exc.message)))
            return
        except SessionError as exc:
            await self._send(ws, P.dump(P.Error(code=exc.code, message=exc.message)))
            return
        ses.save()  # a host that dies mid-turn resumes with this turn's messages
        await self.broadcast()
        await self.maybe_advance()

    async def tell(self, seat: str, text: str) -> None:
        msg = P.dump(P.Notice(turn=self.session.playing, text=text, private=True, to=seat))
        await asyncio.gather(
            *(
                self._send(ws, msg)
                for ws, (r, s) in list(self.clients.items())
                if s == seat or r == "facilitator"
            )
        )

    # ----------------------------------------------------------------- facilitator actions
    def set_paused(self, paused: bool) -> None:
        ses = self.session
        if paused and not ses.paused:
            self._left = self.deadline()
        if not paused and ses.paused and self.timer is not None:
            left = getattr(self, "_left", None)
            self.turn_opened = time.monotonic() - (self.timer - (left or self.timer))
        ses.paused = paused
        ses.save()

    async def inject(self, shock: str | None, to: str | None = None, text: str = "") -> None:
        n = self.session.inject(shock, to, text)
        self.session.save()
        await self.send_notice(n)
        await self.broadcast()

    async def reseat(self, seat: str) -> str:
        token = self.session.reseat(seat)
        self.write_registry()
        for ws, (_r, s) in list(self.clients.items()):
            if s == seat:
                await ws.close(4409, "reseated")
        return token

    async def advance(self) -> None:
        """Play the turn now (seats that have not submitted keep the model's choice)."""
        ses = self.session
        if ses.done or self.advancing:
            return
        self.advancing = True
        try:
            t0 = time.monotonic()
            before = len(ses.notices)
            await asyncio.to_thread(ses.advance)
            self.turn_opened = time.monotonic()
            for n in ses.notices[before:]:  # the timetable's injects for the new turn
                await self.send_notice(n)
            await self.broadcast()
            self.last_advance_latency = time.monotonic() - t0
        finally:
            self.advancing = False
        if ses.done:
            await self.finish()

    async def finish(self) -> None:
        ses = self.session
        if self.report:
            from sim.game.debrief import write_debrief

            self.report_path = await asyncio.to_thread(write_debrief, ses)
        totals = {a: float(sum(v)) for a, v in ses.scores().items()}
        msg = P.dump(
            P.Over(report=str(self.report_path) if self.report_path else None, scores=totals)
        )
        await asyncio.gather(*(self._send(ws, msg) for ws in list(self.clients)))
        if self.on_change:
            self.on_change()
        self.finished.set()

    async def maybe_advance(self) -> None:
        if self.ready():
            await self.advance()

    async def ticker(self) -> None:
        last = None
        while not self.finished.is_set():
            await asyncio.sleep(TICK)
            await self.maybe_advance()
            d = self.deadline()
            if d is not None and self.on_change and int(d) != last:
                last = int(d)
                self.on_change()

    # ----------------------------------------------------------------- running
    async def start(self) -> None:
        self.server = await serve(
            self.handler, self.address, self.port, max_size=2**16, ping_interval=20, ping_timeout=20
        )
        self.port = self.server.sockets[0].getsockname()[1]
        self.session.save()
        self.write_registry()
        self.turn_opened = time.monotonic()
        self._ticker = asyncio.create_task(self.ticker())

    async def stop(self) -> None:
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()
        if hasattr(self, "_ticker"):
            self._ticker.cancel()
        try:
            f = registry_file(self.port)
            if json.loads(f.read_text())["tokens"] == self.session.tokens:
                f.unlink()
        except (OSError, ValueError, KeyError):
            pass

    async def run_until_done(self, timeout: float | None = None) -> None:
        """Serve until the game is over (then linger so clients read the end), or timeout."""
        await self.start()
        try:
            await asyncio.wait_for(self.finished.wait(), timeout)
            await asyncio.sleep(self.linger)
        finally:
            await self.stop()
