"""The debrief of a hosted game: one self-contained HTML file (Jinja2, matplotlib charts).

It shows each team's score over time, what each team's moves changed (the same game re-run
with that team's moves and deals removed, same seed and injects, so same random numbers),
the deals made, the injects, the cooperation levels over time and which of the report's
claims the game illustrated. The ordinary after-action report (sim/game/aar.py) is written too.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim.files import write_file
from sim.game.game import Game
from sim.game.objectives import score_history
from sim.inputs.params import ParamKey
from sim.vocabulary import ENABLERS, INDICES, SECOND, TRACKS

REPORT_FILE = "report.html"
SEAT_COLORS = {
    "JPN": "#d62728",
    "GBR": "#1f77b4",
    "FRA": "#9467bd",
    "DEU": "#7f7f7f",
    "NATO": "#2ca02c",
}


def without(game: Game, seat: str) -> Game:
    """The same game re-run with `seat`'s moves (its own and its deals') removed."""
    g = Game.__new__(Game)
    g.__dict__.update(game.__dict__)
    g.branch, g.fork_at, g.fork_set = None, None, {}
    g.inputs = {}
    for t, v in game.inputs.items():
        inj = [
            x
            for x in v.inject
            if isinstance(x, str)
            or not (
                x.id.startswith("deal-")
                and any(ParamKey.parse(k, None).actor == seat for k in x.params)
            )
        ]
        g.inputs[t] = v.model_copy(
            update={"inject": inj, "moves": [m for m in v.moves if m.actor != seat]}
        )
    g._replay(game.turn)
    return g


def _chart(fig) -> str:
    import io

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90, bbox_inches="tight")
    return base64.b64encode(buf.getvalue()).decode("ascii")


def score_chart(game: Game, scores: dict[str, list[float]]) -> str:
    from matplotlib.figure import Figure  # a figure of its own: no pyplot, no backend change

    fig = Figure(figsize=(7, 3))
    ax = fig.subplots()
    x = np.arange(0, game.turn + 1)
    for a, v in scores.items():
        ax.plot(
            x,
            np.concatenate([[0.0], np.cumsum(v)]),
            label=a,
            color=SEAT_COLORS.get(a),
            linewidth=1.8,
            marker="o",
            markersize=3,
        )
    step = max(1, -(-len(x) // 8))
    ax.set_xticks(x[::step], [game.setup.date(int(t)) for t in x[::step]], fontsize=7)
    ax.set_ylabel("score (cumulative)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, ncol=5, loc="upper left")
    return _chart(fig)


@dataclass
class Claim:
    text: str
    source: str
    seen: bool
    evidence: str


def claims(game: Game, cf: dict[str, Game]) -> list[Claim]:
    """The report's claims this game can show, each with whether it did and why."""
    m = game.model
    s = game.setup
    hist = m.level_history()[:, 0]
    out = []
    sums = hist[-1].sum(axis=1)
    best = s.dyads[int(np.argmax(sums))]
    out.append(
        Claim(
            "Ties with the UK are the most robust of the four.",
            "Summary; Ch7 › Differences",
            best == "JPN-GBR",
            f"highest total at the end: {best} ({sums.max():.1f} of 15)",
        )
    )
    worst = s.dyads[int(np.argmin(sums))]
    out.append(
        Claim(
            "Germany's ties lag behind: caution toward China and no ISA keep them shallow.",
            "Ch5 Germany › Conclusion",
            worst == "JPN-DEU",
            f"lowest total at the end: {worst} ({sums.min():.1f} of 15)",
        )
    )
    e = ENABLERS.index("raa")
    ev, seen = "no RAA was signed", False
    for d, dy in enumerate(s.dyads):
        for t, rec in enumerate(m.history, start=1):
            if rec.signed[0, d, e]:
                k = TRACKS.index("exercise")
                rise = hist[-1, d, k] - hist[t - 1, d, k]
                seen = seen or rise > 0
                ev = f"{dy} signed an RAA in {s.date(t)}; exercises {rise:+.2f} since"
    out.append(
        Claim(
            "Without an RAA the UK and France are reluctant to exercise in Japan; "
            "with one, exercises can grow.",
            "Ch7 › Recommendations › Temper Expectations",
            seen,
            ev,
        )
    )
    ra = np.array([r.world[0, INDICES.index("russian_aggression")] for r in m.history])
    nato = [d for d, dy in enumerate(s.dyads) if "NATO" in dy]
    if len(ra) and ra.max() - ra[0] >= 0.1 and nato:
        t = int(np.argmax(ra))
        spent = [float(r.spent[0, nato[0], SECOND]) for r in m.history]
        seen = spent[t] < spent[0]
        ev = (
            f"Russian aggression peaked at {ra.max():.2f} in {s.date(t + 1)}; NATO's "
            f"bandwidth for Japan {spent[0]:.2f} → {spent[t]:.2f}"
        )
    else:
        seen, ev = False, "Russian aggression did not rise by 0.1 or more"
    out.append(
        Claim(
            "Russia's resurgence pulls NATO's bandwidth back to Europe.",
            "Ch7 › Recommendations › Temper Expectations",
            seen,
            ev,
        )
    )
    said = sum(1 for r in m.history for mv in r.moves if mv.actor == "JPN" and mv.statement)
    if said and "JPN" in cf:
        alt = cf["JPN"].model.levels[0]
        gaps = [
            f"{dy} {hist[-1, d].sum() - alt[d].sum():+.2f}"
            for d, dy in enumerate(s.dyads)
            if dy != "JPN-GBR"
        ]
        seen = any(
            hist[-1, d].sum() < alt[d].sum() for d, dy in enumerate(s.dyads) if dy != "JPN-GBR"
        )
        ev = f"Japan spoke out {said} time(s); versus Japan not moving: " + ", ".join(gaps)
    else:
        seen, ev = False, "Japan made no statement on China"
    out.append(
        Claim(
            "Japan's naming and shaming of China widens the gap with cautious "
            "partners (France, Germany, NATO).",
            "Ch7 › Approaches to China",
            seen,
            ev,
        )
    )
    return out


