"""The header line: scenario, date, turn, mode and seats."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from sim.game.game import Game


class StatusHeader(Static):
    """Scenario, date (e.g. 2021-Q3), turn of turns, and whether the game runs or waits."""

    def show(self, game: Game, running: bool = False, busy: bool = False) -> None:
        s = game.setup
        t = Text()
        t.append(f" {s.name} ", style="bold reverse")
        t.append(f"  {game.date}  ", style="bold")
        t.append(f"turn {game.turn}/{s.turns}")
        t.append(f"   seed {game.seed}" + (f" run {game.run}" if game.run else ""))
        if game.overrides:
            t.append("   " + ", ".join(f"{k}={v:g}" for k, v in game.overrides.items()))
        if game.seats:
            t.append("   seats: " + " ".join(game.seats), style="bold cyan")
        what_if = game.what_if()
        if what_if is not None:
            t.append(f"   what-if from {s.date(what_if.forked_at)}", style="bold magenta")
        state = "finished" if game.done else ("running" if running else "paused")
        if busy:
            state = "playing…"
        t.append(f"   [{state}]", style="bold yellow" if running else "dim")
        self.update(t, layout=False)  # one line, the screen's width: no new layout
