"""The posterior file (config/posterior.parquet) and how the research tools draw from it.

`posterior.parquet` holds one row per particle of the ABC-SMC population
(sim/research/posterior.py): the sampled keys, `weight` and `distance`, and in its Parquet
metadata (key `wargame`, JSON) the model's behavioural digest, the engine's source
fingerprint, the config digest, the patterns, the priors, the seed, the epsilons and the
versions.

`parameter_sample` is what `wargame compare --uncertainty`, the battery's robust check and
`wargame discover` (through the batch design `posterior`) sample: weighted draws of the
shipped posterior, or the Latin hypercube of the config's plausible ranges when asked
(`--prior`), when no posterior ships, or when it was fitted to another model (its
behavioural digest or its priors differ from today's), with a one-line note why. The
environment variable WARGAME_POSTERIOR names another file to draw from (a run's
`DIR/posterior.parquet`) for all of them and for `validate-model --hindcast`.

The metadata also holds, per activity period, the rank correlation of the posterior
predictive with the record and whether the period was fitted (`activity`): a period held
out (`--holdout`) is the out-of-sample check.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim.errors import InputError
from sim.research.posterior import (
    PERT_LAMBDA,
    SCENARIOS,
    Problem,
    State,
    describe_priors,
    prior_modes,
)
from sim.research.validation import BASELINE, HISTORY

#: How the posterior file names its priors (the metadata's `priors` give key -> [lo, hi, mode])
PRIOR_NOTE = (
    f"PERT (lambda {PERT_LAMBDA:g}) on each key's plausible range, its mode at the config's "
    "value; flat where the config says prior: uniform (mode null)"
)
CONFIG_DIR = Path(__file__).resolve().parents[2] / "config"
#: Where the shipped posterior lives
SHIPPED = CONFIG_DIR / "posterior.parquet"
#: A posterior file to use instead of the shipped one (compare, discover, the battery,
#: validate-model --hindcast): e.g. the posterior.parquet of `wargame calibrate --posterior
#: --out DIR`
POSTERIOR_ENV = "WARGAME_POSTERIOR"


def shipped_path() -> Path:
    """The posterior the research tools draw from: $WARGAME_POSTERIOR, else
    config/posterior.parquet."""
    env = os.environ.get(POSTERIOR_ENV)
    return Path(env) if env else SHIPPED


def posterior_label() -> str:
    """How outputs name the posterior drawn from: config/posterior.parquet, or the file
    $WARGAME_POSTERIOR points at."""
    path = shipped_path()
    return "config/posterior.parquet" if path == SHIPPED else str(path)


#: The config files a posterior depends on beside the engine's sources
CONFIG_FILES = ("actors.yaml", "model.yaml", "dyads.yaml", "enablers.yaml", "world.yaml")


def config_digest() -> str:
    """Hash (16 hex digits) of the config files a posterior depends on."""
    root = CONFIG_DIR
    h = hashlib.sha256()
    for name in CONFIG_FILES:
        h.update(name.encode() + b"\0" + (root / name).read_bytes())
    return h.hexdigest()[:16]


_DIGESTS: dict[tuple[str, str], str] = {}


def model_digest() -> str:
    """The model's behavioural fingerprint (16 hex digits): the levels of a few seeded runs
    of each pattern scenario at the config's values, rounded to 1e-6. It changes when the
    engine's behaviour or a config value does, not when a comment or an unrelated module of
    the engine's sources does (what `sim.engine.fingerprint` also counts). Kept per process
    for the same sources and config files."""
    from sim.engine import fingerprint

    key = (fingerprint(), config_digest())
    if key not in _DIGESTS:
        _DIGESTS[key] = _simulated_digest()
    return _DIGESTS[key]


def _simulated_digest() -> str:
    from sim.engine.model import Ensemble
    from sim.inputs.setup import build

    h = hashlib.sha256()
    for name in SCENARIOS:
        m = Ensemble(build(name), seed=20190401, runs=4).run()
        h.update(name.encode() + b"\0" + np.round(m.level_history(), 6).tobytes())
    return h.hexdigest()[:16]


def fingerprints() -> dict[str, str]:
    """Provenance of a posterior: the engine's source fingerprint, the config files' digest
    and the model's behavioural digest (the one a posterior is checked against)."""
    from sim.engine import fingerprint

    return {
        "engine_fingerprint": fingerprint(),
        "config_digest": config_digest(),
        "model_digest": model_digest(),
    }


