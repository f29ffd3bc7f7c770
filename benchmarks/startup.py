"""Start-up of the command line beyond the interpreter's own.

    python benchmarks/startup.py [--repeat 11]

Targets: `wargame --help`, `validate` and `list` under 0.3 s, a one-turn `run` under 0.6 s,
each beyond `python -c pass`. The commands take turns (one run of each, then again, `--repeat`
times), so that a slow spell of a shared machine falls on all of them alike; each line gives
the median and the fastest of its runs, in wall time (what a user waits) beyond the
interpreter's median. Output goes to /dev/null, as to a pipe: tables print as plain columns
there (on a terminal rich lays them out, which for `list` adds about 0.3 s).

The project's modules are compiled to bytecode first, as Python leaves them after a
command's first run (where PYTHONDONTWRITEBYTECODE is set nothing would write it, and every
start would compile the project's sources again).
"""

from __future__ import annotations

import argparse
import compileall
import os
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


def times(cmds: dict[str, list[str]], repeat: int) -> dict[str, list[float]]:
    """Wall seconds of each command, `repeat` runs each, taken in turns."""
    out: dict[str, list[float]] = {k: [] for k in cmds}
    for _ in range(repeat):
        for name, cmd in cmds.items():
            t = time.perf_counter()
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            out[name].append(time.perf_counter() - t)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=11)
    a = ap.parse_args()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    for package in ("sim", "tui"):
        compileall.compile_dir(os.path.join(root, package), quiet=1)
    cmds = {"python -c pass": [sys.executable, "-c", "pass"]}
    cmds |= {name: [sys.executable, "-m", "sim", *args] for name, args, _ in CASES}
    walls = times(cmds, a.repeat)
    base = statistics.median(walls.pop("python -c pass"))
    print(
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; interpreter "
        f"start-up (python -c pass): {base * 1000:.0f} ms; {a.repeat} runs of each, in turns"
    )
    for name, _, target in CASES:
        med, low = statistics.median(walls[name]) - base, min(walls[name]) - base
        print(
            f"wargame {name:<14} median {med * 1000:4.0f} ms beyond it (ratio {med / target:.2f} "
            f"of the {target * 1000:.0f} ms target), fastest {low * 1000:4.0f} ms "
            f"(ratio {low / target:.2f})"
        )


if __name__ == "__main__":
    main()
