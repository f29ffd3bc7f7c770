from __future__ import annotations

import pytest

from sim.inputs.setup import build


@pytest.fixture(scope="session")
def baseline():
    return build("baseline")


@pytest.fixture
def parsed(monkeypatch):
    """The texts `ParamKey.parse` is called on (to check that a key is parsed once)."""
    from sim.inputs.params import ParamKey

    seen: list[str] = []
    real = ParamKey.parse.__func__

    def counting(cls, text, *args, **kwargs):
        seen.append(text)
        return real(cls, text, *args, **kwargs)

    monkeypatch.setattr(ParamKey, "parse", classmethod(counting))
    return seen
