"""One turn plus redraw in the terminal UI, headless (App.run_test), against the 50 ms target.

Usage: .venv/bin/python benchmarks/tui_step.py [--turns 50] [--scenario baseline]
Times from the `n` action until the turn is played in the worker, explained, logged, the
widgets updated, and the whole 160x50 screen laid out and rendered (a full repaint: an upper
bound on a real redraw, which repaints only changed regions). Pilot's idle waits are excluded.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

TARGET_MS = 50.0


async def measure(scenario: str, turns: int) -> list[float]:
    from tui.app import WargameApp

    app = WargameApp(scenario, seed=1, turns=turns)
    out = []
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        dash = app.screen
        for _ in range(turns):
            t0 = time.perf_counter()
            dash.action_next_turn()
            while dash.busy:
                await asyncio.sleep(0.0005)
            app.screen._refresh_layout()
            app.screen._compositor.render_update(full=True)
            out.append((time.perf_counter() - t0) * 1000)
            await pilot.pause()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--turns", type=int, default=50)
    ap.add_argument("--scenario", default="baseline")
    a = ap.parse_args()
    ms = asyncio.run(measure(a.scenario, a.turns))
    med = statistics.median(ms)
    print(
        f"tui turn+redraw: median {med:.1f} ms over {len(ms)} turns "
        f"(p90 {sorted(ms)[int(0.9 * len(ms)) - 1]:.1f} ms); target {TARGET_MS:.0f} ms; "
        f"ratio {med / TARGET_MS:.2f} of target"
    )


if __name__ == "__main__":
    main()
