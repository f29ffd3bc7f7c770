"""Batches: many runs of one scenario, stepped in chunks on the ensemble axis, streamed to disk.

Layout of a batch directory (all Parquet readable with `pandas.read_parquet(DIR / name)`):

- `levels.parquet/part-NNNNNN.parquet`: tidy levels (run, turn, date, dyad, track, level);
- `events.parquet/part-NNNNNN.parquet`: tidy events (run, turn, date, kind, dyad, track,
  enabler, id, text), the same events `wargame run --json` lists;
- `runs.parquet`: run, seed key and the value of every swept or sampled parameter;
- `manifest.json`: provenance (versions, scenario hash, overrides, seed, design, chunk layout,
  timings) and the arguments that identify the batch.

Each chunk file is written to a hidden temporary name and renamed into place, so a part
exists only when complete; rerunning the same command skips finished chunks. Draws are a
pure function of (seed, run index, turn, site) (sim/rng.py), so results do not depend on
the chunk size, the number of workers or the engine.
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

from .errors import InputError
from .ids import ENABLERS, TRACKS
from .rng import run_keys
from .setup import Setup

DEFAULT_CHUNK = 1000
MANIFEST = "manifest.json"
LEVELS = "levels.parquet"
EVENTS = "events.parquet"
RUNS = "runs.parquet"
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


def _identity(req: BatchRequest, setup: Setup) -> dict[str, Any]:
    from .setup import setup_fingerprint

    return {"command": req.command, "scenario": req.scenario, "scenario_file": str(setup.path),
            "scenario_sha256": setup.digest, "fingerprint": setup_fingerprint(setup),
            "overrides": setup.overrides, "seed": req.seed, "runs": req.runs,
            "turns": setup.turns, "sweeps": list(req.sweeps), "sample": req.sample,
            "params": list(req.params), "chunk_size": req.chunk_size,
            "replicates": req.replicates, "engine_source": engine_digest(), **req.extra}


def engine_digest() -> str:
    """Hash of the engine's source files: a resumed batch must run the same code."""
    import hashlib

    h = hashlib.sha256()
    here = Path(__file__).parent
    for name in ("actors.py", "model.py", "moves.py", "rng.py", "setup.py", "shocks.py",
                 "world.py", "results.py", "batch.py"):
        p = here / name
        if p.exists():
            h.update(name.encode())
            h.update(p.read_bytes())
    return h.hexdigest()[:16]


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
        from .results import ACTIVITY, agreement_texts

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

    def levels(self, hist: np.ndarray, run_index: np.ndarray):
        """(T+1, R, D, K) -> table ordered by run, turn, dyad, track."""
        import pyarrow as pa

        T1, R, D, K = hist.shape
        per_run = T1 * D * K
        turn = np.tile(np.repeat(np.arange(T1, dtype=np.int32), D * K), R)
        return pa.table({
            "run": pa.array(np.repeat(run_index.astype(np.int64), per_run)),
            "turn": pa.array(turn),
            "date": self._dict(turn, self.dates),
            "dyad": self._dict(np.tile(np.repeat(np.arange(D), K), R * T1), list(self.setup.dyads)),
            "track": self._dict(np.tile(np.arange(K), R * T1 * D), list(TRACKS)),
            "level": pa.array(np.ascontiguousarray(hist.transpose(1, 0, 2, 3)).reshape(-1)),
        })

    def events(self, model, runs: np.ndarray):
        """Events of every run of `model` (batch run numbers `runs`), in the order of
        sim.results.run_events."""
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


def compute_chunk(setup: Setup, seed: int, lo: int, hi: int, values: dict[str, np.ndarray],
                  rng_runs: np.ndarray | None = None) -> tuple[Any, Any]:
    """Run runs lo..hi-1 as one ensemble; returns (levels table, events table).

    `rng_runs` are the indices whose random streams the runs draw (default: lo..hi-1)."""
    from .model import WargameModel

    runs = np.arange(lo, hi)
    model = WargameModel(setup, seed=seed, runs=runs if rng_runs is None else rng_runs,
                         run_params=values).run()
    tidy = Tidy(setup)
    return tidy.levels(model.level_history(), runs), tidy.events(model, runs)


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


