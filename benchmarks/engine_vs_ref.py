"""The engine's speed against an earlier version, side by side in one run.

Checks the reference commit out into a temporary worktree and times both engines on the
same scenario, alternating them so that both see the same machine load; reports CPU-time
runs per second (less sensitive to other processes than wall time) and the ratio.

    python benchmarks/engine_vs_ref.py [--ref 87bbdcf] [--runs 1000] [--rounds 4]

Goal of model v3: the ratio stays above 0.8 against the last version of model v2
(87bbdcf). A reference before the engine's package layout (model v1, bbbdf9d) cannot be
timed by this script: it imports sim.engine.model.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

TIMER = """
import sys, time
sys.path.insert(0, {root!r})
from sim.engine.model import Ensemble
from sim.inputs.setup import build
s = build({scenario!r})
Ensemble(s, seed=1, runs=50).run()  # warm up
best = 0.0
for _ in range({repeat}):
    t = time.process_time()
    Ensemble(s, seed=1, runs={runs}).run()
    best = max(best, {runs} / (time.process_time() - t))
print(best)
"""


def rate(root: Path, scenario: str, runs: int, repeat: int) -> float:
    code = TIMER.format(root=str(root), scenario=scenario, runs=runs, repeat=repeat)
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=root,
        env={"WARGAME_HOME": str(root), "PATH": ""},
        check=True,
    )
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--ref", default="87bbdcf", help="commit to compare against")
    ap.add_argument("--scenario", default="baseline")
    ap.add_argument("--runs", type=int, default=1000)
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ref = Path(tmp) / "ref"
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(ref), a.ref],
            check=True,
        )
        try:
            now, old = [], []
            for _ in range(a.rounds):
                now.append(rate(ROOT, a.scenario, a.runs, a.repeat))
                old.append(rate(ref, a.scenario, a.runs, a.repeat))
        finally:
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(ref)], check=False
            )
    print(f"scenario {a.scenario}, {a.runs} runs per ensemble, best of {a.repeat} x {a.rounds}")
    print(f"this checkout:  {max(now):9.0f} runs/s per core (CPU time)")
    print(f"{a.ref}:        {max(old):9.0f} runs/s per core (CPU time)")
    print(f"ratio:          {max(now) / max(old):9.2f}  (goal >= 0.80)")


if __name__ == "__main__":
    main()
