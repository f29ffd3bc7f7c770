"""The actor inspector: motivations, divergences, constraints (current values, after shocks)
and the bandwidth the actor gave each partner in the last turn (Record.spent)."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from sim.game.game import Game
from sim.vocabulary import CONSTRAINTS, DIVERGENCES, MOTIVATIONS, PARAMS


def bar(v: float, hi: float = 1.0, width: int = 10) -> str:
    n = int(round(max(0.0, min(1.0, v / hi)) * width))
    return "█" * n + "·" * (width - n)


class ActorInspector(Static):
    """One actor at a time; `a` cycles through the actors."""

    def show(self, game: Game, actor: str) -> None:
        cfg = game.setup.config.actors[actor]
        vals = game.params(actor)
        seat = "human seat" if actor in game.seats else "decision rule"
        out = Text(f"{cfg.name} ({actor}) · {cfg.kind} · {seat}\n", style="bold")
        width = max(len(p) for p in PARAMS) + 1

        def row(label: str, v: float, hi: float) -> None:
            out.append(f"\n{label:<{width}}", style="dim")
            out.append(f"{bar(v, hi)} {v:5.2f}")

        for group, names in (
            ("motivations", MOTIVATIONS),
            ("divergences", DIVERGENCES),
            ("constraints", CONSTRAINTS),
        ):
            out.append(f"\n{group}", style="bold underline")
            for p in names:
                row(p, vals[p], 20.0 if p == "bandwidth" else 1.0)
        out.append("\nbandwidth spent", style="bold underline")
        budget = max(1e-9, vals["bandwidth"])
        for partner, spent in game.spent(actor).items():
            row(f"→ {partner}", spent, budget)
        self.update(out)
