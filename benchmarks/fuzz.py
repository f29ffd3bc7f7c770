"""Fuzz the scenario reader: N fuzzed files (tests/fuzz_cases.py), each refused cleanly or run
to the end, in worker processes that a hang or a crash cannot take down with the rest.

    python benchmarks/fuzz.py [--cases 10000] [--workers 2] [--batch 200] [--seed 0]

Case i is drawn from random.Random(seed * 1_000_003 + i), so any case can be rerun alone with
`--only i` (prints its mutations and verdict). A case taking longer than --timeout seconds
(default 5) of CPU time counts as a hang, and one still running after --wall seconds
(default 60) is killed and counted as a hang; a new worker goes on from the next case.
Peak memory is the largest resident set of any worker (ru_maxrss), measured by the worker
after each case. Prints the counts; the goal is zero for each and a peak under 300 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import select
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BAD = ("traceback", "hang", "no-file", "accepted-invalid", "run-failed", "crash")


def _case(seed: int, i: int):
    from tests.fuzz_cases import make_case

    return make_case(random.Random(seed * 1_000_003 + i))


def worker(seed: int, start: int, stop: int) -> None:
    """Check cases start..stop-1, one JSON line each, flushed as soon as it is known."""
    from sim.inputs.setup import build
    from tests.fuzz_cases import check_case

    build("baseline")  # imports and the shipped config, outside the first case's time
    for i in range(start, stop):
        case = _case(seed, i)
        t0, c0 = time.perf_counter(), time.process_time()
        with tempfile.TemporaryDirectory() as d:
            outcome, detail = check_case(case, Path(d))
        cpu = time.process_time() - c0
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        print(
            json.dumps(
                {
                    "i": i,
                    "outcome": outcome,
                    "detail": detail[-400:],
                    "steps": case.steps,
                    "seconds": time.perf_counter() - t0,
                    "cpu": cpu,
                    "rss": rss,
                }
            ),
            flush=True,
        )


def run_range(seed: int, start: int, stop: int, timeout: float, wall: float, results: dict) -> None:
    """Run cases start..stop-1 in worker processes, restarting after a hang or a crash: a
    case is killed after `wall` seconds, and counts as a hang past `timeout` CPU seconds
    (on a shared machine wall time says more about the neighbours than about the case)."""
    i = start
    while i < stop:
        proc = subprocess.Popen(
            [sys.executable, __file__, "--worker", str(seed), str(i), str(stop)],
            stdout=subprocess.PIPE,
            cwd=ROOT,
            stderr=subprocess.DEVNULL,
        )
        fd = proc.stdout.fileno()
        buf, deadline = b"", time.monotonic() + wall + 30  # the first case pays imports
        while i < stop:
            ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
            chunk = os.read(fd, 1 << 16) if ready else None
            if chunk:
                buf += chunk
                *lines, buf = buf.split(b"\n")
                for line in lines:
                    rec = json.loads(line)
                    if rec["cpu"] > timeout:
                        rec["outcome"] = "hang"
                    results[rec["i"]] = rec
                    i = rec["i"] + 1
                    deadline = time.monotonic() + wall
                    if len(results) % 500 == 0:
                        print(f"  {len(results)} cases ...", file=sys.stderr, flush=True)
                continue
            how = "crash" if chunk == b"" else "hang"  # b"": the worker died; None: timeout
            proc.kill()
            proc.wait()
            results[i] = {
                "i": i,
                "outcome": how,
                "steps": _case(seed, i).steps,
                "detail": f"killed after {wall:g} s"
                if how == "hang"
                else f"exit {proc.returncode}",
                "seconds": wall,
                "cpu": wall,
                "rss": 0,
            }
            i += 1
            break
        else:
            proc.wait()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=10_000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--batch", type=int, default=250)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--timeout", type=float, default=5.0, help="CPU seconds for a hang")
    ap.add_argument("--wall", type=float, default=60.0, help="wall seconds before a kill")
    ap.add_argument("--only", type=int, default=None)
    ap.add_argument("--worker", nargs=3, type=int, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.worker:
        worker(*a.worker)
        return
    if a.only is not None:
        worker(a.seed, a.only, a.only + 1)
        return

    from concurrent.futures import ThreadPoolExecutor

    results: dict[int, dict] = {}
    t0 = time.perf_counter()
    ranges = [(s, min(a.cases, s + a.batch)) for s in range(0, a.cases, a.batch)]
    with ThreadPoolExecutor(a.workers) as pool:
        list(pool.map(lambda r: run_range(a.seed, r[0], r[1], a.timeout, a.wall, results), ranges))
    took = time.perf_counter() - t0
    counts = Counter(r["outcome"] for r in results.values())
    peak = max(r["rss"] for r in results.values())
    slowest = max(results.values(), key=lambda r: r["cpu"])
    no_file = counts["no-file"]
    print(
        f"{len(results)} fuzzed scenario files in {took:.0f} s ({a.workers} workers, seed {a.seed})"
    )
    print(f"  refused cleanly (one line naming the file) {counts['rejected']:>6}")
    print(f"  accepted and ran to the end                {counts['ok']:>6}")
    print(f"  tracebacks                                 {counts['traceback']:>6}")
    print(f"  hangs over {a.timeout:g} s of CPU                     {counts['hang']:>6}")
    print(f"  worker crashes                             {counts['crash']:>6}")
    print(f"  errors without a file name                 {no_file:>6}")
    print(f"  invalid files accepted                     {counts['accepted-invalid']:>6}")
    print(f"  accepted files that fail to run            {counts['run-failed']:>6}")
    print(
        f"  peak memory of a worker                    {peak / 1e6:>6.0f} MB "
        f"(goal < 300 MB: ratio {peak / 300e6:.2f})"
    )
    print(
        f"  slowest case                               {slowest['cpu']:>6.2f} s CPU "
        f"(case {slowest['i']}; {slowest['seconds']:.2f} s wall)"
    )
    bad = [r for r in results.values() if r["outcome"] in BAD]
    for r in sorted(bad, key=lambda r: r["i"])[:10]:
        print(f"  case {r['i']} {r['outcome']}: {r['steps']} :: {r['detail'][-200:]!r}")
    sys.exit(1 if bad or peak > 300e6 else 0)


if __name__ == "__main__":
    main()
