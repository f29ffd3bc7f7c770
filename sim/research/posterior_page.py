"""The posterior's diagnostics page and the `wargame calibrate --posterior` driver.

The page (diagnostics.html beside posterior.parquet, sim/research/templates/report.html.j2):
the epsilon and acceptance rate per generation; the marginals of the most constrained keys
(posterior standard deviation over the prior's, smallest first) against their PERT
priors; the most constrained pairs (largest absolute posterior correlation) as scatters; and
the posterior predictive of each pattern (each value's 5–95% range and median over the
particles) with the record drawn on it. Figures are drawn on Figures of their own
(sim/research/display.py `Chart`), never pyplot.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

#: Marginals and pairs shown
MARGINALS = 16
PAIRS = 6


def constrained(theta: np.ndarray, problem) -> np.ndarray:
    """Posterior sd over the prior's sd per key (1: unconstrained)."""
    a, b = problem.shape()
    sd = (problem.hi - problem.lo) * np.sqrt(a * b / ((a + b) ** 2 * (a + b + 1)))
    return theta.std(axis=0) / sd


def top_pairs(theta: np.ndarray, n: int) -> list[tuple[int, int, float]]:
    """The n pairs of keys with the largest absolute posterior correlation."""
    sd = theta.std(axis=0)
    ok = np.flatnonzero(sd > 0)
    c = np.corrcoef(theta[:, ok], rowvar=False)
    iu = np.triu_indices(len(ok), 1)
    vals = np.abs(c[iu])
    best = np.argsort(-vals, kind="stable")[:n]
    return [(int(ok[iu[0][b]]), int(ok[iu[1][b]]), float(c[iu][b])) for b in best]


def progress_chart(st):
    from sim.research.display import Chart

    fig = Chart(figsize=(8, 3))
    a, b = fig.subplots(1, 2)
    g = np.arange(1, st.generation + 1)
    a.plot(g, st.epsilons[1:], marker="o")
    a.set_xlabel("generation")
    a.set_ylabel("epsilon")
    b.plot(g, st.accept[1:], marker="o", color="tab:orange")
    b.set_xlabel("generation")
    b.set_ylabel("MCMC acceptance rate")
    fig.subplots_adjust(hspace=0.6, wspace=0.35)
    return fig


