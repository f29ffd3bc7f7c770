"""Two browser seats in one hosted game, in Debian's chromium driven by Playwright.

A headless host runs the game; each seat's screen is served by `wargame join ... --serve`
(textual-serve, the seat's token in its environment); chromium opens both pages at the
addresses they print. The facilitator sends each team a private
inject; each page shows its own and never the other's. Textual draws on a canvas, so what a
page shows is read from the terminal stream the page itself receives over its websocket.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from websockets.asyncio.client import connect

from sim.game import protocol as P

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def shown(frames: list[str]) -> str:
    """The characters a page drew, without the terminal's escape sequences."""
    return ANSI.sub("", "".join(frames))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, timeout: float = 30.0) -> None:
    end = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            if time.monotonic() > end:
                raise
            time.sleep(0.2)


def wait_file(path: Path, timeout: float = 30.0) -> None:
    end = time.monotonic() + timeout
    while not path.exists():
        if time.monotonic() > end:
            raise AssertionError(f"{path} never written")
        time.sleep(0.1)


async def inject_privately(url: str) -> None:
    async with connect(url) as ws:
        await ws.recv()
        await ws.recv()
        await ws.send(
            P.dump(P.Inject(to="JPN", text="Tokyo-only cable: Beijing plans a blockade drill."))
        )
        await ws.send(
            P.dump(
                P.Inject(to="GBR", text="London-only cable: the Treasury cuts the carrier budget.")
            )
        )
        await asyncio.sleep(0.5)


def test_two_browser_seats_each_see_only_their_private_inject(tmp_path):
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    env = {**os.environ, "XDG_RUNTIME_DIR": str(tmp_path / "run")}
    port = free_port()
    out = tmp_path / "game"
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "sim",
                "host",
                "classroom",
                "--headless",
                "--turns",
                "4",
                "--port",
                str(port),
                "--out",
                str(out),
                "--wait",
                "600",
                "--timeout",
                "170",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    ]
    try:
        wait_file(out / "tokens.json")
        tokens = json.loads((out / "tokens.json").read_text())
        pages = {}
        for seat in ("JPN", "GBR"):
            web = free_port()
            # the seat's token in the environment, off the command line
            procs.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "sim",
                        "join",
                        f"ws://127.0.0.1:{port}/?seat={seat}",
                        "--serve",
                        "--port",
                        str(web),
                    ],
                    env={**env, "WARGAME_TOKEN": tokens[seat]},
                    stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL,
                    text=True,
                )
            )
            # the page is guarded by its own token, printed with its address
            line = procs[-1].stdout.readline()
            m = re.search(r"on (http://127\.0\.0\.1:\d+/\?token=\S+)", line)
            assert m, line
            pages[seat] = m.group(1)
        for url in pages.values():
            wait_http(url)
        seen = {seat: [] for seat in pages}
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, timeout=60_000)
            try:
                tabs = {}
                for seat, url in pages.items():
                    page = browser.new_page(viewport={"width": 1200, "height": 800})

                    def on_ws(ws, seat=seat):
                        def grab(payload):
                            seen[seat].append(
                                payload.decode("utf-8", "replace")
                                if isinstance(payload, bytes)
                                else payload
                            )

                        ws.on("framereceived", grab)

                    page.on("websocket", on_ws)
                    page.goto(url, timeout=60_000)
                    tabs[seat] = page

                def until(seat, needle, timeout=120.0, key=None):
                    # on a loaded machine a key pressed before the page's app is ready can be
                    # lost: `key` is pressed again every 10 s until the needle shows
                    end = time.monotonic() + timeout
                    again = time.monotonic() + 10
                    while needle not in shown(seen[seat]):
                        if time.monotonic() > end:
                            raise AssertionError(
                                f"{seat}'s page never showed {needle!r}: "
                                f"{''.join(seen[seat])[-400:]!r}"
                            )
                        if key and time.monotonic() > again:
                            tabs[seat].locator(".textual-terminal").click()
                            tabs[seat].keyboard.press(key)
                            again = time.monotonic() + 10
                        tabs[seat].wait_for_timeout(200)

                until("JPN", "Brief")
                until("GBR", "Brief")
                fac = f"ws://127.0.0.1:{port}/?seat=facilitator&token={tokens['facilitator']}"
                # Playwright's sync API owns this thread's event loop: inject from another
                errors: list = []

                def send():
                    try:
                        asyncio.run(asyncio.wait_for(inject_privately(fac), 30))
                    except Exception as exc:  # reported below
                        errors.append(exc)

                t = threading.Thread(target=send)
                t.start()
                t.join(40)
                assert not errors and not t.is_alive(), errors
                for page in tabs.values():
                    page.locator(".textual-terminal").click()
                    page.keyboard.press("4")  # the Private tab
                until("JPN", "Tokyo-only", key="4")
                until("GBR", "London-only", key="4")
                for seat, page in tabs.items():
                    page.keyboard.press("7")  # and the log
                    page.wait_for_timeout(1500)
                    page.screenshot(path=str(tmp_path / f"{seat}.png"))
            finally:
                browser.close()
        assert "London-only" not in shown(seen["JPN"])
        assert "Tokyo-only" not in shown(seen["GBR"])
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
        shutil.rmtree(tmp_path / "run", ignore_errors=True)
