"""Where the chunks of a batch are computed: executors behind one interface.

An executor is a context manager (it starts and stops its workers) with one method,
`map_chunks(work, tasks, on_done)`: compute every task, store its files in the batch folder
and call `on_done(chunk, runs)` as each finishes, in any order. `SerialExecutor` computes in
this process, `ProcessExecutor` in a pool of local processes, `DaskExecutor` on a Dask cluster
(whose workers need no shared file system: the encoded files come back and are written here).
`ENGINES` maps the names of `--engine` to them. Draws are a pure function of (seed, run
index, turn, site) (sim/engine/rng.py), so every executor gives the same files.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from sim.errors import InputError
from sim.heap import roomy_heap
from sim.inputs.setup import Setup
from sim.research.integrity import store_chunk
from sim.research.tables import LAYOUT, compute_chunk, encode, part_name

#: on_done(chunk, runs): called once per finished chunk
OnDone = Callable[[int, int], None]


@dataclass(frozen=True)
class ChunkWork:
    """What every chunk of a batch shares (sent once to each worker)."""

    setup: Setup
    seed: int
    record: str
    tables: tuple[str, ...]
    out: Path
    layout: int = LAYOUT  # the folder's file layout (sim.research.tables)


@dataclass(frozen=True)
class ChunkTask:
    """Runs lo..hi-1 of a batch, their parameter values and the runs whose streams they draw."""

    chunk: int
    lo: int
    hi: int
    values: dict[str, np.ndarray]
    rng_runs: np.ndarray


def dask_chunk_files(work: ChunkWork, task: ChunkTask) -> dict[str, bytes]:
    """`chunk_files` as a Dask worker runs it: `roomy_heap` first, which undoes the Dask
    nanny's MALLOC_TRIM_THRESHOLD_ (sim/heap.py)."""
    roomy_heap()
    return chunk_files(work, task)


def chunk_files(work: ChunkWork, task: ChunkTask) -> dict[str, bytes]:
    """The encoded files of one chunk, by path relative to the batch folder."""
    import pyarrow as pa

    tables = compute_chunk(
        work.setup,
        work.seed,
        task.lo,
        task.hi,
        task.values,
        task.rng_runs,
        work.record,
        work.tables,
        work.layout,
    )
    files = {f"{folder}/{part_name(task.chunk)}": encode(t) for folder, t in tables.items()}
    del tables
    # the model and its agents reference each other: collect them now, and hand Arrow's
    # freed buffers back, so a long batch does not grow chunk after chunk
    gc.collect()
    pa.default_memory_pool().release_unused()
    return files


def compute_and_store(work: ChunkWork, task: ChunkTask) -> tuple[int, int]:
    store_chunk(work.out, task.chunk, task.lo, task.hi, chunk_files(work, task))
    return task.chunk, task.hi - task.lo


class Executor(Protocol):
    """Computes the chunks of a batch (the shape of EMA Workbench's evaluators)."""

    #: workers that computed the chunks (recorded in the manifest's timings)
    workers: int

    def __enter__(self) -> Executor: ...

    def __exit__(self, *exc) -> None: ...

    def map_chunks(self, work: ChunkWork, tasks: list[ChunkTask], on_done: OnDone) -> None:
        """Compute and store every task, calling `on_done` as each chunk is stored."""
        ...


class SerialExecutor:
    """One chunk after another in this process."""

    def __init__(self, workers: int | None = None, scheduler: str | None = None):
        _no_scheduler(scheduler)
        self.workers = 1

    def __enter__(self) -> SerialExecutor:
        return self

    def __exit__(self, *exc) -> None:
        return None

    def map_chunks(self, work: ChunkWork, tasks: list[ChunkTask], on_done: OnDone) -> None:
        gc.freeze()  # as in a worker (_init_worker), for the length of the batch
        try:
            for task in tasks:
                on_done(*compute_and_store(work, task))
        finally:
            gc.unfreeze()


class ProcessExecutor:
    """A pool of processes on this machine, each writing its chunks' files itself. One
    worker, or one chunk to compute, runs in this process (no pool to start)."""

    def __init__(self, workers: int | None = None, scheduler: str | None = None):
        _no_scheduler(scheduler)
        self.workers = workers or os.cpu_count() or 1

    def __enter__(self) -> ProcessExecutor:
        return self

    def __exit__(self, *exc) -> None:
        return None

    def map_chunks(self, work: ChunkWork, tasks: list[ChunkTask], on_done: OnDone) -> None:
        if self.workers == 1 or len(tasks) <= 1:
            SerialExecutor().map_chunks(work, tasks, on_done)
            return
        import multiprocessing as mp

        # forkserver: workers fork from a clean single-threaded server that has imported the
        # engine once (forking this process could copy locks held by pyarrow or Dask threads)
        if "forkserver" in mp.get_all_start_methods():
            ctx = mp.get_context("forkserver")
            ctx.set_forkserver_preload(
                ["sim.engine.model", "sim.research.executors", "pyarrow.parquet"]
            )
        else:
            ctx = mp.get_context("spawn")
        with _main_not_rerun():
            n_proc = min(self.workers, len(tasks))
            pool = ctx.Pool(n_proc, initializer=_init_worker, initargs=(work,))
            try:
                results = pool.imap_unordered(_worker_task, tasks)
                for _ in tasks:
                    chunk, n = _next_result(results, pool, n_proc)
                    on_done(chunk, n)
                pool.close()
            except BaseException:
                pool.terminate()  # stop at once: unfinished chunks leave only temporary files
                raise
            finally:
                pool.join()


