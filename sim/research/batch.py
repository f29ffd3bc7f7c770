"""Batches: many runs of one scenario, stepped in chunks on the ensemble axis, streamed to disk.

A batch folder holds the tidy tables (sim/research/tables.py: levels, events, runs, in
Parquet that pandas, polars and DuckDB read, see sim/api.py) and `manifest.json`: provenance
(versions, scenario hash, overrides, seed, design, chunk layout, timings), the arguments that
identify the batch (sim/research/request.py) and the SHA-256 of every file
(sim/research/integrity.py).

`run_batch` prepares the folder, hands the chunks still to compute to an executor
(sim/research/executors.py: this process, local processes or Dask) and records the session.
Rerunning the same command verifies every finished chunk and computes only the missing or
damaged ones. Draws are a pure function of (seed, run index, turn, site)
(sim/engine/rng.py), so results do not depend on the chunk size, the number of workers or
the engine.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.errors import InputError
from sim.files import atomic_write
from sim.inputs.setup import Setup
from sim.research.executors import ChunkTask, ChunkWork, Executor, executor
from sim.research.integrity import (
    CHECKSUMS,
    MANIFEST,
    chunk_checksums,
    chunk_problems,
    drop_checksum_files,
    expected_files,
    file_sha256,
    merge_checksums,
    sha256,
    write_manifest,
)
from sim.research.request import (
    MAX_RUNS,
    BatchRequest,
    Estimate,
    check_request,
    estimate,
    identity,
    versions,
)
from sim.research.tables import HIVE, LAYOUT, RUNS, encode, part_name, recorded_turns, runs_table


@dataclass
class Prepared:
    """A batch folder ready to run: its request, setup, design, chunk layout (run ranges),
    manifest, the chunks still to compute and the problems found in damaged ones."""

    request: BatchRequest
    setup: Setup
    design: Any
    chunks: list[tuple[int, int]]
    manifest: dict[str, Any]
    todo: list[int]
    repaired: list[str] = field(default_factory=list)
    estimate: Estimate | None = None

    def work(self) -> ChunkWork:
        req = self.request
        layout = self.manifest.get("layout", HIVE)
        return ChunkWork(
            self.setup, req.seed, req.record, req.chosen_tables(), Path(req.out), layout
        )

    def tasks(self) -> list[ChunkTask]:
        """The chunks still to compute, with their parameter values and random streams."""
        vals = self.design.values
        rng_all = self.design.rng_runs()
        return [
            ChunkTask(i, lo, hi, {k: v[lo:hi] for k, v in vals.items()}, rng_all[lo:hi])
            for i, lo, hi in ((i, *self.chunks[i]) for i in self.todo)
        ]


def prepare(req: BatchRequest, workers: int | None = None) -> Prepared:
    """Validate everything, then create (or reopen, to resume) the batch directory.

    A resumed batch verifies every finished chunk against its checksum: damaged or
    missing ones are computed again."""
    setup, design, chunks = plan(req, workers)
    n = design.runs
    ident = identity(req, setup)
    out = Path(req.out)
    manifest, resuming = open_folder(out, ident)
    created = not out.exists()
    out.mkdir(parents=True, exist_ok=True)  # a folder that cannot be made fails here
    est = estimate(
        n, setup.turns, req.record, req.chosen_tables(), workers or os.cpu_count() or 1, out
    )
    if not resuming and est.free is not None and est.bytes > est.free and not req.force:
        if created:
            out.rmdir()
        raise InputError(
            "--runs",
            str(req.runs),
            f"the output needs {est.describe()}: it "
            "will not fit; fewer runs, --record final, or --force to try anyway",
        )
    manifest.update(provenance(req, setup, design, len(chunks)))
    manifest.setdefault("complete", False)
    out.mkdir(parents=True, exist_ok=True)
    for stale in out.rglob(".*.tmp"):
        stale.unlink(missing_ok=True)
    checks = manifest.setdefault("checksums", {})
    write_runs(out, checks, req.seed, design)
    todo, repaired = verify_chunks(out, manifest, len(chunks))
    manifest["complete"] = not todo
    write_manifest(out, manifest)
    drop_checksum_files(out)
    return Prepared(req, setup, design, chunks, manifest, todo, repaired, est)


def plan(req: BatchRequest, workers: int | None) -> tuple[Setup, Any, list[tuple[int, int]]]:
    """The request checked, its setup, its design (with common random numbers when it asks
    for replicates) and the design's runs cut into chunks (run ranges)."""
    from sim.inputs.setup import build
    from sim.research.design import make_design

    check_request(req, workers)
    setup = build(req.scenario, req.overrides, req.turns)
    design = make_design(setup, req.runs, req.seed, req.sweeps, req.sample, req.params)
    if req.replicates > 0:
        design = design.common_random_numbers(req.replicates)
    n = design.runs
    if n > MAX_RUNS:
        raise InputError("--runs", "runs", f"the design has {n} runs; allowed: up to {MAX_RUNS}")
    chunks = [(lo, min(lo + req.chunk_size, n)) for lo in range(0, n, req.chunk_size)]
    return setup, design, chunks


