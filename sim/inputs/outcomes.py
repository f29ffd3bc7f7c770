"""Outcome keys: the one place a name such as `JPN-DEU.exercise` (a dyad's track) is read.

Sensitivity studies, scenario discovery, the validation checks, the posterior's patterns and
the EMA adapter all name a level by its dyad and track. `Outcome.parse` turns text into an
`Outcome` (or a one-line `InputError` naming the allowed dyads and tracks); `str()` gives the
text back and `index` its position in a setup's level arrays (dyad, track).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

from sim.errors import InputError, allowed, did_you_mean
from sim.vocabulary import TRACKS, Track


@dataclass(frozen=True)
class Outcome:
    """A dyad's track, e.g. Outcome('JPN-DEU', 'exercise'), written 'JPN-DEU.exercise'."""

    dyad: str
    track: Track

    @classmethod
    def parse(
        cls,
        text: str,
        dyads: Sequence[str],
        file: str = "--outcome",
        field: str | None = None,
    ) -> Outcome:
        """'DYAD.track' -> Outcome, or a one-line error naming `file` and `field` (default:
        the text itself) with the allowed dyads and tracks."""
        field = text if field is None else field
        dyad, dot, track = text.rpartition(".")
        if not dot or not dyad:
            raise InputError(file, field, "write DYAD.TRACK, e.g. JPN-DEU.exercise")
        if dyad not in dyads:
            raise InputError(
                file, field, f"unknown dyad '{dyad}'{did_you_mean(dyad, dyads)}; {allowed(dyads)}"
            )
        if track not in TRACKS:
            raise InputError(
                file,
                field,
                f"unknown track '{track}'{did_you_mean(track, TRACKS)}; {allowed(TRACKS)}",
            )
        return cls(dyad, cast(Track, track))

    @classmethod
    def every(cls, dyads: Sequence[str]) -> tuple[Outcome, ...]:
        """Every dyad's every track, in the order of a setup's level arrays (dyad, track)."""
        return tuple(cls(d, cast(Track, k)) for d in dyads for k in TRACKS)

    def __str__(self) -> str:
        return f"{self.dyad}.{self.track}"

    def index(self, dyads: Sequence[str]) -> tuple[int, int]:
        """(dyad, track) position in the level arrays of a setup with these `dyads`."""
        return list(dyads).index(self.dyad), TRACKS.index(self.track)
