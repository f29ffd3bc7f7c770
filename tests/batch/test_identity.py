"""Results are bit-identical across engines, worker counts and chunk sizes."""

from __future__ import annotations

import numpy as np
import pytest

from sim.engine.model import Ensemble
from sim.inputs.setup import build
from sim.research.batch import run_batch
from sim.research.request import BatchRequest

from .conftest import events, levels

RUNS = 30
TURNS = 10
SWEEP = ["DEU.china_caution=0.1:0.7:3"]


def batch(out, engine="local", workers=1, chunk=1000, scheduler=None):
    req = BatchRequest(
        scenario="baseline",
        runs=RUNS // 3,
        out=out,
        seed=11,
        sweeps=SWEEP,
        turns=TURNS,
        chunk_size=chunk,
    )
    run_batch(req, engine, workers, scheduler, progress=False)
    return levels(out), events(out)


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    return batch(tmp_path_factory.mktemp("ref"))


def test_batch_equals_one_ensemble_computed_directly(reference):
    setup = build("baseline", turns=TURNS)
    values = np.repeat([0.1, 0.4, 0.7], RUNS // 3)
    m = Ensemble(setup, seed=11, runs=RUNS, run_params={"DEU.china_caution": values}).run()
    direct = m.level_history().transpose(1, 0, 2, 3)
    assert reference[0].shape == direct.shape
    assert np.array_equal(reference[0], direct)


@pytest.mark.parametrize("workers,chunk", [(2, 7), (1, 1), (2, 1000), (1, 4)])
def test_local_workers_and_chunk_sizes_are_identical(tmp_path, reference, workers, chunk):
    lv, ev = batch(tmp_path / "b", workers=workers, chunk=chunk)
    assert np.array_equal(lv, reference[0])  # exact, not approximate
    assert ev.equals(reference[1])


def test_dask_engine_is_identical(tmp_path, reference):
    from dask.distributed import LocalCluster

    with LocalCluster(
        n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None
    ) as cluster:
        lv, ev = batch(tmp_path / "b", engine="dask", chunk=8, scheduler=cluster.scheduler_address)
    assert np.array_equal(lv, reference[0])
    assert ev.equals(reference[1])


def test_chunk_layout_and_manifest(tmp_path):
    out = tmp_path / "b"
    run_batch(
        BatchRequest(
            scenario="baseline", runs=10, out=out, seed=11, sweeps=SWEEP, turns=TURNS, chunk_size=7
        ),
        progress=False,
    )
    import json

    man = json.loads((out / "manifest.json").read_text())
    assert man["complete"] is True and man["runs"] == 30
    assert man["chunks"]["count"] == 5 and man["chunks"]["size"] == 7
    # one levels part per chunk, one row group per turn; a checksum for every file
    parts = [f"part-{i:06d}.parquet" for i in range(5)]
    assert sorted(p.name for p in (out / "levels.parquet").iterdir()) == parts
    assert man["layout"] == 2
    sums = man["checksums"]["chunks"]
    assert sorted(sums) == [str(i) for i in range(5)]
    assert len(sums["2"]["sha256"]) == 2 and sums["2"]["runs"] == [14, 21]
    assert not (out / "checksums").exists()  # moved into the manifest
    assert man["scenario"]["sha256"] == build("baseline").digest
    assert {"python", "numpy", "pandas", "pyarrow", "SALib", "dask"} <= set(man["versions"])
    assert man["design"]["kind"] == "sweep" and man["design"]["params"] == ["DEU.china_caution"]
    import pandas as pd

    runs = pd.read_parquet(out / "runs.parquet")
    assert list(runs.columns) == ["run", "seed_key", "DEU.china_caution"]
    assert runs["run"].tolist() == list(range(30))
    assert runs["DEU.china_caution"].tolist() == [0.1] * 10 + [0.4] * 10 + [0.7] * 10
    lv = pd.read_parquet(out / "levels.parquet")
    assert sorted(lv.columns) == sorted(["run", "turn", "date", "dyad", "track", "level"])
    assert len(lv) == 30 * (TURNS + 1) * 4 * 3


@pytest.mark.parametrize("record,turns", [("final", [TURNS]), ("yearly", [0, 4, 8, 10])])
def test_lean_records_keep_the_same_values(tmp_path, reference, record, turns):
    out = tmp_path / record
    run_batch(
        BatchRequest(
            scenario="baseline",
            runs=RUNS // 3,
            out=out,
            seed=11,
            sweeps=SWEEP,
            turns=TURNS,
            chunk_size=7,
            record=record,
        ),
        workers=2,
        progress=False,
    )
    assert np.array_equal(levels(out), reference[0][:, turns])
    assert not (out / "events.parquet").exists()  # levels only, unless --tables says so
