"""What a batch is asked to do: its arguments (`BatchRequest`), their checks, the identity a
resumed batch must repeat, and an estimate of its size and duration."""

from __future__ import annotations

import platform
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.errors import InputError
from sim.inputs.setup import Setup
from sim.research.tables import RECORDS, TABLES, recorded_turns

DEFAULT_CHUNK = 1000
MAX_RUNS = 100_000_000
DEPENDENCIES = (
    "numpy",
    "pandas",
    "pyarrow",
    "mesa",
    "pydantic",
    "PyYAML",
    "SALib",
    "dask",
    "distributed",
    "typer",
)


@dataclass(kw_only=True)
class BatchRequest:
    """The arguments that define a batch (what a rerun must repeat to resume it), given by
    name."""

    scenario: str
    runs: int
    out: Path
    seed: int = 0
    overrides: list[str] = field(default_factory=list)
    sweeps: list[str] = field(default_factory=list)
    sample: str | None = None
    params: list[str] = field(default_factory=list)
    turns: int | None = None
    chunk_size: int = DEFAULT_CHUNK
    command: str = "batch"
    replicates: int = 0  # > 0: common random numbers, each point run this many times
    extra: dict[str, Any] = field(default_factory=dict)  # e.g. the sensitivity outcome
    record: str = "all"  # final | yearly | all: the turns whose levels are kept
    tables: tuple[str, ...] | None = None  # default: levels and events for all, else levels
    force: bool = False  # start even when the estimate says the output will not fit

    def chosen_tables(self) -> tuple[str, ...]:
        if self.tables is None:
            return TABLES if self.record == "all" else ("levels",)
        return tuple(t for t in TABLES if t in self.tables)


def check_request(req: BatchRequest, workers: int | None = None) -> None:
    """Arguments checked before anything is built or written."""
    from sim.errors import allowed

    if not 1 <= req.runs <= MAX_RUNS:
        raise InputError("--runs", "runs", f"{req.runs} is out of range; allowed: 1 to {MAX_RUNS}")
    if req.chunk_size <= 0:
        raise InputError(
            "--chunk-size", "chunk_size", f"{req.chunk_size} is not positive; allowed: 1 or more"
        )
    if not 0 <= req.seed < 2**63:
        raise InputError("--seed", "seed", f"{req.seed} is out of range; allowed: 0 to {2**63 - 1}")
    if req.record not in RECORDS:
        raise InputError("--record", req.record, f"unknown record mode; {allowed(RECORDS)}")
    for t in req.tables or ():
        if t not in TABLES:
            raise InputError("--tables", t, f"unknown table; {allowed(TABLES)}")
    if req.tables is not None and not req.chosen_tables():
        raise InputError("--tables", "", f"no table chosen; {allowed(TABLES)}")
    if workers is not None and not 1 <= workers <= 1024:
        raise InputError("--workers", "workers", f"{workers} is out of range; allowed: 1 to 1024")


# --------------------------------------------------------------------------- identity
def identity(req: BatchRequest, setup: Setup) -> dict[str, Any]:
    """The manifest's `arguments`: what a rerun must repeat for the folder to resume."""
    from sim.inputs.setup import setup_fingerprint

    return {
        "command": req.command,
        "scenario": req.scenario,
        "scenario_file": str(setup.path),
        "scenario_sha256": setup.digest,
        "fingerprint": setup_fingerprint(setup),
        "overrides": setup.overrides,
        "seed": req.seed,
        "runs": req.runs,
        "turns": setup.turns,
        "sweeps": list(req.sweeps),
        "sample": req.sample,
        "params": list(req.params),
        "chunk_size": req.chunk_size,
        "replicates": req.replicates,
        "record": req.record,
        "tables": list(req.chosen_tables()),
        "engine_source": engine_digest(),
        **req.extra,
    }


def engine_digest() -> str:
    """Fingerprint of the code that computes and writes a batch (the engine and
    sim/research/): a resumed batch must run the same code (`sim.engine.fingerprint`)."""
    from sim.engine import fingerprint

    return fingerprint("research")


def versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version(), "platform": platform.platform()}
    for name in ("allied-wargame",) + DEPENDENCIES:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "not installed"
    return out


# --------------------------------------------------------------------------- estimates
#: bytes per run and recorded turn of the levels table, per run of the events table over
#: 40 turns, and per run of runs.parquet (measured on the baseline, benchmarks/batch.py)
BYTES_PER_RUN_TURN = 110.0
EVENT_BYTES_PER_RUN = 700.0
RUNS_BYTES_PER_RUN = 10.0
#: run-turns per second per worker (a conservative figure for a loaded core)
RUN_TURNS_PER_SECOND = 60_000.0


@dataclass
class Estimate:
    bytes: float
    seconds: float
    free: float | None

    def describe(self) -> str:
        free = f", {_size(self.free)} free" if self.free is not None else ""
        return f"about {_size(self.bytes)} of output{free}, about {_duration(self.seconds)}"


def _size(n: float) -> str:
    for unit in ("B", "kB", "MB", "GB", "TB"):
        if n < 1000 or unit == "TB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} TB"


def _duration(s: float) -> str:
    if s < 90:
        return f"{s:.0f} s"
    if s < 5400:
        return f"{s / 60:.0f} min"
    return f"{s / 3600:.1f} h"


def estimate(
    runs: int, turns: int, record: str, tables: tuple[str, ...], workers: int, out: Path
) -> Estimate:
    """Rough size and duration of a batch, and the free space where it will be written."""
    import shutil

    size = runs * RUNS_BYTES_PER_RUN
    if "levels" in tables:
        size += runs * BYTES_PER_RUN_TURN * len(recorded_turns(record, turns))
    if "events" in tables:
        size += runs * EVENT_BYTES_PER_RUN * turns / 40
    seconds = runs * turns / (RUN_TURNS_PER_SECOND * max(workers, 1))
    where = Path(out).absolute()
    while not where.exists() and where != where.parent:
        where = where.parent
    try:
        free = float(shutil.disk_usage(where).free)
    except OSError:
        free = None
    return Estimate(size, seconds, free)
