"""Every seat can win: three seeded classroom games with a bot on every seat meet at least
90% of the objectives in at least one game, and every seat's mean score is at least half
the median seat's (model v3; benchmarks/bots_balance.py prints the table)."""

import statistics

from sim.game.selfplay import objectives_met, play


def test_every_seat_can_win_the_classroom_game(tmp_path):
    met: dict[tuple[str, str], int] = {}
    totals: dict[str, list[float]] = {}
    for seed in (1, 2, 3):
        host = play("classroom", tmp_path / f"game{seed}", seed)
        for key, ok in objectives_met(host).items():
            met[key] = met.get(key, 0) + int(ok)
        for seat, points in host.scores().items():
            totals.setdefault(seat, []).append(sum(points))
    assert len(met) >= 25 and set(totals) == {"JPN", "GBR", "FRA", "DEU", "NATO"}
    never = [key for key, n in met.items() if n == 0]
    assert len(never) <= 0.1 * len(met), never
    means = {seat: statistics.mean(v) for seat, v in totals.items()}
    median = statistics.median(means.values())
    assert median > 0
    assert all(v >= 0.5 * median for v in means.values()), means
