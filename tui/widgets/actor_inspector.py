"""The actor inspector: motivations, divergences, constraints (current values, after shocks)
and the bandwidth the actor gave each partner in the last turn (Record.spent)."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from sim.ids import AGENT_ACTORS, CONSTRAINTS, DIVERGENCES, MOTIVATIONS, PARAMS
from sim.savegame import Game


def bar(v: float, hi: float = 1.0, width: int = 10) -> str:
    n = int(round(max(0.0, min(1.0, v / hi)) * width))
    return "█" * n + "·" * (width - n)


class ActorInspector(Static):
    """One actor at a time; `a` cycles through the actors."""

    def show(self, game: Game, actor: str) -> None:
        m = game.model
        a = AGENT_ACTORS.index(actor)
        cfg = game.setup.config.actors[actor]
        vals = m.params[0, a]
        seat = "human seat" if actor in game.seats else "decision rule"
        head = Text(f"{cfg.name} ({actor}) · {cfg.kind} · {seat}\n", style="bold")
        t = Table.grid(padding=(0, 1))
        t.add_column(style="dim")
        t.add_column()
        t.add_column(justify="right")
        for group, names in (("motivations", MOTIVATIONS), ("divergences", DIVERGENCES),
                             ("constraints", CONSTRAINTS)):
            t.add_row(Text(group, style="bold underline"), "", "")
            for p in names:
                v = float(vals[PARAMS.index(p)])
                hi = 20.0 if p == "bandwidth" else 1.0
                t.add_row(p, bar(v, hi), f"{v:.2f}")
        t.add_row(Text("bandwidth spent", style="bold underline"), "", "")
        rec = m.history[-1] if m.history else None
        for d, (x, y) in enumerate(game.setup.pairs):
            if a not in (x, y):
                continue
            side = 0 if x == a else 1
            partner = AGENT_ACTORS[int(y if side == 0 else x)]
            spent = float(rec.spent[0, d, side]) if rec is not None else 0.0
            t.add_row(f"→ {partner}", bar(spent, max(1e-9, float(vals[PARAMS.index('bandwidth')]))),
                      f"{spent:.2f}")
        from rich.console import Group

        self.update(Group(head, t))