def open_folder(out: Path, ident: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """The manifest to write into `out` and whether the batch resumes: a new or empty
    folder starts one; a folder holding a batch with the same arguments `ident` resumes it
    (in its own layout); anything else is refused."""
    if out.exists() and not out.is_dir():
        raise InputError("--out", str(out), "exists and is not a directory")
    man_path = out / MANIFEST
    if not (out.is_dir() and any(out.iterdir())):
        return {"arguments": ident, "layout": LAYOUT}, False
    if not man_path.exists():
        raise InputError(
            "--out",
            str(out),
            "exists and is not a batch directory (no "
            "manifest.json); choose a new or empty directory",
        )
    try:
        old = json.loads(man_path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        raise InputError(str(man_path), "", "unreadable manifest; choose a new directory") from None
    if old.get("arguments") != json.loads(json.dumps(ident)):
        diff = sorted(
            k
            for k in set(ident) | set(old.get("arguments", {}))
            if json.loads(json.dumps(ident.get(k))) != old.get("arguments", {}).get(k)
        )
        raise InputError(
            "--out",
            str(out),
            "holds a different batch (differs in: "
            f"{', '.join(diff)}); rerun with the same arguments to resume "
            "or choose a new directory",
        )
    old.setdefault("layout", HIVE)  # a folder of an earlier layout is resumed in its own
    return old, True


def provenance(req: BatchRequest, setup: Setup, design: Any, chunks: int) -> dict[str, Any]:
    """What the manifest records of the batch besides its arguments: versions, scenario,
    overrides, seed, turns and dates, what is recorded, the design and the chunk layout."""
    return {
        "versions": versions(),
        "scenario": {"name": setup.name, "file": str(setup.path), "sha256": setup.digest},
        "overrides": setup.overrides,
        "seed": req.seed,
        "turns": setup.turns,
        "dates": [setup.date(t) for t in range(setup.turns + 1)],
        "record": req.record,
        "recorded_turns": recorded_turns(req.record, setup.turns),
        "tables": list(req.chosen_tables()),
        "design": design.describe(),
        "runs": design.runs,
        "chunks": {"size": req.chunk_size, "count": chunks},
    }


def write_runs(out: Path, checks: dict[str, Any], seed: int, design: Any) -> None:
    """runs.parquet (each run's seed and parameter values) written unless it is there with
    the checksum `checks` holds; its checksum recorded in `checks`."""
    if "runs" in checks and (out / RUNS).is_file() and file_sha256(out / RUNS) == checks["runs"]:
        return
    data = encode(runs_table(seed, design.runs, design))
    atomic_write(out / RUNS, data)
    checks["runs"] = sha256(data)


def verify_chunks(out: Path, manifest: dict[str, Any], count: int) -> tuple[list[int], list[str]]:
    """The chunks of `count` still to compute (missing, or finished but damaged) and the
    problems found in the damaged ones; the manifest's checksums keep the sound ones."""
    done = chunk_checksums(out, manifest)
    todo, repaired = [], []
    for i in range(count):
        if i not in done:
            todo.append(i)
            continue
        expected = expected_files(i, manifest["arguments"], manifest["layout"])
        bad = chunk_problems(out, i, done[i], expected)
        if bad:
            todo.append(i)
            repaired += bad
            del done[i]
            (out / CHECKSUMS / f"{part_name(i)[:-8]}.json").unlink(missing_ok=True)
    manifest["checksums"]["chunks"] = {str(k): done[k] for k in sorted(done)}
    return todo, repaired


class Interrupted(KeyboardInterrupt):
    """A batch stopped by Ctrl+C (or SIGTERM); its folder resumes with the same command."""

    def __init__(self, done: int, total: int):
        super().__init__(
            f"interrupted after {done} of {total} runs; rerun the same command to resume"
        )
        self.done, self.total = done, total


ProgressFn = Callable[[int, int], None]


def run_batch(
    req: BatchRequest,
    engine: str = "local",
    workers: int | None = None,
    scheduler: str | None = None,
    progress: ProgressFn | bool | None = None,
    on_chunk: Callable[[int], None] | None = None,
    announce: Callable[[Prepared], None] | None = None,
) -> Prepared:
    """Run (or resume) a batch; returns the prepared batch with its manifest completed.

    `engine` names the executor (sim.research.executors.ENGINES). `progress(done_runs,
    total_runs)` is called as chunks finish. Ctrl+C stops the workers at once, records the
    finished chunks and raises `Interrupted`. `announce(prepared)` is called once the folder
    is ready, before any run (the command line prints the estimate and the chunks being
    recomputed)."""
    check_request(req, workers)
    with executor(engine, workers, scheduler) as ex:
        prep = prepare(req, workers)
        if announce:
            announce(prep)
        n = prep.design.runs
        done_runs = n - sum(prep.chunks[i][1] - prep.chunks[i][0] for i in prep.todo)
        report = progress if callable(progress) else None
        if report:
            report(done_runs, n)
        t0 = time.perf_counter()
        state = {"done": done_runs, "computed": 0}

        def finished(chunk: int, k: int) -> None:
            state["done"] += k
            state["computed"] += k
            if report:
                report(state["done"], n)
            if on_chunk:
                on_chunk(chunk)

        try:
            ex.map_chunks(prep.work(), prep.tasks(), finished)
        except KeyboardInterrupt:
            _end_session(prep, engine, ex, t0, state["computed"])
            raise Interrupted(state["done"], n) from None
        _end_session(prep, engine, ex, t0, state["computed"])
        return prep


def _end_session(prep: Prepared, engine: str, ex: Executor, t0: float, computed: int) -> None:
    """Checksums into the manifest, timings, and whether every chunk is there."""
    wall = time.perf_counter() - t0
    out, man = Path(prep.request.out), prep.manifest
    merge_checksums(out, man)
    timings = man.setdefault("timings", {"sessions": []})
    timings["sessions"].append(
        {
            "finished": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "engine": engine,
            "workers": ex.workers,
            "runs_run": computed,
            "seconds": round(wall, 3),
            "runs_per_second": round(computed / wall, 1) if wall else None,
        }
    )
    timings["total_seconds"] = round(sum(s["seconds"] for s in timings["sessions"]), 3)
    man["complete"] = len(man["checksums"]["chunks"]) == len(prep.chunks)
    write_manifest(out, man)
    drop_checksum_files(out)
