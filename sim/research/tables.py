"""The tidy tables of a batch: their files, how a chunk of runs becomes them, how to read them.

- `levels.parquet/part-NNNNNN.parquet`: run, turn, date, dyad, track, level, one row group
  per recorded turn (with statistics, so a filter on turn reads one row group per file); the
  record mode (`final`, `yearly`, `all`) chooses the turns kept;
- `events.parquet/part-NNNNNN.parquet`: run, turn, date, kind, dyad, track, enabler, id, text,
  the events `wargame run --json` lists (kinds: sim.engine.results.ENSEMBLE_KINDS);
- `runs.parquet`: run, seed key and the value of every swept or sampled parameter.

Every reader (pandas, polars, DuckDB, pyarrow) gets the same types: `run` and `turn` 64-bit
integers, `date` a string that sorts in time order ('2020-Q1'), `level` a float; `dyad`,
`track` and the other names are Arrow dictionaries in config order (pandas categories), the
same dictionary in every chunk, so the parts of a batch concatenate cleanly.

Folders written before layout 2 (the manifest has no "layout") kept levels in Hive folders
`levels.parquet/turn=T/` without a turn column, and `date` as a dictionary: they are read with
the same types through `Results` (the partition declared an integer), verified, and resumed
in their own layout.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from sim.engine.results import ENSEMBLE_KINDS, EventKind
from sim.engine.rng import run_keys
from sim.inputs.setup import Setup
from sim.vocabulary import ENABLERS, TRACKS

LEVELS = "levels.parquet"
EVENTS = "events.parquet"
RUNS = "runs.parquet"
TABLES = ("levels", "events")
RECORDS = ("final", "yearly", "all")
#: the file layout of new batches (the manifest's "layout"; folders without one are HIVE)
LAYOUT = 2
#: the first layout: levels Hive-partitioned in `levels.parquet/turn=T/`, dates as dictionaries
HIVE = 1


def recorded_turns(record: str, turns: int) -> list[int]:
    """Turns whose levels a batch keeps: every turn (all); the start, one turn a year (a
    turn is a quarter) and the last (yearly); only the last (final)."""
    if record == "final":
        return [turns]
    if record == "yearly":
        return sorted(set(range(0, turns + 1, 4)) | {turns})
    return list(range(turns + 1))


def part_name(chunk: int) -> str:
    return f"part-{chunk:06d}.parquet"


def chunk_paths(chunk: int, turns: int, record: str, tables, layout: int = LAYOUT) -> set[str]:
    """Files chunk `chunk` writes, relative to the batch folder."""
    out = set()
    if "levels" in tables and layout == HIVE:
        out |= {f"{LEVELS}/turn={t}/{part_name(chunk)}" for t in recorded_turns(record, turns)}
    elif "levels" in tables:
        out.add(f"{LEVELS}/{part_name(chunk)}")
    if "events" in tables:
        out.add(f"{EVENTS}/{part_name(chunk)}")
    return out


class Tidy:
    """Turns a stepped chunk into tidy Arrow tables with fixed dictionaries."""

    #: code of each kind in the `kind` column
    CODES = {kind: i for i, kind in enumerate(ENSEMBLE_KINDS)}

    def __init__(self, setup: Setup, layout: int = LAYOUT):
        from sim.engine.results import ACTIVITY, agreement_texts

        s = self.setup = setup
        self.layout = layout
        self.dates = [s.date(t) for t in range(s.turns + 1)]
        texts: list[str] = [sh.shock.name for sh in s.shocks]
        self.neg_text = np.zeros((len(s.dyads), len(ENABLERS)), np.int32)
        self.sign_text = np.zeros_like(self.neg_text)
        self.stall_text = np.zeros_like(self.neg_text)
        for d in range(len(s.dyads)):
            for e in range(len(ENABLERS)):
                lines = agreement_texts(s, d, e)
                for table, kind in (
                    (self.neg_text, EventKind.NEGOTIATION),
                    (self.sign_text, EventKind.AGREEMENT),
                    (self.stall_text, EventKind.STALLED),
                ):
                    table[d, e] = len(texts)
                    texts.append(lines[kind])
        # activity text: dyad, track and the rung of ACTIVITY the level reaches
        self.tiers = [np.array([f for f, _ in ACTIVITY[k]]) for k in TRACKS]
        self.act_text = np.zeros((len(s.dyads), len(TRACKS), 3), np.int32)
        for d, dy in enumerate(s.dyads):
            for k, tr in enumerate(TRACKS):
                for i, (_, name) in enumerate(ACTIVITY[tr]):
                    self.act_text[d, k, i] = len(texts)
                    texts.append(f"{dy}: {name}")
        self.texts = texts
        self.shock_ids = [sh.shock.id for sh in s.shocks]

    def _dict(self, codes: np.ndarray, values: list[str], null: np.ndarray | None = None):
        import pyarrow as pa

        idx = pa.array(codes.astype(np.int32), mask=null)
        return pa.DictionaryArray.from_arrays(idx, pa.array(values, pa.string()))

    def _date(self, turns: np.ndarray):
        """The date column: strings ('2020-Q1'), dictionaries in the Hive layout."""
        import pyarrow as pa

        if self.layout == HIVE:
            return self._dict(turns, self.dates)
        return pa.array(np.array(self.dates, dtype=object)[turns], pa.string())

    def levels(self, levels: np.ndarray, run_index: np.ndarray, turn: int):
        """Levels (R, D, K) at `turn` -> table ordered by run, dyad, track (in the Hive
        layout the turn is the partition the table is written to, not a column)."""
        import pyarrow as pa

        R, D, K = levels.shape
        n = R * D * K
        cols = {
            "run": pa.array(np.repeat(run_index.astype(np.int64), D * K)),
            "turn": pa.array(np.full(n, turn, np.int64)),
            "date": self._date(np.full(n, turn)),
            "dyad": self._dict(np.tile(np.repeat(np.arange(D), K), R), list(self.setup.dyads)),
            "track": self._dict(np.tile(np.arange(K), R * D), list(TRACKS)),
            "level": pa.array(np.ascontiguousarray(levels).reshape(-1)),
        }
        if self.layout == HIVE:
            del cols["turn"]
        return pa.table(cols)

    def events(self, model, runs: np.ndarray):
        """Events of every run of `model` (batch run numbers `runs`), in the order of
        sim.engine.results.run_events."""
        import pyarrow as pa

        cols: dict[str, list[np.ndarray]] = {
            c: [] for c in ("r", "t", "kind", "d", "k", "e", "j", "text")
        }

        def add(t, kind: EventKind, r, d=None, k=None, e=None, j=None, text=None):
            n = len(r)
            neg = np.full(n, -1, np.int32)
            cols["r"].append(r)
            cols["t"].append(np.full(n, t, np.int32))
            cols["kind"].append(np.full(n, self.CODES[kind], np.int32))
            for c, v in (("d", d), ("k", k), ("e", e), ("j", j)):
                cols[c].append(neg if v is None else v.astype(np.int32))
            cols["text"].append(text.astype(np.int32))

        for t, rec in enumerate(model.history, start=1):
            r, j = np.nonzero(rec.fired)
            add(t, EventKind.SHOCK, r, j=j, text=j)
            for kind, arr, texts in (
                (EventKind.NEGOTIATION, rec.opened, self.neg_text),
                (EventKind.AGREEMENT, rec.signed, self.sign_text),
                (EventKind.STALLED, rec.stalled, self.stall_text),
            ):
                r, d, e = np.nonzero(arr)
                add(t, kind, r, d=d, e=e, text=texts[d, e])
            r, d, k = np.nonzero(rec.activity)
            lvl = rec.levels[r, d, k]
            tier = np.zeros(len(r), np.int32)
            for kk, floors in enumerate(self.tiers):
                on = k == kk
                # ACTIVITY lists rungs from the highest floor down: first floor reached wins
                tier[on] = np.argmax(lvl[on, None] >= floors[None, :], axis=1)
            add(t, EventKind.ACTIVITY, r, d=d, k=k, text=self.act_text[d, k, tier])
        c = {name: np.concatenate(v) if v else np.zeros(0, np.int32) for name, v in cols.items()}
        order = np.lexsort((np.arange(len(c["r"])), c["kind"], c["t"], c["r"]))
        c = {name: v[order] for name, v in c.items()}
        return pa.table(
            {
                "run": pa.array(runs.astype(np.int64)[c["r"]]),
                "turn": pa.array(c["t"] if self.layout == HIVE else c["t"].astype(np.int64)),
                "date": self._date(c["t"]),
                "kind": self._dict(c["kind"], [str(k) for k in ENSEMBLE_KINDS]),
                "dyad": self._dict(np.maximum(c["d"], 0), list(self.setup.dyads), c["d"] < 0),
                "track": self._dict(np.maximum(c["k"], 0), list(TRACKS), c["k"] < 0),
                "enabler": self._dict(np.maximum(c["e"], 0), list(ENABLERS), c["e"] < 0),
                "id": self._dict(np.maximum(c["j"], 0), self.shock_ids or [""], c["j"] < 0),
                "text": self._dict(c["text"], self.texts),
            }
        )


def compute_chunk(
    setup: Setup,
    seed: int,
    lo: int,
    hi: int,
    values: dict[str, np.ndarray],
    rng_runs: np.ndarray | None = None,
    record: str = "all",
    tables: tuple[str, ...] = TABLES,
    layout: int = LAYOUT,
) -> dict[str, Any]:
    """Run runs lo..hi-1 as one ensemble; returns {folder: Arrow table, or a list of tables
    written as one row group each} for the chunk's files: `levels.parquet` (one table per
    recorded turn; in the Hive layout `levels.parquet/turn=T` each) and `events.parquet`.

    `rng_runs` are the indices whose random streams the runs draw (default: lo..hi-1)."""
    from sim.engine.model import Ensemble

    runs = np.arange(lo, hi)
    model = Ensemble(
        setup,
        seed=seed,
        runs=runs if rng_runs is None else rng_runs,
        run_params=values,
    ).run()
    tidy = Tidy(setup, layout)
    out: dict[str, Any] = {}
    if "levels" in tables:
        by_turn = {}
        for t in recorded_turns(record, setup.turns):
            lv = model.initial_levels if t == 0 else model.history[t - 1].levels
            by_turn[t] = tidy.levels(lv, runs, t)
        if layout == HIVE:
            out |= {f"{LEVELS}/turn={t}": table for t, table in by_turn.items()}
        else:
            out[LEVELS] = list(by_turn.values())
    if "events" in tables:
        out[EVENTS] = tidy.events(model, runs)
    return out


def runs_table(seed: int, n: int, design):
    """runs.parquet: run, seed key, (point and rng_run under common random numbers) and the
    value of every parameter of the design."""
    import pyarrow as pa

    idx = np.arange(n)
    rng = design.rng_runs()
    cols = {
        "run": pa.array(idx.astype(np.int64)),
        "seed_key": pa.array(run_keys(seed, rng).astype(np.uint64)),
    }
    if design.rng_index is not None:
        cols["point"] = pa.array((idx // design.replicates).astype(np.int64))
        cols["rng_run"] = pa.array(rng.astype(np.int64))
    for k, v in design.values.items():
        cols[k] = pa.array(np.asarray(v, dtype=float))
    return pa.table(cols)


def encode(table) -> bytes:
    """A table as Parquet bytes (zstd); a list of tables is written one row group each."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    sink = pa.BufferOutputStream()
    if not isinstance(table, list):
        pq.write_table(table, sink, compression="zstd")
        return sink.getvalue().to_pybytes()
    with pq.ParquetWriter(sink, table[0].schema, compression="zstd") as writer:
        for part in table:
            writer.write_table(part, row_group_size=max(part.num_rows, 1))
    return sink.getvalue().to_pybytes()


