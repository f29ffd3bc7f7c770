"""The shipped shock library, compiled once, and small builders shared by the rule suites."""

from __future__ import annotations

import dataclasses
from functools import cache

import numpy as np

from sim.engine.model import Ensemble
from sim.inputs.loader import list_scenarios
from sim.inputs.setup import Setup, build


@cache
def setups() -> dict[str, Setup]:
    """Every shipped scenario, compiled."""
    return {name: build(name) for name in list_scenarios()}


@cache
def shocks() -> list[tuple[str, int]]:
    """(scenario, position) of every shock of every shipped scenario."""
    return [(name, j) for name, s in setups().items() for j in range(len(s.shocks))]


def shock_ids() -> list[str]:
    return [f"{name}:{setups()[name].shocks[j].shock.id}" for name, j in shocks()]


def alone(setup: Setup, *compiled) -> Setup:
    """`setup` with only the given compiled shocks (none: a shock-free world)."""
    return dataclasses.replace(setup, shocks=tuple(compiled))


def still(setup: Setup, **values: float) -> Setup:
    """`setup` with a frozen world: no noise, no reversion, indices at `values`."""
    from sim.inputs.setup import II

    initial = setup.world_initial.copy()
    for k, v in values.items():
        initial[II[k]] = v
    return dataclasses.replace(
        setup,
        world_initial=initial,
        world_mean=initial.copy(),
        world_reversion=np.zeros_like(setup.world_reversion),
        world_noise=np.zeros_like(setup.world_noise),
    )


def fired_by_turn(setup: Setup, runs, turns: int, seed: int = 0) -> np.ndarray:
    """Which scenario shocks fired, shape (turns, runs, shocks)."""
    m = Ensemble(setup, seed=seed, runs=runs).run(turns)
    return np.stack([r.fired for r in m.history])
