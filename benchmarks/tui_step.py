"""One turn plus redraw in the terminal UI, headless (App.run_test), against the 50 ms target.

Usage: .venv/bin/python benchmarks/tui_step.py [--turns 50] [--scenario baseline]
Times from the `n` action until the turn is played in the worker, explained, logged, the
widgets updated, and the whole 160x50 screen laid out and rendered (a full repaint: an upper
bound on a real redraw, which repaints only changed regions). Pilot's idle waits are excluded;
the screen timed must show the whole turn (the story log scrolled to the turn's last line), or
the benchmark stops: work a widget defers past the repaint would otherwise go untimed.
Prints wall time and the process's CPU time (all threads) per turn: on a busy machine the wall
time measures the neighbours, the CPU time is what a quiet machine's wall time comes close to.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

TARGET_MS = 50.0


async def measure(scenario: str, turns: int) -> tuple[list[float], list[float]]:
    from tui.app import WargameApp
    from tui.widgets.event_log import EventLog

    app = WargameApp(scenario, seed=1, turns=turns)
    wall, cpu = [], []
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        dash = app.screen
        log = dash.query_one(EventLog)
        for _ in range(turns):
            t0, c0 = time.perf_counter(), time.process_time()
            dash.action_next_turn()
            while dash.busy:
                await asyncio.sleep(0.0005)
            app.screen._refresh_layout()
            app.screen._compositor.render_update(full=True)
            wall.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
            if log.scroll_y != log.max_scroll_y:
                raise SystemExit("the screen timed does not show the turn's story lines")
            await pilot.pause()
    return wall, cpu


def summary(ms: list[float]) -> str:
    """Median and 90th percentile."""
    return (
        f"median {statistics.median(ms):.1f} ms (p90 {sorted(ms)[int(0.9 * len(ms)) - 1]:.1f} ms)"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--turns", type=int, default=50)
    ap.add_argument("--scenario", default="baseline")
    a = ap.parse_args()
    ms, cpu = asyncio.run(measure(a.scenario, a.turns))
    med = statistics.median(ms)
    print(
        f"tui turn+redraw: {summary(ms)} over {len(ms)} turns; cpu {summary(cpu)}; "
        f"target {TARGET_MS:.0f} ms; ratio {med / TARGET_MS:.2f} of target"
    )


if __name__ == "__main__":
    main()
