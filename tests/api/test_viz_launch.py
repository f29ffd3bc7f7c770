"""`python -m sim.viz`: the model page's server listens on loopback unless told otherwise,
even when $HOST names every interface, and bad input is one line."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytest.importorskip("solara", reason="the viz extra is not installed: pip install -e '.[viz]'")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _listening(port: int) -> set[str]:
    """The local addresses a TCP socket listens on at `port` (Linux's /proc/net/tcp)."""
    out = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        address, _, hex_port = local.partition(":")
        if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
            out.add(socket.inet_ntoa(bytes.fromhex(address)[::-1]))
    return out


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="needs Linux's /proc/net/tcp")
def test_the_page_is_served_on_loopback_only(tmp_path):
    port = _free_port()
    log = tmp_path / "server.log"
    env = {**os.environ, "HOST": "0.0.0.0", "SOLARA_PROXY_CACHE_DIR": str(tmp_path / "cache")}
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "sim.viz", "baseline", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        end = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as r:
                    page = r.read().decode()
                break
            except OSError:
                assert proc.poll() is None, log.read_text()
                assert time.monotonic() < end, log.read_text()
                time.sleep(0.2)
        assert "solara" in page.lower()
        assert f"http://127.0.0.1:{port}" in log.read_text()
        assert _listening(port) == {"127.0.0.1"}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def test_the_launcher_asks_solara_for_loopback_and_the_scenario(monkeypatch):
    from solara.__main__ import cli

    from sim.viz import SCENARIO_ENV
    from sim.viz.__main__ import main

    seen = {}

    def fake_main(args, prog_name):
        seen["args"] = args
        seen["scenario"] = os.environ[SCENARIO_ENV]

    monkeypatch.setattr(cli, "main", fake_main)
    monkeypatch.setenv("HOST", "0.0.0.0")
    monkeypatch.setenv(SCENARIO_ENV, "")  # restored after the test: main() sets it
    assert main(["china-coercion", "--port", "9999"]) == 0
    args = seen["args"]
    assert args[:2] == ["run", "sim.viz.page"] and seen["scenario"] == "china-coercion"
    assert args[args.index("--host") + 1] == "127.0.0.1" and "--no-open" in args
    assert main(["--host", "0.0.0.0"]) == 0  # another address only when asked for
    assert seen["args"][seen["args"].index("--host") + 1] == "0.0.0.0"


def test_bad_input_and_a_missing_extra_are_one_line(capsys, monkeypatch):
    from sim.viz.__main__ import main

    assert main(["nosuch"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no such scenario" in err and "baseline" in err
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "solara" else real(name, *a)
    )
    assert main([]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "pip install -e '.[viz]'" in err and "solara" in err
