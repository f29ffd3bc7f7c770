"""`wargame serve`: the app reaches a browser over textual-serve's page and websocket.

The test plays the browser's part: it loads the page, opens the websocket the page names,
waits for the dashboard to be drawn, presses `n` and sees the date advance.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

aiohttp = pytest.importorskip("aiohttp")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_page(url: str, timeout: float = 20.0) -> str:
    end = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                return r.read().decode()
        except OSError:
            if time.monotonic() > end:
                raise
            time.sleep(0.2)


async def screen_until(ws, needle: str, seen: list[str], timeout: float = 30.0) -> None:
    end = time.monotonic() + timeout
    while needle not in "".join(seen):
        left = end - time.monotonic()
        if left <= 0:
            raise AssertionError(f"{needle!r} never drawn")
        try:
            msg = await asyncio.wait_for(ws.receive(), left)
        except TimeoutError:
            raise AssertionError(f"{needle!r} never drawn") from None
        if msg.type == aiohttp.WSMsgType.BINARY:
            seen.append(msg.data.decode("utf-8", "replace"))
        elif msg.type == aiohttp.WSMsgType.TEXT:
            seen.append(msg.data)
        elif msg.type in (aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR):
            raise AssertionError("websocket closed")


async def drive(ws_url: str) -> None:
    async with (
        aiohttp.ClientSession() as session,
        session.ws_connect(f"{ws_url}?width=160&height=50") as ws,
    ):
        seen: list[str] = []
        await screen_until(ws, "JPN-NATO", seen)
        assert "2020-Q1" in "".join(seen)
        await ws.send_json(["stdin", "n"])
        await screen_until(ws, "2020-Q2", seen)
        await ws.send_json(["stdin", "q"])


def start(*args: str, port: int | None = None):
    """`wargame serve baseline ARGS` on a free loopback port; returns (process, port, URL
    printed with its token)."""
    port = port or free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sim",
            "serve",
            "baseline",
            "--seed",
            "1",
            "--port",
            str(port),
            *args,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    line = proc.stdout.readline()  # blocks until the server prints its address
    m = re.search(r"on (http\S+)", line)
    if m is None:
        proc.kill()
        raise AssertionError(f"no address printed: {line!r} {proc.stderr.read()[-500:]}")
    return proc, port, m.group(1)


def status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_serve_shows_the_dashboard_in_a_browser_session():
    proc, port, url = start()
    try:
        assert url.startswith(f"http://127.0.0.1:{port}/?token=")
        token = url.split("token=")[1]
        assert len(token) >= 24
        page = wait_for_page(url)
        ws_url = re.search(r'data-session-websocket-url="([^"]+)"', page).group(1)
        assert ws_url == f"ws://127.0.0.1:{port}/ws/{token}"
        asyncio.run(asyncio.wait_for(drive(ws_url), 60))
    finally:
        proc.kill()
        proc.wait()


def test_token_is_required_and_public_url_names_the_websocket():
    proc, port, url = start(
        "--public-url", "https://games.example.org/wargame/", "--token", "t" * 20
    )
    base = f"http://127.0.0.1:{port}"
    try:
        assert url == "https://games.example.org/wargame/?token=" + "t" * 20
        for path in (
            "/",
            "/?token=wrong",
            "/static/js/textual.js",
            "/ws",
            "/ws/wrong",
            "/download/x",
            "/?token=" + "t" * 19,
        ):
            assert status(base + path) == 403, path
        page = wait_for_page(f"{base}/?token={'t' * 20}")
        assert 'data-session-websocket-url="wss://games.example.org/wargame/ws/' + "t" * 20 in page
        assert status(f"{base}/static/js/textual.js?token={'t' * 20}") == 200
    finally:
        proc.kill()
        proc.wait()


def test_session_cap():
    proc, port, url = start("--sessions", "1")
    token = url.split("token=")[1]
    ws_url = f"ws://127.0.0.1:{port}/ws/{token}"

    async def two():
        async with (
            aiohttp.ClientSession() as session,
            session.ws_connect(f"{ws_url}?width=100&height=30") as ws,
        ):
            await screen_until(ws, "JPN-NATO", [])
            with pytest.raises(aiohttp.WSServerHandshakeError) as exc:
                async with session.ws_connect(ws_url):
                    pass
            assert exc.value.status == 503

    try:
        asyncio.run(asyncio.wait_for(two(), 90))
    finally:
        proc.kill()
        proc.wait()


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_signal_stops_server_and_sessions_quickly(sig):
    proc, port, url = start()
    token = url.split("token=")[1]

    async def open_session_then_signal() -> float:
        async with (
            aiohttp.ClientSession() as session,
            session.ws_connect(f"ws://127.0.0.1:{port}/ws/{token}?width=100&height=30") as ws,
        ):
            await screen_until(ws, "JPN-NATO", [])
            t0 = time.monotonic()
            proc.send_signal(sig)
            await asyncio.get_running_loop().run_in_executor(None, proc.wait, 10)
            return time.monotonic() - t0

    try:
        took = asyncio.run(asyncio.wait_for(open_session_then_signal(), 90))
        assert proc.returncode is not None and took < 2.0, took
    finally:
        proc.kill()
        proc.wait()


def test_non_loopback_host_warns_and_keeps_the_token():
    from sim.cli.main import main

    with pytest.raises(SystemExit) as exc:
        main(["serve", "--host", "0.0.0.0", "--no-token"])
    assert exc.value.code == 2


def session_processes(server_pid: int) -> list[int]:
    """The app processes the server started (one per browser session)."""
    from pathlib import Path

    return [
        int(child)
        for task in Path(f"/proc/{server_pid}/task").iterdir()
        for child in (task / "children").read_text().split()
    ]


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_killed_server_leaves_no_session_process_behind():
    proc, port, url = start()
    token = url.split("token=")[1]
    sessions: list[int] = []

    async def open_session_then_kill() -> None:
        async with (
            aiohttp.ClientSession() as session,
            session.ws_connect(f"ws://127.0.0.1:{port}/ws/{token}?width=100&height=30") as ws,
        ):
            await screen_until(ws, "JPN-NATO", [])
            sessions.extend(session_processes(proc.pid))
            proc.kill()  # no chance to stop its sessions
            proc.wait()

    try:
        asyncio.run(asyncio.wait_for(open_session_then_kill(), 90))
        assert len(sessions) == 1
        end = time.monotonic() + 10
        while alive(sessions[0]) and time.monotonic() < end:
            time.sleep(0.1)
        assert not alive(sessions[0]), "the session's process outlived its server"
    finally:
        proc.kill()
        proc.wait()
        for pid in sessions:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
