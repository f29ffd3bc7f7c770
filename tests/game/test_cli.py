"""The check from outside, exactly as a facilitator types it: a headless host and five bots
in separate processes; then the saved game replays bit for bit; bad input is one line."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest

WARGAME = [sys.executable, "-m", "sim"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_headless_host_and_five_bots_play_four_turns(tmp_path):
    port = free_port()
    out = tmp_path / "DIR"
    env = {**os.environ, "XDG_RUNTIME_DIR": str(tmp_path / "run")}
    host = subprocess.Popen(
        [
            *WARGAME,
            "host",
            "classroom",
            "--headless",
            "--turns",
            "4",
            "--port",
            str(port),
            "--out",
            str(out),
            "--timeout",
            "400",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    bots = []
    try:
        for seat in ("JPN", "GBR", "FRA", "DEU", "NATO"):
            bots.append(
                subprocess.Popen(
                    [
                        *WARGAME,
                        "join",
                        f"ws://127.0.0.1:{port}",
                        "--seat",
                        seat,
                        "--bot",
                        "--timeout",
                        "400",
                    ],
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                    env=env,
                )
            )
        results = [b.communicate(timeout=450) for b in bots]
        hout, herr = host.communicate(timeout=450)
    finally:
        for p in [host, *bots]:
            if p.poll() is None:
                p.kill()
                p.wait(timeout=10)
    assert host.returncode == 0, herr
    assert "game over; report:" in hout and hout.count(" played (") == 4
    for b, (so, se) in zip(bots, results, strict=True):
        assert b.returncode == 0, se
        assert "final scores:" in so and so.count("submitted its move") == 4
    assert (out / "report.html").exists() and (out / "game.json").exists()
    check = subprocess.run(
        [*WARGAME, "host", "--verify", str(out)], capture_output=True, text=True, timeout=120
    )
    assert check.returncode == 0 and "bit-identical" in check.stdout
    # the token file is the owner's only
    assert oct((out / "tokens.json").stat().st_mode & 0o777) == "0o600"


@pytest.mark.parametrize(
    "args, needle",
    [
        (["host", "classroom", "--headless", "--injects", "{bad}"], "{bad}: file not found"),
        (["host", "nowhere-scenario", "--headless"], "nowhere-scenario"),
        (["host", "--resume", "{tmp}"], "session.json: file not found"),
        (["join", "http://x", "--seat", "JPN"], "not a join address"),
        (["join", "ws://10.0.0.1:1", "--seat", "JPN"], "no token for seat JPN"),
        (["join", "ws://127.0.0.1:9/?seat=JPN&token=x", "--bot"], "cannot reach 127.0.0.1:9"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path, args, needle):
    args = [
        a.replace("{bad}", str(tmp_path / "nope.yaml")).replace("{tmp}", str(tmp_path))
        for a in args
    ]
    env = {**os.environ, "XDG_RUNTIME_DIR": str(tmp_path / "run")}
    r = subprocess.run(
        [*WARGAME, *args, "--out", str(tmp_path / "o")]
        if args[0] == "host" and "--resume" not in args
        else [*WARGAME, *args],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=tmp_path,
        env=env,
    )
    assert r.returncode == 2, r.stderr
    assert (
        needle.replace("{tmp}", str(tmp_path)).replace("{bad}", str(tmp_path / "nope.yaml"))
        in r.stderr
    )
    assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr
    assert not (tmp_path / "o").exists()  # nothing half-written


def test_timetable_errors_name_file_line_and_field(tmp_path):
    f = tmp_path / "tt.yaml"
    f.write_text("injects:\n  - turn: 2\n    shock: nk-misiles\n")
    r = subprocess.run(
        [
            *WARGAME,
            "host",
            "classroom",
            "--headless",
            "--injects",
            str(f),
            "--out",
            str(tmp_path / "o"),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert r.returncode == 2
    assert f"{f}: injects[0].shock: unknown shock 'nk-misiles'" in r.stderr
    f.write_text("injects:\n  - turn: 2\n    to: JPX\n    text: hi\n")
    r = subprocess.run(
        [
            *WARGAME,
            "host",
            "classroom",
            "--headless",
            "--injects",
            str(f),
            "--out",
            str(tmp_path / "o"),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert r.returncode == 2 and f"{f}:3: injects[0].to:" in r.stderr and "JPN" in r.stderr
    assert not (tmp_path / "o").exists()