def marginals_chart(theta, problem, order):
    from scipy.stats import beta

    from sim.research.display import Chart

    keys, lo, hi = problem.keys, problem.lo, problem.hi
    a, b = problem.shape()
    n = len(order)
    cols = 4
    rows = max(1, -(-n // cols))
    fig = Chart(figsize=(12, 2.2 * rows))
    axes = np.atleast_1d(fig.subplots(rows, cols)).ravel()
    for ax, i in zip(axes, order, strict=False):
        ax.hist(theta[:, i], bins=30, range=(lo[i], hi[i]), density=True, color="tab:blue")
        x = np.linspace(lo[i], hi[i], 101)
        density = beta.pdf((x - lo[i]) / (hi[i] - lo[i]), a[i], b[i]) / (hi[i] - lo[i])
        ax.plot(x, density, color="grey", linestyle="--")
        ax.set_title(keys[i], fontsize=8)
        ax.tick_params(labelsize=7)
    for ax in axes[n:]:
        ax.set_visible(False)
    fig.subplots_adjust(hspace=0.6, wspace=0.35)
    return fig


def pairs_chart(theta, keys, pairs):
    from sim.research.display import Chart

    fig = Chart(figsize=(12, 4 * max(1, -(-len(pairs) // 3))))
    axes = np.atleast_1d(fig.subplots(max(1, -(-len(pairs) // 3)), 3)).ravel()
    for ax, (i, j, c) in zip(axes, pairs, strict=False):
        ax.scatter(theta[:, i], theta[:, j], s=3, alpha=0.4)
        ax.set_xlabel(keys[i], fontsize=8)
        ax.set_ylabel(keys[j], fontsize=8)
        ax.set_title(f"r = {c:+.2f}", fontsize=9)
    for ax in axes[len(pairs) :]:
        ax.set_visible(False)
    fig.subplots_adjust(hspace=0.6, wspace=0.35)
    return fig


def predictive_chart(pattern, stats):
    from sim.research.display import Chart

    n = len(pattern.labels)
    fig = Chart(figsize=(max(6, 0.5 * n + 2), 3.6))
    ax = fig.subplots()
    lo, med, hi = np.percentile(stats, [5, 50, 95], axis=0)
    x = np.arange(n)
    ax.vlines(x, lo, hi, color="tab:blue", lw=4, alpha=0.5, label="posterior predictive 5-95%")
    ax.plot(x, med, "o", color="tab:blue", label="median")
    ax.plot(x, pattern.record, "x", color="tab:red", ms=9, mew=2, label="record")
    ax.set_xticks(x, pattern.labels, rotation=60, ha="right", fontsize=7)
    ax.set_title(f"{pattern.name}: {pattern.source}", fontsize=9)
    ax.legend(fontsize=7)
    fig.subplots_adjust(hspace=0.6, wspace=0.35)
    return fig


def write_page(path: Path, st, problem, meta: dict) -> None:
    from sim.files import atomic_write
    from sim.research.pages import image, render, table

    keys = problem.keys
    ratio = constrained(st.theta, problem)
    mode = problem.modes
    order = np.argsort(ratio, kind="stable")[:MARGINALS]
    pairs = top_pairs(st.theta, PAIRS)
    rows = [
        {
            "key": keys[i],
            "prior": f"[{problem.lo[i]:g}, {problem.hi[i]:g}]"
            + ("" if np.isnan(mode[i]) else f", mode {mode[i]:g}"),
            "posterior mean": float(st.theta[:, i].mean()),
            "5%": float(np.percentile(st.theta[:, i], 5)),
            "95%": float(np.percentile(st.theta[:, i], 95)),
            "sd / prior sd": float(ratio[i]),
        }
        for i in order
    ]
    cols = ["key", "prior", "posterior mean", "5%", "95%", "sd / prior sd"]
    fmt = dict.fromkeys(cols[2:], ".3f")
    sections = [
        {
            "title": "Run",
            "note": (
                f"{len(st.dist)} particles ({len(np.unique(st.theta, axis=0))} distinct), "
                f"{st.generation} generations, final epsilon "
                f"{st.epsilons[-1]:.3f}, {st.simulations} particle simulations in "
                f"{st.seconds:.0f} s ({st.simulations / max(st.seconds, 1e-9):.0f} particles/s); "
                f"model {meta['model_digest']}, engine {meta['engine_fingerprint']}, "
                f"config {meta['config_digest']}, "
                f"seed {meta['seed']}."
            ),
            "images": [image(progress_chart(st), "epsilon and acceptance per generation")],
        },
        {
            "title": "Most constrained marginals against their priors",
            "note": (
                "Histogram: posterior; dashed: the prior on the config's range, PERT peaked "
                "at the config's value (flat where the config says prior: uniform)."
            ),
            "tables": [table(rows, cols, fmt)],
            "images": [image(marginals_chart(st.theta, problem, order), "marginals")],
        },
        {
            "title": "Most constrained pairs",
            "note": "The pairs of keys with the largest absolute posterior correlation.",
            "images": [image(pairs_chart(st.theta, keys, pairs), "pairs")],
        },
        {
            "title": "Out-of-sample check",
            "note": holdout_line(meta)
            or "Every pattern was fitted (run with --holdout 2016-19 for the check). "
            + "; ".join(
                f"activity {k}: rank correlation {v['rank_correlation']} in sample"
                for k, v in (meta.get("activity") or {}).items()
            ),
        },
        {
            "title": "Posterior predictive of each pattern",
            "note": "Per value: the particles' 5-95% range and median; x: the record. "
            "agreement-dates: years between the simulated and the recorded signing date "
            "(record 0); activity: shares of the track's events.",
            "images": [
                image(predictive_chart(p, s), p.name)
                for p, s in zip(problem.patterns, st.stats, strict=True)
            ],
        },
    ]
    html = render(
        "report.html.j2",
        title="Posterior diagnostics",
        intro="ABC-SMC over the config's plausible ranges (sim/research/posterior.py).",
        sections=sections,
        footer="",
    )
    atomic_write(path, html)


def pattern_distances(problem, st) -> str:
    """Each pattern's median distance over the population ('held out' after a pattern kept
    out of the fit)."""
    return ", ".join(
        f"{p.name} {np.median(p.distance(s)):.2f}{'' if p.fitted else ' (held out)'}"
        for p, s in zip(problem.patterns, st.stats, strict=True)
    )


def holdout_line(meta: dict) -> str:
    """The out-of-sample check in one line ("" when nothing was held out)."""
    from sim.research.posterior_file import holdout_score

    h = holdout_score(meta)
    if h is None:
        return ""
    period, r, cells = h
    score = "undefined" if r is None else f"{r:.2f}"
    return (
        f"out-of-sample: the {period} activity profile, held out of the fit, predicted with "
        f"rank correlation {score} ({cells} dyad-tracks; posterior predictive mean against "
        "the record)"
    )


def calibrate_posterior(
    out: Path,
    particles: int,
    generations: int,
    runs_per_particle: int,
    seed: int,
    ship: bool,
    echo,
    problem=None,
    workers: int | None = 1,
    dask: str | None = None,
    holdout: str | None = None,
) -> Path:
    """Run or resume the ABC-SMC in `out` on `workers` local processes (None: all cores) or
    the Dask cluster `dask`, then write posterior.parquet and diagnostics.html there (and
    config/posterior.parquet with `ship`). `holdout`: a period whose activity profile stays
    out of the fit and is predicted."""
    from sim.research.posterior import Problem, abc_smc
    from sim.research.posterior_file import (
        SHIPPED,
        fingerprints,
        read_posterior,
        write_posterior,
    )
    from sim.research.posterior_workers import evaluator

    problem = problem or Problem.build(holdout=holdout)
    provenance = fingerprints()  # the model fitted: before the run, which may take an hour
    with evaluator(problem, workers, dask) as ev:
        where = f"Dask, {ev.workers} workers" if dask else f"{ev.workers} processes"
        echo(
            f"ABC-SMC: {len(problem.keys)} keys, {particles} particles x {runs_per_particle} "
            f"runs, up to {generations} generations, {where}; patterns: "
            + ", ".join(p.name + ("" if p.fitted else " (held out)") for p in problem.patterns)
        )

        def show(st) -> None:
            rate = st.simulations / max(st.seconds, 1e-9)
            echo(
                f"  generation {st.generation}: epsilon {st.epsilons[-1]:.3f}, acceptance "
                f"{st.accept[-1]:.2f}, median distance {np.median(st.dist):.3f} "
                f"({pattern_distances(problem, st)}), {st.simulations} simulations, "
                f"{st.seconds:.0f} s ({rate:.0f} particles/s)"
            )

        st = abc_smc(
            out, particles, generations, runs_per_particle, seed, problem, show, evaluator=ev
        )
    settings = {"seed": seed, "runs_per_particle": runs_per_particle, "provenance": provenance}
    target = out / "posterior.parquet"
    write_posterior(target, st, problem, settings)
    meta = read_posterior(target).meta
    write_page(out / "diagnostics.html", st, problem, meta)
    echo(
        f"posterior: {len(st.dist)} draws ({meta['distinct']} distinct), "
        f"{st.generation} generations, final epsilon "
        f"{st.epsilons[-1]:.3f}, {st.seconds:.0f} s -> {target} and {out / 'diagnostics.html'}"
    )
    if line := holdout_line(meta):
        echo(line)
    if ship:
        from sim.files import atomic_write

        atomic_write(SHIPPED, target.read_bytes())
        echo(f"shipped: {SHIPPED}")
    else:
        echo(f"use it: WARGAME_POSTERIOR={target} wargame compare ... (or --ship)")
    return target