def _next_result(results, pool, n_proc: int) -> tuple[int, int]:
    """The next finished chunk; InputError as soon as a worker process has died.

    multiprocessing's pool replaces a dead worker and loses the chunk it held: left alone, a
    worker that dies at start is restarted without end, one killed later (out of memory)
    leaves the batch waiting for ever. The pool's processes are looked at twice a second:
    a process beyond the `n_proc` first ones means one died."""
    import multiprocessing as mp

    seen: set[int] = set()
    while True:
        try:
            return results.next(timeout=0.5)
        except mp.TimeoutError:
            seen |= {proc.pid for proc in pool._pool}  # noqa: SLF001 - no public view of them
            if len(seen) > n_proc:
                raise InputError(
                    "--workers",
                    str(n_proc),
                    "a worker process died (killed, out of memory or failing at start); the "
                    "finished chunks are kept: rerun the same command to resume, with fewer "
                    "--workers (workers=), 1 if they die at start",
                ) from None


@contextmanager
def _main_not_rerun() -> Iterator[None]:
    """Start worker processes without running the `__main__` module again in each.

    multiprocessing runs the main script (or module) in every new worker before its first
    task. Ours need nothing from it (their functions live in this module), and running it
    fails two ways: from standard input (`python - <<EOF`, a file named '<stdin>') each worker
    dies at start and the pool restarts it without end; a script without the
    `if __name__ == "__main__":` guard starts the batch again in every worker. So while the
    pool lives, the main module shows no file and no module name, as in `python -c` or a
    notebook, from which workers start cleanly."""
    import sys

    main = sys.modules.get("__main__")
    if main is None:
        yield
        return
    saved = {k: getattr(main, k) for k in ("__file__", "__spec__") if hasattr(main, k)}
    try:
        main.__spec__ = None
        if "__file__" in saved:
            del main.__file__
        yield
    finally:
        for k, v in saved.items():
            setattr(main, k, v)


_WORKER_WORK: ChunkWork | None = None


def _init_worker(work: ChunkWork) -> None:
    import signal

    global _WORKER_WORK
    _WORKER_WORK = work
    roomy_heap(force=True)  # the heap thresholds of `wargame` itself (sim/heap.py)
    # Ctrl+C reaches every process of the terminal's group: the batch process stops the
    # workers itself, so they leave no traceback of their own
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # the imported libraries and the setup live as long as the worker: out of the
    # collector's sight, each chunk's gc.collect() scans only what the chunk made
    gc.freeze()


def _worker_task(task: ChunkTask) -> tuple[int, int]:
    if _WORKER_WORK is None:
        raise RuntimeError("a worker task outside a pool started by ProcessExecutor")
    return compute_and_store(_WORKER_WORK, task)


def connect_dask(address: str, option: str, timeout: str = "5s"):
    """A client of the Dask scheduler at `address` (tcp://host:port, or a scheduler file),
    or one InputError naming `option` and what went wrong."""
    from dask.distributed import Client

    where = {"scheduler_file": address} if Path(address).is_file() else {"address": address}
    try:
        return Client(timeout=timeout, **where)
    except Exception as exc:  # noqa: BLE001 - any failure to connect is a bad address
        msg = " ".join(str(exc).split())[:160] or type(exc).__name__
        raise InputError(option, address, f"cannot reach the Dask scheduler ({msg})") from None


class DaskExecutor:
    """Chunks computed on the workers of a Dask cluster: the one at `scheduler`, or a local
    cluster of `workers` processes. The encoded files come back and are written here."""

    def __init__(self, workers: int | None = None, scheduler: str | None = None):
        self.workers = workers or os.cpu_count() or 1
        self.scheduler = scheduler
        self.client = None

    def __enter__(self) -> DaskExecutor:
        import logging

        from dask.distributed import Client, LocalCluster

        logging.getLogger("distributed").setLevel(logging.ERROR)
        if self.scheduler:
            self.client = connect_dask(self.scheduler, "--scheduler", timeout="3s")
        else:
            cluster = LocalCluster(
                n_workers=self.workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=logging.ERROR,
            )
            self.client = Client(cluster)
        return self

    def __exit__(self, *exc) -> None:
        client, self.client = self.client, None
        if client is None:
            return
        cluster = getattr(client, "cluster", None)
        client.close()
        if cluster is not None:
            cluster.close()

    def map_chunks(self, work: ChunkWork, tasks: list[ChunkTask], on_done: OnDone) -> None:
        from dask.distributed import as_completed

        client = self.client
        if client is None:
            raise RuntimeError("DaskExecutor.map_chunks outside its `with` block")
        work_f = client.scatter(work, broadcast=True)
        futs = {client.submit(dask_chunk_files, work_f, task, pure=False): task for task in tasks}
        try:
            for f in as_completed(list(futs)):
                task = futs[f]
                store_chunk(work.out, task.chunk, task.lo, task.hi, f.result())
                on_done(task.chunk, task.hi - task.lo)
                f.release()
        except BaseException:
            client.cancel(list(futs))
            raise
        self.workers = len(client.scheduler_info().get("workers", {})) or self.workers


def _no_scheduler(scheduler: str | None) -> None:
    if scheduler:
        raise InputError("--scheduler", scheduler, "needs --engine dask")


#: the executors `--engine` names
ENGINES: dict[str, type[SerialExecutor | ProcessExecutor | DaskExecutor]] = {
    "local": ProcessExecutor,
    "dask": DaskExecutor,
}


def executor(engine: str, workers: int | None = None, scheduler: str | None = None) -> Executor:
    """The executor `--engine` names (not yet started: use it in a `with` block)."""
    from sim.errors import allowed

    if engine not in ENGINES:
        raise InputError("--engine", engine, f"unknown engine '{engine}'; {allowed(ENGINES)}")
    return ENGINES[engine](workers, scheduler)
