"""After-action report: one self-contained HTML file (charts embedded as PNG) and Markdown.

Contents: the timeline of shocks, injections, moves and agreements; cooperation over time per
dyad on the report's three tracks (digest §3 scale); the biggest changes over the game with
their drivers (Shapley attribution of sim/engine/explain.py over the whole game); and, for a forked
game, the what-if branch compared with the main line.
"""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path

import numpy as np

from sim.engine.explain import formula
from sim.engine.results import drivers_summary, run_events
from sim.files import write_file
from sim.game.game import Game
from sim.vocabulary import TRACKS, anchor

COLORS = {"dialogue": "#1f77b4", "exchange": "#2ca02c", "exercise": "#d62728"}
MAJOR = ("shock", "inject", "move", "negotiation", "agreement")


def default_path(game: Game, folder: str | Path = "reports") -> Path:
    """./reports/<scenario>-seed<N>-t<turn>.html relative to the working directory."""
    return Path(folder) / f"{game.setup.name}-seed{game.seed}-t{game.turn}.html"


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90, bbox_inches="tight")
    return buf.getvalue()


def dyad_chart(game: Game, d: int) -> bytes:
    """Levels of one dyad's three tracks over time; the branch dashed if forked."""
    from matplotlib.figure import Figure  # a figure of its own: no pyplot, no backend change

    s = game.setup
    hist = game.model.level_history()[:, 0, d]
    fig = Figure(figsize=(6.4, 2.8))
    ax = fig.subplots()
    x = np.arange(len(hist))
    for k, tr in enumerate(TRACKS):
        ax.plot(x, hist[:, k], color=COLORS[tr], label=tr, linewidth=1.8)
    if game.branch is not None:
        bh = game.branch.model.level_history()[:, 0, d]
        for k, tr in enumerate(TRACKS):
            ax.plot(
                x[game.fork_at :],
                bh[game.fork_at :, k],
                color=COLORS[tr],
                linestyle="--",
                linewidth=1.4,
                label=f"{tr} (what-if)",
            )
        ax.axvline(game.fork_at, color="grey", linewidth=0.8)
    ticks = x[:: max(1, -(-len(x) // 6))]
    ax.set_xticks(ticks, [s.date(int(t)) for t in ticks], fontsize=7)
    ax.set_ylim(0, 5.2)
    ax.set_ylabel("level (0–5)")
    ax.set_title(s.dyads[d], fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, loc="upper left", ncol=2 if game.branch is None else 3)
    return _png(fig)


def _tables(game: Game) -> dict[str, list[list[str]]]:
    s = game.setup
    m = game.model
    events = run_events(m)
    names = game.shock_names()
    timeline = [
        [
            e["date"],
            e["kind"],
            names.get(e["id"], e["text"]) if e["kind"] == "inject" else e["text"],
        ]
        for e in events
        if e["kind"] in MAJOR
    ]
    counts: dict[str, int] = {}
    for e in events:
        if e["kind"] == "activity":
            counts[f"{e['dyad']} {e['track']}"] = counts.get(f"{e['dyad']} {e['track']}", 0) + 1
    hist = m.level_history()[:, 0]
    final = [
        [dy, tr, f"{hist[0, d, k]:.2f}", f"{hist[-1, d, k]:.2f}", anchor(tr, hist[-1, d, k])]
        for d, dy in enumerate(s.dyads)
        for k, tr in enumerate(TRACKS)
    ]
    changes: list[list[str]] = []
    if m.turn:
        from sim.engine.explain import explain

        contrib = explain(m, 0, 0, m.turn)
        rows = sorted(drivers_summary(m), key=lambda r: -abs(r["change"]))[:6]
        for r in rows:
            d, k = s.dyads.index(r["dyad"]), TRACKS.index(r["track"])
            changes.append(
                [r["sentence"], formula(r["dyad"], r["track"], r["change"], contrib, d, k)]
            )
    branch: list[list[str]] = []
    if game.branch is not None:
        bl = game.branch.model.levels[0]
        for d, dy in enumerate(s.dyads):
            for k, tr in enumerate(TRACKS):
                a, b = m.levels[0, d, k], bl[d, k]
                branch.append([dy, tr, f"{a:.2f}", f"{b:.2f}", f"{b - a:+.2f}"])
    return {
        "timeline": timeline,
        "activities": [[k, str(v)] for k, v in sorted(counts.items())],
        "final": final,
        "changes": changes,
        "branch": branch,
    }


def _head(game: Game) -> list[str]:
    s = game.setup
    lines = [
        f"Scenario **{s.name}**, seed {game.seed}, {s.date(0)} to {game.date} "
        f"({game.turn} of {s.turns} turns)."
    ]
    if game.overrides:
        lines.append("Overrides: " + ", ".join(f"{k} = {v:g}" for k, v in game.overrides.items()))
    if game.seats:
        lines.append("Human seats: " + ", ".join(game.seats))
    if game.branch is not None:
        lines.append(
            f"What-if branch forked at {s.date(game.fork_at)} (turn {game.fork_at}): "
            + ", ".join(f"{k} = {v:g}" for k, v in game.fork_set.items())
        )
    return lines


SECTIONS = (
    ("timeline", "Timeline of shocks and moves", ["date", "kind", "what happened"]),
    ("activities", "Concrete activities (count)", ["dyad and track", "count"]),
    ("final", "Cooperation at the end", ["dyad", "track", "start", "end", "meaning"]),
    ("changes", "Biggest changes and their drivers", ["why", "contributions"]),
    (
        "branch",
        "What-if branch compared (end levels)",
        ["dyad", "track", "main", "what-if", "difference"],
    ),
)


def _md_table(header: list[str], rows: list[list[str]]) -> list[str]:
    def esc(x: str) -> str:
        return x.replace("|", "\\|")

    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(esc(c) for c in r) + " |" for r in rows]
    return out


def write_report(game: Game, path: str | Path | None = None) -> tuple[Path, Path]:
    """Write <path>.html (self-contained) and <path>.md (+ a folder of PNG charts)."""
    html_path = Path(path) if path else default_path(game)
    if html_path.suffix.lower() not in (".html", ".htm"):
        html_path = html_path.with_suffix(".html")
    md_path = html_path.with_suffix(".md")
    charts_dir = html_path.with_name(html_path.stem + "_charts")
    s = game.setup
    charts = {dy: dyad_chart(game, d) for d, dy in enumerate(s.dyads)}
    tables = _tables(game)
    title = f"After-action report: {s.name}"

    md = [f"# {title}", ""] + [ln + "  " for ln in _head(game)] + [""]
    md += ["## Cooperation over time", ""]
    md += [f"![{dy}]({charts_dir.name}/{dy}.png)" for dy in charts] + [""]
    for key, heading, header in SECTIONS:
        rows = tables[key]
        if key == "branch" and not rows:
            continue
        md += [f"## {heading}", ""]
        md += _md_table(header, rows) if rows else ["(none)"]
        md.append("")

    e = html.escape
    body = [f"<h1>{e(title)}</h1>"] + [
        "<p>" + e(ln).replace("**", "") + "</p>" for ln in _head(game)
    ]
    body.append("<h2>Cooperation over time</h2><div class='charts'>")
    for dy, data in charts.items():
        b64 = base64.b64encode(data).decode("ascii")
        body.append(f"<img alt='{e(dy)}' src='data:image/png;base64,{b64}'>")
    body.append("</div>")
    for key, heading, header in SECTIONS:
        rows = tables[key]
        if key == "branch" and not rows:
            continue
        body.append(f"<h2>{e(heading)}</h2>")
        if not rows:
            body.append("<p>(none)</p>")
            continue
        body.append("<table><tr>" + "".join(f"<th>{e(h)}</th>" for h in header) + "</tr>")
        body += ["<tr>" + "".join(f"<td>{e(c)}</td>" for c in r) + "</tr>" for r in rows]
        body.append("</table>")
    page = (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{e(title)}</title><style>{CSS}</style></head><body>"
        + "\n".join(body)
        + "</body></html>\n"
    )

    for dy, data in charts.items():
        write_file(charts_dir / f"{dy}.png", data)
    write_file(md_path, "\n".join(md) + "\n")
    write_file(html_path, page)
    return html_path, md_path


CSS = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1100px; color: #222; }
h1 { font-size: 1.6em; } h2 { font-size: 1.2em; margin-top: 1.6em; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; font-size: 0.9em; }
td, th { border: 1px solid #ddd; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
.charts img { width: 48%; margin: 0.5%; }
"""
