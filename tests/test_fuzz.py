"""Fuzzed scenario files (tests/fuzz_cases.py) within a small CI budget: every file is either
refused with one line naming it, or accepted and then runs to its last turn with finite
results. `python benchmarks/fuzz.py` runs 10,000 cases in isolated processes."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fuzz_cases import (
    DATA_MUTATIONS,
    TEXT_MUTATIONS,
    Case,
    check_case,
    m_config_folder,
    make_case,
)


class Drawn:
    """The Chooser of fuzz_cases backed by hypothesis draws (so failures shrink)."""

    def __init__(self, data):
        self.data = data

    def choice(self, seq):
        return self.data.draw(st.sampled_from(list(seq)))

    def random(self) -> float:
        return self.data.draw(st.floats(0, 1, exclude_max=True))

    def randint(self, a: int, b: int) -> int:
        return self.data.draw(st.integers(a, b))


def _verdict(case: Case, tmp_path_factory) -> tuple[str, str]:
    return check_case(case, tmp_path_factory.mktemp("case"), runs=1)


@settings(
    max_examples=120,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.data())
def test_fuzzed_scenarios_are_refused_cleanly_or_run(tmp_path_factory, data):
    case = make_case(Drawn(data))
    outcome, detail = _verdict(case, tmp_path_factory)
    assert outcome in ("ok", "rejected"), f"{outcome}: {case.steps}\n{detail}"


@pytest.mark.parametrize(
    "mutation", TEXT_MUTATIONS + DATA_MUTATIONS[:5] + [m_config_folder], ids=lambda m: m.__name__
)
def test_each_mutation_kind(tmp_path_factory, mutation):
    """Every mutation, applied to each of a few shipped scenarios, passes the oracle (and
    those that must break the file are refused)."""
    for seed in range(4):
        r = random.Random(seed)
        case = make_case(random.Random(seed))
        case.must_reject.clear()
        mutation(case, r)
        outcome, detail = _verdict(case, tmp_path_factory)
        assert outcome in ("ok", "rejected"), f"{outcome}: {case.steps}\n{detail}"
        if case.must_reject:
            assert outcome == "rejected", case.steps
