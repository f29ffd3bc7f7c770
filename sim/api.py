"""The Python API: one run, batches, their results, and paired comparisons.

Everything here is exported from `sim` (imported on first use, so `import sim` stays light):

>>> import sim
>>> result = sim.run("baseline", seed=7, turns=4)
>>> result.levels.columns.tolist()
['turn', 'date', 'dyad', 'track', 'level']
>>> len(result.levels)                     # 5 turns (with the start) x 4 dyads x 3 tracks
60

A batch writes a folder of Parquet files; `open_results` reads it lazily with pandas,
polars or DuckDB:

>>> import tempfile, pathlib
>>> out = pathlib.Path(tempfile.mkdtemp()) / "base"
>>> res = sim.batch("baseline", runs=20, seed=1, out=out, turns=8, record="final",
...                 workers=1)
>>> res.runs, res.recorded_turns
(20, [8])
>>> res.levels().shape
(240, 6)
>>> res.verify()
[]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.research.folder import Results

__all__ = ["run", "batch", "open_results", "compare", "RunResult", "Results"]

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from sim.engine.model import Ensemble
    from sim.research.compare import Comparison

Overrides = Mapping[str, float] | Iterable[str] | None


def _overrides(overrides: Overrides) -> dict[str, float] | list[str]:
    if overrides is None:
        return {}
    if isinstance(overrides, Mapping):
        return {str(k): float(v) for k, v in overrides.items()}
    return [str(x) for x in overrides]


# --------------------------------------------------------------------------- one run
@dataclass
class RunResult:
    """One played game: its model, levels, events and explanations.

    >>> r = run("germany-drops-china-caution", seed=3, turns=6)
    >>> bool(r.final.loc["JPN-DEU", "exercise"] == r.levels.query(
    ...     "turn == 6 and dyad == 'JPN-DEU' and track == 'exercise'").level.item())
    True
    >>> r.events.columns.tolist()[:4]
    ['turn', 'date', 'kind', 'dyad']
    """

    model: Ensemble

    @property
    def seed(self) -> int:
        """The seed the game was played with."""
        return self.model.seed

    @property
    def scenario(self) -> str:
        """The scenario's name."""
        return self.model.setup.name

    @cached_property
    def levels(self) -> pd.DataFrame:
        """Tidy levels: one row per turn (0 = the start), dyad and track, with the columns
        and types of a batch's levels (less `run`): turn an integer, date a string, dyad
        and track categories in config order."""
        from sim.research.tables import run_levels

        return run_levels(self.model.setup, self.model.level_history()[:, 0])

    @cached_property
    def events(self) -> pd.DataFrame:
        """Chronological events (shocks, negotiations, agreements, activities), as in
        `wargame run --json`, with the columns and types of a batch's events (less `run`):
        turn, date, kind, dyad, track, enabler, id, text."""
        from sim.research.tables import run_events

        return run_events(self.model)

    @property
    def final(self) -> pd.DataFrame:
        """Final levels, dyads by tracks."""
        last = self.levels[self.levels.turn == self.levels.turn.max()]
        return last.pivot(index="dyad", columns="track", values="level").loc[
            list(self.model.setup.dyads)
        ]

    def explain(self, dyad: str, track: str, turn: int | None = None) -> pd.Series:
        """The change of `dyad`'s `track` in `turn` (default: over the whole game), split
        into its drivers; the values sum exactly to the change (sim/engine/explain.py).

        >>> r = run("baseline", seed=2, turns=5)
        >>> parts = r.explain("JPN-DEU", "exercise", turn=3)
        >>> lv = r.levels.set_index(["turn", "dyad", "track"]).level
        >>> change = lv[3, "JPN-DEU", "exercise"] - lv[2, "JPN-DEU", "exercise"]
        >>> bool(abs(parts.sum() - change) < 1e-9)
        True
        >>> parts.index[0]
        'momentum'
        """
        import pandas as pd

        from sim.engine.explain import NAMES, explain
        from sim.errors import InputError
        from sim.vocabulary import TRACKS

        s = self.model.setup
        if dyad not in s.dyads:
            raise InputError("dyad", dyad, f"unknown dyad; allowed: {', '.join(s.dyads)}")
        if track not in TRACKS:
            raise InputError("track", track, f"unknown track; allowed: {', '.join(TRACKS)}")
        T = self.model.turn
        if turn is not None and not 1 <= turn <= T:
            raise InputError("turn", str(turn), f"allowed: 1 to {T}")
        start, end = (0, T) if turn is None else (turn - 1, turn)
        contrib = explain(self.model, 0, start, end)
        d, k = s.dyads.index(dyad), TRACKS.index(track)
        return pd.Series(contrib[:, d, k], index=list(NAMES), name=f"{dyad}.{track}")

    def to_json(self) -> dict[str, Any]:
        """The `wargame run --json` document."""
        from sim.engine.results import run_json

        return run_json(self.model)

    def _history(self) -> tuple[np.ndarray, list[int], list[str]]:
        hist = self.model.level_history()  # (T+1, runs, D, K)
        turns = list(range(hist.shape[0]))
        return hist, turns, [self.model.setup.date(t) for t in turns]

    def plot(self):
        """Every dyad's tracks over turns on the 0–5 scale (a matplotlib Figure; a fan
        chart of median and 5–95% band when the model holds several runs)."""
        from sim.research.display import fan_chart

        hist, turns, dates = self._history()
        return fan_chart(hist, turns, dates, list(self.model.setup.dyads), self.scenario)

    def __repr__(self) -> str:
        from sim.research.display import short_repr

        s = self.model.setup
        return short_repr(
            f"RunResult: {self.scenario}, seed {self.seed}",
            [
                f"{self.model.turn} turns ({s.date(0)} to {s.date(self.model.turn)}), "
                f"{len(s.dyads)} dyads x 3 tracks, {len(self.events)} events",
                ".levels, .events, .final, .explain(dyad, track), .plot()",
            ],
        )

    def _repr_html_(self) -> str:
        from sim.research.display import card, final_table, img

        hist, _, _ = self._history()
        s = self.model.setup
        return card(
            f"Run of {self.scenario}, seed {self.seed}: levels at {s.date(self.model.turn)}",
            [f"{self.model.turn} turns, {len(self.events)} events (.events)"],
            [final_table(hist, list(s.dyads))],
            img(self.plot(), "levels over turns"),
        )


