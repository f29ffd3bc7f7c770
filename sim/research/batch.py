"""Batches: many runs of one scenario, stepped in chunks on the ensemble axis, streamed to disk.

Layout of a batch directory (Parquet that pandas, polars and DuckDB read, see sim/api.py):

- `levels.parquet/turn=T/part-NNNNNN.parquet`: tidy levels (run, date, dyad, track, level),
  Hive-partitioned by turn; `--record final|yearly|all` chooses the turns kept;
- `events.parquet/part-NNNNNN.parquet`: tidy events (run, turn, date, kind, dyad, track,
  enabler, id, text), the same events `wargame run --json` lists (when `--tables` has them);
- `runs.parquet`: run, seed key and the value of every swept or sampled parameter;
- `manifest.json`: provenance (versions, scenario hash, overrides, seed, design, chunk layout,
  timings), the arguments that identify the batch and the SHA-256 of every file.

Each worker computes a chunk and writes its files itself: every file goes to a hidden
temporary name and is renamed into place, then a small checksum file
(`checksums/part-NNNNNN.json`) marks the chunk finished. At the end of a session the
checksums move into the manifest. Rerunning the same command verifies every finished chunk
and computes only the missing or damaged ones; `wargame verify DIR` checks a folder. Draws
are a pure function of (seed, run index, turn, site) (sim/engine/rng.py), so results do not depend
on the chunk size, the number of workers or the engine.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from sim.engine.rng import run_keys
from sim.errors import InputError
from sim.inputs.setup import Setup
from sim.vocabulary import ENABLERS, TRACKS

DEFAULT_CHUNK = 1000
MANIFEST = "manifest.json"
LEVELS = "levels.parquet"
EVENTS = "events.parquet"
RUNS = "runs.parquet"
CHECKSUMS = "checksums"
RECORDS = ("final", "yearly", "all")
TABLES = ("levels", "events")
MAX_RUNS = 100_000_000
KINDS = ("shock", "negotiation", "agreement", "stalled", "activity")
DEPENDENCIES = ("numpy", "pandas", "pyarrow", "mesa", "pydantic", "PyYAML", "SALib", "dask",
                "distributed", "typer")


# --------------------------------------------------------------------------- request
@dataclass
class BatchRequest:
    """The arguments that define a batch (what a rerun must repeat to resume it)."""

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


def _identity(req: BatchRequest, setup: Setup) -> dict[str, Any]:
    from sim.inputs.setup import setup_fingerprint

    return {"command": req.command, "scenario": req.scenario, "scenario_file": str(setup.path),
            "scenario_sha256": setup.digest, "fingerprint": setup_fingerprint(setup),
            "overrides": setup.overrides, "seed": req.seed, "runs": req.runs,
            "turns": setup.turns, "sweeps": list(req.sweeps), "sample": req.sample,
            "params": list(req.params), "chunk_size": req.chunk_size,
            "replicates": req.replicates, "record": req.record,
            "tables": list(req.chosen_tables()), "engine_source": engine_digest(), **req.extra}


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


# --------------------------------------------------------------------------- tidy tables
class Tidy:
    """Turns a stepped chunk into tidy Arrow tables with fixed dictionaries (identical in
    every chunk, so the parts of a batch concatenate cleanly)."""

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
                for table, kind in ((self.neg_text, "negotiation"), (self.sign_text, "agreement"),
                                    (self.stall_text, "stalled")):
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
        return pa.table({
            "run": pa.array(np.repeat(run_index.astype(np.int64), D * K)),
            "date": self._dict(np.full(R * D * K, turn), self.dates),
            "dyad": self._dict(np.tile(np.repeat(np.arange(D), K), R), list(self.setup.dyads)),
            "track": self._dict(np.tile(np.arange(K), R * D), list(TRACKS)),
            "level": pa.array(np.ascontiguousarray(levels).reshape(-1)),
        })

    def events(self, model, runs: np.ndarray):
        """Events of every run of `model` (batch run numbers `runs`), in the order of
        sim.engine.results.run_events."""
        import pyarrow as pa

        cols: dict[str, list[np.ndarray]] = {c: [] for c in
                                             ("r", "t", "kind", "d", "k", "e", "j", "text")}

        def add(t, kind, r, d=None, k=None, e=None, j=None, text=None):
            n = len(r)
            neg = np.full(n, -1, np.int32)
            cols["r"].append(r)
            cols["t"].append(np.full(n, t, np.int32))
            cols["kind"].append(np.full(n, kind, np.int32))
            for c, v in (("d", d), ("k", k), ("e", e), ("j", j)):
                cols[c].append(neg if v is None else v.astype(np.int32))
            cols["text"].append(text.astype(np.int32))

        for t, rec in enumerate(model.history, start=1):
            r, j = np.nonzero(rec.fired)
            add(t, 0, r, j=j, text=j)
            r, d, e = np.nonzero(rec.opened)
            add(t, 1, r, d=d, e=e, text=self.neg_text[d, e])
            r, d, e = np.nonzero(rec.signed)
            add(t, 2, r, d=d, e=e, text=self.sign_text[d, e])
            r, d, e = np.nonzero(rec.stalled)
            add(t, 3, r, d=d, e=e, text=self.stall_text[d, e])
            r, d, k = np.nonzero(rec.activity)
            lvl = rec.levels[r, d, k]
            tier = np.zeros(len(r), np.int32)
            for kk, floors in enumerate(self.tiers):
                on = k == kk
                # ACTIVITY lists rungs from the highest floor down: first floor reached wins
                tier[on] = np.argmax(lvl[on, None] >= floors[None, :], axis=1)
            add(t, 4, r, d=d, k=k, text=self.act_text[d, k, tier])
        c = {name: np.concatenate(v) if v else np.zeros(0, np.int32) for name, v in cols.items()}
        order = np.lexsort((np.arange(len(c["r"])), c["kind"], c["t"], c["r"]))
        c = {name: v[order] for name, v in c.items()}
        return pa.table({
            "run": pa.array(runs.astype(np.int64)[c["r"]]),
            "turn": pa.array(c["t"]),
            "date": self._dict(c["t"], self.dates),
            "kind": self._dict(c["kind"], list(KINDS)),
            "dyad": self._dict(np.maximum(c["d"], 0), list(self.setup.dyads), c["d"] < 0),
            "track": self._dict(np.maximum(c["k"], 0), list(TRACKS), c["k"] < 0),
            "enabler": self._dict(np.maximum(c["e"], 0), list(ENABLERS), c["e"] < 0),
            "id": self._dict(np.maximum(c["j"], 0), self.shock_ids or [""], c["j"] < 0),
            "text": self._dict(c["text"], self.texts),
        })


def recorded_turns(record: str, turns: int) -> list[int]:
    """Turns whose levels a batch keeps: every turn (all); the start, one turn a year (a
    turn is a quarter) and the last (yearly); only the last (final)."""
    if record == "final":
        return [turns]
    if record == "yearly":
        return sorted(set(range(0, turns + 1, 4)) | {turns})
    return list(range(turns + 1))


def compute_chunk(setup: Setup, seed: int, lo: int, hi: int, values: dict[str, np.ndarray],
                  rng_runs: np.ndarray | None = None, record: str = "all",
                  tables: tuple[str, ...] = TABLES) -> dict[str, Any]:
    """Run runs lo..hi-1 as one ensemble; returns {folder: Arrow table} for the chunk's
    files: `levels.parquet/turn=T` per recorded turn and `events.parquet`.

    `rng_runs` are the indices whose random streams the runs draw (default: lo..hi-1)."""
    from sim.engine.model import WargameModel

    runs = np.arange(lo, hi)
    model = WargameModel(setup, seed=seed, runs=runs if rng_runs is None else rng_runs,
                         run_params=values, collect=False).run()
    tidy = Tidy(setup)
    out: dict[str, Any] = {}
    if "levels" in tables:
        for t in recorded_turns(record, setup.turns):
            lv = model.initial_levels if t == 0 else model.history[t - 1].levels
            out[f"{LEVELS}/turn={t}"] = tidy.levels(lv, runs, t)
    if "events" in tables:
        out[EVENTS] = tidy.events(model, runs)
    return out


def part_name(chunk: int) -> str:
    return f"part-{chunk:06d}.parquet"


def atomic_write(path: Path, data: bytes) -> None:
    """Write to a hidden temporary file in the same folder, then rename into place."""
    tmp = path.parent / f".{path.name}.{os.getpid()}.tmp"
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def encode(table) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="zstd")
    return sink.getvalue().to_pybytes()


def sha256(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def file_sha256(path: Path) -> str:
    import hashlib

    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def chunk_files(chunk: int, lo: int, hi: int, seed: int, setup: Setup, values, rng_runs,
                record: str, tables: tuple[str, ...]) -> dict[str, bytes]:
    """The encoded files of one chunk, by path relative to the batch folder."""
    import gc

    import pyarrow as pa

    tables_ = compute_chunk(setup, seed, lo, hi, values, rng_runs, record, tables)
    files = {f"{folder}/{part_name(chunk)}": encode(t) for folder, t in tables_.items()}
    del tables_
    # the model and its agents reference each other: collect them now, and hand Arrow's
    # freed buffers back, so a long batch does not grow chunk after chunk
    gc.collect()
    pa.default_memory_pool().release_unused()
    return files


def store_chunk(out: Path, chunk: int, lo: int, hi: int, files: dict[str, bytes]) -> dict:
    """Write a chunk's files, then its checksum file (which marks the chunk finished)."""
    for rel, data in files.items():
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, data)
    entry = {"runs": [lo, hi], "sha256": {rel: sha256(data) for rel, data in files.items()}}
    (out / CHECKSUMS).mkdir(exist_ok=True)
    atomic_write(out / CHECKSUMS / f"{part_name(chunk)[:-8]}.json",
                 json.dumps(entry).encode("utf-8"))
    return entry


