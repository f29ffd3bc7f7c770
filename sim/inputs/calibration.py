"""The patterns of the record (config/calibration.yaml): format and reading.

Three patterns at three scales, each with its source and tolerance:

- `ratings`: the report's 0–5 ratings at the data cut (digest §3), per dyad and track; the
  end of the 2012–2019 replay is checked against them (sim/research/validation.py).
- `agreements`: the date of each agreement concluded in 2012–2019; the hindcast (the replay
  without its agreement shocks, sim/research/hindcast.py) compares the median quarter in
  which the model signs it with the record's date. The dates must agree with
  config/dyads.yaml (checked on reading).
- `activity`: rows of rand_events.csv per dyad, track and period (digest §9). The record
  counts what the report listed, and a track's rows depend on how the report lists it (every
  dialogue meeting from footnotes; the UK's service-chief visits only as totals), so counts
  are never compared with the model's raw event counts. They become shares (`shares`): within
  each track and period, each dyad's share of that track's rows; the hindcast compares them
  with the same shares of the model's activity events and scores the Spearman rank
  correlation of the two.

Reading validates everything (pydantic models with unknown keys refused, then cross-checks
against the config): a bad file stops with one line naming file, line and field.
"""

from __future__ import annotations

import datetime
import functools
from pathlib import Path
from typing import Annotated

from pydantic import Field, field_validator, model_validator

from sim.errors import InputError, allowed, did_you_mean
from sim.inputs.config_schema import EnablerName, Level, Strict, TrackName
from sim.vocabulary import TRACKS

#: The period the patterns describe: the 2012–2019 replay (scenarios/history-2012-2019.yaml).
FIRST_YEAR, LAST_YEAR = 2012, 2019


class Rating(Strict):
    """A dyad's ratings at the data cut, on the report's 0–5 scale."""

    dialogue: Level
    """Defense and strategic dialogues."""
    exchange: Level
    """Defense exchanges, cooperation and industrial cooperation."""
    exercise: Level
    """Training and exercises."""
    source: str = Field(min_length=3)
    """Chapter › section of the report."""

    def values(self) -> tuple[float, float, float]:
        """The three ratings in the order of the engine's tracks."""
        return tuple(float(getattr(self, t)) for t in TRACKS)  # type: ignore[return-value]


class Ratings(Strict):
    """The 2019 ratings (digest §3)."""

    source: str = Field(min_length=3)
    """Where the ratings come from."""
    tolerance: float = Field(gt=0, le=2.5)
    """A simulated median passes within ± this of the rating."""
    dyads: dict[str, Rating]
    """Ratings per dyad ('JPN-GBR'), in the order the checks print them."""


class Agreement(Strict):
    """One agreement concluded in the period, with its date in the record."""

    dyad: str
    """The pair, as in config/dyads.yaml ('JPN-GBR')."""
    enabler: EnablerName
    """The agreement."""
    date: datetime.date
    """Date of signature ('2013-07-04'), quoted."""
    source: str = Field(min_length=3)
    """Chapter › section (footnote) of the report."""

    @field_validator("date")
    @classmethod
    def _in_period(cls, v: datetime.date) -> datetime.date:
        if not FIRST_YEAR <= v.year <= LAST_YEAR:
            raise ValueError(
                f"{v} is out of range; allowed: {FIRST_YEAR}-01-01 to {LAST_YEAR}-12-31 "
                "(the replay's period)"
            )
        return v

    @property
    def key(self) -> str:
        return f"{self.dyad}.{self.enabler}"

    @property
    def year(self) -> float:
        """The date as a fractional year (the middle of its day)."""
        start = datetime.date(self.date.year, 1, 1)
        days = (datetime.date(self.date.year + 1, 1, 1) - start).days
        return self.date.year + ((self.date - start).days + 0.5) / days


class Agreements(Strict):
    """The agreements concluded in 2012–2019 (config/dyads.yaml; rand_events.csv)."""

    source: str = Field(min_length=3)
    """Where the dates come from."""
    tolerance_years: float = Field(gt=0, le=8)
    """A simulated median signing date passes within this many years of the record's."""
    min_within: int = Field(ge=0)
    """How many agreements must pass (the hindcast's target)."""
    signed: list[Agreement] = Field(min_length=1)
    """The agreements, in date order."""

    @model_validator(mode="after")
    def _target(self) -> Agreements:
        if self.min_within > len(self.signed):
            raise ValueError(
                f"min_within {self.min_within} is out of range; allowed: 0 to {len(self.signed)}"
            )
        return self


#: A number of rows of the record.
Count = Annotated[int, Field(ge=0)]