def write_debrief(session, path: str | Path | None = None) -> Path:
    """Write the debrief (and the ordinary after-action report) next to the saved game."""
    from jinja2 import Environment, select_autoescape

    from sim.game.aar import dyad_chart, write_report

    game: Game = session.game
    out = Path(path) if path else session.out / REPORT_FILE
    seats = session.seats
    scores = score_history(game.model, session.plans, seats)
    cf = {a: without(game, a) for a in seats}
    cf_scores = {a: score_history(g.model, session.plans, seats) for a, g in cf.items()}
    s = game.setup
    effects = []
    for a in seats:
        lv = game.model.levels[0] - cf[a].model.levels[0]
        changed = [
            f"{dy} {tr} {lv[d, k]:+.2f}"
            for d, dy in enumerate(s.dyads)
            for k, tr in enumerate(TRACKS)
            if abs(lv[d, k]) >= 0.005
        ]
        moves = sum(1 for v in game.inputs.values() for mv in v.moves if mv.actor == a)
        effects.append(
            {
                "seat": a,
                "moves": moves,
                "levels": ", ".join(changed) or "nothing measurable",
                "scores": ", ".join(
                    f"{b} {sum(scores[b]) - sum(cf_scores[a][b]):+g}" for b in seats if b in scores
                ),
            }
        )
    objectives = []
    from sim.game.objectives import objective_values

    for a in seats:
        plan = session.plans.get(a)
        if plan is None or not game.turn:
            continue
        for o, v, ok in objective_values(game.model, a, plan, game.turn):
            objectives.append(
                {
                    "seat": a,
                    "text": o.text,
                    "value": f"{v:.2f}",
                    "met": "yes" if ok else "no",
                    "source": o.source,
                }
            )
    deals = [p for p in session.proposals if p.status == "accepted"]
    ctx = {
        "title": f"Debrief: {s.name}",
        "head": f"Seed {game.seed}, {s.date(0)} to {game.date}, {game.turn} of {s.turns} "
        f"turns; seats {', '.join(seats)}.",
        "totals": [(a, sum(v)) for a, v in sorted(scores.items(), key=lambda kv: -sum(kv[1]))],
        "score_chart": score_chart(game, scores) if game.turn else None,
        "effects": effects,
        "objectives": objectives,
        "deals": [{"date": s.date(p.turn), "text": p.text(), "by": p.to} for p in deals],
        "proposals": [
            {"date": s.date(p.turn), "text": p.text(), "status": p.status}
            for p in session.proposals
        ],
        "injects": [
            {"date": s.date(n.turn), "to": n.to or "everyone", "text": n.text}
            for n in session.notices
        ],
        "claims": claims(game, cf),
        "dyad_charts": [
            (dy, base64.b64encode(dyad_chart(game, d)).decode("ascii"))
            for d, dy in enumerate(s.dyads)
        ]
        if game.turn
        else [],
        "log": session.log,
    }
    env = Environment(autoescape=select_autoescape(default=True))
    page = env.from_string(TEMPLATE).render(**ctx)
    write_file(out, page)
    write_report(game, out.with_name("after-action.html"))
    return out


