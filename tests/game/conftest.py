from __future__ import annotations

import asyncio

import pytest

from sim.game.client import Connection


@pytest.fixture(autouse=True)
def private_registry(tmp_path, monkeypatch):
    """Hosts write their loopback token registry under tmp_path, never in the home folder."""
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path / "run"))


class Team:
    """A scripted client over a real socket: records every message it receives."""

    def __init__(self, url: str):
        self.conn = Connection(url)
        self.seen: list = []
        self.task = asyncio.create_task(self._read())

    async def _read(self):
        async for msg in self.conn.messages():
            self.seen.append(msg)

    @property
    def state(self):
        return self.conn.state

    async def until(self, cond, timeout: float = 15.0):
        end = asyncio.get_running_loop().time() + timeout
        while not cond():
            if asyncio.get_running_loop().time() > end:
                raise AssertionError("condition not reached")
            await asyncio.sleep(0.01)

    async def turn(self, t: int):
        await self.until(lambda: self.state is not None and self.state.turn >= t)

    def of(self, kind: str) -> list:
        return [m for m in self.seen if m.type == kind]

    async def close(self):
        await self.conn.close()
        self.task.cancel()
