"""Counter-based randomness: every draw is a pure function of (run key, turn, site, slot).

Run k of a batch is therefore bit-identical to the same run computed alone, whatever the
batch size, chunking, worker count or engine. The mixing function is the SplitMix64
finalizer, applied to the run key combined with a hashed counter; uniforms take the top 53
bits, normals come from Box–Muller over two independent uniforms.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np

_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_GOLD = np.uint64(0x9E3779B97F4A7C15)
_S30, _S27, _S31, _S11 = (np.uint64(s) for s in (30, 27, 31, 11))


class Site(IntEnum):
    """Where in a turn a draw is made; one stream per site."""

    WORLD = 1
    LEVEL_NOISE = 2
    CONSENSUS = 3
    EVENTS = 4
    NEGOTIATION = 5
    SHOCK = 6  # + shock position * 16
    SAMPLE = 7  # per-run parameter sampling (batch designs)
    RETALIATION = 8  # China's retaliation against presence and provocations


def _mix(x: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        x = x ^ (x >> _S30)  # a new array: the rest works in place on it, not on the caller's
        x *= _M1
        x ^= x >> _S27
        x *= _M2
        x ^= x >> _S31
        return x


def run_keys(seed: int, runs: np.ndarray | range) -> np.ndarray:
    """Keys of runs `runs` (indices in the batch) under base `seed`."""
    idx = np.asarray(runs, dtype=np.uint64)
    base = _mix(np.array([np.uint64(seed % 2**64)], dtype=np.uint64))
    with np.errstate(over="ignore"):
        return _mix(base ^ _mix((idx + np.uint64(1)) * _GOLD))


class Stream:
    """Draws for an ensemble of runs identified by their keys (shape (runs,))."""

    def __init__(self, keys: np.ndarray):
        self.keys = np.asarray(keys, dtype=np.uint64)

    def _bits(self, turn: int, site: int, slots: np.ndarray, sub: int = 0) -> np.ndarray:
        """(runs, len(slots)) bits of the draws numbered `slots` at (turn, site, sub)."""
        counter = np.uint64(((turn + 1) << 24) ^ (int(site) << 4) ^ sub)
        with np.errstate(over="ignore"):
            ctr = _mix(slots.astype(np.uint64) * _GOLD + _mix(np.array([counter]))[0])
            return _mix(self.keys[:, None] ^ ctr[None, :])

    def uniform(self, turn: int, site: int, shape: tuple[int, ...] = (), sub: int = 0):
        """Uniforms in (0, 1), shape (runs, *shape)."""
        n = int(np.prod(shape)) if shape else 1
        u = self._uniform(turn, site, np.arange(n), sub)
        return u.reshape((len(self.keys),) + tuple(shape))

    def uniform_at(self, turn: int, site: int, shape: tuple[int, ...], cells) -> np.ndarray:
        """The columns `cells` (an index tuple into `shape`, as np.nonzero gives) of
        `uniform(turn, site, shape)`, shape (runs, n): every draw depends only on its own
        slot, so only those are computed, with the same values."""
        return self._uniform(turn, site, np.ravel_multi_index(cells, shape), 0)

    def _uniform(self, turn: int, site: int, slots: np.ndarray, sub: int) -> np.ndarray:
        u = (self._bits(turn, site, slots, sub) >> _S11).astype(np.float64)
        u += 0.5
        u *= 1.0 / 9007199254740992.0
        return u

    def normal(self, turn: int, site: int, shape: tuple[int, ...] = ()):
        """Standard normals, shape (runs, *shape)."""
        # computed in place on the uniforms (the same operations: sqrt(-2 log u1) cos(2π u2))
        u1 = self.uniform(turn, site, shape, sub=1)
        u2 = self.uniform(turn, site, shape, sub=2)
        r = np.log(u1, out=u1)
        r *= -2.0
        np.sqrt(r, out=r)
        u2 *= 2.0 * np.pi
        r *= np.cos(u2, out=u2)
        return r

    def take(self, rows: np.ndarray | slice) -> Stream:
        return Stream(self.keys[rows])
