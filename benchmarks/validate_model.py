"""Wall time of `wargame validate-model` at its defaults, split into the ratings checks and
the directional battery, against the budget of 180 s on a two-core machine. Prints the
seconds, wall and CPU (on a shared machine the wall time includes waiting for a core), and
their ratio to the budget (target: ratio <= 1).

    python benchmarks/validate_model.py [--runs 200] [--samples 64]
"""

from __future__ import annotations

import argparse
import time

BUDGET = 180.0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--samples", type=int, default=64)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    import sim.engine.model  # noqa: F401  (import time is not the command's work)
    from sim.research.battery import Battery, load_claims
    from sim.research.validation import run_checks

    c0 = time.process_time()
    t0 = time.perf_counter()
    checks = run_checks(a.runs, a.seed)
    t1 = time.perf_counter()
    doc = load_claims()
    t2 = time.perf_counter()
    outcomes = Battery(doc, runs=a.runs, samples=a.samples, seed=a.seed).run()
    t3 = time.perf_counter()
    total = t3 - t0
    cpu = time.process_time() - c0
    print(f"ratings and sensitivity checks ({len(checks)}): {t1 - t0:7.1f} s")
    print(f"claims file read and compiled ({len(doc.claims)} claims): {t2 - t1:7.1f} s")
    print(
        f"battery ({sum(o.effect is not None for o in outcomes)} claims run, "
        f"{a.samples} sampled points): {t3 - t2:7.1f} s"
    )
    print(
        f"total {total:.1f} s wall ({cpu:.1f} s CPU: the wall time of an idle core); "
        f"ratio to the {BUDGET:.0f} s budget: {total / BUDGET:.2f} wall, {cpu / BUDGET:.2f} CPU"
    )


if __name__ == "__main__":
    main()
