"""Parameter keys: the one place a key such as `DEU.china_caution` is read.

Four kinds of key name a value the engine reads (`wargame list` shows them all):

- `ACTOR.param` — an actor's parameter (config/actors.yaml), e.g. `DEU.china_caution`;
- `MODEL.track.name` — a per-track constant of the decision rules, e.g.
  `MODEL.exercise.caution_gap`;
- `MODEL.group.name` — a scalar rule constant, e.g. `MODEL.china.coercion_threat`;
- `MODEL.relevance.motivation.track` — how strongly a motivation feeds a track.

`ParamKey.parse` turns text into a `ParamKey` (or a one-line `InputError` naming the
allowed values); the key then knows its hard bounds (`domain`), its plausible range and
source in the config, its value in a compiled setup (`get`) and how to set it, either once
in a setup's arrays or per run on the ensemble axis of a model (`apply`). A `--set` key is
parsed once, where it enters (`sim.inputs.setup.parse_keys`), and reaches the setup as a
`ParamKey`; files and tables hold keys as text and ask this module what they mean.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sim.errors import InputError, allowed, did_you_mean
from sim.inputs.domains import PARAM_DOMAIN, RELEVANCE_DOMAIN, RULE_DOMAIN, TRACK_DOMAIN
from sim.vocabulary import AGENT_ACTORS, MOTIVATIONS, PARAMS, TRACKS

if TYPE_CHECKING:
    import numpy as np

    from sim.inputs.config import Config
    from sim.inputs.setup import Setup

#: The prefix of every rule constant of config/model.yaml.
MODEL = "MODEL"


class Kind(StrEnum):
    """What a key names."""

    ACTOR = "actor"  # ACTOR.param
    TRACK = "track"  # MODEL.track.name
    RULE = "rule"  # MODEL.group.name
    RELEVANCE = "relevance"  # MODEL.relevance.motivation.track


@dataclass(frozen=True)
class ParamKey:
    """A parsed parameter key.

    `scope` and `name` by kind: actor and parameter (ACTOR), track and constant (TRACK),
    group and constant (RULE), motivation and track (RELEVANCE). `str(key)` gives the text
    back."""

    kind: Kind
    scope: str
    name: str

    # ------------------------------------------------------------------ making keys

    @classmethod
    def actor_param(cls, actor: str, param: str) -> ParamKey:
        return cls(Kind.ACTOR, actor, param)

    @classmethod
    def track_constant(cls, track: str, name: str) -> ParamKey:
        return cls(Kind.TRACK, track, name)

    @classmethod
    def rule_constant(cls, rule: str) -> ParamKey:
        """From a rule name 'group.name' as config/model.yaml's `rules:` nests it."""
        group, _, name = rule.partition(".")
        return cls(Kind.RULE, group, name)

    @classmethod
    def relevance_weight(cls, motivation: str, track: str) -> ParamKey:
        return cls(Kind.RELEVANCE, motivation, track)

    @classmethod
    def parse(
        cls,
        text: str,
        actors: tuple[str, ...] | None = AGENT_ACTORS,
        *,
        file: str = "--set",
        field: str | None = None,
        line: int | None = None,
        model: bool = True,
    ) -> ParamKey:
        """Read `text` or raise a one-line InputError at `file`(:`line`) `field` (default:
        the text) naming the allowed values.

        `actors` are the actor ids an ACTOR key may name (None: any, for keys already
        checked against another setup); with `model=False` only ACTOR keys are allowed (a
        shock changes actor parameters, not rule constants)."""
        field = text if field is None else field
        if text.startswith(f"{MODEL}."):
            if not model:
                raise InputError(
                    file,
                    field,
                    f"'{text}': only actor parameters are allowed "
                    "here (ACTOR.param, e.g. DEU.china_caution), not the rule "
                    "constants MODEL.*",
                    line,
                )
            return cls._parse_model(text, file, field, line)
        actor, dot, param = text.partition(".")
        if not dot:
            raise InputError(
                file, field, f"'{text}' must be ACTOR.param, e.g. DEU.china_caution", line
            )
        if actors is not None and actor not in actors:
            raise InputError(
                file,
                field,
                f"unknown actor '{actor}'{did_you_mean(actor, actors)}; {allowed(actors)}",
                line,
            )
        if param not in PARAMS:
            raise InputError(
                file,
                field,
                f"unknown parameter '{param}'{did_you_mean(param, PARAMS)}; {allowed(PARAMS)}",
                line,
            )
        return cls(Kind.ACTOR, actor, param)

    @classmethod
    def _parse_model(cls, text: str, file: str, field: str, line: int | None) -> ParamKey:
        parts = text.split(".")
        if len(parts) == 4 and parts[1] == "relevance":
            if parts[2] in MOTIVATIONS and parts[3] in TRACKS:
                return cls(Kind.RELEVANCE, parts[2], parts[3])
            raise InputError(
                file,
                field,
                f"'{text}' must be MODEL.relevance.motivation.track "
                f"with motivation one of {', '.join(MOTIVATIONS)} and track one "
                f"of {', '.join(TRACKS)}",
                line,
            )
        if len(parts) == 3 and parts[1] in TRACKS and parts[2] in TRACK_DOMAIN:
            return cls(Kind.TRACK, parts[1], parts[2])
        if len(parts) == 3 and f"{parts[1]}.{parts[2]}" in RULE_DOMAIN:
            return cls(Kind.RULE, parts[1], parts[2])
        if len(parts) == 3 and parts[1] in TRACKS:
            hint = did_you_mean(parts[2], TRACK_DOMAIN)
        else:
            hint = did_you_mean(text.removeprefix(f"{MODEL}."), list(RULE_DOMAIN))
        raise InputError(
            file,
            field,
            f"'{text}' must be MODEL.track.name (track one of "
            f"{', '.join(TRACKS)}; {allowed(TRACK_DOMAIN)}) or MODEL.group.name "
            f"for a rule constant{hint}; see `wargame list`",
            line,
        )

    @staticmethod
    def last_name(text: str) -> str:
        """The last dotted part of a key, unchecked ('china_caution' of 'DEU.china_caution',
        'caution_gap' of 'MODEL.exercise.caution_gap'): the lever a key moves, for files that
        may name levers of another engine version."""
        return text.rpartition(".")[2]

    def __str__(self) -> str:
        if self.kind is Kind.ACTOR:
            return f"{self.scope}.{self.name}"
        middle = "relevance." if self.kind is Kind.RELEVANCE else ""
        return f"{MODEL}.{middle}{self.scope}.{self.name}"

    # ------------------------------------------------------------------ what it names

    @property
    def actor(self) -> str | None:
        """The actor of an ACTOR key, else None."""
        return self.scope if self.kind is Kind.ACTOR else None

    @property
    def is_model(self) -> bool:
        """A rule constant of config/model.yaml (any kind but ACTOR)."""
        return self.kind is not Kind.ACTOR

    @property
    def rule(self) -> str:
        """A RULE key's name as config/model.yaml's `rules:` nests it ('group.name')."""
        return f"{self.scope}.{self.name}"

    @property
    def config_file(self) -> str:
        """Where the key's value, range and source are written."""
        return "config/model.yaml" if self.is_model else "config/actors.yaml"

    @property
    def domain(self) -> tuple[float, float]:
        """Hard bounds: a value outside is an error (the plausible range lies inside)."""
        if self.kind is Kind.ACTOR:
            return PARAM_DOMAIN[self.name]
        if self.kind is Kind.TRACK:
            return TRACK_DOMAIN[self.name]
        if self.kind is Kind.RULE:
            lo, hi, _ = RULE_DOMAIN[self.rule]
            return lo, hi
        return RELEVANCE_DOMAIN

    def entry(self, config: Config):
        """The config's sourced entry for this key (value, range, source, prior), or None for
        a relevance weight (which has its own shape)."""
        m = config.model
        if self.kind is Kind.ACTOR:
            return config.actors[self.scope].params[self.name]
        if self.kind is Kind.TRACK:
            return m.track_constant(self.scope, self.name)
        if self.kind is Kind.RULE:
            return m.rule(self.rule)
        return None

    def sourced(self, config: Config) -> tuple[float, tuple[float, float], str]:
        """(value, plausible range, source) as `config` gives them (a rule constant the
        config leaves out has its default as value and range; so has a relevance weight)."""
        s = self.entry(config)
        if s is None:
            rel = config.model.relevance.get(self.scope)
            if rel is None:
                return 0.0, (0.0, 0.0), "default: not in this config"
            return float(rel.value.get(self.name, 0.0)), tuple(rel.range), rel.source
        return s.value, tuple(s.range), s.source

    def prior_shape(self, config: Config) -> str:
        """The posterior fit's prior on the range: 'pert' (peaked at the config's value) or
        'uniform' (the config's `prior:`; relevance weights are 'pert')."""
        s = self.entry(config)
        return "pert" if s is None else s.prior

    def plausible_range(self, config: Config) -> tuple[float, float]:
        """The config's `range:`: default bounds of sweeps, samples and fits."""
        return self.sourced(config)[1]

    # ------------------------------------------------------------------ values

    def check(self, value: float, file: str, field: str, line: int | None = None) -> None:
        """InputError unless `value` lies in the domain."""
        lo, hi = self.domain
        if not lo <= value <= hi:
            raise InputError(
                file, field, f"{self} = {value} is out of range; allowed: {lo} to {hi}", line
            )

    def value_of(self, raw: Any, file: str, field: str, line: int | None = None) -> float:
        """`raw` (text or number) as a finite float inside the domain, or an InputError."""
        try:
            value = float(raw)
        except (TypeError, ValueError):
            lo, hi = self.domain
            raise InputError(
                file, field, f"'{raw}' is not a number; allowed: {lo} to {hi}", line
            ) from None
        if not math.isfinite(value):
            raise InputError(file, field, f"'{raw}' is not a finite number", line)
        self.check(value, file, field, line)
        return value

    def get(self, setup: Setup) -> float:
        """The value `setup` runs with (config value after the scenario's and --set
        overrides)."""
        if self.kind is Kind.ACTOR:
            return float(setup.params[setup.ai[self.scope], PARAMS.index(self.name)])
        if self.kind is Kind.TRACK:
            return float(setup.track[self.name][TRACKS.index(self.scope)])
        if self.kind is Kind.RULE:
            return float(setup.rules[self.rule])
        return float(setup.relevance[MOTIVATIONS.index(self.scope), TRACKS.index(self.name)])

    def apply(self, target: Any, value: float | np.ndarray, actors: tuple[str, ...]) -> None:
        """Set the key in `target`'s arrays: `params`, `track` (per-track constants by
        name), `rules` (scalar rules by 'group.name') and `relevance`.

        A setup's arrays (params (A, P), track (K,), rules float, relevance (M, K)) take one
        value; a model's ensemble arrays (params (R, A, P), track (R, 1, K), rules (R,),
        relevance (R, M, K)) take one value per run (or one for all runs)."""
        import numpy as np  # here, not at the top: listing and checking keys need no numpy

        runs = target.params.ndim == 3
        if self.kind is Kind.ACTOR:
            where = (actors.index(self.scope), PARAMS.index(self.name))
            target.params[(slice(None), *where) if runs else where] = _float(value, runs)
        elif self.kind is Kind.TRACK:
            k = TRACKS.index(self.scope)
            target.track[self.name][(slice(None), 0, k) if runs else k] = _float(value, runs)
        elif self.kind is Kind.RULE:
            n = len(target.params)
            target.rules[self.rule] = (
                np.asarray(value, dtype=float) * np.ones(n) if runs else float(value)
            )
        else:
            where = (MOTIVATIONS.index(self.scope), TRACKS.index(self.name))
            target.relevance[(slice(None), *where) if runs else where] = _float(value, runs)


def _float(value, runs: bool):
    import numpy as np

    return np.asarray(value, dtype=float) if runs else value


@dataclass
class ParamArrays:
    """The arrays a setup compiles keys into (see `ParamKey.apply`)."""

    params: np.ndarray
    track: dict[str, np.ndarray]
    rules: dict[str, float]
    relevance: np.ndarray
