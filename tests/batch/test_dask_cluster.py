"""A batch on a separate Dask cluster (scheduler and worker processes started on their own,
as on a cluster) gives the same rows as a local batch."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

DASK = Path(sys.executable).with_name("dask")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_workers(address: str, n: int, timeout: float = 60.0) -> None:
    from distributed import Client

    with Client(address, timeout=timeout) as client:
        client.wait_for_workers(n, timeout=timeout)


@pytest.mark.skipif(
    not DASK.exists() and shutil.which("dask") is None, reason="the dask command is not installed"
)
def test_batch_on_a_separate_dask_cluster_equals_the_local_batch(tmp_path):
    dask = str(DASK) if DASK.exists() else shutil.which("dask")
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    procs = [
        subprocess.Popen(
            [dask, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    ]
    try:
        time.sleep(1.0)
        procs.append(
            subprocess.Popen(
                [dask, "worker", address, "--nworkers", "2", "--nthreads", "1", "--no-dashboard"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                cwd=tmp_path,
            )
        )
        wait_for_workers(address, 2)
        common = [
            "baseline",
            "--runs",
            "600",
            "--seed",
            "3",
            "--turns",
            "12",
            "--chunk-size",
            "50",  # twelve chunks, so that both workers get some even on a loaded machine
        ]
        for out, extra in (
            ("cluster", ["--engine", "dask", "--scheduler", address]),
            ("local", ["--workers", "1"]),
        ):
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "sim",
                    "batch",
                    *common,
                    "--out",
                    str(tmp_path / out),
                    *extra,
                ],
                check=True,
                capture_output=True,
            )
        # the cluster's two worker processes ran it (not a local cluster of its own)
        session = json.loads((tmp_path / "cluster" / "manifest.json").read_text())["timings"][
            "sessions"
        ][-1]
        assert session["engine"] == "dask" and session["workers"] == 2

        # each worker's nanny set MALLOC_TRIM_THRESHOLD_, and the chunks undid it there
        # (sim/research/executors.py `roomy_heap`)
        def heap_state() -> tuple[bool, bool]:
            import os

            from sim import heap

            return "MALLOC_TRIM_THRESHOLD_" in os.environ, heap._heap_set

        from distributed import Client

        with Client(address, timeout=30) as client:
            states = client.run(heap_state)
        assert sorted(tuple(v) for v in states.values()) == [(True, True), (True, True)]
        key = ["run", "turn", "dyad", "track"]
        a = pd.read_parquet(tmp_path / "cluster" / "levels.parquet").sort_values(key)
        b = pd.read_parquet(tmp_path / "local" / "levels.parquet").sort_values(key)
        assert len(a) == 600 * 13 * 4 * 3
        assert (a.level.to_numpy() == b.level.to_numpy()).all()
        ea = pd.read_parquet(tmp_path / "cluster" / "events.parquet")
        eb = pd.read_parquet(tmp_path / "local" / "events.parquet")
        assert (
            len(ea) == len(eb)
            and (ea.text.astype(str).to_numpy() == eb.text.astype(str).to_numpy()).all()
        )
    finally:
        for p in reversed(procs):
            p.kill()
            p.wait(timeout=10)
