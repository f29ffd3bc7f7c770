"""The tables of a batch folder read back typed in pandas, polars, DuckDB and pyarrow; a
filter on turn reads one row group per part; folders of the earlier Hive layout still read,
verify and resume; a run's frames match a batch's; workers start from any entry point; a
missing table or extra is one line naming what to use."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import textwrap

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import sim
from sim.errors import InputError
from sim.inputs.setup import build
from sim.vocabulary import TRACKS

from .conftest import one_error_line

TURNS = 12
ARGS = dict(runs=30, seed=5, turns=TURNS, workers=1, chunk_size=10)


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    out = tmp_path_factory.mktemp("typed") / "b"
    sim.batch("baseline", out=out, **ARGS)
    return out


def test_every_reader_gets_an_integer_turn_and_names_in_config_order(batch):
    import duckdb
    import polars as pl

    setup = build("baseline", [], TURNS)
    dyads, dates = list(setup.dyads), [setup.date(t) for t in range(TURNS + 1)]
    df = pd.read_parquet(batch / "levels.parquet")
    assert df["turn"].dtype == np.int64 and df["run"].dtype == np.int64
    assert df.groupby("turn")["level"].mean().index.tolist() == list(range(TURNS + 1))
    assert df["turn"].max() == TURNS
    assert list(df["dyad"].cat.categories) == dyads
    assert list(df["track"].cat.categories) == list(TRACKS)
    assert pd.api.types.is_string_dtype(df["date"]) and sorted(df["date"].unique()) == dates
    table = pq.read_table(batch / "levels.parquet")
    assert table.schema.field("turn").type == pa.int64()
    assert table.schema.field("date").type == pa.string()
    assert table.schema.field("dyad").type.value_type == pa.string()
    schema = pl.scan_parquet(batch / "levels.parquet").collect_schema()
    assert schema["turn"] == pl.Int64 and schema["date"] == pl.String
    rel = duckdb.sql(f"select * from '{batch}/levels.parquet/*.parquet'")
    types = dict(zip(rel.columns, map(str, rel.types), strict=True))
    assert types["turn"] == "BIGINT" and types["date"] == "VARCHAR"
    # the events table likewise
    ev = pd.read_parquet(batch / "events.parquet")
    assert ev["turn"].dtype == np.int64 and pd.api.types.is_string_dtype(ev["date"])
    # and the reading helpers
    r = sim.open_results(batch)
    assert r.levels().dtypes.equals(df.dtypes)
    assert r.polars().collect_schema()["turn"] == pl.Int64
    assert r.duckdb().filter(f"turn = {TURNS}").count("*").fetchall() == [(30 * 12,)]


def test_a_filter_on_turn_reads_one_row_group_per_part(batch):
    """Each part holds one row group per recorded turn, with min = max = the turn in its
    statistics: readers skip every other row group."""
    parts = sorted((batch / "levels.parquet").glob("part-*.parquet"))
    assert len(parts) == 3  # one per chunk
    for part in parts:
        meta = pq.ParquetFile(part).metadata
        col = meta.schema.to_arrow_schema().get_field_index("turn")
        stats = [meta.row_group(i).column(col).statistics for i in range(meta.num_row_groups)]
        assert [(s.min, s.max) for s in stats] == [(t, t) for t in range(TURNS + 1)]


def test_run_and_batch_frames_have_the_same_columns_and_types(batch):
    game, res = sim.run("baseline", seed=ARGS["seed"], turns=TURNS), sim.open_results(batch)
    lv = res.levels(filters=[("run", "==", 0)]).drop(columns="run")
    assert list(game.levels.columns) == list(lv.columns)
    assert game.levels.dtypes.equals(lv.dtypes)
    pd.testing.assert_frame_equal(game.levels, lv)  # run 0 of a batch is the run of its seed
    ev = res.events()
    ev = ev[ev["run"] == 0].drop(columns="run").reset_index(drop=True)
    assert list(game.events.columns) == list(ev.columns) and len(ev) > 0
    assert game.events.dtypes.equals(ev.dtypes)
    pd.testing.assert_frame_equal(game.events, ev)


def test_a_table_not_recorded_names_the_record_and_tables_to_use(tmp_path):
    r = sim.batch("baseline", out=tmp_path / "f", record="final", **ARGS)
    with pytest.raises(InputError) as exc:
        r.events()
    msg = str(exc.value)
    assert "\n" not in msg and "record='final'" in msg and "tables=('levels', 'events')" in msg
    with pytest.raises(InputError, match="no events table"):
        r.polars("events")


# --------------------------------------------------------------------------- the Hive layout
def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def to_hive_layout(out) -> None:
    """Rewrite a folder as the earlier version wrote it: levels in `turn=T/` folders without
    a turn column, dates and turns of events as that version typed them, no "layout"."""
    man = json.loads((out / "manifest.json").read_text())
    dates = man["dates"]
    date_dict = pa.array(dates, pa.string())

    def dict_dates(turns: pa.Array) -> pa.Array:
        return pa.DictionaryArray.from_arrays(pa.compute.cast(turns, pa.int32()), date_dict)

    for chunk, entry in man["checksums"]["chunks"].items():
        name = f"part-{int(chunk):06d}.parquet"
        part = out / "levels.parquet" / name
        table = pq.read_table(part)
        part.unlink()
        sums = {}
        for t in man["recorded_turns"]:
            rows = table.filter(pa.compute.equal(table["turn"], t))
            rows = rows.set_column(2, "date", dict_dates(rows["turn"])).drop_columns(["turn"])
            rel = f"levels.parquet/turn={t}/{name}"
            (out / rel).parent.mkdir(parents=True, exist_ok=True)
            pq.write_table(rows, out / rel, compression="zstd")
            sums[rel] = _sha(out / rel)
        ev_rel = f"events.parquet/{name}"
        ev = pq.read_table(out / ev_rel)
        turn32 = pa.compute.cast(ev["turn"], pa.int32())
        ev = ev.set_column(1, "turn", turn32).set_column(2, "date", dict_dates(turn32))
        pq.write_table(ev, out / ev_rel, compression="zstd")
        sums[ev_rel] = _sha(out / ev_rel)
        entry["sha256"] = sums
    del man["layout"]
    (out / "manifest.json").write_text(json.dumps(man, indent=1))


def test_a_folder_of_the_hive_layout_reads_verifies_and_resumes(batch, tmp_path):
    import polars as pl

    old = tmp_path / "old"
    shutil.copytree(batch, old)
    to_hive_layout(old)
    assert (old / "levels.parquet" / "turn=3").is_dir()
    new, r = sim.open_results(batch), sim.open_results(old)
    assert r.verify() == []
    pd.testing.assert_frame_equal(r.levels(), new.levels())
    pd.testing.assert_frame_equal(r.events(), new.events())
    assert r.polars().collect_schema()["turn"] == pl.Int64
    assert r.polars().filter(turn=TURNS).collect().height == 30 * 12
    assert r.duckdb().filter(f"turn = {TURNS}").count("*").fetchall() == [(30 * 12,)]
    assert r.duckdb().types[1] == "BIGINT"
    # an unfinished folder: chunk 1 is lost; the same arguments resume it in its own layout
    man = json.loads((old / "manifest.json").read_text())
    for rel in man["checksums"]["chunks"].pop("1")["sha256"]:
        (old / rel).unlink()
    man["complete"] = False
    (old / "manifest.json").write_text(json.dumps(man))
    sim.batch("baseline", out=old, **ARGS)
    assert (old / "levels.parquet" / f"turn={TURNS}" / "part-000001.parquet").is_file()
    assert not (old / "levels.parquet" / "part-000001.parquet").exists()
    assert r.verify() == [] and sim.open_results(old).complete
    pd.testing.assert_frame_equal(sim.open_results(old).levels(), new.levels())


# --------------------------------------------------------------------------- entry points
SCRIPT = """
import sim
r = sim.batch("baseline", runs=20, out={out!r}, turns=3, workers=2, chunk_size=10)
print("rows", len(r.levels()), r.verify())
"""


@pytest.mark.parametrize("how", ["stdin", "script without guard"])
def test_workers_start_from_any_entry_point(tmp_path, how):
    """From standard input the workers died at start and were restarted without end; a
    script without the __main__ guard started the batch again in every worker."""
    code = textwrap.dedent(SCRIPT.format(out=str(tmp_path / "b")))
    if how == "stdin":
        cmd, stdin = [sys.executable, "-"], code
    else:
        (tmp_path / "script.py").write_text(code)
        cmd, stdin = [sys.executable, str(tmp_path / "script.py")], None
    r = subprocess.run(cmd, input=stdin, capture_output=True, text=True, timeout=90, cwd=tmp_path)
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout.strip() == f"rows {20 * 4 * 12} []" and "Traceback" not in r.stderr


class DiesAtStart:
    """Work whose unpickling ends the worker process (as a worker failing at start)."""

    def __reduce__(self):
        import os

        return (os._exit, (3,))


def test_a_worker_that_dies_stops_the_batch_at_once():
    """The pool restarted a worker that died at start without end (and lost the chunk of
    one that died later, waiting for ever): now one line says what to do."""
    import threading

    from sim.research.executors import ChunkTask, ProcessExecutor

    tasks = [ChunkTask(i, i, i + 1, {}, np.array([i])) for i in range(2)]
    raised: list[BaseException] = []

    def batch() -> None:
        try:
            ProcessExecutor(2).map_chunks(DiesAtStart(), tasks, lambda chunk, runs: None)
        except BaseException as exc:  # noqa: BLE001 - checked below
            raised.append(exc)

    worker = threading.Thread(target=batch, daemon=True)
    worker.start()
    worker.join(timeout=60)
    assert not worker.is_alive(), "the batch is still restarting its workers"
    assert len(raised) == 1 and isinstance(raised[0], InputError)
    msg = str(raised[0])
    assert "a worker process died" in msg and "rerun the same command" in msg and "\n" not in msg


# --------------------------------------------------------------------------- extras
def test_discover_without_the_research_extra_fails_before_any_run(tmp_path, wargame, monkeypatch):
    monkeypatch.setitem(sys.modules, "sklearn", None)  # as if not installed
    out = tmp_path / "d"
    r = wargame(
        "discover", "baseline", "--runs", "50", "--where", "JPN-DEU.exercise < 5", "--out", out
    )
    line = one_error_line(r)
    assert "optional extra 'research'" in line and "sklearn" in line
    assert not out.exists()  # nothing was run