def run(
    scenario: str, *, seed: int = 0, overrides: Overrides = None, turns: int | None = None
) -> RunResult:
    """Play one game of `scenario` (a name in scenarios/ or a path).

    `overrides` are `--set` values: {"DEU.china_caution": 0.1} or ["DEU.china_caution=0.1"].

    >>> a = run("baseline", seed=5, turns=3)
    >>> b = run("baseline", seed=5, turns=3)
    >>> a.levels.equals(b.levels)          # same seed, same game
    True
    >>> run("baseline", overrides={"DEU.china_caution": 0.1}, turns=2).model.setup.overrides
    {'DEU.china_caution': 0.1}
    """
    from sim.engine.model import Ensemble
    from sim.inputs.setup import build

    setup = build(scenario, _overrides(overrides), turns)
    return RunResult(Ensemble(setup, seed=seed, keep_snapshots=True).run())


# --------------------------------------------------------------------------- batches
def open_results(out: Path | str) -> Results:
    """Open a batch folder written by `batch` or `wargame batch` (nothing is read yet)."""
    return Results(out)


def batch(
    scenario: str,
    *,
    runs: int,
    seed: int = 0,
    out: Path | str,
    sample: str | None = None,
    params: Iterable[str] | None = None,
    sweeps: Iterable[str] | None = None,
    overrides: Overrides = None,
    record: str = "all",
    tables: Iterable[str] | None = None,
    turns: int | None = None,
    workers: int | None = None,
    chunk_size: int = 1000,
    engine: str = "local",
    scheduler: str | None = None,
    force: bool = False,
) -> Results:
    """Run (or resume) a batch into `out`, as `wargame batch` does; returns its results.

    `sample` is grid, lhs, sobol or morris over `params` (their config ranges); `sweeps`
    are 'ACTOR.param=LO:HI:STEPS'; `record` is final, yearly or all; `tables` a subset of
    ("levels", "events"). Local workers (default: all cores) start from a fork server
    without running `__main__` again: a script, `python -c`, standard input or a notebook
    can call this, with or without the `if __name__ == "__main__":` guard.

    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "lhs"
    >>> r = batch("baseline", runs=8, out=out, sample="lhs",
    ...           params=["DEU.china_caution", "JPN.bandwidth"], turns=4, workers=1)
    >>> r.params().columns.tolist()
    ['run', 'seed_key', 'DEU.china_caution', 'JPN.bandwidth']
    """
    from sim.research.batch import run_batch
    from sim.research.request import BatchRequest

    ov = _overrides(overrides)
    ov_list = [f"{k}={v!r}" for k, v in ov.items()] if isinstance(ov, dict) else ov
    req = BatchRequest(
        scenario=scenario,
        runs=runs,
        out=Path(out),
        seed=seed,
        overrides=ov_list,
        sweeps=list(sweeps or []),
        sample=sample,
        params=list(params or []),
        turns=turns,
        chunk_size=chunk_size,
        record=record,
        tables=tuple(tables) if tables is not None else None,
        force=force,
    )
    run_batch(req, engine, workers, scheduler)
    return Results(out)


def compare(
    scenario: str,
    *,
    overrides: Overrides = None,
    runs: int = 1000,
    seed: int = 0,
    against: str | None = None,
    turns: int | None = None,
    uncertainty: int | None = None,
    prior: bool = False,
) -> Comparison:
    """Paired what-if runs on common random numbers: the baseline is `scenario`, the
    counterfactual `against` (default the same scenario) with `overrides`.

    Beside the Monte Carlo interval, both sides also run over `uncertainty` parameter sets
    (default 50, or `runs` if fewer; 0: off) drawn from the shipped posterior
    (config/posterior.parquet), or with `prior` sampled from the config's plausible ranges,
    for the interval with parameter uncertainty (`param_low`, `param_high`).

    >>> c = compare("baseline", overrides={"DEU.china_caution": 0.1}, runs=50, turns=8)
    >>> row = c.differences().query("turn == 8 and dyad == 'JPN-DEU' and track == 'exercise'")
    >>> bool(row.low.item() <= row.difference.item() <= row.high.item())
    True
    """
    from sim.research.compare import compare as paired

    ov = _overrides(overrides)
    items = [f"{k}={v!r}" for k, v in ov.items()] if isinstance(ov, dict) else ov
    return paired(scenario, items, runs, seed, against, turns, uncertainty, prior)