# --------------------------------------------------------------------------- reading
#: the levels table's columns, in order
LEVEL_COLUMNS = ("run", "turn", "date", "dyad", "track", "level")


def folder_layout(out: Path | str) -> int:
    """The layout a batch folder was written in (its manifest's "layout"; HIVE without one)."""
    import json

    try:
        man = json.loads((Path(out) / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return LAYOUT
    return int(man.get("layout", HIVE)) if isinstance(man, dict) else LAYOUT


def missing_table(out: Path | str, table: str) -> None:
    """Refuse (InputError) to read a table the batch did not record, naming how to get it."""
    import json

    from sim.errors import InputError

    if (Path(out) / {"levels": LEVELS, "events": EVENTS}[table]).is_dir():
        return
    try:
        args = json.loads((Path(out) / "manifest.json").read_text(encoding="utf-8"))["arguments"]
        ran = f"record={args['record']!r}, tables={tuple(args['tables'])!r}"
        chosen = table in args["tables"]
    except (OSError, ValueError, KeyError, TypeError):
        ran, chosen = "other tables", False
    if chosen:
        raise InputError(
            str(out), table, "no chunk finished yet: rerun the batch's command to resume it"
        )
    how = "record='all' or " if table == "events" else ""
    raise InputError(
        str(out),
        table,
        f"no {table} table: the batch was run with {ran}; run it into a new folder with "
        f"{how}tables=('levels', 'events') (wargame batch --tables levels,events)",
    )


def levels_dataset(out: Path | str):
    """The levels table as a lazy pyarrow dataset with the columns and types of
    LEVEL_COLUMNS, in either layout (the Hive layout's partition is declared an integer)."""
    import pyarrow as pa
    import pyarrow.dataset as ds

    missing_table(out, "levels")
    folder = Path(out) / LEVELS
    if folder_layout(out) != HIVE:
        return ds.dataset(folder, format="parquet", exclude_invalid_files=False)
    turn = pa.schema([("turn", pa.int64())])
    found = ds.dataset(
        folder,
        format="parquet",
        partitioning=ds.partitioning(turn, flavor="hive"),
        exclude_invalid_files=False,
    )
    typed = {"turn": pa.int64(), "date": pa.string()}
    fields = [pa.field(c, typed.get(c) or found.schema.field(c).type) for c in LEVEL_COLUMNS]
    return ds.dataset(
        folder,
        format="parquet",
        schema=pa.schema(fields),
        partitioning=ds.partitioning(turn, flavor="hive"),
        exclude_invalid_files=False,
    )


def read_levels(out: Path | str, filters=None, columns=None):
    """Levels of a batch as a DataFrame (run, turn, date, dyad, track, level), sorted by
    run and turn. `filters` is a pyarrow expression or pandas-style list of tuples."""
    import pyarrow.parquet as pq

    expr = pq.filters_to_expression(filters) if isinstance(filters, list) else filters
    table = levels_dataset(out).to_table(columns=list(LEVEL_COLUMNS), filter=expr)
    df = table.to_pandas()
    df = df.sort_values(["run", "turn"], kind="stable").reset_index(drop=True)
    return df if columns is None else df[list(columns)]


def read_events(out: Path | str):
    """The events table as a DataFrame, `turn` a 64-bit integer and `date` a string in
    either layout."""
    import pyarrow as pa
    import pyarrow.dataset as ds

    missing_table(out, "events")
    table = ds.dataset(Path(out) / EVENTS, format="parquet").to_table()
    turn = table.schema.get_field_index("turn")
    date = table.schema.get_field_index("date")
    table = table.set_column(turn, "turn", table.column(turn).cast(pa.int64()))
    table = table.set_column(date, "date", table.column(date).cast(pa.string()))
    return table.to_pandas()


def run_levels(setup: Setup, history: np.ndarray):
    """One run's levels (T+1, D, K) as a DataFrame (turn, date, dyad, track, level) with
    the types a batch's levels read back with (`sim.run(...).levels`)."""
    import pyarrow as pa

    tidy = Tidy.__new__(Tidy)  # the columns only: no event texts
    tidy.setup, tidy.layout = setup, LAYOUT
    tidy.dates = [setup.date(t) for t in range(len(history))]
    one = np.zeros(1, np.int64)
    parts = [tidy.levels(lv[None], one, t) for t, lv in enumerate(history)]
    return pa.concat_tables(parts).drop_columns(["run"]).to_pandas()


def run_events(model):
    """The events of a one-run model as a DataFrame with the columns and types of a batch's
    events (less `run`; `sim.run(...).events`), in the order of
    sim.engine.results.run_events."""
    table = Tidy(model.setup).events(model, np.zeros(1, np.int64))
    return table.drop_columns(["run"]).to_pandas()


def level_array(out: Path | str) -> np.ndarray:
    """Recorded levels as (runs, recorded turns, D, K) from the tidy parts."""
    df = read_levels(out)
    n = df["run"].nunique()
    T1 = df["turn"].nunique()
    return df["level"].to_numpy().reshape(n, T1, -1, len(TRACKS))
