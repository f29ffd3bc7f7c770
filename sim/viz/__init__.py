"""The Mesa model page: `sim.WargameModel` in Mesa's SolaraViz (optional extra `viz`).

`python -m sim.viz [SCENARIO] [--port 8765]` serves the page on 127.0.0.1 (loopback only
unless `--host` says otherwise); in a notebook, `sim.viz.page.page("baseline")` shows it in
place. The page has sliders for the main parameters (Germany's China caution, the UK's
bandwidth, US engagement, the seed), the cooperation matrix (dyads × tracks on the report's
0–5 scale), a chart per track on the 0–5 scale, each actor's state, and Mesa's step, play
and reset. `sim/viz/page.py` builds it; this package's `__init__` stays light so that the
launcher (`__main__.py`) can say in one line when the extra is missing.
"""

#: how the served page learns which scenario to play (the server imports sim.viz.page)
SCENARIO_ENV = "WARGAME_VIZ_SCENARIO"
