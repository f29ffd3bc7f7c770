"""Conformance of the counter-based randomness (sim/engine/rng.py): a draw is a pure function of
(run key, turn, site); the engine's draw sites, including one per scenario shock, are
independent streams."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.engine.rng import Site, Stream, run_keys

SHOCK_SITES = [Site.SHOCK + 16 * (j + 1) for j in range(8)]
SITES = [int(s) for s in Site] + SHOCK_SITES


@settings(max_examples=50, deadline=None)
@given(
    seed=st.integers(0, 2**64 - 1),
    runs=st.lists(st.integers(0, 10**6), min_size=1, max_size=20, unique=True),
    turn=st.integers(0, 400),
    site=st.sampled_from(SITES),
)
def test_same_key_turn_and_site_give_the_same_draw_in_any_company_and_order(seed, runs, turn, site):
    batch = Stream(run_keys(seed, runs))
    first = batch.uniform(turn, site, (3,))
    batch.uniform(turn + 1, site, (3,))  # other draws in between change nothing
    batch.normal(turn, Site.WORLD, (2,))
    assert np.array_equal(batch.uniform(turn, site, (3,)), first)
    for i in (0, len(runs) - 1):
        alone = Stream(run_keys(seed, [runs[i]]))
        assert np.array_equal(alone.uniform(turn, site, (3,))[0], first[i])
    reversed_ = Stream(run_keys(seed, runs[::-1]))
    assert np.array_equal(reversed_.uniform(turn, site, (3,))[::-1], first)


def test_every_draw_site_is_an_independent_stream():
    """Across 20,000 runs, the draws of any two sites (and of two turns of one site) are
    uncorrelated: |r| below 4.5 standard errors."""
    s = Stream(run_keys(5, range(20000)))
    draws = {site: s.uniform(3, site, ()) for site in SITES}
    draws["next turn"] = s.uniform(4, Site.WORLD, ())
    names = list(draws)
    bound = 4.5 / np.sqrt(20000)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            r = np.corrcoef(draws[a], draws[b])[0, 1]
            assert abs(r) < bound, (a, b, r)


def test_the_counters_of_different_sites_and_turns_never_coincide():
    """No two (turn, site, sub) used by the engine over 400 turns share a counter."""
    seen = {}
    for turn in range(401):
        for site in SITES:
            for sub in (0, 1, 2):
                c = ((turn + 1) << 24) ^ (int(site) << 4) ^ sub
                assert c not in seen, (turn, site, sub, seen.get(c))
                seen[c] = (turn, site, sub)
