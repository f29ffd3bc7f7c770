"""Start-up of the command line beyond the interpreter's own (median of N runs each).

    python benchmarks/startup.py [--repeat 7]

Targets: `wargame --help`, `validate` and `list` under 0.3 s, a one-turn `run` under 0.6 s,
each beyond `python -c pass`. Wall time is what a user waits; CPU time (user + system of the
child process) is printed beside it because it barely moves when other programs load the
machine, while wall time does. Output goes to /dev/null, as to a pipe: tables print as plain
columns there (on a terminal rich lays them out, which for `list` adds about 0.2 s of CPU).

The project's modules are compiled to bytecode first, as Python leaves them after a
command's first run; where PYTHONDONTWRITEBYTECODE is set nothing writes it, and every
start would compile the project's sources again (`--cold` measures that way).
"""

from __future__ import annotations

import argparse
import compileall
import os
import resource
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


def children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def median_time(cmd: list[str], repeat: int) -> tuple[float, float]:
    """Median wall and CPU seconds of `cmd`."""
    walls, cpus = [], []
    for _ in range(repeat):
        c, t = children_cpu(), time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        walls.append(time.perf_counter() - t)
        cpus.append(children_cpu() - c)
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--cold", action="store_true", help="do not compile the bytecode first")
    a = ap.parse_args()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    if not a.cold:
        for package in ("sim", "tui"):
            compileall.compile_dir(os.path.join(root, package), quiet=1)
    base, base_cpu = median_time([sys.executable, "-c", "pass"], a.repeat)
    print(
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; interpreter "
        f"start-up (python -c pass): {base * 1000:.0f} ms wall, {base_cpu * 1000:.0f} ms CPU"
    )
    for name, args, target in CASES:
        wall, cpu = median_time([sys.executable, "-m", "sim", *args], a.repeat)
        t, c = wall - base, cpu - base_cpu
        print(
            f"wargame {name:<14} {t * 1000:6.0f} ms wall beyond it (ratio {t / target:.2f} of "
            f"the {target * 1000:.0f} ms target); CPU {c * 1000:6.0f} ms beyond it "
            f"(ratio {c / target:.2f})"
        )


if __name__ == "__main__":
    main()
