"""Batch throughput and memory benchmarks (prints figures; not a test).

    .venv/bin/python benchmarks/batch.py            # all three
    .venv/bin/python benchmarks/batch.py --big 20000  # smaller memory run

1. runs/s with the default chunk size versus --chunk-size 1 (target: ratio >= 100);
2. wall time of 10,000 runs x 40 turns on 2 workers (target: < 10 s);
3. peak memory of a 100,000-run batch streaming to disk (target: < 1 GiB), summed over
   the batch process and its workers, sampled from /proc.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def wargame(*args: str) -> list[str]:
    return [sys.executable, "-c", "from sim.cli import main; main()", *args]


def timed_batch(out: Path, runs: int, chunk: int | None, workers: int) -> float:
    from sim.research.batch import DEFAULT_CHUNK, BatchRequest, run_batch

    shutil.rmtree(out, ignore_errors=True)
    t = time.perf_counter()
    run_batch(BatchRequest("baseline", runs, out, chunk_size=chunk or DEFAULT_CHUNK),
              workers=workers, progress=False)
    return time.perf_counter() - t


def engine_ratio() -> None:
    import numpy as np

    from sim.model import WargameModel
    from sim.setup import build

    s = build("baseline")
    t = time.perf_counter()
    for k in range(50):
        WargameModel(s, seed=0, runs=np.array([k])).run()
    one = 50 / (time.perf_counter() - t)
    t = time.perf_counter()
    WargameModel(s, seed=0, runs=5000).run()
    many = 5000 / (time.perf_counter() - t)
    print(f"  engine only: ensemble of 5000 {many:9.1f} runs/s, ensembles of one "
          f"{one:7.1f} runs/s, ratio {many / one:6.1f}x")


def rss_tree(pid: int, field: str = "Rss:") -> int:
    """Memory (bytes) of `pid` and all its descendants: resident (Rss) or proportional
    (Pss, shared pages split between the processes sharing them)."""
    kids: dict[int, list[int]] = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                kids.setdefault(ppid, []).append(int(d))
            except (OSError, ValueError, IndexError):
                pass
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        todo += kids.get(p, [])
        try:
            with open(f"/proc/{p}/smaps_rollup") as f:
                for line in f:
                    if line.startswith(field):
                        total += int(line.split()[1]) * 1024
        except OSError:
            pass
    return total


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--big", type=int, default=100_000, help="runs of the memory benchmark")
    ap.add_argument("--skip-big", action="store_true")
    a = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="wargame-bench-"))
    try:
        print("1. chunked ensemble vs one run at a time (1 worker, 40 turns)")
        n1 = 100
        t1 = timed_batch(tmp / "c1", n1, 1, 1)
        nb = 5000
        tb = timed_batch(tmp / "cb", nb, None, 1)
        r1, rb = n1 / t1, nb / tb
        print(f"  batch --chunk-size 1: {r1:8.1f} runs/s ({n1} runs in {t1:.2f} s)")
        print(f"  batch default chunk : {rb:8.1f} runs/s ({nb} runs in {tb:.2f} s)")
        print(f"  ratio {rb / r1:6.1f}x (target >= 100x)")
        engine_ratio()

        print("2. 10,000 runs x 40 turns, 2 workers")
        t = timed_batch(tmp / "b10k", 10_000, None, 2)
        print(f"  in-process call: {t:.2f} s ({10_000 / t:.0f} runs/s; target < 10 s)")
        shutil.rmtree(tmp / "b10k")
        t = time.perf_counter()
        subprocess.run(wargame("batch", "baseline", "--runs", "10000", "--workers", "2",
                               "--quiet", "--out", str(tmp / "b10k")), check=True,
                       capture_output=True, cwd=ROOT)
        print(f"  `wargame batch` command incl. start-up: {time.perf_counter() - t:.2f} s")

        if not a.skip_big:
            print(f"3. peak memory, {a.big:,} runs x 40 turns, 2 workers, streaming to disk")
            t = time.perf_counter()
            p = subprocess.Popen(wargame("batch", "baseline", "--runs", str(a.big),
                                         "--workers", "2", "--quiet", "--out",
                                         str(tmp / "big")), cwd=ROOT,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            peak = peak_pss = 0
            while p.poll() is None:
                peak = max(peak, rss_tree(p.pid))
                peak_pss = max(peak_pss, rss_tree(p.pid, "Pss:"))
                time.sleep(0.05)
            wall = time.perf_counter() - t
            if p.returncode:
                print("  failed:", p.stderr.read().decode()[-500:])
                return
            child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
            size = sum(f.stat().st_size for f in (tmp / "big").rglob("*") if f.is_file())
            print(f"  wall {wall:.1f} s ({a.big / wall:.0f} runs/s), output {size / 2**20:.0f} MiB")
            print(f"  peak memory, batch process + workers (sampled): PSS {peak_pss / 2**20:.0f}"
                  f" MiB (target < 1024 MiB); RSS sum {peak / 2**20:.0f} MiB (counts shared "
                  "library pages once per process)")
            print(f"  largest single process (getrusage): {child / 2**20:.0f} MiB")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
