"""Start-up time of `wargame --help` (median of N runs) against the 0.3 s target.

    python benchmarks/startup.py [--repeat 10]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=10)
    a = ap.parse_args()
    times = []
    for _ in range(a.repeat):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "sim", "--help"], check=True,
                       stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - t)
    med = statistics.median(times)
    print(f"wargame --help: median {med * 1000:.0f} ms over {a.repeat} runs "
          f"(min {min(times) * 1000:.0f} ms); target 300 ms; ratio {med / 0.3:.2f} of target")


if __name__ == "__main__":
    main()
