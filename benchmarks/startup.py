"""Start-up of the command line beyond the interpreter's own (median of N runs each).

    python benchmarks/startup.py [--repeat 7]

Targets: `wargame --help`, `validate` and `list` under 0.3 s, a one-turn `run` under 0.6 s,
each beyond `python -c pass`.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

CASES = [
    ("--help", ["--help"], 0.3),
    ("validate", ["validate", "scenarios/baseline.yaml"], 0.3),
    ("list", ["list"], 0.3),
    ("run, one turn", ["run", "baseline", "--turns", "1"], 0.6),
]


def median_time(cmd: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=7)
    a = ap.parse_args()
    base = median_time([sys.executable, "-c", "pass"], a.repeat)
    print(f"interpreter start-up (python -c pass): {base * 1000:.0f} ms")
    for name, args, target in CASES:
        t = median_time([sys.executable, "-m", "sim", *args], a.repeat) - base
        print(f"wargame {name:<14} {t * 1000:6.0f} ms beyond it; target {target * 1000:.0f} ms;"
              f" ratio {t / target:.2f} of target")


if __name__ == "__main__":
    main()