def store_chunk(out: Path, chunk: int, levels: bytes, events: bytes) -> None:
    """Events first, levels last: a chunk is finished when its levels part exists."""
    atomic_write(out / EVENTS / part_name(chunk), events)
    atomic_write(out / LEVELS / part_name(chunk), levels)


def chunk_done(out: Path, chunk: int) -> bool:
    return (out / LEVELS / part_name(chunk)).exists() and (out / EVENTS / part_name(chunk)).exists()


def _chunk_bytes(setup, seed, lo, hi, values, rng_runs=None) -> tuple[int, bytes, bytes]:
    import gc

    import pyarrow as pa

    lv, ev = compute_chunk(setup, seed, lo, hi, values, rng_runs)
    out = hi - lo, encode(lv), encode(ev)
    del lv, ev
    # the model and its agents reference each other: collect them now, and hand Arrow's
    # freed buffers back, so a long batch does not grow chunk after chunk
    gc.collect()
    pa.default_memory_pool().release_unused()
    return out


# --------------------------------------------------------------------------- workers
_WORKER_SETUP: Setup | None = None


def _init_worker(setup: Setup) -> None:
    global _WORKER_SETUP
    _WORKER_SETUP = setup


def _local_task(out: str, chunk: int, seed: int, lo: int, hi: int,
                values: dict[str, np.ndarray], rng_runs: np.ndarray) -> tuple[int, int]:
    n, lv, ev = _chunk_bytes(_WORKER_SETUP, seed, lo, hi, values, rng_runs)
    store_chunk(Path(out), chunk, lv, ev)
    return chunk, n


class Progress:
    """A one-line progress bar on stderr: runs done, runs per second and time left."""

    def __init__(self, total: int, done: int = 0, enabled: bool = True, stream=None):
        self.total, self.done, self.start_done = total, done, done
        self.t0 = time.perf_counter()
        self.last = 0.0
        self.enabled = enabled
        self.stream = stream or sys.stderr
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()

    def update(self, n: int, force: bool = False) -> None:
        self.done += n
        now = time.perf_counter()
        if not self.enabled or (not force and now - self.last < (0.2 if self.tty else 2.0)):
            return
        self.last = now
        elapsed = max(now - self.t0, 1e-9)
        rate = (self.done - self.start_done) / elapsed
        left = (self.total - self.done) / rate if rate > 0 else float("nan")
        width = 30
        filled = int(width * self.done / max(self.total, 1))
        bar = "#" * filled + "." * (width - filled)
        eta = f"{left:6.1f}s" if np.isfinite(left) else "     ?"
        line = (f"[{bar}] {self.done}/{self.total} runs  {rate:8.1f} runs/s  ETA {eta}")
        self.stream.write(("\r" + line) if self.tty else line + "\n")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.update(0, force=True)
            if self.tty:
                self.stream.write("\n")
                self.stream.flush()


# --------------------------------------------------------------------------- batch
@dataclass
class Prepared:
    request: BatchRequest
    setup: Setup
    design: Any
    chunks: list[tuple[int, int]]
    manifest: dict[str, Any]
    todo: list[int]


