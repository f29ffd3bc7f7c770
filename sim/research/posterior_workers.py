"""Where the ABC-SMC's chunks of particles are computed (sim/research/posterior.py).

An evaluator is a context manager (it starts and stops its workers) with one method,
`map(tasks)`: the statistics of each task (a chunk of particles, its runs per particle, its
seed and its first run) in the order of the tasks. `SerialEvaluator` computes here,
`PoolEvaluator` in a pool of local processes (`wargame calibrate --posterior --workers N`),
`DaskEvaluator` on a Dask cluster (`--dask ADDRESS` or a scheduler file). A step's seed
comes from (seed, generation, step), each particle's runs are fixed by its place in the
population, and the engine's draws are a pure function of (seed, run index, turn, site),
never of the worker or the chunk, so every evaluator and every number of workers gives the
same posterior. The problem (setups and patterns) is sent to each worker once.
"""

from __future__ import annotations

import os

from sim.errors import InputError
from sim.heap import roomy_heap
from sim.research.executors import connect_dask
from sim.research.posterior import Problem, evaluate_chunk


class SerialEvaluator:
    """One chunk after another in this process."""

    workers = 1

    def __init__(self, problem: Problem):
        self.problem = problem

    def __enter__(self) -> SerialEvaluator:
        return self

    def __exit__(self, *exc) -> None:
        return None

    def map(self, tasks: list) -> list:
        return [evaluate_chunk(self.problem, *t) for t in tasks]


_PROBLEM: Problem | None = None


def _init_worker(problem: Problem) -> None:
    import signal

    global _PROBLEM
    _PROBLEM = problem
    roomy_heap(force=True)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C: the main process stops the pool


def _task(task: tuple):
    if _PROBLEM is None:
        raise RuntimeError("a posterior task outside a pool started by PoolEvaluator")
    return evaluate_chunk(_PROBLEM, *task)


class PoolEvaluator:
    """A pool of `workers` processes on this machine, started once for the whole run."""

    def __init__(self, problem: Problem, workers: int):
        self.problem = problem
        self.workers = workers
        self.pool = None

    def __enter__(self) -> PoolEvaluator:
        import multiprocessing as mp

        from sim.research.executors import _main_not_rerun

        # forkserver: workers fork from a clean process that has imported the engine once
        if "forkserver" in mp.get_all_start_methods():
            ctx = mp.get_context("forkserver")
            ctx.set_forkserver_preload(["sim.engine.model", "sim.research.posterior"])
        else:
            ctx = mp.get_context("spawn")
        with _main_not_rerun():
            self.pool = ctx.Pool(self.workers, initializer=_init_worker, initargs=(self.problem,))
        return self

    def __exit__(self, exc_type, *exc) -> None:
        pool, self.pool = self.pool, None
        if pool is None:
            return
        if exc_type is None:
            pool.close()
        else:
            pool.terminate()
        pool.join()

    def map(self, tasks: list) -> list:
        if self.pool is None:
            raise RuntimeError("PoolEvaluator.map outside its `with` block")
        return self.pool.map(_task, tasks, chunksize=1)


def _dask_task(problem: Problem, *task) -> list:
    roomy_heap()  # undo the nanny's heap setting (sim/heap.py)
    return evaluate_chunk(problem, *task)


class DaskEvaluator:
    """The workers of the Dask cluster whose scheduler is at `address` (tcp://host:port) or
    is described by the scheduler file `address`."""

    def __init__(self, problem: Problem, address: str):
        self.problem = problem
        self.address = address
        self.client = None
        self.workers = 0

    def __enter__(self) -> DaskEvaluator:
        import logging

        try:
            import dask.distributed  # noqa: F401 - the extra this needs
        except ImportError:
            raise InputError(
                "--dask",
                self.address,
                "needs dask.distributed: pip install 'dask[distributed]'",
            ) from None
        logging.getLogger("distributed").setLevel(logging.ERROR)
        self.client = connect_dask(self.address, "--dask")
        self.workers = len(self.client.scheduler_info().get("workers", {}))
        self._problem = self.client.scatter(self.problem, broadcast=True)
        return self

    def __exit__(self, *exc) -> None:
        client, self.client = self.client, None
        if client is not None:
            client.close()

    def map(self, tasks: list) -> list:
        client = self.client
        if client is None:
            raise RuntimeError("DaskEvaluator.map outside its `with` block")
        futs = [client.submit(_dask_task, self._problem, *t, pure=False) for t in tasks]
        try:
            return client.gather(futs)
        except BaseException:
            client.cancel(futs)
            raise


def evaluator(problem: Problem, workers: int | None = None, dask: str | None = None):
    """The evaluator `--workers` / `--dask` name (not yet started: use it in a `with`)."""
    if dask:
        return DaskEvaluator(problem, dask)
    n = workers or os.cpu_count() or 1
    if n < 1:
        raise InputError("--workers", str(n), "allowed: 1 or more")
    return SerialEvaluator(problem) if n == 1 else PoolEvaluator(problem, n)
