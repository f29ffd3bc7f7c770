"""10,000 seeded random keys through every screen of the terminal UI, half at 80x24 and half
at 200x50 (classroom seats, solo, and from the scenario picker): prints keys per second and
fails on a crash or a blank screen.

    python benchmarks/tui_keys.py [--keys 10000] [--seed 1]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.tui.test_random_keys import SIZES, drive, presses  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--keys", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    per = a.keys // (len(SIZES) * 3)
    os.chdir(tempfile.mkdtemp(prefix="tui-keys-"))  # saves and reports land here
    t0, sent = time.perf_counter(), 0
    for size in SIZES:
        for j, (seats, scenario) in enumerate(
            [(["JPN", "GBR"], "baseline"), ((), "baseline"), ((), None)]
        ):
            keys = presses(a.seed * 100 + j + size[0], per)
            t = time.perf_counter()
            turn = asyncio.run(drive(keys, size, seats, scenario))
            sent += len(keys)
            print(
                f"{size[0]}x{size[1]} {'picker' if scenario is None else 'seats ' + str(list(seats))}"
                f": {len(keys)} keys, reached turn {turn}, {time.perf_counter() - t:.1f} s"
            )
    took = time.perf_counter() - t0
    print(
        f"{sent} keys without a crash or a blank screen in {took:.0f} s ({sent / took:.0f} keys/s)"
    )


if __name__ == "__main__":
    main()
