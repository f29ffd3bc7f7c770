"""Every seat can win: seeded classroom games with a bot on every seat.

Plays `--games` hosted games of a scenario in process (the host's Session, each seat played
by sim/game/bots.py exactly as `wargame join --bot` plays it), then prints

- per objective, in how many games it was met at least once (a level reached, an
  agreement in force or spending kept within the budget on some turn; a limit, restraint
  or domestic objective, which costs points when crossed, counts as met when kept on every
  turn),
- per seat, its mean score over the games (the sum of its points per turn) and that score
  over the median seat's,
- a last line: `balance: A/B objectives met in at least one game; lowest seat X of the median`.

Targets (model v3): at least 90% of the objectives met in at least one game and every seat
at least half the median seat's score.

    python benchmarks/bots_balance.py [--scenario classroom] [--games 3] [--turns N]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile

from sim.game.selfplay import balance


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", default="classroom")
    ap.add_argument("--games", type=int, default=3)
    ap.add_argument("--turns", type=int, default=None)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        met, means = balance(args.scenario, tmp, range(1, args.games + 1), args.turns)
    print(f"{'seat':5} {'objective':24} games met (of {args.games})")
    for (seat, oid), n in met.items():
        print(f"{seat:5} {oid:24} {n}{'' if n else '   never'}")
    median = statistics.median(means.values())
    print(f"\n{'seat':5} {'mean score':>10} {'of median':>10}")
    for seat, v in means.items():
        print(f"{seat:5} {v:10.1f} {v / median if median else float('nan'):10.2f}")
    reached = sum(1 for n in met.values() if n)
    low = min(means.values()) / median if median else float("nan")
    print(
        f"balance: {reached}/{len(met)} objectives met in at least one game; "
        f"lowest seat {low:.2f} of the median"
    )


if __name__ == "__main__":
    main()
