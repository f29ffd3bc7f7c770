"""glibc's heap thresholds for the engine's processes (`roomy_heap`).

The engine makes dozens of arrays each turn, many above glibc's default mmap threshold of
128 KiB once a chunk holds a few thousand runs (a calibration step, a batch chunk, a
comparison). glibc raises that threshold as such blocks are freed, but it still returns
freed memory at the top of the heap to the system above a trim threshold twice as large, so
the next turn's arrays fault their pages in again. Setting a 4 MiB mmap threshold and a 64
MiB trim threshold once per process keeps those pages for reuse: measured on two cores, a
20,000-run `wargame batch` (one worker) took 11.5 s against 13.7 s and 13.3 against 15.5 with
the same peak memory (188 MB), a 2,000-run `wargame compare` 8.2 s against 8.6, and one
calibration step of 1,000 particles 5.6 s against 6.4 on average of three (the machine's
load moves such readings by as much).

A Dask nanny starts its workers with MALLOC_TRIM_THRESHOLD_=65536, and setting that
variable also fixes glibc's mmap threshold at 128 KiB, so every such array is mapped,
page-faulted and unmapped afresh: the same calibration step took 15.3 s against 5.7.

The `wargame` command and the worker processes it starts set the thresholds
(`roomy_heap(force=True)`); each task run on a Dask worker sets them where the nanny's
variable is there (`roomy_heap()`); a program that imports `sim` keeps its own heap. Where
glibc is not the allocator nothing happens. Results never depend on it.
"""

from __future__ import annotations

import os

#: glibc's mallopt parameters (malloc.h) and the values `roomy_heap` sets
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
MMAP_THRESHOLD = 4 << 20
TRIM_THRESHOLD = 64 << 20
_heap_set = False


def roomy_heap(force: bool = False) -> bool:
    """Set glibc's mmap and trim thresholds for this process (once): always with `force`,
    otherwise only where a Dask nanny's MALLOC_TRIM_THRESHOLD_ is set. True when they are
    set."""
    global _heap_set
    if _heap_set or not (force or "MALLOC_TRIM_THRESHOLD_" in os.environ):
        return _heap_set
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6")
        ok = libc.mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1
        ok &= libc.mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD) == 1
    except (OSError, AttributeError):  # not glibc: nothing to set
        return False
    _heap_set = bool(ok)
    return _heap_set
