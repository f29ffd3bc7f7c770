"""Join tokens stay off command lines (which every user of the machine can read in the
process list): a client takes its token from $WARGAME_TOKEN, a file or a prompt, and
`join --serve` hands it to the processes it starts in their environment."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import aiohttp
import pytest

from sim.errors import InputError
from sim.game.client import TOKEN_ENV, child_command, join_url

WARGAME = [sys.executable, "-m", "sim"]
ADDR = "ws://10.0.0.9:8765"  # not loopback: no registry lookup


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_the_token_comes_from_the_environment_a_file_or_a_prompt(tmp_path):
    env = {TOKEN_ENV: "envtok123"}
    assert join_url(ADDR, "JPN", environ=env) == f"{ADDR}/?seat=JPN&token=envtok123"
    # the whole join address in the variable works too; another seat's does not count
    env = {TOKEN_ENV: f"{ADDR}/?seat=GBR&token=gbrtok99"}
    assert join_url(ADDR, "GBR", environ=env).endswith("seat=GBR&token=gbrtok99")
    with pytest.raises(InputError, match="no token for seat JPN"):
        join_url(ADDR, "JPN", environ=env)
    # a file: the token, the line the host printed, or the host's tokens.json
    f = tmp_path / "jpn.txt"
    f.write_text("filetok456\n")
    assert join_url(ADDR, "JPN", token_file=str(f), environ={}).endswith("token=filetok456")
    f.write_text(f"  JPN          {ADDR}/?seat=JPN&token=linetok7\n")
    assert join_url(ADDR, "JPN", token_file=str(f), environ={}).endswith("token=linetok7")
    f.write_text(json.dumps({"JPN": "jsontok8", "GBR": "x" * 16}))
    assert join_url(ADDR, "JPN", token_file=str(f), environ={}).endswith("token=jsontok8")
    # precedence: --token, the address, the file, the variable, then a prompt
    env = {TOKEN_ENV: "envtok123"}
    assert join_url(
        f"{ADDR}/?seat=JPN&token=addrtok1", token="opt12345", token_file=str(f), environ=env
    ).endswith("token=opt12345")
    assert join_url(f"{ADDR}/?seat=JPN&token=addrtok1", token_file=str(f), environ=env).endswith(
        "token=addrtok1"
    )
    assert join_url(ADDR, "JPN", token_file=str(f), environ=env).endswith("token=jsontok8")
    asked = []
    assert join_url(
        ADDR, "JPN", environ={}, prompt=lambda t: asked.append(t) or "typed999"
    ).endswith("token=typed999")
    assert asked == ["token (or join address) for JPN"]
    assert join_url(ADDR, "JPN", environ=env, prompt=lambda t: 1 / 0).endswith("envtok123")
    # what is not a token is one clear error naming where it came from
    with pytest.raises(InputError, match=f"{TOKEN_ENV}: not a token or a join address"):
        join_url(ADDR, "JPN", environ={TOKEN_ENV: "two words"})
    f.write_text("<html>")
    with pytest.raises(InputError, match=f"{re.escape(str(f))}: not a token"):
        join_url(ADDR, "JPN", token_file=str(f), environ={})


def test_the_command_join_serve_builds_carries_no_token():
    url = join_url(ADDR, "JPN", token="s3cret-T0ken", environ={})
    argv, env = child_command(url)
    assert env == {TOKEN_ENV: "s3cret-T0ken"}
    assert not any("s3cret-T0ken" in a for a in argv)
    assert argv[-1] == f"{ADDR}/?seat=JPN" and argv[:4] == [*WARGAME, "join"]
    # the child, with that environment, joins the same address
    assert join_url(argv[-1], environ=env) == url


def _cmdline(pid: int) -> str:
    return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()


def _descendants(pid: int) -> list[int]:
    kids = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(OSError):
            kids += [int(k) for k in (task / "children").read_text().split()]
    return kids + [d for k in kids for d in _descendants(k)]


async def _until_connected(port: int, fac_token: str, seat: str) -> None:
    from websockets.asyncio.client import connect

    from sim.game import protocol as P

    url = f"ws://127.0.0.1:{port}/?seat=facilitator&token={fac_token}"
    end = time.monotonic() + 60
    async with connect(url) as ws:
        while True:
            msg = P.parse_host(await asyncio.wait_for(ws.recv(), end - time.monotonic()))
            if msg.type == "state" and seat in msg.connected:
                return


def _host(tmp_path, port: int, turns: int, env: dict) -> tuple[subprocess.Popen, dict]:
    """A headless host of the classroom game with two seats, Japan and the UK."""
    from sim.inputs.loader import scenarios_dir

    sc = tmp_path / "two-seats.yaml"
    sc.write_text(
        (scenarios_dir() / "classroom.yaml")
        .read_text()
        .replace("seats: [JPN, GBR, FRA, DEU, NATO]", "seats: [JPN, GBR]")
    )
    out = tmp_path / "DIR"
    host = subprocess.Popen(
        [
            *WARGAME,
            "host",
            str(sc),
            "--headless",
            "--turns",
            str(turns),
            "--port",
            str(port),
            "--out",
            str(out),
            "--wait",
            "120",
            "--timeout",
            "300",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    end = time.monotonic() + 120
    while not (out / "tokens.json").exists():
        assert host.poll() is None and time.monotonic() < end, host.stderr.read()
        time.sleep(0.1)
    time.sleep(0.3)
    return host, json.loads((out / "tokens.json").read_text())


def _stop(*procs) -> None:
    for p in procs:
        if p.poll() is None:
            p.kill()
            p.wait(timeout=10)


def test_bots_join_a_real_host_with_the_token_from_the_environment_and_a_file(tmp_path):
    port = free_port()
    host_env = {**os.environ, "XDG_RUNTIME_DIR": str(tmp_path / "host-run")}
    # the clients cannot see the host's registry: the token must come from where we say
    client_env = {**os.environ, "XDG_RUNTIME_DIR": str(tmp_path / "client-run")}
    client_env.pop(TOKEN_ENV, None)
    host, tokens = _host(tmp_path, port, 2, host_env)
    f = tmp_path / "gbr-token"
    f.write_text(tokens["GBR"] + "\n")
    bots = [
        subprocess.Popen(
            [
                *WARGAME,
                "join",
                f"ws://127.0.0.1:{port}",
                "--seat",
                "JPN",
                "--bot",
                "--timeout",
                "240",
            ],
            env={**client_env, TOKEN_ENV: tokens["JPN"]},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        ),
        subprocess.Popen(
            [
                *WARGAME,
                "join",
                f"ws://127.0.0.1:{port}",
                "--seat",
                "GBR",
                "--bot",
                "--token-file",
                str(f),
                "--timeout",
                "240",
            ],
            env=client_env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        ),
    ]
    try:
        for b in bots:
            assert tokens["JPN"] not in _cmdline(b.pid) and tokens["GBR"] not in _cmdline(b.pid)
        results = [b.communicate(timeout=280) for b in bots]
        hout, herr = host.communicate(timeout=280)
    finally:
        _stop(host, *bots)
    assert host.returncode == 0, herr
    assert "game over" in hout
    for b, (so, se) in zip(bots, results, strict=True):
        assert b.returncode == 0, se
        assert so.count("submitted its move") == 2 and "final scores:" in so
    saved = json.loads((tmp_path / "DIR" / "game.json").read_text())
    assert [[m["actor"] for m in i["moves"]] for i in saved["inputs"]] == [["JPN", "GBR"]] * 2


def test_join_serve_gives_its_sessions_the_token_in_the_environment_only(tmp_path):
    port, web = free_port(), free_port()
    env = {**os.environ, "XDG_RUNTIME_DIR": str(tmp_path / "run")}
    host, tokens = _host(tmp_path, port, 3, env)
    client_env = {
        **os.environ,
        "XDG_RUNTIME_DIR": str(tmp_path / "client-run"),
        TOKEN_ENV: tokens["JPN"],
    }
    serve = subprocess.Popen(
        [*WARGAME, "join", f"ws://127.0.0.1:{port}/?seat=JPN", "--serve", "--port", str(web)],
        env=client_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = serve.stdout.readline()
        m = re.search(r"on (http://127\.0\.0\.1:\d+/\?token=(\S+))", line)
        assert m, (line, serve.stderr.read() if serve.poll() is not None else "")
        page_token = m.group(2)

        async def browse() -> tuple[list[int], str]:
            async with aiohttp.ClientSession() as s:
                async with s.get(f"http://127.0.0.1:{web}/") as r:
                    assert r.status == 403  # the page needs its own token
                async with s.get(m.group(1)) as r:
                    assert r.status == 200
                async with s.ws_connect(
                    f"ws://127.0.0.1:{web}/ws/{page_token}?width=100&height=30"
                ) as ws:
                    seen = ""
                    end = time.monotonic() + 90
                    while "Brief" not in seen:
                        assert time.monotonic() < end, seen[-500:]
                        msg = await asyncio.wait_for(ws.receive(), end - time.monotonic())
                        if msg.type in (aiohttp.WSMsgType.BINARY, aiohttp.WSMsgType.TEXT):
                            data = msg.data
                            seen += (
                                data.decode("utf-8", "replace") if isinstance(data, bytes) else data
                            )
                        else:
                            raise AssertionError(f"websocket closed: {seen[-500:]}")
                    # the host counts the seat as connected: the session's process joined
                    # with the token from its environment
                    await _until_connected(port, tokens["facilitator"], "JPN")
                    return _descendants(serve.pid), seen

        kids, _ = asyncio.run(asyncio.wait_for(browse(), 120))
        joined = [k for k in kids if " join " in _cmdline(k)]
        assert joined, [_cmdline(k) for k in kids]  # the session's process, still running
        for pid in [serve.pid, *kids]:
            assert tokens["JPN"] not in _cmdline(pid), _cmdline(pid)
        environ = Path(f"/proc/{joined[-1]}/environ").read_bytes().split(b"\0")
        assert f"{TOKEN_ENV}={tokens['JPN']}".encode() in environ
    finally:
        serve.terminate()
        try:
            serve.wait(timeout=10)
        except subprocess.TimeoutExpired:
            serve.kill()
        _stop(host)


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_tokens_json_is_private_from_its_first_byte(tmp_path, monkeypatch):
    """tokens.json (and the host's registry of tokens) is written into a temporary file
    created with mode 0600, then renamed: at no moment can another user read it, whatever
    the umask; no temporary file is left, not even when the rename fails."""
    from sim.game import session as S
    from sim.game.host import Host

    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path / "run"))
    renamed = []
    real_replace = os.replace

    def spy(src, dst):
        renamed.append((Path(dst).name, _mode(src)))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", spy)
    old = os.umask(0)  # a umask would hide a file created world-readable
    try:
        out = tmp_path / "game"
        out.mkdir()
        (out / "tokens.json").write_text("{}")  # an older, world-readable one is replaced
        (out / "tokens.json").chmod(0o644)
        ses = S.Session("classroom", out, seed=1, turns=2)
        ses.save()
        h = Host(ses, port=4321)
        h.write_registry()
    finally:
        os.umask(old)
    secret = [m for name, m in renamed if name in ("tokens.json", "127.0.0.1-4321.json")]
    assert secret and all(m == 0o600 for m in secret), renamed
    assert _mode(out / "tokens.json") == 0o600
    assert json.loads((out / "tokens.json").read_text()) == ses.tokens
    assert sorted(p.name for p in out.iterdir()) == ["game.json", "session.json", "tokens.json"]
    reg = tmp_path / "run" / "wargame" / "hosts"
    assert [p.name for p in reg.iterdir()] == ["127.0.0.1-4321.json"]
    assert _mode(reg / "127.0.0.1-4321.json") == 0o600

    def fail(src, dst):
        if Path(dst).name == "tokens.json":
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(InputError, match="tokens.json: cannot write: No space left on device"):
        ses.save()
    assert sorted(p.name for p in out.iterdir()) == ["game.json", "session.json", "tokens.json"]
