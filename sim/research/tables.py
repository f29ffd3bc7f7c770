"""The tidy tables of a batch: their files, how a chunk of runs becomes them, how to read them.

- `levels.parquet/turn=T/part-NNNNNN.parquet`: run, date, dyad, track, level, Hive-partitioned
  by turn; the record mode (`final`, `yearly`, `all`) chooses the turns kept;
- `events.parquet/part-NNNNNN.parquet`: run, turn, date, kind, dyad, track, enabler, id, text,
  the events `wargame run --json` lists (kinds: sim.engine.results.ENSEMBLE_KINDS);
- `runs.parquet`: run, seed key and the value of every swept or sampled parameter.

String columns are Arrow dictionaries with the same dictionary in every chunk, so the parts
of a batch concatenate cleanly.
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


def chunk_paths(chunk: int, turns: int, record: str, tables) -> set[str]:
    """Files chunk `chunk` writes, relative to the batch folder."""
    out = set()
    if "levels" in tables:
        out |= {f"{LEVELS}/turn={t}/{part_name(chunk)}" for t in recorded_turns(record, turns)}
    if "events" in tables:
        out.add(f"{EVENTS}/{part_name(chunk)}")
    return out


class Tidy:
    """Turns a stepped chunk into tidy Arrow tables with fixed dictionaries."""

    #: code of each kind in the `kind` column
    CODES = {kind: i for i, kind in enumerate(ENSEMBLE_KINDS)}

    def __init__(self, setup: Setup):
        from sim.engine.results import ACTIVITY, agreement_texts

        s = self.setup = setup
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

    def levels(self, levels: np.ndarray, run_index: np.ndarray, turn: int):
        """Levels (R, D, K) at `turn` -> table ordered by run, dyad, track (the turn is the
        Hive partition the table is written to)."""
        import pyarrow as pa

        R, D, K = levels.shape
        return pa.table(
            {
                "run": pa.array(np.repeat(run_index.astype(np.int64), D * K)),
                "date": self._dict(np.full(R * D * K, turn), self.dates),
                "dyad": self._dict(np.tile(np.repeat(np.arange(D), K), R), list(self.setup.dyads)),
                "track": self._dict(np.tile(np.arange(K), R * D), list(TRACKS)),
                "level": pa.array(np.ascontiguousarray(levels).reshape(-1)),
            }
        )

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
                "turn": pa.array(c["t"]),
                "date": self._dict(c["t"], self.dates),
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
) -> dict[str, Any]:
    """Run runs lo..hi-1 as one ensemble; returns {folder: Arrow table} for the chunk's
    files: `levels.parquet/turn=T` per recorded turn and `events.parquet`.

    `rng_runs` are the indices whose random streams the runs draw (default: lo..hi-1)."""
    from sim.engine.model import Ensemble

    runs = np.arange(lo, hi)
    model = Ensemble(
        setup,
        seed=seed,
        runs=runs if rng_runs is None else rng_runs,
        run_params=values,
    ).run()
    tidy = Tidy(setup)
    out: dict[str, Any] = {}
    if "levels" in tables:
        for t in recorded_turns(record, setup.turns):
            lv = model.initial_levels if t == 0 else model.history[t - 1].levels
            out[f"{LEVELS}/turn={t}"] = tidy.levels(lv, runs, t)
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
    """A table as Parquet bytes (zstd)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="zstd")
    return sink.getvalue().to_pybytes()


# --------------------------------------------------------------------------- reading
def levels_dataset(out: Path | str):
    """The levels table as a lazy pyarrow dataset (turn from the Hive partition)."""
    import pyarrow.dataset as ds

    return ds.dataset(
        Path(out) / LEVELS, format="parquet", partitioning="hive", exclude_invalid_files=False
    )


def read_levels(out: Path | str, filters=None, columns=None):
    """Levels of a batch as a DataFrame (run, turn, date, dyad, track, level), sorted by
    run and turn. `filters` is a pyarrow expression or pandas-style list of tuples."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    expr = pq.filters_to_expression(filters) if isinstance(filters, list) else filters
    table = levels_dataset(out).to_table(filter=expr)
    turn = table.column("turn")
    table = table.drop_columns(["turn"]).add_column(1, "turn", pc.cast(turn, "int32"))
    df = table.to_pandas()
    df = df.sort_values(["run", "turn"], kind="stable").reset_index(drop=True)
    return df if columns is None else df[list(columns)]


def level_array(out: Path | str) -> np.ndarray:
    """Recorded levels as (runs, recorded turns, D, K) from the tidy parts."""
    df = read_levels(out)
    n = df["run"].nunique()
    T1 = df["turn"].nunique()
    return df["level"].to_numpy().reshape(n, T1, -1, len(TRACKS))
