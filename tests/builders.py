"""Hypothesis generators shared by the property tests."""

from __future__ import annotations

from hypothesis import strategies as st

from sim.inputs.domains import PARAM_DOMAIN
from sim.vocabulary import AGENT_ACTORS, PARAMS


@st.composite
def overrides(draw, max_size: int = 4) -> dict[str, float]:
    """A few valid ACTOR.param overrides anywhere in each parameter's hard domain."""
    keys = draw(
        st.lists(
            st.tuples(st.sampled_from(AGENT_ACTORS), st.sampled_from(PARAMS)),
            max_size=max_size,
            unique=True,
        )
    )
    out = {}
    for a, p in keys:
        lo, hi = PARAM_DOMAIN[p]
        out[f"{a}.{p}"] = draw(st.floats(lo, hi, allow_nan=False, allow_infinity=False))
    return out


seeds = st.integers(0, 2**63 - 1)