def prepare(req: BatchRequest) -> Prepared:
    """Validate everything, then create (or reopen, to resume) the batch directory."""
    from .design import make_design
    from .setup import build

    if req.runs <= 0:
        raise InputError("--runs", "runs", f"{req.runs} is not a positive number of runs; "
                         "allowed: 1 or more")
    if req.chunk_size <= 0:
        raise InputError("--chunk-size", "chunk_size", f"{req.chunk_size} is not positive; "
                         "allowed: 1 or more")
    if req.seed < 0:
        raise InputError("--seed", "seed", f"{req.seed} is negative; allowed: 0 or more")
    setup = build(req.scenario, req.overrides, req.turns)
    design = make_design(setup, req.runs, req.seed, req.sweeps, req.sample, req.params)
    if req.replicates > 0:
        design = design.common_random_numbers(req.replicates)
    n = design.runs
    chunks = [(lo, min(lo + req.chunk_size, n)) for lo in range(0, n, req.chunk_size)]
    ident = _identity(req, setup)
    out = Path(req.out)
    if out.exists() and not out.is_dir():
        raise InputError("--out", str(out), "exists and is not a directory")
    man_path = out / MANIFEST
    if out.is_dir() and any(out.iterdir()):
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
    manifest.update({
        "versions": versions(),
        "scenario": {"name": setup.name, "file": str(setup.path), "sha256": setup.digest},
        "overrides": setup.overrides, "seed": req.seed, "turns": setup.turns,
        "dates": [setup.date(t) for t in range(setup.turns + 1)],
        "design": design.describe(), "runs": n,
        "chunks": {"size": req.chunk_size, "count": len(chunks),
                   "files": [part_name(i) for i in range(len(chunks))]},
    })
    manifest.setdefault("complete", False)
    for sub in (LEVELS, EVENTS):
        (out / sub).mkdir(parents=True, exist_ok=True)
        for stale in (out / sub).glob(".part-*.tmp"):
            stale.unlink(missing_ok=True)
    if not (out / RUNS).exists():
        atomic_write(out / RUNS, encode(runs_table(req.seed, n, design)))
    write_manifest(out, manifest)
    todo = [i for i in range(len(chunks)) if not chunk_done(out, i)]
    return Prepared(req, setup, design, chunks, manifest, todo)


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


def run_batch(req: BatchRequest, engine: str = "local", workers: int | None = None,
              scheduler: str | None = None, progress: bool = True,
              on_chunk: Callable[[int], None] | None = None) -> Prepared:
    """Run (or resume) a batch; returns the prepared batch with its manifest completed."""
    if engine not in ("local", "dask"):
        from .errors import allowed
        raise InputError("--engine", engine, f"unknown engine '{engine}'; "
                         f"{allowed(['local', 'dask'])}")
    if workers is not None and workers <= 0:
        raise InputError("--workers", "workers", f"{workers} is not positive; allowed: 1 or more")
    if scheduler and engine != "dask":
        raise InputError("--scheduler", scheduler, "needs --engine dask")
    client = _dask_client(scheduler, workers) if engine == "dask" else None
    try:
        prep = prepare(req)
        out = Path(req.out)
        n = prep.design.runs
        done_runs = n - sum(prep.chunks[i][1] - prep.chunks[i][0] for i in prep.todo)
        bar = Progress(n, done_runs, enabled=progress)
        t0 = time.perf_counter()
        tasks = [(i, *prep.chunks[i]) for i in prep.todo]
        vals = prep.design.values

        rng_all = prep.design.rng_runs()

        def sl(lo, hi):
            return {k: v[lo:hi] for k, v in vals.items()}, rng_all[lo:hi]

        def finished(chunk: int, k: int) -> None:
            bar.update(k)
            if on_chunk:
                on_chunk(chunk)

        nworkers = workers or os.cpu_count() or 1
        if client is not None:
            _run_dask(client, prep, tasks, sl, finished)
            nworkers = len(client.scheduler_info().get("workers", {})) or nworkers
        elif nworkers == 1 or len(tasks) <= 1:
            for i, lo, hi in tasks:
                k, lv, ev = _chunk_bytes(prep.setup, req.seed, lo, hi, *sl(lo, hi))
                store_chunk(out, i, lv, ev)
                finished(i, k)
        else:
            _run_local(prep, tasks, sl, finished, nworkers)
        bar.close()
        wall = time.perf_counter() - t0
        computed = sum(hi - lo for _, lo, hi in tasks)
        timings = prep.manifest.setdefault("timings", {"sessions": []})
        timings["sessions"].append({
            "finished": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "engine": engine,
            "workers": nworkers, "chunks_run": len(tasks), "runs_run": computed,
            "seconds": round(wall, 3), "runs_per_second": round(computed / wall, 1) if wall else None})
        timings["total_seconds"] = round(sum(s["seconds"] for s in timings["sessions"]), 3)
        prep.manifest["complete"] = all(chunk_done(out, i) for i in range(len(prep.chunks)))
        write_manifest(out, prep.manifest)
        return prep
    finally:
        if client is not None:
            _close_dask(client)


