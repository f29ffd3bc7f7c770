"""Does every move do something? Prints, for each move a seat can make (one-off and as a
standing policy), its mean effect on its target after four turns against the same runs
without it, the SD of chance, and the effect in SD (sim/research/move_effects.py).

    python benchmarks/moves.py [--runs 200] [--seed 0]
"""

from __future__ import annotations

import argparse

from sim.research.move_effects import measure, table


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    print(table(measure(a.runs, a.seed)))


if __name__ == "__main__":
    main()
