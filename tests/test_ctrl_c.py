"""Ctrl+C in `compare`, `sensitivity` and `calibrate`: each stops within 2 s of the signal,
exits 130 with one line and no traceback; the folder a sensitivity study leaves is completed
by rerunning the same command (tests/batch/test_integrity.py does the same for `batch`).

Each command runs as a real `wargame` process. The engine's `Ensemble.run` is wrapped to
touch a marker file when it starts, so the signal is sent once work is under way (not during
the imports), as a terminal sends it: to the whole process group."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

# `wargame ARGS...` with a marker touched whenever a game starts running
WRAPPER = """
import pathlib, signal, sys
# as in a terminal's foreground job: a job started in the background by a shell without job
# control (CI runners, nohup ... &) inherits SIGINT ignored, and Ctrl+C never reaches it
signal.signal(signal.SIGINT, signal.default_int_handler)
from sim.engine.model import Ensemble
mark, run = pathlib.Path(sys.argv[1]), Ensemble.run
def marked(self, *a, **k):
    mark.touch()
    return run(self, *a, **k)
Ensemble.run = marked
from sim.cli.main import main
main(sys.argv[2:])
"""


def _start(args: list[str], mark: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", WRAPPER, str(mark), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def _wait_for(proc: subprocess.Popen, ready, what: str, limit: float = 180) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and proc.poll() is None and not ready():
        time.sleep(0.01)
    assert proc.poll() is None, f"{what} finished before Ctrl+C: {proc.communicate()}"
    assert ready(), f"{what} did not start within {limit} s"


def _ctrl_c(proc: subprocess.Popen) -> tuple[float, str]:
    """SIGINT to the process group; (seconds until the process ended, its stderr)."""
    t = time.monotonic()
    os.killpg(proc.pid, signal.SIGINT)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        pytest.fail("still running 30 s after Ctrl+C")
    took = time.monotonic() - t
    _, err = proc.communicate(timeout=30)
    return took, err


def _assert_stopped(proc: subprocess.Popen, took: float, err: str) -> None:
    assert proc.returncode == 130, err
    assert "Traceback" not in err, err
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert lines and lines[-1].startswith("interrupted"), err
    assert took < 2.0, f"stopped {took:.2f} s after Ctrl+C"


def test_ctrl_c_stops_compare(tmp_path):
    mark = tmp_path / "started"
    proc = _start(
        ["compare", "baseline", "--set", "DEU.china_caution=0.1", "--runs", "20000", "--seed", "3"],
        mark,
    )
    _wait_for(proc, mark.exists, "compare")
    time.sleep(0.2)  # well inside the first game of 20,000 runs
    took, err = _ctrl_c(proc)
    _assert_stopped(proc, took, err)


def test_ctrl_c_stops_calibrate(tmp_path):
    mark = tmp_path / "started"
    proc = _start(["calibrate", "--free", "MODEL.exercise.bias", "--runs", "512"], mark)
    _wait_for(proc, mark.exists, "calibrate")
    time.sleep(0.2)
    took, err = _ctrl_c(proc)
    _assert_stopped(proc, took, err)


SENS = [
    "sensitivity",
    "baseline",
    "--method",
    "morris",
    "--params",
    "DEU.china_caution,JPN.bandwidth",
    "--outcome",
    "JPN-DEU.exercise",
    "--runs",
    "200",
    "--replicates",
    "4",
    "--chunk-size",
    "100",
    "--workers",
    "2",
    "--seed",
    "5",
    "--turns",
    "30",
    "--quiet",
]


def test_ctrl_c_stops_sensitivity_and_the_folder_resumes(tmp_path):
    out = tmp_path / "s"
    args = [*SENS, "--out", str(out)]
    marks = out / "checksums"
    proc = _start(args, tmp_path / "unused")
    _wait_for(
        proc, lambda: marks.is_dir() and len(list(marks.glob("part-*.json"))) >= 2, "sensitivity"
    )
    took, err = _ctrl_c(proc)
    _assert_stopped(proc, took, err)
    assert "rerun the same command" in err
    man = json.loads((out / "manifest.json").read_text())
    assert man["complete"] is False and man["checksums"]["chunks"]
    assert not (out / "sensitivity.json").exists()

    r = subprocess.run([sys.executable, "-m", "sim", *args], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "mu*" in r.stdout
    res = json.loads((out / "sensitivity.json").read_text())
    assert res["runs"] == 200 * 3 * 4
    assert json.loads((out / "manifest.json").read_text())["complete"] is True
    assert (
        subprocess.run(
            [sys.executable, "-m", "sim", "verify", str(out)], capture_output=True
        ).returncode
        == 0
    )
