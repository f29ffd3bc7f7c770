"""Any pair of agent actors can be declared as a dyad in config/dyads.yaml."""

import shutil

import numpy as np

from sim.engine.model import Ensemble
from sim.engine.results import run_json
from sim.inputs.setup import build

EXTRA = """
  GBR-FRA:
    levels:
      dialogue: {value: 3.0, range: [2.5, 3.5], source: "assumption for a test"}
      exchange: {value: 2.5, range: [2.0, 3.0], source: "assumption for a test"}
      exercise: {value: 2.5, range: [2.0, 3.0], source: "assumption for a test"}
    enablers:
      isa: {status: signed}
      partnership: {status: n/a}
"""


def test_a_declared_european_pair_is_simulated_alongside_the_japan_dyads(tmp_path):
    cfg = tmp_path / "config"
    shutil.copytree("config", cfg)
    with open(cfg / "dyads.yaml", "a") as f:
        f.write(EXTRA)
    sc = tmp_path / "pair.yaml"
    sc.write_text(f"name: pair\ndescription: five dyads\nconfig: {cfg}\nturns: 8\n")
    setup = build(str(sc))
    assert setup.dyads[-1] == "GBR-FRA" and len(setup.dyads) == 5
    m = Ensemble(setup, seed=2, runs=20).run()
    h = m.level_history()
    assert np.all((h >= 0) & (h <= 5))
    gbr = next(a for a in m.actors if a.actor == "GBR")
    assert len(gbr.slots) == 2  # Japan and France share the UK's bandwidth
    assert "GBR-FRA" in run_json(m, 0)["final"]
