"""Every executor computes the same files through one interface; `--engine` is a lookup."""

from __future__ import annotations

import os
import subprocess
import sys

import pandas as pd
import pytest

from sim.engine.results import ENSEMBLE_KINDS, EventKind, run_events
from sim.errors import InputError
from sim.research import executors as ex
from sim.research.batch import prepare, run_batch
from sim.research.integrity import chunk_checksums, read_manifest
from sim.research.request import BatchRequest

SWEEP = ["DEU.china_caution=0.1:0.7:3"]


def request(out, chunk=7):
    return BatchRequest(
        scenario="baseline", runs=10, out=out, seed=11, sweeps=SWEEP, turns=10, chunk_size=chunk
    )


def computed(executor, out) -> tuple[dict, list]:
    """Checksums of every chunk file an executor writes, and its on_done calls."""
    prep = prepare(request(out))
    calls: list[tuple[int, int]] = []
    with executor as e:
        e.map_chunks(prep.work(), prep.tasks(), lambda chunk, n: calls.append((chunk, n)))
    return chunk_checksums(out, prep.manifest), calls


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    return computed(ex.SerialExecutor(), tmp_path_factory.mktemp("serial") / "b")


def dask_in_process():
    from dask.distributed import LocalCluster

    return LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None)


@pytest.mark.parametrize("name", ["processes", "one process", "dask"])
def test_every_executor_writes_the_same_files(tmp_path, reference, name):
    sums, calls = reference
    assert len(sums) == 5 and sorted(calls) == [(0, 7), (1, 7), (2, 7), (3, 7), (4, 2)]
    if name == "dask":
        with dask_in_process() as cluster:
            got = computed(ex.DaskExecutor(scheduler=cluster.scheduler_address), tmp_path / "b")
    else:
        got = computed(ex.ProcessExecutor(2 if name == "processes" else 1), tmp_path / "b")
    assert got[0] == sums  # same SHA-256 for every file of every chunk
    assert sorted(got[1]) == sorted(calls)  # each chunk reported once, with its runs


def test_engines_are_a_table(tmp_path, monkeypatch, reference):
    """run_batch finds the executor by name in ENGINES (a new executor is one entry)."""
    assert {"local": ex.ProcessExecutor, "dask": ex.DaskExecutor} == ex.ENGINES
    used = []

    class Recording(ex.SerialExecutor):
        def map_chunks(self, work, tasks, on_done):
            used.append([t.chunk for t in tasks])
            super().map_chunks(work, tasks, on_done)

    monkeypatch.setitem(ex.ENGINES, "recording", Recording)
    out = tmp_path / "b"
    run_batch(request(out), engine="recording", progress=False)
    assert used == [[0, 1, 2, 3, 4]]
    man = read_manifest(out)
    assert man["timings"]["sessions"][-1]["engine"] == "recording"
    assert man["checksums"]["chunks"] == {str(k): v for k, v in reference[0].items()}


def test_choosing_an_executor_checks_its_options():
    assert isinstance(ex.executor("local", 3), ex.ProcessExecutor)
    assert ex.executor("local", 3).workers == 3
    assert isinstance(ex.executor("dask", 2, "tcp://127.0.0.1:9"), ex.DaskExecutor)
    with pytest.raises(InputError, match="allowed: local, dask"):
        ex.executor("spark")
    with pytest.raises(InputError, match="needs --engine dask"):
        ex.executor("local", 2, "tcp://127.0.0.1:9")


def test_event_kinds_are_one_enum_and_plain_strings_on_disk(tmp_path):
    out = tmp_path / "b"
    run_batch(request(out), workers=1, progress=False)
    kinds = pd.read_parquet(out / "events.parquet")["kind"]
    # the Parquet dictionary holds the plain names, in the order of ENSEMBLE_KINDS
    assert list(kinds.cat.categories) == [
        "shock",
        "negotiation",
        "agreement",
        "stalled",
        "activity",
    ]
    assert list(kinds.cat.categories) == [k.value for k in ENSEMBLE_KINDS]
    assert set(kinds.astype(str)) >= {"negotiation", "activity"}
    # a single run's events use the same members
    from sim.engine.model import Ensemble
    from sim.inputs.setup import build

    model = Ensemble(build("baseline", turns=10), seed=11, runs=1).run()
    evs = run_events(model)
    assert evs and all(isinstance(e["kind"], EventKind) for e in evs)
    assert {e["kind"] for e in evs} <= set(ENSEMBLE_KINDS)


@pytest.mark.skipif(sys.platform != "linux", reason="glibc's mallopt")
def test_roomy_heap_sets_the_thresholds_once_where_asked():
    """`roomy_heap` (sim/heap.py) sets glibc's thresholds once per process: with `force`
    (the `wargame` command and its worker processes), or where a Dask nanny's
    MALLOC_TRIM_THRESHOLD_ is set (each task on a Dask worker); otherwise it leaves the heap
    alone (a program that imports `sim`). The command sets them before it runs."""
    code = "import sim.heap as h; print(h.roomy_heap(), h.roomy_heap(force={}), h._heap_set)"
    env = {k: v for k, v in os.environ.items() if k != "MALLOC_TRIM_THRESHOLD_"}

    def words(force: bool, **extra) -> list[str]:
        done = subprocess.run(
            [sys.executable, "-c", code.format(force)],
            env={**env, **extra},
            capture_output=True,
            text=True,
        )
        return done.stdout.split()

    assert words(False) == ["False", "False", "False"]
    assert words(True) == ["False", "True", "True"]
    assert words(False, MALLOC_TRIM_THRESHOLD_="65536") == ["True", "True", "True"]
    cli = (
        "import sys, sim.heap as h; from sim.cli.main import main\n"
        "try:\n    main(['list'])\nexcept SystemExit:\n    pass\n"
        "print(h._heap_set, file=sys.stderr)"
    )
    done = subprocess.run([sys.executable, "-c", cli], env=env, capture_output=True, text=True)
    assert done.stderr.split()[-1:] == ["True"], done.stderr
