"""A batch folder, read lazily (`sim.open_results` returns one): the levels, events and runs
tables with pandas, polars or DuckDB, without reading more than asked."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


class Results:
    """A batch folder, read lazily. Tables: `levels` (Hive-partitioned by turn), `events`
    and `runs` (each run's seed key and swept or sampled values).

    >>> import tempfile, pathlib, sim
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "b"
    >>> _ = sim.batch("baseline", runs=6, out=out, turns=4, record="yearly", workers=1)
    >>> r = sim.open_results(out)
    >>> r.polars().filter(turn=4).collect().height          # polars, lazily
    72
    >>> r.duckdb().filter("turn = 4").count("*").fetchall()  # DuckDB, lazily
    [(72,)]
    >>> r.final_levels().shape                                  # one row per run
    (6, 12)
    """

    def __init__(self, out: Path | str):
        from sim.research.integrity import read_manifest

        self.path = Path(out)
        self.manifest: dict[str, Any] = read_manifest(self.path)

    #: Runs read for the chart and tables a notebook shows (the first ones)
    SHOWN_RUNS = 2000

    def __repr__(self) -> str:
        from sim.research.display import short_repr

        turns = self.recorded_turns
        return short_repr(
            f"Results: {self.runs} runs of {self.scenario} in {str(self.path)!r}",
            [
                f"record {self.record} ({len(turns)} turns kept, last {turns[-1]}), "
                f"tables {', '.join(self.manifest.get('tables', ['levels']))}"
                + ("" if self.complete else ", not complete"),
                ".levels(), .final_levels(), .params(), .events(), .plot()",
            ],
        )

    def _shown(self):
        from sim.errors import InputError
        from sim.research.display import level_array

        df = self.levels(filters=[("run", "<", self.SHOWN_RUNS)])
        if df.empty:
            raise InputError(
                str(self.path), "levels", "no finished runs yet; run the same batch to finish it"
            )
        return level_array(df)

    def plot(self):
        """A fan chart: median and 5–95% band of every dyad's tracks over the recorded turns
        (the first SHOWN_RUNS runs; a matplotlib Figure)."""
        from sim.research.display import fan_chart

        lv, turns, dates, dyads = self._shown()
        return fan_chart(lv, turns, dates, dyads, f"{self.scenario}, {lv.shape[1]} runs")

    def _repr_html_(self) -> str:
        from sim.errors import InputError
        from sim.research.display import card, fan_chart, final_table, img

        try:
            lv, turns, dates, dyads = self._shown()
        except InputError as exc:
            return card(f"Batch of {self.scenario}", [f"{self.runs} runs", str(exc)])
        shown = "" if lv.shape[1] == self.runs else f" (the first {lv.shape[1]} shown)"
        return card(
            f"Batch of {self.scenario}: levels at {dates[-1]}, median [5%, 95%] over runs",
            [f"{self.runs} runs{shown}, record {self.record}, folder {self.path}"],
            [final_table(lv, dyads)],
            img(fan_chart(lv, turns, dates, dyads, self.scenario), "levels over turns"),
        )

    @property
    def scenario(self) -> str:
        """The scenario's name."""
        return self.manifest["scenario"]["name"]

    @property
    def runs(self) -> int:
        """How many runs the batch has."""
        return int(self.manifest["runs"])

    @property
    def record(self) -> str:
        """The record mode: final, yearly or all."""
        return self.manifest.get("record", "all")

    @property
    def recorded_turns(self) -> list[int]:
        """The turns whose levels are kept (0 is the start)."""
        return list(self.manifest.get("recorded_turns", range(self.manifest["turns"] + 1)))

    @property
    def complete(self) -> bool:
        """Whether every run has been computed (a stopped batch resumes when rerun)."""
        return bool(self.manifest.get("complete"))

    @property
    def layout(self) -> int:
        """The folder's file layout (sim.research.tables.LAYOUT; HIVE for folders written
        before it, whose levels sit in `levels.parquet/turn=T/`)."""
        from sim.research.tables import HIVE

        return int(self.manifest.get("layout", HIVE))

    def _table(self, table: str) -> str:
        """`table` checked: a table of the folder, recorded by the batch."""
        from sim.errors import InputError, allowed
        from sim.research.tables import missing_table

        tables = ("levels", "events", "runs")
        if table not in tables:
            raise InputError("table", table, f"unknown table; {allowed(tables)}")
        if table != "runs":
            missing_table(self.path, table)
        return table

    def files(self, table: str = "levels") -> str:
        """A glob of the table's Parquet files, for DuckDB SQL or polars."""
        from sim.research.tables import EVENTS, HIVE, LEVELS, RUNS

        levels = self.path / LEVELS / ("**" if self.layout == HIVE else "")
        return {
            "levels": str(levels / "*.parquet"),
            "events": str(self.path / EVENTS / "*.parquet"),
            "runs": str(self.path / RUNS),
        }[self._table(table)]

    def dataset(self, table: str = "levels"):
        """A lazy pyarrow dataset of the table."""
        import pyarrow.dataset as ds

        from sim.research.tables import EVENTS, RUNS, levels_dataset

        if self._table(table) == "levels":
            return levels_dataset(self.path)
        return ds.dataset(self.path / {"events": EVENTS, "runs": RUNS}[table], format="parquet")

    def levels(self, filters=None, columns: list[str] | None = None) -> pd.DataFrame:
        """Levels as pandas (run, turn, date, dyad, track, level), sorted by run and turn;
        `filters` in pandas' form, e.g. [("turn", "==", 40), ("run", "<", 100)]."""
        from sim.research.tables import read_levels

        return read_levels(self.path, filters, columns)

    def events(self) -> pd.DataFrame:
        """The events table as pandas (run, turn, date, kind, dyad, track, enabler, id, text);
        a batch recorded without it (`record=` final or yearly, or `tables=("levels",)`)
        raises InputError saying how to record it."""
        from sim.research.tables import read_events

        return read_events(self.path)

    def params(self) -> pd.DataFrame:
        """runs.parquet: run, seed key and each swept or sampled parameter's value."""
        import pandas as pd

        from sim.research.tables import RUNS

        return pd.read_parquet(self.path / RUNS)

    def final_levels(self) -> pd.DataFrame:
        """One row per run, one column per 'DYAD.track' at the last recorded turn."""
        df = self.levels(filters=[("turn", "==", self.recorded_turns[-1])])
        df["outcome"] = df["dyad"].astype(str) + "." + df["track"].astype(str)
        wide = df.pivot(index="run", columns="outcome", values="level")
        order = list(dict.fromkeys(df["outcome"]))
        return wide[order]

    def polars(self, table: str = "levels"):
        """A polars LazyFrame (`pl.scan_parquet`; in a Hive folder the turn partition is
        read as an integer column)."""
        from sim.research.extras import require

        require("research", "polars", what="Results.polars()")
        import polars as pl

        from sim.research.tables import HIVE

        if table == "levels" and self.layout == HIVE:
            frame = pl.scan_parquet(
                self.files(table), hive_partitioning=True, hive_schema={"turn": pl.Int64}
            )
            return frame.select(
                "run", "turn", pl.col("date").cast(pl.String), "dyad", "track", "level"
            )
        return pl.scan_parquet(self.files(table), hive_partitioning=False)

    def duckdb(self, table: str = "levels", connection=None):
        """A DuckDB relation over the table (lazy; `.df()`, `.pl()` or SQL on it)."""
        from sim.research.extras import require

        require("research", "duckdb", what="Results.duckdb()")
        import duckdb

        from sim.research.tables import HIVE

        con = connection or duckdb.connect()
        if table == "levels" and self.layout == HIVE:
            rel = con.read_parquet(self.files(table), hive_partitioning=True)
            return rel.select("run, CAST(turn AS BIGINT) AS turn, date, dyad, track, level")
        return con.read_parquet(self.files(table), hive_partitioning=False)

    def verify(self) -> list[str]:
        """Problems of the folder (damaged, missing or foreign files, changed inputs);
        [] when whole. See `wargame verify`."""
        from sim.research.integrity import verify

        return verify(self.path)
