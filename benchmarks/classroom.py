"""A hosted classroom game under a full room: eight seat screens (the five seats, three of
them with a second screen) plus thirty observers, against the 1 s target.

Usage: .venv/bin/python benchmarks/classroom.py [--turns 12] [--observers 30]
The host runs headless in its own process (as in class); every client is a real WebSocket
connection from this process. Per turn: the five seats submit; the time is taken from the
last submission sent until every one of the connections has received the new turn's state.
Memory per connection is the growth of the host process's resident memory once every client
is connected, divided by the number of connections.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from websockets.asyncio.client import connect

TARGET_S = 1.0
SEATS = ["JPN", "GBR", "FRA", "DEU", "NATO"]
SECOND_SCREENS = ["JPN", "GBR", "FRA"]


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Client:
    def __init__(self, url: str):
        self.url = url
        self.turn = -1
        self.arrived: dict[int, float] = {}

    async def run(self, ready: asyncio.Event, counter: list[int], total: int):
        async with connect(self.url, max_size=2**22) as ws:
            self.ws = ws
            async for raw in ws:
                msg = json.loads(raw)
                if msg["type"] == "state" and msg["turn"] > self.turn:
                    if self.turn == -1:
                        counter[0] += 1
                        if counter[0] == total:
                            ready.set()
                    self.turn = msg["turn"]
                    self.arrived[self.turn] = time.perf_counter()
                elif msg["type"] == "over":
                    return


async def bench(turns: int, observers: int) -> tuple[list[float], float, int]:
    port = free_port()
    out = Path(tempfile.mkdtemp()) / "game"
    env = {**os.environ, "XDG_RUNTIME_DIR": str(out.parent / "run")}
    host = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sim",
            "host",
            "classroom",
            "--headless",
            "--turns",
            str(turns),
            "--port",
            str(port),
            "--out",
            str(out),
            "--wait",
            "600",
            "--timeout",
            "600",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while not (out / "tokens.json").exists():
            await asyncio.sleep(0.1)
        await asyncio.sleep(0.5)
        tokens = json.loads((out / "tokens.json").read_text())
        before = rss_kib(host.pid)

        def url(seat):
            return f"ws://127.0.0.1:{port}/?seat={seat}&token={tokens[seat]}"

        seats = {a: Client(url(a)) for a in SEATS}
        others = [Client(url(a)) for a in SECOND_SCREENS] + [
            Client(url("observer")) for _ in range(observers)
        ]
        everyone = list(seats.values()) + others
        ready, counter = asyncio.Event(), [0]
        tasks = [asyncio.create_task(c.run(ready, counter, len(everyone))) for c in everyone]
        await asyncio.wait_for(ready.wait(), 60)
        await asyncio.sleep(1.0)
        per_conn = (rss_kib(host.pid) - before) / len(everyone)
        lat = []
        for t in range(1, turns + 1):
            for a, c in seats.items():
                await c.ws.send(
                    json.dumps(
                        {
                            "v": 1,
                            "type": "submit",
                            "turn": t,
                            "move": {"priorities": [] if a != "JPN" else ["GBR"]},
                        }
                    )
                )
            sent = time.perf_counter()
            end = sent + 30
            while not all(t in c.arrived for c in everyone):
                if time.perf_counter() > end:
                    raise RuntimeError(f"turn {t} did not reach every client in 30 s")
                await asyncio.sleep(0.001)
            lat.append(max(c.arrived[t] for c in everyone) - sent)
        await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), 120)
        return lat, per_conn, len(everyone)
    finally:
        host.terminate()
        host.wait(timeout=10)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--turns", type=int, default=12)
    ap.add_argument("--observers", type=int, default=30)
    a = ap.parse_args()
    lat, per_conn, n = asyncio.run(bench(a.turns, a.observers))
    med, worst = statistics.median(lat), max(lat)
    print(f"{n} connections (8 seat screens + {a.observers} observers), {a.turns} turns")
    print(
        f"last submission -> every screen has the new turn: median {med * 1000:.0f} ms, "
        f"worst {worst * 1000:.0f} ms"
    )
    print(
        f"ratio to the {TARGET_S:g} s goal: median {med / TARGET_S:.3f}, "
        f"worst {worst / TARGET_S:.3f} (below 1 meets it)"
    )
    print(f"host memory per connection: {per_conn:.0f} KiB")


if __name__ == "__main__":
    main()