TEMPLATE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1100px; color: #222; }
h2 { font-size: 1.2em; margin-top: 1.6em; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; font-size: 0.9em; }
td, th { border: 1px solid #ddd; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #f3f3f3; } .charts img { width: 48%; margin: 0.5%; }
.yes { color: #1a7f37; } .no { color: #b42318; }
</style></head><body>
<h1>{{ title }}</h1><p>{{ head }}</p>
<h2>Scores</h2>
<table><tr><th>team</th><th>points</th></tr>
{% for a, v in totals %}<tr><td>{{ a }}</td><td>{{ "%g"|format(v) }}</td></tr>{% endfor %}</table>
{% if score_chart %}<p><img alt="scores over time" src="data:image/png;base64,{{ score_chart }}"></p>{% endif %}
<h2>Objectives at the end</h2>
<table><tr><th>team</th><th>objective</th><th>value</th><th>met</th><th>source</th></tr>
{% for o in objectives %}<tr><td>{{ o.seat }}</td><td>{{ o.text }}</td><td>{{ o.value }}</td>
<td class="{{ o.met }}">{{ o.met }}</td><td>{{ o.source }}</td></tr>{% endfor %}</table>
<h2>What each team's moves changed</h2>
<p>The same game re-run without that team's moves and deals (same seed, same injects):
the end levels and every team's score, this game minus the re-run.</p>
<table><tr><th>team</th><th>turns moved</th><th>end levels changed</th><th>scores changed</th></tr>
{% for e in effects %}<tr><td>{{ e.seat }}</td><td>{{ e.moves }}</td><td>{{ e.levels }}</td>
<td>{{ e.scores }}</td></tr>{% endfor %}</table>
<h2>Deals made</h2>
{% if deals %}<table><tr><th>date</th><th>deal</th><th>accepted by</th></tr>
{% for d in deals %}<tr><td>{{ d.date }}</td><td>{{ d.text }}</td><td>{{ d.by }}</td></tr>{% endfor %}
</table>{% else %}<p>(none)</p>{% endif %}
<h2>All proposals</h2>
{% if proposals %}<table><tr><th>date</th><th>proposal</th><th>outcome</th></tr>
{% for p in proposals %}<tr><td>{{ p.date }}</td><td>{{ p.text }}</td><td>{{ p.status }}</td></tr>{% endfor %}
</table>{% else %}<p>(none)</p>{% endif %}
<h2>Injects</h2>
{% if injects %}<table><tr><th>date</th><th>told</th><th>inject</th></tr>
{% for n in injects %}<tr><td>{{ n.date }}</td><td>{{ n.to }}</td><td>{{ n.text }}</td></tr>{% endfor %}
</table>{% else %}<p>(none)</p>{% endif %}
<h2>The report's claims in this game</h2>
<table><tr><th>claim</th><th>source</th><th>illustrated</th><th>evidence</th></tr>
{% for c in claims %}<tr><td>{{ c.text }}</td><td>{{ c.source }}</td>
<td class="{{ 'yes' if c.seen else 'no' }}">{{ 'yes' if c.seen else 'no' }}</td><td>{{ c.evidence }}</td></tr>{% endfor %}
</table>
<h2>Cooperation over time</h2><div class="charts">
{% for dy, img in dyad_charts %}<img alt="{{ dy }}" src="data:image/png;base64,{{ img }}">{% endfor %}
</div>
<h2>Log</h2><ul>{% for line in log %}<li>{{ line }}</li>{% endfor %}</ul>
<p>The ordinary after-action report of the same game: <a href="after-action.html">after-action.html</a>.</p>
</body></html>
"""
