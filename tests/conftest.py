from __future__ import annotations

import pytest

from sim.inputs.setup import build


@pytest.fixture(scope="session")
def baseline():
    return build("baseline")
