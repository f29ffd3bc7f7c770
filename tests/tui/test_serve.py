"""`wargame serve`: the app reaches a browser over textual-serve's page and websocket.

The test plays the browser's part: it loads the page, opens the websocket the page names,
waits for the dashboard to be drawn, presses `n` and sees the date advance.
"""

from __future__ import annotations

import asyncio
import re
import socket
import subprocess
import sys
import time
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
    async with aiohttp.ClientSession() as session, \
            session.ws_connect(f"{ws_url}?width=160&height=50") as ws:
        seen: list[str] = []
        await screen_until(ws, "JPN-NATO", seen)
        assert "2020-Q1" in "".join(seen)
        await ws.send_json(["stdin", "n"])
        await screen_until(ws, "2020-Q2", seen)
        await ws.send_json(["stdin", "q"])


def test_serve_shows_the_dashboard_in_a_browser_session():
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "sim", "serve", "baseline", "--seed", "1",
                             "--port", str(port)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        page = wait_for_page(f"http://127.0.0.1:{port}/")
        ws_url = re.search(r'data-session-websocket-url="([^"]+)"', page).group(1)
        assert ws_url.startswith(f"ws://127.0.0.1:{port}/")
        asyncio.run(asyncio.wait_for(drive(ws_url), 60))
    finally:
        proc.kill()
        proc.wait(timeout=10)
