"""The Mesa model page (see sim/viz/__init__.py): SolaraViz with the wargame's own views.

`page(scenario, seed)` returns the SolaraViz element (a notebook shows it in place);
`Page` is what `solara run sim.viz.page` serves, for the scenario named in
$WARGAME_VIZ_SCENARIO. The views are functions of the model, redrawn by SolaraViz after
every step: the cooperation matrix (mean level of each dyad and track over the model's
runs, on the report's 0–5 scale, Ch1 › Methodology), a chart per track, and each actor's
state as its Mesa agent carries it. Charts are drawn on their own matplotlib Figure.
"""

from __future__ import annotations

import html
import os

import numpy as np
import solara
from matplotlib.figure import Figure
from mesa.visualization import Slider, SolaraViz

from sim.engine.mesa_model import STATE, WargameModel
from sim.inputs.params import ParamKey
from sim.inputs.setup import Setup
from sim.viz import SCENARIO_ENV
from sim.vocabulary import INDICES, SCALE, TRACKS

#: the sliders: an actor parameter ('ACTOR.param') or a world index -> its label
SLIDERS = {
    "DEU.china_caution": "Germany: China caution",
    "GBR.bandwidth": "UK: bandwidth",
    "us_engagement": "US engagement (world index)",
}
#: the largest seed the seed slider offers
MAX_SEED = 999


def model_params(setup: Setup, scenario: str, seed: int = 0, turns: int | None = None) -> dict:
    """SolaraViz's `model_params`: the scenario and turns (fixed; SolaraViz's reset passes
    the scenario in Mesa's scenario), the seed and a slider per entry of `SLIDERS` that the
    scenario has, starting at the scenario's own value, so a reset with untouched sliders
    replays it."""
    params: dict = {
        "scenario_name": scenario,
        "rng": Slider("Seed", value=int(seed), min=0, max=max(MAX_SEED, int(seed)), step=1),
    }
    if turns is not None:
        params["turns"] = int(turns)
    for key, label in SLIDERS.items():
        if key in INDICES:
            value, (lo, hi) = float(setup.world_initial[INDICES.index(key)]), (0.0, 1.0)
        else:
            k = ParamKey.parse(key, None)
            if k.actor not in setup.actors:
                continue
            value = float(k.get(setup))
            lo, hi = (0.0, 1.0) if k.domain == (0.0, 1.0) else k.plausible_range(setup.config)
        lo, hi = min(lo, value), max(hi, value)
        params[key] = Slider(label, value=value, min=lo, max=hi, step=0.05, dtype=float)
    return params


def _shade(level: float) -> str:
    return f"rgba(31, 119, 180, {0.08 + 0.7 * level / SCALE:.2f})"


def matrix_html(model: WargameModel) -> str:
    """The cooperation matrix: a table of dyads × tracks, levels on the 0–5 scale."""
    s = model.setup
    levels = model.levels.mean(axis=0)  # (D, K)
    head = "".join(f"<th>{tr}</th>" for tr in TRACKS)
    rows = "".join(
        f"<tr><th>{html.escape(dy)}</th>"
        + "".join(
            f'<td style="background:{_shade(v)}" title="{html.escape(dy)} {tr}">{v:.2f}</td>'
            for tr, v in zip(TRACKS, levels[d], strict=True)
        )
        + "</tr>"
        for d, dy in enumerate(s.dyads)
    )
    caption = (
        f"{html.escape(s.name)}: turn {model.turn} of {s.turns} ({model.date}), "
        f"levels 0–5{'' if model.running else ', finished'}"
    )
    return (
        '<table class="wargame-matrix" style="border-collapse:collapse;text-align:right">'
        f"<caption>{caption}</caption><tr><th>dyad</th>{head}</tr>{rows}</table>"
    )


def track_figure(model: WargameModel) -> Figure:
    """A chart per track: each dyad's level at the start and after every turn, 0–5."""
    s = model.setup
    history = model.level_history().mean(axis=1)  # (turns played + 1, D, K)
    fig = Figure(figsize=(10, 3.4), layout="constrained")
    axes = fig.subplots(1, len(TRACKS), sharey=True)
    every = max(1, 4 * round(s.turns / 20)) if s.turns >= 8 else 1
    ticks = list(range(0, s.turns + 1, every))
    for k, (ax, tr) in enumerate(zip(axes, TRACKS, strict=True)):
        for d, dy in enumerate(s.dyads):
            ax.plot(np.arange(len(history)), history[:, d, k], label=dy)
        ax.set_title(tr)
        ax.set_ylim(0, SCALE)
        ax.set_yticks(range(int(SCALE) + 1))
        ax.set_xlim(0, max(s.turns, 1))
        ax.set_xticks(ticks, [s.date(t) for t in ticks], rotation=45, fontsize=8)
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("level (0–5)")
    fig.legend(*axes[0].get_legend_handles_labels(), loc="outside right upper", fontsize=8)
    return fig


def actors_html(model: WargameModel) -> str:
    """Each actor's state as its Mesa agent carries it (`STATE`)."""
    head = "".join(f"<th>{name.replace('_', ' ')}</th>" for name in STATE)
    rows = "".join(
        f"<tr><th>{a.actor}</th>"
        + "".join(f"<td>{getattr(a, name):.2f}</td>" for name in STATE)
        + "</tr>"
        for a in model.agents
    )
    return (
        '<table class="wargame-actors" style="border-collapse:collapse;text-align:right">'
        f"<tr><th>actor</th>{head}</tr>{rows}</table>"
    )


def CooperationMatrix(model: WargameModel):
    return solara.HTML(tag="div", unsafe_innerHTML=matrix_html(model))


def TrackCharts(model: WargameModel):
    fig = solara.use_memo(lambda: track_figure(model), [model, model.turn])
    return solara.FigureMatplotlib(fig, dependencies=[model, model.turn], format="png")


def Actors(model: WargameModel):
    return solara.HTML(tag="div", unsafe_innerHTML=actors_html(model))


#: the views, all on SolaraViz's first page
COMPONENTS = [(CooperationMatrix, 0), (TrackCharts, 0), (Actors, 0)]


def view(model: WargameModel, scenario: str, seed: int = 0, turns: int | None = None):
    """SolaraViz of `model`, with sliders that rebuild it from `scenario` on reset."""
    return SolaraViz(
        model,
        components=COMPONENTS,
        model_params=model_params(model.setup, scenario, seed, turns),
        name=f"Allied wargame: {model.setup.name}",
        play_interval=150,
    )


def page(scenario: str = "baseline", seed: int = 0, turns: int | None = None):
    """The model page of `scenario` (a name or path) played with `seed` (for `turns`, or
    the scenario's own)."""
    return view(WargameModel(scenario, rng=seed, turns=turns), scenario, seed, turns)


@solara.component
def Page():
    """What `solara run sim.viz.page` serves: one model per browser session."""
    scenario = os.environ.get(SCENARIO_ENV, "baseline")
    model = solara.use_memo(lambda: WargameModel(scenario, rng=0), [])
    return view(model, scenario)
