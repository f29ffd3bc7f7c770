"""Damaged batch folders: verify names each damaged part, resume recomputes it, replay and
report refuse it; Ctrl+C stops a batch promptly and the folder resumes."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from .conftest import levels, one_error_line

ARGS = [
    "batch",
    "baseline",
    "--runs",
    "24",
    "--chunk-size",
    "8",
    "--workers",
    "1",
    "--seed",
    "4",
    "--turns",
    "6",
    "--quiet",
]


@pytest.fixture(scope="module")
def whole(tmp_path_factory, app):
    from typer.testing import CliRunner

    out = tmp_path_factory.mktemp("whole") / "b"
    r = CliRunner().invoke(app, [*ARGS, "--out", str(out)])
    assert r.exit_code == 0, r.output
    return out


@pytest.fixture()
def copy(whole, tmp_path):
    out = tmp_path / "b"
    shutil.copytree(whole, out)
    return out


def part(out, chunk):
    return out / "levels.parquet" / f"part-{chunk:06d}.parquet"


def test_whole_folder_verifies(whole, wargame):
    r = wargame("verify", whole)
    assert r.exit_code == 0 and r.output.strip() == f"OK {whole}"


def truncate(p):
    p.write_bytes(p.read_bytes()[:-40])


def flip(p):
    b = bytearray(p.read_bytes())
    b[len(b) // 2] ^= 0x01
    p.write_bytes(bytes(b))


def swap(p):
    other = p.with_name("part-000002.parquet")
    a, b = p.read_bytes(), other.read_bytes()
    p.write_bytes(b)
    other.write_bytes(a)


@pytest.mark.parametrize(
    "damage,expect",
    [
        (truncate, ["levels.parquet/part-000001.parquet: damaged"]),
        (flip, ["levels.parquet/part-000001.parquet: damaged"]),
        (
            swap,
            [
                "levels.parquet/part-000001.parquet: damaged",
                "levels.parquet/part-000002.parquet: damaged",
            ],
        ),
        (lambda p: p.unlink(), ["levels.parquet/part-000001.parquet: missing"]),
        (
            lambda p: shutil.copy(p, p.with_name("part-000009.parquet")),
            ["levels.parquet/part-000009.parquet: not part of this batch"],
        ),
    ],
)
def test_verify_names_every_damaged_part_and_resume_repairs_it(
    copy, whole, wargame, damage, expect
):
    damage(part(copy, 1))
    r = wargame("verify", copy)
    assert r.exit_code == 1
    lines = r.output.strip().splitlines()
    assert [ln.split(": ", 1)[1].split(" (")[0] for ln in lines] == expect
    # replay and report refuse the folder with one line
    assert "damaged batch folder" in one_error_line(wargame("replay", copy, "--run", "9"))
    assert "damaged batch folder" in one_error_line(
        wargame("report", copy, "--out", copy.parent / "r.html")
    )
    assert not (copy.parent / "r.html").exists()
    if "not part" in expect[0]:
        return  # a stray file is not this batch's to delete
    # rerunning the command recomputes the damaged chunks only, bit-identical
    r = wargame(*ARGS, "--out", copy)
    assert r.exit_code == 0, r.output
    assert "8 run now" in r.output or "16 run now" in r.output
    assert wargame("verify", copy).exit_code == 0
    assert np.array_equal(levels(copy), levels(whole))


def test_damaged_runs_table_and_manifest(copy, wargame):
    flip(copy / "runs.parquet")
    r = wargame("verify", copy)
    assert r.exit_code == 1 and "runs.parquet: damaged" in r.output
    (copy / "manifest.json").write_text("{not json")
    assert "unreadable manifest" in one_error_line(wargame("verify", copy))


def test_verify_reports_a_changed_engine(copy, wargame):
    man = json.loads((copy / "manifest.json").read_text())
    man["arguments"]["engine_source"] = "0" * 16
    (copy / "manifest.json").write_text(json.dumps(man))
    r = wargame("verify", copy)
    assert r.exit_code == 1 and "engine: the batch was run by engine 0000" in r.output


def test_engine_fingerprint_covers_every_module(monkeypatch, tmp_path):
    """Any Python file of the engine, inputs, vocabulary or research code changes a batch's
    fingerprint (whole folders, not a hand-kept list); the command line does not."""
    import sim.engine as engine
    import sim.research.request as request

    pkg = tmp_path / "sim"
    shutil.copytree(
        os.path.dirname(os.path.dirname(request.__file__)),
        pkg,
        ignore=shutil.ignore_patterns("__pycache__", "_data"),
    )
    real = engine.fingerprint
    monkeypatch.setattr(engine, "fingerprint", lambda *a, **k: real(*a, package=pkg))
    before = request.engine_digest()
    for name in (
        "engine/explain.py",
        "vocabulary.py",
        "engine/results.py",
        "inputs/loader.py",
        "research/report.py",
        "research/batch.py",
        "research/tables.py",
    ):
        f = pkg / name
        text = f.read_text()
        f.write_text(text + "\n# changed\n")
        assert request.engine_digest() != before, name
        f.write_text(text)
    assert request.engine_digest() == before
    (pkg / "cli" / "main.py").write_text("# changed\n")
    assert request.engine_digest() == before


def _cmd(out, runs="3000"):
    return [
        sys.executable,
        "-m",
        "sim",
        "batch",
        "baseline",
        "--runs",
        runs,
        "--chunk-size",
        "100",
        "--workers",
        "2",
        "--seed",
        "9",
        "--turns",
        "30",
        "--out",
        str(out),
    ]


def test_ctrl_c_stops_within_two_seconds_and_the_folder_resumes(tmp_path):
    out = tmp_path / "b"
    proc = subprocess.Popen(
        _cmd(out), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    deadline = time.monotonic() + 120
    marks = out / "checksums"
    while time.monotonic() < deadline and proc.poll() is None:
        if marks.is_dir() and len(list(marks.glob("part-*.json"))) >= 2:
            break
        time.sleep(0.01)
    assert proc.poll() is None, "batch finished before Ctrl+C"
    t = time.monotonic()
    os.killpg(proc.pid, signal.SIGINT)  # as a terminal does: the whole process group
    proc.wait(timeout=30)
    took = time.monotonic() - t
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert took < 2.0, took
    assert "Traceback" not in err
    assert "interrupted after" in err and "rerun the same command" in err
    man = json.loads((out / "manifest.json").read_text())
    assert man["complete"] is False and man["checksums"]["chunks"]
    r = subprocess.run(_cmd(out), capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert (
        subprocess.run(
            [sys.executable, "-m", "sim", "verify", str(out)], capture_output=True
        ).returncode
        == 0
    )