class Activity(Strict):
    """Rows of rand_events.csv per dyad, track and period (digest §9)."""

    source: str = Field(min_length=3)
    """Where the counts come from."""
    min_rank_correlation: float = Field(ge=-1, le=1)
    """Spearman rank correlation of recorded and simulated shares the hindcast aims at."""
    share_tolerance: float = Field(default=0.1, gt=0, le=1)
    """The posterior's scale for a gap between a recorded and a simulated share
    (sim/research/posterior.py: a gap of this size weighs as much as a rating off by the
    ratings' tolerance)."""
    periods: dict[str, tuple[int, int]]
    """Named periods, first and last year inclusive ('2012-15': [2012, 2015])."""
    counts: dict[str, dict[TrackName, dict[str, Count]]]
    """Rows per dyad, track and period name."""

    @field_validator("periods")
    @classmethod
    def _periods(cls, v: dict[str, tuple[int, int]]) -> dict[str, tuple[int, int]]:
        if not v:
            raise ValueError("at least one period is needed")
        last = FIRST_YEAR - 1
        for name, (first, end) in v.items():
            if not (FIRST_YEAR <= first <= end <= LAST_YEAR):
                raise ValueError(
                    f"period '{name}' [{first}, {end}] is out of range; allowed: years "
                    f"{FIRST_YEAR} to {LAST_YEAR}, first before last"
                )
            if first <= last:
                raise ValueError(f"period '{name}' overlaps the one before it; list them in order")
            last = end
        return v

    @model_validator(mode="after")
    def _complete(self) -> Activity:
        names = list(self.periods)
        for dyad, tracks in self.counts.items():
            for track in TRACKS:
                if track not in tracks:
                    raise ValueError(f"counts.{dyad}: track '{track}' is missing")
                got = tracks[track]
                if list(got) != names:
                    raise ValueError(
                        f"counts.{dyad}.{track}: give one count per period, in order: "
                        f"{', '.join(names)} (got {', '.join(map(str, got)) or 'none'})"
                    )
        for track in TRACKS:
            for period in names:
                if not sum(t[track][period] for t in self.counts.values()):
                    raise ValueError(
                        f"no {track} rows in {period}: a share of nothing cannot be compared"
                    )
        return self

    def shares(self) -> dict[tuple[str, str, str], float]:
        """(dyad, track, period) -> the dyad's share of the track's rows in the period,
        dyad by dyad, track by track."""
        total = {
            (track, period): sum(t[track][period] for t in self.counts.values())
            for track in TRACKS
            for period in self.periods
        }
        return {
            (dyad, track, period): t[track][period] / total[(track, period)]
            for dyad, t in self.counts.items()
            for track in TRACKS
            for period in self.periods
        }


class CalibrationFile(Strict):
    """config/calibration.yaml."""

    ratings: Ratings
    """The 2019 ratings (validate-model's end-state checks)."""
    agreements: Agreements
    """The agreements of 2012–2019 (the hindcast's dates)."""
    activity: Activity
    """The activity profile of 2012–2015 and 2016–2019 (the hindcast's shares)."""


def calibration_path() -> Path:
    from sim.inputs.config import project_root

    return project_root() / "config" / "calibration.yaml"


def load_calibration(path: Path | str | None = None) -> CalibrationFile:
    """Read and validate the patterns file (default config/calibration.yaml); cached while
    the file is unchanged. Raises a one-line InputError naming file, line and field."""
    path = Path(path) if path is not None else calibration_path()
    try:
        st = path.stat()
    except OSError:
        raise InputError(str(path), "", "file not found") from None
    return _load(path.resolve(), st.st_mtime_ns, st.st_size, str(path))


@functools.lru_cache(maxsize=8)
def _load(path: Path, mtime: int, size: int, shown: str) -> CalibrationFile:
    from sim.inputs.config import load_config, project_root
    from sim.inputs.safe_yaml import node_line, read_yaml, validate

    data, node = read_yaml(path)
    if not isinstance(data, dict):
        raise InputError(
            shown, "", "a patterns file is a mapping (ratings:, agreements:, activity:)"
        )
    doc: CalibrationFile = validate(CalibrationFile, data, Path(shown), node)
    cfg = load_config(project_root() / "config")
    dyads = list(cfg.dyads)

    def known(dyad: str, loc: tuple) -> None:
        if dyad not in cfg.dyads:
            raise InputError(
                shown,
                ".".join(str(k) for k in loc),
                f"unknown dyad '{dyad}'{did_you_mean(dyad, dyads)}; {allowed(dyads)}",
                node_line(node, loc),
            )

    for dyad in doc.ratings.dyads:
        known(dyad, ("ratings", "dyads", dyad))
    for dyad in doc.activity.counts:
        known(dyad, ("activity", "counts", dyad))
    seen: set[str] = set()
    for i, a in enumerate(doc.agreements.signed):
        loc = ("agreements", "signed", i)
        field = f"agreements.signed[{i}]"
        known(a.dyad, loc + ("dyad",))
        if a.key in seen:
            raise InputError(shown, field, f"{a.key} is listed twice", node_line(node, loc))
        seen.add(a.key)
        status = cfg.dyads[a.dyad].enablers.get(a.enabler)
        if status is None or status.status != "signed" or status.date is None:
            raise InputError(
                shown,
                f"{field}.enabler",
                f"config/dyads.yaml does not list {a.key} as signed with a date",
                node_line(node, loc + ("enabler",)),
            )
        if status.date != a.date.isoformat():
            raise InputError(
                shown,
                f"{field}.date",
                f"{a.date} differs from config/dyads.yaml's {status.date} for {a.key}",
                node_line(node, loc + ("date",)),
            )
    return doc
