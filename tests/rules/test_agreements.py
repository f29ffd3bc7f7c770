"""Conformance of the agreement rules: a missing agreement caps the tracks it gates
(config/enablers.yaml `gates`), talks that stay open too long without a result stall, and
NATO's offers grow only when its consensus draw succeeds."""

from __future__ import annotations

import dataclasses

import numpy as np

from sim.engine.model import Ensemble
from sim.engine.moves import MoveArrays
from sim.vocabulary import ENABLERS, TRACKS

from .library import alone, setups


def expected_caps(setup, signed: np.ndarray) -> np.ndarray:
    """Caps (D, K) read straight from the config: the structural ceiling, lowered by the
    gate of every applicable agreement that is not signed."""
    cfg = setup.config
    caps = setup.max_level.copy()
    for d in range(len(setup.dyads)):
        for e, en in enumerate(ENABLERS):
            if signed[d, e] or not setup.applicable[d, e]:
                continue
            for track, cap in cfg.enablers[en].gates.items():
                k = TRACKS.index(track)
                caps[d, k] = min(caps[d, k], cap)
    return caps


#: the agreements' caps alone: no headroom for forces already at sea in the region
AT_HOME = {"MODEL.agreements.presence_headroom": np.zeros(2)}


def test_missing_agreements_cap_the_tracks_they_gate():
    setup = setups()["baseline"]
    m = Ensemble(setup, seed=0, runs=2, run_params=AT_HOME)
    np.testing.assert_array_equal(m.caps()[0], expected_caps(setup, setup.signed))
    gbr, raa = setup.dyads.index("JPN-GBR"), ENABLERS.index("raa")
    ex = TRACKS.index("exercise")
    assert not setup.signed[gbr, raa]
    assert m.caps()[0, gbr, ex] == setup.config.enablers["raa"].gates["exercise"] < 5.0
    m.signed = m.signed.copy()
    m.signed[:, gbr, raa] = True
    assert m.caps()[0, gbr, ex] == setup.max_level[gbr, ex]


def test_every_dyad_of_every_scenario_starts_under_its_caps():
    for setup in setups().values():
        m = Ensemble(setup, seed=0, runs=2, run_params=AT_HOME)
        np.testing.assert_array_equal(m.caps()[0], expected_caps(setup, setup.signed))


def test_talks_without_a_result_stall_exactly_after_the_stall_turns():
    """JPN-DEU ISA talks are open at the start; with no chance of concluding they are
    reported stalled at turn `agreements.stall_turns` (two years) and not before."""
    base = alone(setups()["baseline"])
    setup = dataclasses.replace(base, success=np.zeros_like(base.success))
    stall = int(setup.rules["agreements.stall_turns"])
    d, e = setup.dyads.index("JPN-DEU"), ENABLERS.index("isa")
    assert setup.negotiating[d, e]
    m = Ensemble(setup, seed=1, runs=50).run(stall + 1)
    stalled = np.stack([r.stalled[:, d, e] for r in m.history])  # (T, R)
    assert not stalled[: stall - 1].any()
    assert stalled[stall - 1].all()
    assert not m.history[stall - 1].signed.any()


def test_nato_consensus_acts_every_turn_on_what_it_agrees_to():
    """With a consensus uniform of 0 every track passes and the agreed target stands; with a
    uniform of 1 none does, and the target is held at the lower of the alliance's own offer
    and the current level, less what lapses (constraints.consensus_erosion, on every
    track): a withheld consensus caps and erodes, not only blocks growth."""
    from sim.engine.actors import perceive

    setup = setups()["baseline"]
    m = Ensemble(setup, seed=0, runs=3)
    nato = next(a for a in m.actors if a.actor == "NATO")
    R, D, K = m.levels.shape
    target = np.full((R, len(nato.slots), K), 5.0)
    level = m.levels[:, nato.dyad_idx, :]
    own = level - 0.5  # the alliance itself offers less than the level

    def consent(u: float) -> np.ndarray:
        snap = m.snapshot(
            m.params,
            m.world.values,
            np.zeros_like(m.levels),
            np.full((R, K), u),
            MoveArrays.neutral(D),
            np.ones(R),
        )
        return nato.consent(snap, perceive(snap), target.copy(), own)

    np.testing.assert_array_equal(consent(0.0), target)
    lapse = setup.rules["constraints.consensus_erosion"]
    assert lapse > 0
    np.testing.assert_allclose(consent(1.0), np.maximum(own - lapse, 0.0))
