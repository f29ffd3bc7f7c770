"""`wargame serve` under N concurrent browser sessions, on loopback only: time to first screen
(the dashboard drawn) per session, memory per session (resident set of each session's game
process), and time to stop on SIGTERM with every session open.

    python benchmarks/serve.py [--clients 4] [--scenario baseline]

Each client does what the page does: load the page with the token, open the websocket the
page names, and wait until the dashboard shows JPN-NATO; then presses `n` once and waits for
the next quarter. The run is bounded: every wait has a timeout and the server is stopped at
the end whatever happens.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import aiohttp


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_of_children(pid: int) -> list[int]:
    """Resident set (bytes) of each game process the server started."""
    out = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            try:
                status = Path(f"/proc/{child}/status").read_text()
            except OSError:
                continue
            m = re.search(r"VmRSS:\s+(\d+) kB", status)
            if m:
                out.append(int(m.group(1)) * 1024)
    return out


async def client(
    url: str, t0: float, done: asyncio.Event, played: list[float]
) -> tuple[float, float]:
    async with aiohttp.ClientSession() as session:
        async with session.get(url) as r:
            page = await r.text()
        ws_url = re.search(r'data-session-websocket-url="([^"]+)"', page).group(1)
        async with session.ws_connect(f"{ws_url}?width=160&height=50") as ws:
            seen = ""
            first = None
            end = time.monotonic() + 120
            while True:
                msg = await asyncio.wait_for(ws.receive(), max(0.1, end - time.monotonic()))
                if msg.type not in (aiohttp.WSMsgType.BINARY, aiohttp.WSMsgType.TEXT):
                    raise RuntimeError(f"websocket closed: {msg.type}")
                data = msg.data
                seen += data.decode("utf-8", "replace") if isinstance(data, bytes) else data
                if first is None and "JPN-NATO" in seen:
                    first = time.monotonic() - t0
                    seen = ""
                    await ws.send_json(["stdin", "n"])
                    t1 = time.monotonic()
                elif first is not None and "2020-Q2" in seen:
                    took = time.monotonic() - t1
                    played.append(took)
                    await done.wait()  # keep the session open until memory is measured
                    return first, took


async def run(url: str, n: int, pid: int) -> tuple[list[tuple[float, float]], list[int]]:
    """Run n clients; measure the game processes once every session has drawn its first
    screen and played its first turn, while all of them are still open."""
    t0, done, played = time.monotonic(), asyncio.Event(), []
    tasks = [asyncio.ensure_future(client(url, t0, done, played)) for _ in range(n)]
    while len(played) < n and not any(t.done() for t in tasks):
        await asyncio.sleep(0.2)
    rss = rss_of_children(pid)
    done.set()
    return await asyncio.gather(*tasks), rss


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--scenario", default="baseline")
    a = ap.parse_args()
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sim",
            "serve",
            a.scenario,
            "--port",
            str(port),
            "--sessions",
            str(a.clients),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        line = proc.stdout.readline()
        url = re.search(r"on (http\S+)", line).group(1)
        server_rss = (
            int(re.search(r"VmRSS:\s+(\d+)", Path(f"/proc/{proc.pid}/status").read_text()).group(1))
            * 1024
        )
        results, sessions = asyncio.run(asyncio.wait_for(run(url, a.clients, proc.pid), 300))
        t = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        proc.wait(10)
        stop = time.monotonic() - t
    finally:
        proc.kill()
        proc.wait()
    firsts = [f for f, _ in results]
    turns = [s for _, s in results]
    print(f"{a.clients} concurrent browser sessions on loopback ({a.scenario})")
    print(
        f"  time to first screen   median {statistics.median(firsts):.2f} s, "
        f"max {max(firsts):.2f} s"
    )
    print(
        f"  first turn after 'n'   median {statistics.median(turns):.2f} s, max {max(turns):.2f} s"
    )
    print(
        f"  memory per session     mean {statistics.mean(sessions) / 1e6:.0f} MB, "
        f"max {max(sessions) / 1e6:.0f} MB ({len(sessions)} game processes)"
    )
    print(f"  server process         {server_rss / 1e6:.0f} MB")
    print(
        f"  stop on SIGTERM        {stop:.2f} s with {a.clients} sessions open "
        f"(goal < 2 s: ratio {stop / 2:.2f})"
    )


if __name__ == "__main__":
    main()
