"""Plain renderings of what a classroom client knows (shared by the seat's screen and the
facilitator console): levels, agreements, objectives, scores, proposals, parameters."""

from __future__ import annotations

from rich.columns import Columns
from rich.console import Group
from rich.table import Table
from rich.text import Text

from sim.vocabulary import TRACKS, anchor


def levels_table(state) -> Table:
    t = Table(expand=True, box=None, header_style="bold")
    t.add_column("dyad")
    for tr in TRACKS:
        t.add_column(tr, justify="right")
    t.add_column("agreements in force")
    for dy, lv in state.levels.items():
        t.add_row(dy, *[f"{lv[tr]:.2f}" for tr in TRACKS], ", ".join(state.signed.get(dy, [])))
    return t


def anchors_text(state) -> Text:
    out = Text()
    for dy, lv in state.levels.items():
        out.append(f"{dy}: ", style="bold")
        out.append("; ".join(f"{tr} — {anchor(tr, lv[tr])}" for tr in TRACKS) + "\n")
    return out


def brief_text(welcome) -> Text:
    b = welcome.brief
    out = Text()
    if not b:
        return Text(
            "No brief for this seat in this scenario"
            + ("" if welcome.objectives else " and no objectives: it plays and scores nothing")
            + "."
        )
    out.append(b.get("role", "") + "\n\n", style="bold")
    for key, title in (
        ("motivations", "Motivations"),
        ("red_lines", "Red lines"),
        ("constraints", "Constraints"),
    ):
        out.append(title + "\n", style="bold underline")
        for c in b.get(key, []):
            out.append(f"• {c['text']} ", style="")
            out.append(f"({c['source']})\n", style="dim")
        out.append("\n")
    return out


def objectives_table(welcome, state, seat: str) -> Table:
    t = Table(expand=True, box=None, header_style="bold")
    t.add_column("objective", ratio=4)
    t.add_column("points", justify="right")
    t.add_column("now", justify="right")
    t.add_column("source", ratio=2, style="dim")
    now = {i: (v, ok) for i, v, ok in state.progress.get(seat, [])}
    for o in welcome.objectives:
        sign = "-" if o["kind"] in ("limit", "restraint", "domestic") else "+"
        v = now.get(o["id"])
        mark = "—" if v is None else f"{v[0]:.2f} " + ("✓" if v[1] else "✗")
        t.add_row(
            o["text"],
            f"{sign}{o['points']:g}/turn",
            mark,
            o["source"],
            style="" if v is None or v[1] else "red",
        )
    return t


def score_text(state, seats: list[str]) -> Text:
    out = Text()
    for a in seats:
        v = state.scores.get(a)
        if v is None:
            continue
        per = " ".join(f"{x:+g}" for x in v[-12:]) or "—"
        out.append(f"{a:<5} {sum(v):>6g} points", style="bold")
        out.append(f"   per turn: {per}\n")
    return out or Text("Scores appear after the first turn.")


def proposals_table(state, seat: str | None) -> Table:
    t = Table(expand=True, box=None, header_style="bold")
    t.add_column("id")
    t.add_column("proposal", ratio=4)
    t.add_column("status")
    for p in reversed(state.proposals):
        style = "bold yellow" if p["status"] == "open" and p["to"] == seat else ""
        t.add_row(p["id"], p["summary"], p["status"], style=style)
    return t


def params_text(state, seat: str | None) -> Group:
    """Each seat's parameters as 'name value' cells in as many columns as the width holds
    (a name is never parted from its value)."""
    parts: list = []
    for a, ps in state.params.items():
        if seat is not None and a != seat:
            continue
        width = max(len(k) for k in ps)
        parts.append(Text(f"{a} (private)", style="bold"))
        parts.append(
            Columns(
                [Text(f"{k:<{width}} {v:5.2f}", no_wrap=True) for k, v in ps.items()],
                padding=(0, 3),
            )
        )
    return Group(*parts)


def private_lines(state) -> Text:
    lines = [ln for ln in state.log if "[private" in ln]
    return Text("\n".join(lines) if lines else "No private information yet.")


def status_line(state, seat: str | None, total_turns: int) -> str:
    bits = [f"{state.date}", f"turn {state.turn}/{total_turns}"]
    if state.done:
        bits.append("GAME OVER")
    elif state.paused:
        bits.append("PAUSED")
    if state.deadline is not None and not state.done:
        m, s = divmod(int(state.deadline), 60)
        bits.append(f"timer {m}:{s:02d}")
    if seat is not None:
        sc = state.scores.get(seat)
        bits.append(f"score {sum(sc):g}" if sc else "score 0")
        bits.append("submitted" if seat in state.submitted else "not submitted")
    else:
        bits.append(f"submitted {len(state.submitted)}")
    return "  ·  ".join(bits)
