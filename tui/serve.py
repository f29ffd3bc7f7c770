"""`wargame serve`: the terminal UI in web browsers, guarded like a notebook server.

textual-serve's `Server` runs one app process per browser session. This subclass adds:
- a random token, required by default: the printed URL carries it (`/?token=...`), the page
  sets it as a cookie for its own files, and the websocket path holds it (`/ws/<token>`);
  any request without it gets 403;
- `public_url`: the address browsers use (behind a proxy or on a LAN), from which the
  page's websocket URL is built;
- a cap on concurrent sessions (503 past it) and an idle timeout per session;
- SIGINT/SIGTERM stop every session's process and the server within about a second.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import ipaddress
import os
import secrets
import signal
import sys
import time
from urllib.parse import urlsplit

import aiohttp_jinja2
from aiohttp import web
from aiohttp.web_runner import GracefulExit
from textual_serve.app_service import AppService
from textual_serve.server import Server, log, to_int

from sim.errors import InputError

COOKIE = "wargame_token"


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_public_url(url: str) -> str:
    """'http(s)://host[:port][/prefix]' without a trailing slash, or an InputError."""
    parts = urlsplit(url)
    if (
        parts.scheme not in ("http", "https")
        or not parts.netloc
        or " " in url
        or parts.query
        or parts.fragment
    ):
        raise InputError(
            "--public-url",
            "",
            f"'{url}' is not an http:// or https:// address "
            "(e.g. https://games.example.org/wargame)",
        )
    return url.rstrip("/")


def check_host(host: str) -> str:
    if not host or any(c in host for c in " /?#"):
        raise InputError("--host", "", f"'{host}' is not an address; e.g. 127.0.0.1 or 0.0.0.0")
    return host


class GuardedServer(Server):
    """textual-serve with a token, a public URL, a session cap and an idle timeout."""

    def __init__(
        self,
        command: str,
        host: str = "127.0.0.1",
        port: int = 8000,
        title: str | None = None,
        public_url: str | None = None,
        token: str | None = None,
        max_sessions: int = 8,
        idle_timeout: float = 1800.0,
    ):
        host = check_host(host)
        if public_url is None:
            shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
            public_url = f"http://{shown}:{port}"
        super().__init__(
            command, host=host, port=port, title=title, public_url=check_public_url(public_url)
        )
        self.token = token
        self.max_sessions = max_sessions
        self.idle_timeout = idle_timeout
        self.sessions: dict[int, dict] = {}
        self.stopping = False

    # ------------------------------------------------------------------ access
    @property
    def url(self) -> str:
        """The address to open, with the token."""
        return f"{self.public_url}/" + (f"?token={self.token}" if self.token else "")

    def _allowed(self, request: web.Request) -> bool:
        if self.token is None:
            return True
        given = (
            request.query.get("token")
            or request.cookies.get(COOKIE)
            or request.match_info.get("token", "")
        )
        return hmac.compare_digest(given.encode(), self.token.encode())

    @web.middleware
    async def _guard(self, request: web.Request, handler):
        if not self._allowed(request):
            raise web.HTTPForbidden(
                text="403: open the address with its token, as printed by `wargame serve`\n"
            )
        response = await handler(request)
        if self.token and request.query.get("token") and isinstance(response, web.Response):
            response.set_cookie(COOKIE, self.token, httponly=True, samesite="Strict")
        return response

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        app.middlewares.append(self._guard)
        app.router.add_get("/ws/{token}", self.handle_websocket, name="session")
        app.on_shutdown.append(self._stop_sessions)
        return app

    @aiohttp_jinja2.template("app_index.html")
    async def handle_index(self, request: web.Request) -> dict:
        """The page, with the token in its websocket URL (`/ws/<token>`)."""
        context = await Server.handle_index.__wrapped__(self, request)
        if self.token:
            context["app_websocket_url"] += f"/{self.token}"
        return context

    # ---------------------------------------------------------------- sessions
    async def handle_websocket(self, request: web.Request) -> web.StreamResponse:
        """One browser session: textual-serve's handler plus the cap, activity stamps for
        the idle timeout, and a record for shutdown."""
        if len(self.sessions) >= self.max_sessions:
            raise web.HTTPServiceUnavailable(
                text=f"503: all {self.max_sessions} sessions are in use; try again later\n"
            )
        websocket = web.WebSocketResponse(heartbeat=15)
        width = to_int(request.query.get("width", "80"), 80)
        height = to_int(request.query.get("height", "24"), 24)
        session = {"last": time.monotonic(), "ws": websocket, "service": None}
        key = id(session)
        self.sessions[key] = session
        watchdog = asyncio.ensure_future(self._watch_idle(session))
        try:
            await websocket.prepare(request)
            session["service"] = service = AppService(
                self.command,
                write_bytes=websocket.send_bytes,
                write_str=websocket.send_str,
                close=websocket.close,
                download_manager=self.download_manager,
                debug=self.debug,
            )
            await service.start(max(20, min(width, 500)), max(10, min(height, 300)))
            await self._process_messages(_Touching(websocket, session), service)
        except asyncio.CancelledError:
            await websocket.close()
        except Exception as error:  # noqa: BLE001 - one session must not stop the server
            log.exception(error)
        finally:
            watchdog.cancel()
            self.sessions.pop(key, None)
            if self.stopping:
                _kill(session["service"])
            else:
                await _stop(session["service"])
        return websocket

    async def _watch_idle(self, session: dict) -> None:
        while True:
            await asyncio.sleep(min(5.0, self.idle_timeout / 4))
            if time.monotonic() - session["last"] > self.idle_timeout:
                await session["ws"].close(message=b"idle timeout")
                return

    async def _stop_sessions(self, app: web.Application) -> None:
        """Close every session and kill its app process (within about a second)."""
        self.stopping = True
        for s in list(self.sessions.values()):
            _kill(s.get("service"))
            with contextlib.suppress(TimeoutError, ConnectionError):
                await asyncio.wait_for(s["ws"].close(), 0.5)

    # ------------------------------------------------------------------- start
    async def on_startup(self, app: web.Application) -> None:
        """Nothing to say yet: the address is printed once the port is listening."""

    def _announce(self, *_args) -> None:
        print(f"Serving the allied wargame on {self.url}", flush=True)
        print("Press Ctrl+C to stop.", flush=True)

    def request_exit(self) -> None:
        raise GracefulExit()

    def serve(self, debug: bool = False) -> None:
        self.debug = debug
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, self.request_exit)
        web.run_app(
            self._make_app(),
            host=self.host,
            port=self.port,
            handle_signals=False,
            loop=loop,
            print=self._announce,
            shutdown_timeout=0.5,
        )
        # Every session's process is gone and the port is closed; skip the interpreter's
        # slow teardown (seconds, joining executor threads) so a signal stops us at once.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)


class _Touching:
    """A websocket wrapper that stamps the session's last activity on every message."""

    def __init__(self, ws, session: dict):
        self.ws, self.session = ws, session

    def __getattr__(self, name):
        return getattr(self.ws, name)

    def __aiter__(self):
        return self._iter()

    async def _iter(self):
        async for message in self.ws:
            self.session["last"] = time.monotonic()
            yield message


def _kill(service) -> None:
    proc = getattr(service, "_process", None)
    if proc is not None and proc.returncode is None:
        proc.kill()


async def _stop(service) -> None:
    """Ask the app to quit; kill its process if it has not within two seconds."""
    if service is None:
        return
    try:
        await asyncio.wait_for(service.stop(), 2.0)
    except (TimeoutError, Exception):  # noqa: BLE001
        _kill(service)


def new_token() -> str:
    return secrets.token_urlsafe(24)
