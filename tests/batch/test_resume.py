"""A batch killed mid-way resumes on rerun and ends identical to an uninterrupted one."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import numpy as np

from .conftest import events, levels, one_error_line

ARGS = [
    "baseline",
    "--runs",
    "120",
    "--chunk-size",
    "6",
    "--workers",
    "1",
    "--seed",
    "5",
    "--turns",
    "20",
    "--sweep",
    "DEU.china_caution=0.2:0.6:2",
    "--quiet",
]


def _cmd(out) -> list[str]:
    code = "from sim.cli.main import main; main()"
    return [sys.executable, "-c", code, "batch", *ARGS, "--out", str(out)]


def test_killed_batch_resumes_to_identical_output(tmp_path):
    killed, clean = tmp_path / "killed", tmp_path / "clean"
    proc = subprocess.Popen(_cmd(killed), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    done_marks = killed / "checksums"  # a chunk is finished when its checksum file exists
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if done_marks.is_dir() and any(done_marks.glob("part-*.json")):
            break
        time.sleep(0.005)
    assert proc.poll() is None, "batch finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    n_parts = len(list(done_marks.glob("part-*.json")))
    assert 1 <= n_parts < 40
    assert json.loads((killed / "manifest.json").read_text())["complete"] is False

    done = subprocess.run(_cmd(killed), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    subprocess.run(_cmd(clean), check=True, capture_output=True)
    man = json.loads((killed / "manifest.json").read_text())
    assert man["complete"] is True
    assert man["timings"]["sessions"][-1]["runs_run"] <= 240 - 6 * n_parts  # resumed
    assert np.array_equal(levels(killed), levels(clean))
    assert events(killed).equals(events(clean))
    assert not list(killed.rglob("*.tmp"))
    names = sorted(p.relative_to(killed).as_posix() for p in killed.rglob("*.parquet"))
    assert names == sorted(p.relative_to(clean).as_posix() for p in clean.rglob("*.parquet"))


def test_rerun_of_finished_batch_does_nothing_and_keeps_output(tmp_path, wargame):
    out = tmp_path / "b"
    args = [
        "batch",
        "baseline",
        "--runs",
        "12",
        "--chunk-size",
        "5",
        "--workers",
        "1",
        "--turns",
        "6",
        "--quiet",
        "--out",
        out,
    ]
    assert wargame(*args).exit_code == 0
    before = levels(out)
    r = wargame(*args)
    assert r.exit_code == 0, r.output
    assert "0 run now" in r.output
    assert np.array_equal(levels(out), before)


def test_different_arguments_into_same_dir_are_refused(tmp_path, wargame):
    out = tmp_path / "b"
    base = [
        "batch",
        "baseline",
        "--runs",
        "12",
        "--workers",
        "1",
        "--turns",
        "6",
        "--quiet",
        "--out",
        out,
    ]
    assert wargame(*base).exit_code == 0
    msg = one_error_line(wargame(*base[:-2], "--seed", "3", "--out", out))
    assert "different batch" in msg and "seed" in msg
    msg = one_error_line(
        wargame(
            "sensitivity",
            "baseline",
            "--params",
            "DEU.china_caution,GBR.bandwidth",
            "--outcome",
            "JPN-DEU.exercise",
            "--runs",
            "4",
            "--turns",
            "6",
            "--quiet",
            "--out",
            out,
        )
    )
    assert "command" in msg


def test_non_batch_directory_is_refused(tmp_path, wargame):
    out = tmp_path / "b"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    msg = one_error_line(wargame("batch", "baseline", "--runs", "3", "--out", out))
    assert "not a batch directory" in msg
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]
