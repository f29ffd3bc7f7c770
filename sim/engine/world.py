"""World indices: China assertiveness, Russian aggression, North Korean provocation, US
engagement, budget pressure and Japanese activism, each in [0, 1], per run.

Each turn an index moves a share `reversion` of the way to its long-run mean and takes a
normal step of size `noise`; shocks move the index now (`indices:`) or its mean
(`index_means:`). Levels and sources are in config/world.yaml.
"""

from __future__ import annotations

import numpy as np

from sim.engine.rng import Site, Stream


class World:
    def __init__(self, setup, runs: int):
        self.values = np.repeat(setup.world_initial[None], runs, axis=0)
        self.mean = np.repeat(setup.world_mean[None], runs, axis=0)
        self.reversion = setup.world_reversion
        self.noise = setup.world_noise

    def advance(self, stream: Stream, turn: int) -> None:
        z = stream.normal(turn, Site.WORLD, (self.values.shape[1],))
        drift = self.reversion * (self.mean - self.values)
        self.values = np.clip(self.values + drift + self.noise * z, 0.0, 1.0)

    def shift(self, fired: np.ndarray, delta: np.ndarray, mean_shift: np.ndarray) -> None:
        """Apply a shock's index changes to the runs where it fired."""
        f = fired[:, None]
        self.values = np.clip(self.values + f * delta, 0.0, 1.0)
        self.mean = np.clip(self.mean + f * mean_shift, 0.0, 1.0)
