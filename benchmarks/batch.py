"""Batch throughput, parallel efficiency, bytes per run and memory (prints figures; not a
test).

    .venv/bin/python benchmarks/batch.py                  # all parts
    .venv/bin/python benchmarks/batch.py --big 100000     # size of the memory/disk run
    .venv/bin/python benchmarks/batch.py --skip-big --workers 1,2,4

1. parallel efficiency per worker count: runs/s with W workers over W x runs/s with one
   (goal: 1.8x at 2 workers, 75% at 16 on a 16-core machine);
2. bytes per run for --record final, yearly and all (goal: final at most 200 bytes);
3. a --record final batch of --big runs: disk, peak memory of the largest process and of
   all of them, extrapolated linearly to 1,000,000 runs (goal: under 1 GB of disk and
   300 MB per process).
Each worker writes its own chunk files; the batch process only collects checksums.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def wargame(*args: str) -> list[str]:
    return [sys.executable, "-m", "sim", *args]


def folder_bytes(out: Path) -> int:
    return sum(f.stat().st_size for f in out.rglob("*") if f.is_file())


def timed(out: Path, runs: int, workers: int, record: str = "final", chunk: int = 500) -> float:
    from sim.research.batch import run_batch
    from sim.research.request import BatchRequest

    shutil.rmtree(out, ignore_errors=True)
    t = time.perf_counter()
    run_batch(
        BatchRequest(
            scenario="baseline", runs=runs, out=out, seed=1, chunk_size=chunk, record=record
        ),
        workers=workers,
    )
    return time.perf_counter() - t


def efficiency(tmp: Path, runs: int, counts: list[int]) -> None:
    print(f"1. parallel efficiency, {runs:,} runs x 40 turns, --record final, chunks of 500")
    timed(tmp / "warm", 500, 1)  # imports and caches
    if max(counts) > 1:
        # the pool's first start (a forkserver that imports the engine, then the workers)
        # is paid once per batch command: timed apart, as the imports are for one worker
        took = timed(tmp / "warm-pool", 1000, 2)
        print(f"  (the first pool's start and 1,000 runs on it: {took:.2f} s, once per command)")
    base = None
    for w in counts:
        t = timed(tmp / f"w{w}", runs, w)
        rate = runs / t
        base = base or rate
        print(
            f"  {w:>2} worker(s): {rate:9.0f} runs/s  speed-up {rate / base:5.2f}x  "
            f"efficiency {rate / base / w:6.1%}"
        )
        shutil.rmtree(tmp / f"w{w}", ignore_errors=True)


def bytes_per_run(tmp: Path, runs: int) -> None:
    print(f"2. bytes per run ({runs:,} runs x 40 turns, all files of the folder)")
    for record in ("final", "yearly", "all"):
        out = tmp / f"size-{record}"
        timed(out, runs, 2, record, chunk=1000)
        size = folder_bytes(out)
        tables = "levels" if record != "all" else "levels, events"
        print(
            f"  --record {record:<6} ({tables}): {size / runs:8.1f} bytes/run "
            f"({size / 2**20:.1f} MiB)"
        )
        shutil.rmtree(out, ignore_errors=True)


def rss_tree(pid: int) -> tuple[int, int]:
    """(largest, total) resident memory in bytes of `pid` and its descendants."""
    kids: dict[int, list[int]] = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                kids.setdefault(ppid, []).append(int(d))
            except (OSError, ValueError, IndexError):
                pass
    largest = total = 0
    todo = [pid]
    while todo:
        p = todo.pop()
        todo += kids.get(p, [])
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        rss = int(line.split()[1]) * 1024
                        largest, total = max(largest, rss), total + rss
        except OSError:
            pass
    return largest, total


def big(tmp: Path, runs: int) -> None:
    print(f"3. --record final, {runs:,} runs x 40 turns, 2 workers (`wargame batch`)")
    out = tmp / "big"
    t = time.perf_counter()
    p = subprocess.Popen(
        wargame(
            "batch",
            "baseline",
            "--runs",
            str(runs),
            "--workers",
            "2",
            "--record",
            "final",
            "--quiet",
            "--out",
            str(out),
        ),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    peak_one = peak_all = 0
    while p.poll() is None:
        one, total = rss_tree(p.pid)
        peak_one, peak_all = max(peak_one, one), max(peak_all, total)
        time.sleep(0.05)
    wall = time.perf_counter() - t
    if p.returncode:
        print("  failed:", p.stderr.read().decode()[-500:])
        return
    size = folder_bytes(out)
    scale = 1_000_000 / runs
    print(
        f"  wall {wall:.1f} s ({runs / wall:,.0f} runs/s); disk {size / 1e6:.1f} MB = "
        f"{size / runs:.1f} bytes/run"
    )
    print(
        f"  peak memory: largest process {peak_one / 2**20:.0f} MiB, all processes "
        f"{peak_all / 2**20:.0f} MiB (RSS, shared library pages counted in each)"
    )
    print(
        f"  extrapolated to 1,000,000 runs: disk {size * scale / 1e9:.2f} GB (goal < 1 GB);"
        f" memory per process stays at the chunk's, {peak_one / 2**20:.0f} MiB (goal < 300"
        " MiB): chunks stream to disk and only their checksums stay in memory"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=40_000, help="runs of the efficiency test")
    ap.add_argument(
        "--workers",
        default=None,
        help="worker counts, e.g. 1,2,4 (default: 1, 2 and every power of two up to the cores)",
    )
    ap.add_argument("--size-runs", type=int, default=5000)
    ap.add_argument("--big", type=int, default=100_000)
    ap.add_argument("--skip-big", action="store_true")
    a = ap.parse_args()
    cores = os.cpu_count() or 1
    counts = (
        [int(x) for x in a.workers.split(",")]
        if a.workers
        else sorted({1, 2} | {2**k for k in range(1, 8) if 2**k <= cores})
    )
    print(f"{cores} cores; load average {os.getloadavg()[0]:.1f}")
    tmp = Path(tempfile.mkdtemp(prefix="wargame-bench-"))
    try:
        efficiency(tmp, a.runs, counts)
        bytes_per_run(tmp, a.size_runs)
        if not a.skip_big:
            big(tmp, a.big)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
