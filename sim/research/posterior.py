"""Likelihood-free calibration: an ABC-SMC posterior over the config's plausible ranges.

`wargame calibrate --posterior --out DIR` fits every actor parameter and rule constant whose
`range:` in config/ has a width to six patterns of the record at three scales, in three
scenarios (2012–2019 replay, baseline, and the hindcast: the replay without its agreement
shocks, sim/research/hindcast.py): the 2019 ratings at the end of the replay and as the
baseline's steady state, the 2019 enabler matrix, the nine agreements' signing dates in the
hindcast and its activity profile in 2012–15 and 2016–19 (sim/research/posterior_patterns.py
says how each is measured). A particle's distance is the mean of the fitted patterns'
distances; progress lines give each pattern's median distance. `--holdout 2016-19` keeps
that period's activity profile out of the distance and reports how well the posterior
predicts it.

**Priors.** Independent PERT distributions (`PERT_LAMBDA`) on each key's range (the reach
of the report's wording), peaked at the config's value (the report's reading). The record
cannot tell every trade-off of some 280 constants apart (high wishes held down by budgets
and caps fit the ratings as well as moderate wishes met in full): where it is silent the
posterior stays near the reading.

**Fixed.** Keys whose range has width 0 (`MIN_WIDTH`: a value the report pins, e.g. a
state's consensus friction) are not sampled. Nothing else is fixed: the per-track biases are
sampled with the rest rather than fitted apart, so their trade-offs with the other constants
show in the posterior. The move constants (`MODEL.moves.*`) act only on players' moves,
which neither pattern scenario has: their posterior is their prior, kept so that sampling
the posterior still carries their uncertainty.

**Algorithm.** pyabc's samplers evaluate one particle per model call, while the engine
steps thousands of parameter sets at once (per-run values on the ensemble axis): one
particle per call (four runs of each scenario) ran 3.4 particles/s here against 212 in one
call of 2,000 (benchmarks/calibration_scaling.py), so a default fit of some 300,000 particle
simulations would take about 12 hours on two cores instead of 17 minutes. The ABC-SMC steps
are therefore written here with numpy, after the replenishment ABC-SMC of Drovandi and
Pettitt (2011, Biometrics 67:225), an adaptive variant of the sequence pyabc runs: a
generation drops the worst `ALPHA` of the particles (the next epsilon is the largest
distance kept), resamples the kept ones to refill the population and moves each refilled
particle by MCMC steps whose proposal is a Gaussian random walk with the kept particles'
covariance (scaled 2.38² / d), reflected at the prior's bounds (a symmetric proposal: a
move is accepted when its distance is within epsilon, with the Metropolis-Hastings chance
of the ratio of the priors' densities). The number of steps follows the last acceptance
rate so that a particle moves with probability 1 − `C`; the run stops after `generations`
or when the acceptance rate falls below `MIN_ACCEPT`. Importance weights as in pyabc's
population Monte Carlo degenerate over some 250 dimensions; this scheme keeps equal weights
(written as 1/N). Each MCMC step hands the moving particles
to the engine in one `Ensemble` per scenario and chunk, about one chunk per worker
(`--workers`, default all cores; `--dask` for a cluster: sim/research/posterior_workers.py),
each particle with `runs_per_particle` runs on its own random streams; the posterior is the
same for any number of workers.

**Runtime** (two cores shared with other work). One process steps about 100 particles/s
in chunks of 100 and 270 in chunks of 1,000; two worker processes about 390. The shipped
fit (README) took 10 generations, 463,000 particle simulations, in 879 s.

**Resume.** The state is saved after every generation (`checkpoint.npz`, written
atomically); each generation draws from a generator seeded by (seed, generation), so an
interrupted run (Ctrl+C) resumed with the same command gives the same posterior.

Length: over 410 lines on purpose: the problem with its priors, the particles' simulation
and the ABC-SMC steps are one algorithm, read together.

The posterior file and its use (compare, discover, the battery) are in
sim/research/posterior_file.py, the diagnostics page in sim/research/posterior_page.py.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim.errors import InputError
from sim.research.posterior_patterns import (
    BASELINE,
    HINDCAST,
    HISTORY,
    PATTERNS,
    Pattern,
    default_patterns,
    record_patterns,
)

__all__ = ["PATTERNS", "Pattern", "Problem", "State", "abc_smc", "record_patterns"]

ALPHA = 0.5  # share of particles dropped per generation
C = 0.01  # chance that a refilled particle never moves
#: Below this acceptance rate the steps needed to move the refilled particles (about
#: log C / log(1 - rate)) exceed MAX_STEPS and copies of the same particle accumulate
#: (a run stopped at 5% with 30 steps kept 986 distinct sets among 2,000): the run stops
#: there. With 60 steps a refilled particle still moves with probability 0.95 at 5%.
MIN_ACCEPT = 0.05
MAX_STEPS = 60
#: Most particles per engine call (a chunk, the unit of work of a worker process): a step's
#: particles are split in about one chunk per worker, at most this many each (the engine's
#: throughput per core grows with the chunk: about 100 particles/s at 100, 270 at 1,000)
CHUNK = 1000
#: The pattern scenarios (the model digest of sim/research/posterior_file.py steps the first
#: two; the hindcast is the first without its agreement shocks)
SCENARIOS = (HISTORY, BASELINE)
#: The priors' weight on their modes: PERT (a beta on the range, its mode at the config's
#: value, mean (lo + 4·mode + hi) / 6), the three-point estimate of expert elicitation
#: (Vose, Risk Analysis, 2008, ch. 10).
PERT_LAMBDA = 4.0


# ------------------------------------------------------------------------- the model


@dataclass(frozen=True)
class Problem:
    """What is fitted: the sampled keys, their priors (bounds and modes), the scenarios, the
    patterns. Without `mode` the priors are uniform over [lo, hi]; with it, PERT about it
    (uniform where it is NaN)."""

    keys: tuple[str, ...]
    lo: np.ndarray
    hi: np.ndarray
    setups: dict
    patterns: tuple[Pattern, ...] = PATTERNS
    mode: np.ndarray | None = None

    @classmethod
    def build(
        cls,
        patterns: tuple[Pattern, ...] | None = None,
        turns: int | None = None,
        holdout: str | None = None,
    ) -> Problem:
        """The fit over the pattern scenarios (cut to `turns`, for tests, when given); the
        patterns default to `default_patterns(holdout=holdout)`."""
        from sim.inputs.setup import build
        from sim.research.hindcast import hindcast_setup
        from sim.research.uncertainty import plausible_ranges

        if patterns is None:
            patterns = default_patterns(holdout=holdout)
        setups = {s: build(s, [], turns) for s in SCENARIOS}
        setups[HINDCAST] = hindcast_setup(turns)
        ranges = plausible_ranges(setups[HISTORY])
        return cls(
            tuple(k for k, _, _ in ranges),
            np.array([lo for _, lo, _ in ranges]),
            np.array([hi for _, _, hi in ranges]),
            setups,
            patterns,
            prior_modes(setups[BASELINE], ranges),
        )

    @property
    def modes(self) -> np.ndarray:
        """Each key's prior mode, NaN for a uniform prior (every key, without `mode`)."""
        return np.full(len(self.keys), np.nan) if self.mode is None else self.mode

    def shape(self) -> tuple[np.ndarray, np.ndarray]:
        """The priors' beta shapes (alpha, beta) on [lo, hi]: PERT about the mode, or 1, 1."""
        m = self.modes
        u = (m - self.lo) / (self.hi - self.lo)
        flat = np.isnan(m)  # `prior: uniform` in the config
        return (
            np.where(flat, 1.0, 1.0 + PERT_LAMBDA * u),
            np.where(flat, 1.0, 1.0 + PERT_LAMBDA * (1.0 - u)),
        )

    def sample_prior(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """n parameter sets (n, d) drawn from the priors."""
        a, b = self.shape()
        return self.lo + rng.beta(a, b, size=(n, len(self.keys))) * (self.hi - self.lo)

    def log_prior(self, theta: np.ndarray) -> np.ndarray:
        """The priors' log density of each parameter set (P,), up to a constant."""
        a, b = self.shape()
        u = np.clip((theta - self.lo) / (self.hi - self.lo), 1e-12, 1.0 - 1e-12)
        return ((a - 1.0) * np.log(u) + (b - 1.0) * np.log1p(-u)).sum(axis=1)

    def describe_prior(self) -> dict:
        """The priors as the posterior file records them (`describe_priors`)."""
        return describe_priors(zip(self.keys, self.lo, self.hi, strict=True), self.modes)

    @property
    def fitted(self) -> tuple[Pattern, ...]:
        return tuple(p for p in self.patterns if p.fitted)

    def distance(self, stats: list) -> np.ndarray:
        """A particle's distance: the mean of the fitted patterns' distances."""
        d = [p.distance(s) for p, s in zip(self.patterns, stats, strict=True) if p.fitted]
        return np.mean(d, axis=0)

    def simulate(
        self, theta: np.ndarray, r: int, path: tuple[int, ...], evaluator=None
    ) -> tuple[np.ndarray, list]:
        """Distances (P,) and each pattern's statistics (P, n) of the particles `theta`
        (P, d), r runs each, computed by `evaluator` (sim/research/posterior_workers.py;
        default: here) in chunks of about P / workers particles (at most `CHUNK`).

        The runs draw from the seed of `path` (seed, generation, step) and particle i's runs
        are runs i·r … i·r + r − 1 of it wherever they are computed: the engine's draws are a
        pure function of (seed, run index, turn, site) (sim/engine/rng.py), so the result
        depends neither on the chunks nor on the workers."""
        workers = max(1, getattr(evaluator, "workers", 1))
        size = max(1, min(CHUNK, math.ceil(len(theta) / workers)))
        seed = _seed(*path)
        tasks = [
            (theta[start : start + size], r, seed, start * r)
            for start in range(0, len(theta), size)
        ]
        if evaluator is None:
            results = [evaluate_chunk(self, *t) for t in tasks]
        else:
            results = evaluator.map(tasks)
        stats = [np.concatenate([res[j] for res in results]) for j in range(len(self.patterns))]
        return self.distance(stats), stats


def describe_priors(ranges, mode: np.ndarray) -> dict:
    """key -> [lo, hi, mode] of (key, lo, hi) `ranges` and their modes (NaN, written None:
    uniform)."""
    return {
        k: [float(a), float(b), None if np.isnan(m) else float(m)]
        for (k, a, b), m in zip(ranges, mode, strict=True)
    }


def prior_modes(setup, ranges: list[tuple[str, float, float]]) -> np.ndarray:
    """Each key's prior mode: the config's value (as `setup` runs it), within its range;
    NaN (a uniform prior) where the config marks the key `prior: uniform`."""
    from sim.inputs.params import ParamKey
    from sim.research.uncertainty import point_value

    out = []
    for k, lo, hi in ranges:
        uniform = ParamKey.parse(k, setup.actors).prior_shape(setup.config) == "uniform"
        out.append(np.nan if uniform else min(max(point_value(setup, k), lo), hi))
    return np.array(out)


def evaluate_chunk(problem: Problem, part: np.ndarray, r: int, seed: int, first: int = 0) -> list:
    """Each pattern's statistics of the particles `part`: one `Ensemble` per scenario
    stepping all their runs (r per particle, point-major; runs `first`, `first` + 1, ... of
    `seed`). The keys a scenario fixes by its own `overrides:` keep its values (as compare
    and the hindcast do)."""
    from sim.engine.model import Ensemble

    models = {}
    for name, s in problem.setups.items():
        values = {
            k: np.repeat(part[:, i], r) for i, k in enumerate(problem.keys) if k not in s.overrides
        }
        runs = np.arange(first, first + len(part) * r)
        models[name] = Ensemble(s, seed=seed, runs=runs, run_params=values).run()
    return [p.statistic(models, r) for p in problem.patterns]


def reflect(x: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Fold values back into [lo, hi] (a symmetric boundary for a random walk)."""
    w = hi - lo
    y = np.mod(x - lo, 2 * w)
    return lo + np.where(y > w, 2 * w - y, y)


def _seed(seed: int, *path: int) -> int:
    return int(np.random.SeedSequence([int(seed), *path]).generate_state(1)[0])


# ------------------------------------------------------------------------- ABC-SMC


@dataclass
class State:
    """A population after a generation: what checkpoint.npz holds."""

    generation: int
    theta: np.ndarray
    dist: np.ndarray
    stats: list
    epsilons: list
    accept: list
    simulations: int
    seconds: float


def _save(path: Path, st: State, settings: dict) -> None:
    import io

    from sim.files import atomic_write

    buf = io.BytesIO()
    arrays = {f"stats{j}": s for j, s in enumerate(st.stats)}
    np.savez(
        buf,
        theta=st.theta,
        dist=st.dist,
        epsilons=np.array(st.epsilons, float),
        accept=np.array(st.accept, float),
        meta=np.array(
            json.dumps(
                {
                    "settings": settings,
                    "generation": st.generation,
                    "simulations": st.simulations,
                    "seconds": st.seconds,
                }
            )
        ),
        **arrays,
    )
    atomic_write(path, buf.getvalue())


def _load(path: Path, settings: dict, n_patterns: int) -> State | None:
    if not path.is_file():
        return None
    with np.load(path) as z:
        meta = json.loads(str(z["meta"]))
        was = meta["settings"]
        if any(was.get(k, v) != v for k, v in settings.items()):
            raise InputError(
                "--out",
                str(path.parent),
                "holds a calibration with other settings or another model; "
                "give another folder or the same options",
            )
        return State(
            meta["generation"],
            z["theta"],
            z["dist"],
            [z[f"stats{j}"] for j in range(n_patterns)],
            z["epsilons"].tolist(),
            z["accept"].tolist(),
            meta["simulations"],
            meta["seconds"],
        )


def abc_smc(
    out: Path,
    particles: int = 2000,
    generations: int = 30,
    runs_per_particle: int = 4,
    seed: int = 0,
    problem: Problem | None = None,
    progress: Callable[[State], None] | None = None,
    max_steps: int = MAX_STEPS,
    evaluator=None,
) -> State:
    """Run (or resume) the replenishment ABC-SMC in `out`; returns the last population.
    `evaluator` computes the chunks of particles (sim/research/posterior_workers.py: worker
    processes or a Dask cluster; default: here); the result does not depend on it."""
    if particles < 4:
        raise InputError("--particles", str(particles), "allowed: 4 or more")
    if generations < 1:
        raise InputError("--generations", str(generations), "allowed: 1 or more")
    from sim.research.posterior_file import model_digest

    problem = problem or Problem.build()
    out.mkdir(parents=True, exist_ok=True)
    d = len(problem.keys)
    settings = {
        "particles": particles,
        "runs_per_particle": runs_per_particle,
        "seed": seed,
        "keys": list(problem.keys),
        "patterns": [p.name for p in problem.patterns],
        "fitted": [p.name for p in problem.fitted],
        "priors": problem.describe_prior(),
        "model_digest": model_digest(),
    }
    ckpt = out / "checkpoint.npz"
    st = _load(ckpt, settings, len(problem.patterns))
    r = runs_per_particle
    if st is None:
        t0 = time.perf_counter()
        rng = np.random.default_rng(_seed(seed, 0))
        theta = problem.sample_prior(rng, particles)
        dist, stats = problem.simulate(theta, r, (seed, 0, 0), evaluator)
        st = State(0, theta, dist, stats, [math.inf], [1.0], particles, time.perf_counter() - t0)
        _save(ckpt, st, settings)
        if progress:
            progress(st)
    keep = particles - int(ALPHA * particles)
    while st.generation < generations and st.accept[-1] >= MIN_ACCEPT:
        t0 = time.perf_counter()
        g = st.generation + 1
        rng = np.random.default_rng(_seed(seed, g))
        order = np.argsort(st.dist, kind="stable")
        alive = order[:keep]
        eps = float(st.dist[alive[-1]])
        refill = rng.choice(alive, particles - keep)
        idx = np.concatenate([alive, refill])
        theta, dist = st.theta[idx].copy(), st.dist[idx].copy()
        stats = [s[idx].copy() for s in st.stats]
        cov = np.atleast_2d(np.cov(st.theta[alive], rowvar=False)) * 2.38**2 / d
        chol = np.linalg.cholesky(cov + 1e-12 * np.eye(d) * np.diag(cov).mean())
        moving = np.arange(keep, particles)
        steps, accepted, tried, sims = max_steps, 0, 0, 0
        step = 0
        while step < steps:
            z = rng.standard_normal((len(moving), d))
            prop = reflect(theta[moving] + z @ chol.T, problem.lo, problem.hi)
            # Metropolis-Hastings under the priors: the proposal is symmetric, so a move is
            # kept when its distance is within epsilon and a uniform draw falls below the
            # ratio of the priors' densities (always, under uniform priors)
            log_u = np.log(rng.random(len(moving)))
            pd_, pst = problem.simulate(prop, r, (seed, g, step + 1), evaluator)
            ok = (pd_ <= eps) & (
                log_u <= problem.log_prior(prop) - problem.log_prior(theta[moving])
            )
            sel = moving[ok]
            theta[sel], dist[sel] = prop[ok], pd_[ok]
            for j, s in enumerate(stats):
                s[sel] = pst[j][ok]
            accepted, tried, sims = accepted + int(ok.sum()), tried + len(moving), sims + len(prop)
            if step == 0:  # steps for a move with probability 1 - C at this rate
                p = max(ok.mean(), 1e-9)
                need = 1 if p >= 1 else math.ceil(math.log(C) / math.log(1 - p))
                steps = int(min(max_steps, max(1, need)))
            step += 1
        st = State(
            g,
            theta,
            dist,
            stats,
            [*st.epsilons, eps],
            [*st.accept, accepted / max(tried, 1)],
            st.simulations + sims,
            st.seconds + time.perf_counter() - t0,
        )
        _save(ckpt, st, settings)
        if progress:
            progress(st)
    return st