def _chunk_bytes(setup, seed, chunk, lo, hi, values, rng_runs, record, tables):
    """For engines whose workers share no file system with the batch (Dask): the files."""
    return chunk_files(chunk, lo, hi, seed, setup, values, rng_runs, record, tables)


# --------------------------------------------------------------------------- workers
_WORKER_SETUP: Setup | None = None


def _init_worker(setup: Setup) -> None:
    import signal

    global _WORKER_SETUP
    _WORKER_SETUP = setup
    # Ctrl+C reaches every process of the terminal's group: the batch process stops the
    # workers itself, so they leave no traceback of their own
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _local_task(task) -> tuple[int, int, dict]:
    out, chunk, seed, lo, hi, values, rng_runs, record, tables = task
    files = chunk_files(chunk, lo, hi, seed, _WORKER_SETUP, values, rng_runs, record, tables)
    return chunk, hi - lo, store_chunk(Path(out), chunk, lo, hi, files)


# --------------------------------------------------------------------------- checksums
def chunk_checksums(out: Path, manifest: dict[str, Any]) -> dict[int, dict]:
    """Checksum entries of finished chunks: the manifest's, then checksum files written
    since (by workers of a session that did not end cleanly)."""
    done = {int(k): v for k, v in manifest.get("checksums", {}).get("chunks", {}).items()}
    folder = out / CHECKSUMS
    if folder.is_dir():
        for f in sorted(folder.glob("part-*.json")):
            try:
                done[int(f.stem[5:])] = json.loads(f.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue  # an unreadable checksum file: the chunk is computed again
    return done


def merge_checksums(out: Path, manifest: dict[str, Any]) -> None:
    """Move the checksum files into the manifest (written by the caller)."""
    done = chunk_checksums(out, manifest)
    manifest.setdefault("checksums", {})["chunks"] = {str(k): done[k] for k in sorted(done)}


def _drop_checksum_files(out: Path) -> None:
    folder = out / CHECKSUMS
    if folder.is_dir():
        for f in folder.iterdir():
            f.unlink(missing_ok=True)
        folder.rmdir()


def _chunk_problems(out: Path, chunk: int, entry: dict, expected: set[str]) -> list[str]:
    problems = []
    files = entry.get("sha256", {}) if isinstance(entry, dict) else {}
    if set(files) != expected:
        return [f"{part_name(chunk)}: its checksum entry lists other files than the batch "
                "records"]
    for rel, digest in sorted(files.items()):
        path = out / rel
        if not path.is_file():
            problems.append(f"{rel}: missing")
        elif file_sha256(path) != digest:
            problems.append(f"{rel}: damaged (SHA-256 differs from the manifest)")
    return problems


def expected_files(chunk: int, args: dict[str, Any]) -> set[str]:
    """Files chunk `chunk` writes, from the batch's arguments."""
    tables = args.get("tables", list(TABLES))
    out = set()
    if "levels" in tables:
        out |= {f"{LEVELS}/turn={t}/{part_name(chunk)}"
                for t in recorded_turns(args.get("record", "all"), int(args["turns"]))}
    if "events" in tables:
        out.add(f"{EVENTS}/{part_name(chunk)}")
    return out


def verify(out: Path | str, check_inputs: bool = True) -> list[str]:
    """Problems of a batch folder, one line each naming the damaged part; [] when whole.

    Checks every file against the SHA-256 in the manifest (or in the checksum files of an
    unfinished session), that every chunk is there, that no stray part files are mixed in,
    and with `check_inputs` that the scenario file, config and engine are those the batch
    was run with."""
    out = Path(out)
    man = read_manifest(out)
    args = man.get("arguments", {})
    problems: list[str] = []
    try:
        count = int(man["chunks"]["count"])
        want_runs = man.get("checksums", {}).get("runs")
    except (KeyError, TypeError, ValueError):
        return [f"{out / MANIFEST}: no chunk layout; not a batch manifest of this version"]
    if not (out / RUNS).is_file():
        problems.append(f"{RUNS}: missing")
    elif want_runs is None or file_sha256(out / RUNS) != want_runs:
        problems.append(f"{RUNS}: damaged (SHA-256 differs from the manifest)")
    done = chunk_checksums(out, man)
    known: set[str] = set()
    for chunk in range(count):
        expected = expected_files(chunk, args)
        known |= expected
        if chunk not in done:
            problems.append(f"{part_name(chunk)}: chunk {chunk} not computed (the batch is "
                            "unfinished: rerun its command to resume)")
            continue
        problems += _chunk_problems(out, chunk, done[chunk], expected)
    for folder in (LEVELS, EVENTS):
        for f in sorted((out / folder).rglob("*.parquet")) if (out / folder).is_dir() else []:
            rel = f.relative_to(out).as_posix()
            if rel not in known:
                problems.append(f"{rel}: not part of this batch")
    if check_inputs:
        problems += _input_problems(args)
    return problems


def _input_problems(args: dict[str, Any]) -> list[str]:
    from sim.inputs.setup import build, setup_fingerprint

    problems = []
    if args.get("engine_source") != engine_digest():
        problems.append(f"engine: the batch was run by engine {args.get('engine_source')}, "
                        f"this is {engine_digest()} (results may differ)")
    try:
        setup = build(args["scenario_file"], dict(args["overrides"]), args["turns"])
    except InputError as exc:
        return problems + [f"scenario: {exc}"]
    if setup.digest != args.get("scenario_sha256"):
        problems.append(f"{args['scenario_file']}: changed since the batch was run "
                        "(sha256 differs)")
    if setup_fingerprint(setup) != args.get("fingerprint"):
        problems.append("config: the scenario's config changed since the batch was run")
    return problems


def check_intact(out: Path | str) -> None:
    """Refuse (InputError) a folder whose files are damaged, missing or foreign."""
    problems = verify(out, check_inputs=False)
    damaged = [p for p in problems if "not computed" not in p]
    if damaged:
        more = f" (and {len(damaged) - 1} more)" if len(damaged) > 1 else ""
        raise InputError(str(out), "", f"damaged batch folder: {damaged[0]}{more}; "
                         "`wargame verify` lists every problem, rerunning the batch's "
                         "command recomputes damaged chunks")


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


def estimate(runs: int, turns: int, record: str, tables: tuple[str, ...], workers: int,
             out: Path) -> Estimate:
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


# --------------------------------------------------------------------------- batch
@dataclass
class Prepared:
    request: BatchRequest
    setup: Setup
    design: Any
    chunks: list[tuple[int, int]]
    manifest: dict[str, Any]
    todo: list[int]
    repaired: list[str] = field(default_factory=list)
    estimate: Estimate | None = None


def check_request(req: BatchRequest, workers: int | None = None) -> None:
    """Arguments checked before anything is built or written."""
    from sim.errors import allowed

    if not 1 <= req.runs <= MAX_RUNS:
        raise InputError("--runs", "runs", f"{req.runs} is out of range; allowed: 1 to "
                         f"{MAX_RUNS}")
    if req.chunk_size <= 0:
        raise InputError("--chunk-size", "chunk_size", f"{req.chunk_size} is not positive; "
                         "allowed: 1 or more")
    if not 0 <= req.seed < 2**63:
        raise InputError("--seed", "seed", f"{req.seed} is out of range; allowed: 0 to "
                         f"{2**63 - 1}")
    if req.record not in RECORDS:
        raise InputError("--record", req.record, f"unknown record mode; {allowed(RECORDS)}")
    for t in req.tables or ():
        if t not in TABLES:
            raise InputError("--tables", t, f"unknown table; {allowed(TABLES)}")
    if req.tables is not None and not req.chosen_tables():
        raise InputError("--tables", "", f"no table chosen; {allowed(TABLES)}")
    if workers is not None and not 1 <= workers <= 1024:
        raise InputError("--workers", "workers", f"{workers} is out of range; allowed: 1 to "
                         "1024")


def prepare(req: BatchRequest, workers: int | None = None) -> Prepared:
    """Validate everything, then create (or reopen, to resume) the batch directory.

    A resumed batch verifies every finished chunk against its checksum: damaged or
    missing ones are computed again."""
    from sim.inputs.setup import build
    from sim.research.design import make_design

    check_request(req, workers)
    setup = build(req.scenario, req.overrides, req.turns)
    design = make_design(setup, req.runs, req.seed, req.sweeps, req.sample, req.params)
    if req.replicates > 0:
        design = design.common_random_numbers(req.replicates)
    n = design.runs
    if n > MAX_RUNS:
        raise InputError("--runs", "runs", f"the design has {n} runs; allowed: up to "
                         f"{MAX_RUNS}")
    chunks = [(lo, min(lo + req.chunk_size, n)) for lo in range(0, n, req.chunk_size)]
    ident = _identity(req, setup)
    out = Path(req.out)
    if out.exists() and not out.is_dir():
        raise InputError("--out", str(out), "exists and is not a directory")
    man_path = out / MANIFEST
    resuming = out.is_dir() and any(out.iterdir())
    if resuming:
        if not man_path.exists():
            raise InputError("--out", str(out), "exists and is not a batch directory (no "
                             "manifest.json); choose a new or empty directory")
        try:
            old = json.loads(man_path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            raise InputError(str(man_path), "", "unreadable manifest; choose a new "
                             "directory") from None
        if old.get("arguments") != json.loads(json.dumps(ident)):
            diff = sorted(k for k in set(ident) | set(old.get("arguments", {}))
                          if json.loads(json.dumps(ident.get(k)))
                          != old.get("arguments", {}).get(k))
            raise InputError("--out", str(out), "holds a different batch (differs in: "
                             f"{', '.join(diff)}); rerun with the same arguments to resume "
                             "or choose a new directory")
        manifest = old
    else:
        manifest = {"arguments": ident}
    created = not out.exists()
    out.mkdir(parents=True, exist_ok=True)  # a folder that cannot be made fails here
    est = estimate(n, setup.turns, req.record, req.chosen_tables(), workers or os.cpu_count()
                   or 1, out)
    if not resuming and est.free is not None and est.bytes > est.free and not req.force:
        if created:
            out.rmdir()
        raise InputError("--runs", str(req.runs), f"the output needs {est.describe()}: it "
                         "will not fit; fewer runs, --record final, or --force to try anyway")
    manifest.update({
        "versions": versions(),
        "scenario": {"name": setup.name, "file": str(setup.path), "sha256": setup.digest},
        "overrides": setup.overrides, "seed": req.seed, "turns": setup.turns,
        "dates": [setup.date(t) for t in range(setup.turns + 1)],
        "record": req.record, "recorded_turns": recorded_turns(req.record, setup.turns),
        "tables": list(req.chosen_tables()),
        "design": design.describe(), "runs": n,
        "chunks": {"size": req.chunk_size, "count": len(chunks)},
    })
    manifest.setdefault("complete", False)
    out.mkdir(parents=True, exist_ok=True)
    for stale in out.rglob(".*.tmp"):
        stale.unlink(missing_ok=True)
    checks = manifest.setdefault("checksums", {})
    if "runs" not in checks or not (out / RUNS).is_file() or \
            file_sha256(out / RUNS) != checks["runs"]:
        data = encode(runs_table(req.seed, n, design))
        atomic_write(out / RUNS, data)
        checks["runs"] = sha256(data)
    # finished chunks are verified; damaged or missing ones are computed again
    done = chunk_checksums(out, manifest)
    todo, repaired = [], []
    for i in range(len(chunks)):
        if i not in done:
            todo.append(i)
            continue
        bad = _chunk_problems(out, i, done[i], expected_files(i, manifest["arguments"]))
        if bad:
            todo.append(i)
            repaired += bad
            del done[i]
            (out / CHECKSUMS / f"{part_name(i)[:-8]}.json").unlink(missing_ok=True)
    checks["chunks"] = {str(k): done[k] for k in sorted(done)}
    manifest["complete"] = not todo
    write_manifest(out, manifest)
    _drop_checksum_files(out)
    return Prepared(req, setup, design, chunks, manifest, todo, repaired, est)


def runs_table(seed: int, n: int, design):
    import pyarrow as pa

    idx = np.arange(n)
    rng = design.rng_runs()
    cols = {"run": pa.array(idx.astype(np.int64)),
            "seed_key": pa.array(run_keys(seed, rng).astype(np.uint64))}
    if design.rng_index is not None:
        cols["point"] = pa.array((idx // design.replicates).astype(np.int64))
        cols["rng_run"] = pa.array(rng.astype(np.int64))
    for k, v in design.values.items():
        cols[k] = pa.array(np.asarray(v, dtype=float))
    return pa.table(cols)


def write_manifest(out: Path, manifest: dict[str, Any]) -> None:
    atomic_write(out / MANIFEST, (json.dumps(manifest, indent=1, sort_keys=False) + "\n")
                 .encode("utf-8"))


class Interrupted(KeyboardInterrupt):
    """A batch stopped by Ctrl+C (or SIGTERM); its folder resumes with the same command."""

    def __init__(self, done: int, total: int):
        super().__init__(f"interrupted after {done} of {total} runs; rerun the same command "
                         "to resume")
        self.done, self.total = done, total


ProgressFn = Callable[[int, int], None]


def run_batch(req: BatchRequest, engine: str = "local", workers: int | None = None,
              scheduler: str | None = None, progress: ProgressFn | bool | None = None,
              on_chunk: Callable[[int], None] | None = None,
              announce: Callable[[Prepared], None] | None = None) -> Prepared:
    """Run (or resume) a batch; returns the prepared batch with its manifest completed.

    `progress(done_runs, total_runs)` is called as chunks finish. Ctrl+C stops the workers
    at once, records the finished chunks and raises `Interrupted`. `announce(prepared)` is
    called once the folder is ready, before any run (the command line prints the estimate
    and the chunks being recomputed)."""
    if engine not in ("local", "dask"):
        from sim.errors import allowed
        raise InputError("--engine", engine, f"unknown engine '{engine}'; "
                         f"{allowed(['local', 'dask'])}")
    check_request(req, workers)
    if scheduler and engine != "dask":
        raise InputError("--scheduler", scheduler, "needs --engine dask")
    client = _dask_client(scheduler, workers) if engine == "dask" else None
    try:
        prep = prepare(req, workers)
        if announce:
            announce(prep)
        out = Path(req.out)
        n = prep.design.runs
        done_runs = n - sum(prep.chunks[i][1] - prep.chunks[i][0] for i in prep.todo)
        report = progress if callable(progress) else None
        if report:
            report(done_runs, n)
        t0 = time.perf_counter()
        record, tables = req.record, req.chosen_tables()
        vals = prep.design.values
        rng_all = prep.design.rng_runs()
        tasks = [(str(out), i, req.seed, lo, hi, {k: v[lo:hi] for k, v in vals.items()},
                  rng_all[lo:hi], record, tables)
                 for i, lo, hi in ((i, *prep.chunks[i]) for i in prep.todo)]
        state = {"done": done_runs, "computed": 0}

        def finished(chunk: int, k: int) -> None:
            state["done"] += k
            state["computed"] += k
            if report:
                report(state["done"], n)
            if on_chunk:
                on_chunk(chunk)

        nworkers = workers or os.cpu_count() or 1
        try:
            if client is not None:
                _run_dask(client, prep, tasks, finished)
                nworkers = len(client.scheduler_info().get("workers", {})) or nworkers
            elif nworkers == 1 or len(tasks) <= 1:
                global _WORKER_SETUP
                _WORKER_SETUP = prep.setup
                for task in tasks:
                    chunk, k, _ = _local_task(task)
                    finished(chunk, k)
            else:
                _run_local(prep, tasks, finished, nworkers)
        except KeyboardInterrupt:
            _end_session(out, prep, engine, nworkers, t0, state["computed"])
            raise Interrupted(state["done"], n) from None
        _end_session(out, prep, engine, nworkers, t0, state["computed"])
        return prep
    finally:
        if client is not None:
            _close_dask(client)


def _end_session(out: Path, prep: Prepared, engine: str, nworkers: int, t0: float,
                 computed: int) -> None:
    """Checksums into the manifest, timings, and whether every chunk is there."""
    wall = time.perf_counter() - t0
    man = prep.manifest
    merge_checksums(out, man)
    timings = man.setdefault("timings", {"sessions": []})
    timings["sessions"].append({
        "finished": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "engine": engine,
        "workers": nworkers, "runs_run": computed,
        "seconds": round(wall, 3), "runs_per_second": round(computed / wall, 1) if wall else None})
    timings["total_seconds"] = round(sum(s["seconds"] for s in timings["sessions"]), 3)
    man["complete"] = len(man["checksums"]["chunks"]) == len(prep.chunks)
    write_manifest(out, man)
    _drop_checksum_files(out)


def _run_local(prep: Prepared, tasks, finished, nworkers: int) -> None:
    import multiprocessing as mp

    # forkserver: workers fork from a clean single-threaded server that has imported the
    # engine once (forking this process could copy locks held by pyarrow or Dask threads)
    methods = mp.get_all_start_methods()
    if "forkserver" in methods:
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(["sim.engine.model", "sim.research.batch", "pyarrow.parquet"])
    else:
        ctx = mp.get_context("spawn")
    pool = ctx.Pool(min(nworkers, len(tasks)), initializer=_init_worker,
                    initargs=(prep.setup,))
    try:
        for chunk, n, _ in pool.imap_unordered(_local_task, tasks):
            finished(chunk, n)
        pool.close()
    except BaseException:
        pool.terminate()  # stop at once: unfinished chunks leave only temporary files
        raise
    finally:
        pool.join()


def _dask_client(scheduler: str | None, workers: int | None):
    import logging

    from dask.distributed import Client, LocalCluster

    logging.getLogger("distributed").setLevel(logging.ERROR)
    if scheduler:
        try:
            return Client(scheduler, timeout="3s")
        except Exception as exc:  # noqa: BLE001 - any failure to connect is a bad address
            msg = " ".join(str(exc).split())[:160] or type(exc).__name__
            raise InputError("--scheduler", scheduler, f"cannot reach the Dask scheduler "
                             f"({msg})") from None
    cluster = LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1,
                           processes=True, dashboard_address=None, silence_logs=logging.ERROR)
    return Client(cluster)


def _close_dask(client) -> None:
    cluster = getattr(client, "cluster", None)
    client.close()
    if cluster is not None:
        cluster.close()


def _run_dask(client, prep: Prepared, tasks, finished) -> None:
    """Chunks computed on the Dask workers; the encoded parts come back and are written
    here, so workers need no shared file system."""
    from dask.distributed import as_completed

    setup_f = client.scatter(prep.setup, broadcast=True)
    futs = {}
    for _out, i, seed, lo, hi, values, rng_runs, record, tables in tasks:
        f = client.submit(_chunk_bytes, setup_f, seed, i, lo, hi, values, rng_runs, record,
                          tables, pure=False)
        futs[f] = (i, lo, hi)
    try:
        for f in as_completed(list(futs)):
            i, lo, hi = futs[f]
            store_chunk(Path(prep.request.out), i, lo, hi, f.result())
            finished(i, hi - lo)
            f.release()
    except BaseException:
        client.cancel(list(futs))
        raise


# --------------------------------------------------------------------------- reading
def read_manifest(out: Path | str, command: str | None = None) -> dict[str, Any]:
    path = Path(out) / MANIFEST
    if not path.exists():
        raise InputError(str(out), "", "not a batch directory (no manifest.json)")
    try:
        man = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        raise InputError(str(path), "", "unreadable manifest") from None
    if not isinstance(man, dict):
        raise InputError(str(path), "", "unreadable manifest (not a JSON object)")
    if command and man.get("arguments", {}).get("command") != command:
        raise InputError(str(out), "", f"holds a '{man.get('arguments', {}).get('command')}' "
                         f"result, not a '{command}' one")
    return man


def levels_dataset(out: Path | str):
    """The levels table as a lazy pyarrow dataset (turn from the Hive partition)."""
    import pyarrow.dataset as ds

    return ds.dataset(Path(out) / LEVELS, format="parquet", partitioning="hive",
                      exclude_invalid_files=False)


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


# --------------------------------------------------------------------------- replay
def run_spec(out: Path | str, run: int) -> dict[str, Any]:
    """What determines run `run` of a batch: scenario file, overrides (the batch's --set
    plus the run's swept or sampled values), turns, seed and the run whose random stream it
    draws. Checks the run number and that the scenario file is unchanged."""
    import pandas as pd

    from sim.inputs.setup import build

    man = read_manifest(out)
    args = man["arguments"]
    n = int(man["runs"])
    check_intact(out)
    if not 0 <= run < n:
        raise InputError("--run", str(run), f"out of range; allowed: 0 to {n - 1}")
    setup = build(args["scenario_file"], dict(args["overrides"]), args["turns"])
    if setup.digest != args["scenario_sha256"]:
        raise InputError(args["scenario_file"], "", "the scenario file changed since the batch "
                         "was run (sha256 differs); replay needs the original file")
    if args.get("engine_source") not in (None, engine_digest()):
        sys.stderr.write("warning: the engine's source changed since this batch was run; "
                         "the replay may differ from its rows\n")
    row = pd.read_parquet(Path(out) / RUNS, filters=[("run", "==", run)])
    params = {c: float(row[c].iloc[0]) for c in row.columns
              if c not in ("run", "seed_key", "point", "rng_run")}
    rng_run = int(row["rng_run"].iloc[0]) if "rng_run" in row.columns else run
    return {"scenario": args["scenario_file"], "overrides": dict(args["overrides"]) | params,
            "turns": args["turns"], "seed": int(args["seed"]), "rng_run": rng_run}


def replay_model(out: Path | str, run: int, keep_snapshots: bool = False):
    """Re-simulate run `run` of a batch alone, from its manifest and runs.parquet.

    The run's swept or sampled values join the batch's --set overrides, so the replayed
    run's JSON names every parameter that differs from the scenario."""
    from sim.engine.model import WargameModel
    from sim.inputs.setup import build

    spec = run_spec(out, run)
    setup = build(spec["scenario"], spec["overrides"], spec["turns"])
    model = WargameModel(setup, seed=spec["seed"], runs=np.array([spec["rng_run"]]),
                         keep_snapshots=keep_snapshots).run()
    model.run_index = np.array([run])  # the run's number in the batch (its draws: rng_run)
    return model