def activity_scores(st: State, problem: Problem) -> dict[str, dict]:
    """Per activity pattern (period): the Spearman rank correlation of its posterior
    predictive (each cell's mean share over the particles) with the record, its cells, and
    whether it was fitted; a period held out (`--holdout`) is the out-of-sample check."""
    from scipy.stats import spearmanr

    out = {}
    for p, s in zip(problem.patterns, st.stats, strict=True):
        if p.name.startswith("activity-"):
            pred = s.mean(axis=0)  # constant (no events at all): no rank to correlate
            r = float(spearmanr(pred, p.record).statistic) if np.ptp(pred) > 0 else math.nan
            out[p.name.removeprefix("activity-")] = {
                "rank_correlation": None if math.isnan(r) else round(r, 4),
                "cells": len(p.labels),
                "fitted": p.fitted,
            }
    return out


def holdout_score(meta: dict) -> tuple[str, float | None, int] | None:
    """(period, rank correlation, cells) of the period held out of a posterior's fit, from
    its metadata; None when every period was fitted."""
    for period, v in (meta.get("activity") or {}).items():
        if not v["fitted"]:
            return period, v["rank_correlation"], v["cells"]
    return None


def write_posterior(path: Path, st: State, problem: Problem, settings: dict) -> None:
    """The population as Parquet: one row per particle, metadata beside it. The model's
    fingerprints are `settings["provenance"]` when given (taken when the run started: the
    model it was fitted to, even if the config changed since), else today's."""
    import importlib.metadata as md

    import pyarrow as pa
    import pyarrow.parquet as pq

    from sim.files import atomic_write

    cols = {k: st.theta[:, i] for i, k in enumerate(problem.keys)}
    cols["weight"] = np.full(len(st.dist), 1 / len(st.dist))
    cols["distance"] = st.dist
    meta = {
        **(settings.get("provenance") or fingerprints()),
        "seed": settings["seed"],
        "particles": len(st.dist),
        "runs_per_particle": settings["runs_per_particle"],
        "generations": st.generation,
        "epsilons": st.epsilons[1:],
        "acceptance": st.accept[1:],
        "simulations": st.simulations,
        "distinct": int(len(np.unique(st.theta, axis=0))),
        "seconds": round(st.seconds, 1),
        "algorithm": "replenishment ABC-SMC (Drovandi & Pettitt 2011), sim/research/posterior.py",
        "patterns": [p.describe() for p in problem.patterns],
        "activity": activity_scores(st, problem),
        "priors": problem.describe_prior(),
        "prior": PRIOR_NOTE,
        "versions": {n: md.version(n) for n in ("allied-wargame", "numpy", "scipy", "pyarrow")},
    }
    table = pa.table(cols).replace_schema_metadata({"wargame": json.dumps(meta)})
    buf = pa.BufferOutputStream()
    pq.write_table(table, buf, compression="zstd")
    atomic_write(path, buf.getvalue().to_pybytes())


@dataclass(frozen=True)
class Posterior:
    """A posterior file read back: the draws (a DataFrame of the sampled keys), their
    weights, and the metadata."""

    draws: object
    weights: np.ndarray
    meta: dict

    @property
    def keys(self) -> list[str]:
        return list(self.draws.columns)