def _run_local(prep: Prepared, tasks, sl, finished, nworkers: int) -> None:
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor, as_completed

    # forkserver: workers fork from a clean single-threaded server that has imported the
    # engine once (forking this process could copy locks held by pyarrow or Dask threads)
    methods = mp.get_all_start_methods()
    if "forkserver" in methods:
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(["sim.model", "sim.batch", "pyarrow.parquet"])
    else:
        ctx = mp.get_context("spawn")
    with ProcessPoolExecutor(max_workers=min(nworkers, len(tasks)), mp_context=ctx,
                             initializer=_init_worker, initargs=(prep.setup,)) as pool:
        futs = [pool.submit(_local_task, str(prep.request.out), i, prep.request.seed, lo, hi,
                            *sl(lo, hi)) for i, lo, hi in tasks]
        for f in as_completed(futs):
            chunk, n = f.result()
            finished(chunk, n)


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


def _run_dask(client, prep: Prepared, tasks, sl, finished) -> None:
    """Chunks computed on the Dask workers; the encoded parts come back and are written
    here, so workers need no shared file system."""
    from dask.distributed import as_completed

    setup_f = client.scatter(prep.setup, broadcast=True)
    futs = {}
    for i, lo, hi in tasks:
        f = client.submit(_chunk_bytes, setup_f, prep.request.seed, lo, hi, *sl(lo, hi),
                          pure=False)
        futs[f] = i
    for f in as_completed(list(futs)):
        n, lv, ev = f.result()
        store_chunk(Path(prep.request.out), futs[f], lv, ev)
        finished(futs[f], n)
        f.release()


# --------------------------------------------------------------------------- reading
def read_manifest(out: Path | str, command: str | None = None) -> dict[str, Any]:
    path = Path(out) / MANIFEST
    if not path.exists():
        raise InputError(str(out), "", "not a batch directory (no manifest.json)")
    try:
        man = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        raise InputError(str(path), "", "unreadable manifest") from None
    if command and man.get("arguments", {}).get("command") != command:
        raise InputError(str(out), "", f"holds a '{man.get('arguments', {}).get('command')}' "
                         f"result, not a '{command}' one")
    return man


def read_levels(out: Path | str, filters=None):
    """Levels of a batch as a DataFrame, sorted by run, turn, dyad, track."""
    import pandas as pd

    df = pd.read_parquet(Path(out) / LEVELS, filters=filters)
    return df.sort_values(["run", "turn"], kind="stable").reset_index(drop=True)


def level_array(out: Path | str) -> np.ndarray:
    """Levels as (runs, T+1, D, K) from the tidy parts (for checks and analyses)."""
    man = read_manifest(out)
    df = read_levels(out)
    T1 = man["turns"] + 1
    n = df["run"].nunique()
    return df["level"].to_numpy().reshape(n, T1, -1, len(TRACKS))


# --------------------------------------------------------------------------- replay
def run_spec(out: Path | str, run: int) -> dict[str, Any]:
    """What determines run `run` of a batch: scenario file, overrides (the batch's --set
    plus the run's swept or sampled values), turns, seed and the run whose random stream it
    draws. Checks the run number and that the scenario file is unchanged."""
    import pandas as pd

    from .setup import build

    man = read_manifest(out)
    args = man["arguments"]
    n = int(man["runs"])
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
    from .model import WargameModel
    from .setup import build

    spec = run_spec(out, run)
    setup = build(spec["scenario"], spec["overrides"], spec["turns"])
    model = WargameModel(setup, seed=spec["seed"], runs=np.array([spec["rng_run"]]),
                         keep_snapshots=keep_snapshots).run()
    model.run_index = np.array([run])  # the run's number in the batch (its draws: rng_run)
    return model