def read_posterior(path: Path) -> Posterior:
    import pyarrow.parquet as pq

    t = pq.read_table(path)
    raw = (t.schema.metadata or {}).get(b"wargame")
    if raw is None:
        raise InputError(str(path), "metadata", "not a posterior file (no 'wargame' metadata)")
    df = t.to_pandas()
    w = df.pop("weight").to_numpy(float)
    df.pop("distance")
    return Posterior(df, w / w.sum(), json.loads(raw))


# ------------------------------------------------------------------------- sampling it


def load_shipped(
    path: Path | None = None, fallback: str = "sampling the config's plausible ranges instead"
) -> tuple[Posterior | None, str]:
    """The posterior at `path` (default `shipped_path()`) if it was fitted to this engine
    and config, else None and the one-line reason, ending in `fallback`."""
    path = Path(path) if path is not None else shipped_path()
    if not path.is_file():
        return None, f"no posterior at {path}: {fallback}"
    try:
        post = read_posterior(path)
    except InputError as e:
        return None, f"{e}: {fallback}"
    was, now = post.meta.get("model_digest"), model_digest()
    if was != now:
        return None, (
            f"{path.name} was fitted to another model (fingerprint {was}, now {now}): {fallback}"
        )
    if post.meta.get("priors") != current_priors():
        why = "a range, a value or a `prior:` changed"
        return None, f"{path.name} was fitted under other priors ({why}): {fallback}"
    return post, ""


def current_priors() -> dict:
    """key -> [lo, hi, mode] of the priors a fit made today would use."""
    from sim.inputs.setup import build
    from sim.research.uncertainty import plausible_ranges

    ranges = plausible_ranges(build(HISTORY))
    return describe_priors(ranges, prior_modes(build(BASELINE), ranges))


def parameter_sample(
    setup, points: int, runs_per_point: int, seed: int, prior: bool = False, path=None
):
    """N parameter sets, each replicated over r runs: weighted draws of the shipped posterior
    (seeded), or with `prior` (or without a posterior that fits this model) the Latin
    hypercube of the config's plausible ranges (sim/research/uncertainty.py); the sample's
    `note` says why it fell back."""
    from sim.research.uncertainty import ParameterSample, sample

    if prior:
        return sample(setup, points, runs_per_point, seed)
    post, note = load_shipped(path)
    if post is None:
        ps = sample(setup, points, runs_per_point, seed)
        return ParameterSample(ps.points, ps.runs_per_point, ps.seed, ps.values, note=note)
    if points < 1 or runs_per_point < 1:
        raise ValueError("points and runs_per_point must be at least 1")
    rng = np.random.default_rng(np.random.SeedSequence([int(seed), 0x504F5354]))
    idx = rng.choice(len(post.weights), size=points, replace=True, p=post.weights)
    values = {k: np.repeat(post.draws[k].to_numpy(float)[idx], runs_per_point) for k in post.keys}
    return ParameterSample(points, runs_per_point, seed, values, source="posterior")


def file_digest(path: Path | None = None) -> str:
    """SHA-256 (16 hex digits) of a posterior file: batches drawn from it record it."""
    return hashlib.sha256(Path(path or shipped_path()).read_bytes()).hexdigest()[:16]


def posterior_design(setup, runs: int, seed: int):
    """A batch design (`--sample posterior`): one parameter set drawn from the shipped
    posterior per run; refused with the reason when no posterior fits this model."""
    from sim.research.design import Design

    post, note = load_shipped()
    if post is None:
        raise InputError("--sample", "posterior", note)
    ps = parameter_sample(setup, runs, 1, seed)
    values = ps.run_params(setup)
    priors = post.meta.get("priors", {})
    keys = list(values)
    return Design(
        "posterior",
        runs,
        keys,
        [tuple(priors.get(k, (float(v.min()), float(v.max())))[:2]) for k, v in values.items()],
        values,
        points=runs,
        extra={"posterior": str(shipped_path().name), "posterior_sha256": file_digest()},
    )
