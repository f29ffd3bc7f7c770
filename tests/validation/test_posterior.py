"""The ABC-SMC posterior (sim/research/posterior.py): a tiny run resumes after an
interruption, the file round-trips with its metadata, and its users (compare, the battery,
discover's design) draw from it or fall back to the ranges with a note."""

from __future__ import annotations

import json

import numpy as np
import pyarrow.parquet as pq
import pytest
import typer
from typer.testing import CliRunner

import sim.research.posterior as abc
import sim.research.posterior_file as P
from sim.cli.batch import register

TINY = {"particles": 8, "generations": 2, "runs_per_particle": 1, "seed": 3, "max_steps": 2}


@pytest.fixture(scope="module")
def problem():
    return abc.Problem.build(turns=4)  # short games: the statistics read the last turn


@pytest.fixture(scope="module")
def tiny(problem, tmp_path_factory):
    """A finished tiny run and its posterior file."""
    out = tmp_path_factory.mktemp("abc")
    st = abc.abc_smc(out, problem=problem, **TINY)
    path = out / "posterior.parquet"
    P.write_posterior(path, st, problem, TINY)
    return st, path


def test_tiny_run_has_shrinking_epsilons(tiny):
    st, _ = tiny
    assert st.generation == TINY["generations"]
    assert st.theta.shape[0] == TINY["particles"]
    eps = st.epsilons[1:]
    assert len(eps) == TINY["generations"] and eps == sorted(eps, reverse=True)
    assert (st.dist <= eps[-1]).all()


def test_interrupted_run_resumes_to_the_same_posterior(problem, tiny, tmp_path):
    def stop_after_first(state):
        if state.generation == 1:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        abc.abc_smc(tmp_path, problem=problem, progress=stop_after_first, **TINY)
    seen = []
    st = abc.abc_smc(
        tmp_path, problem=problem, progress=lambda s: seen.append(s.generation), **TINY
    )
    assert seen == [2]  # generation 0 and 1 came from the checkpoint
    np.testing.assert_array_equal(st.theta, tiny[0].theta)
    np.testing.assert_array_equal(st.dist, tiny[0].dist)


def test_other_settings_in_the_folder_are_refused(problem, tiny, tmp_path):
    from sim.errors import InputError

    abc.abc_smc(tmp_path, problem=problem, **{**TINY, "generations": 1})
    with pytest.raises(InputError, match="other settings"):
        abc.abc_smc(tmp_path, problem=problem, **{**TINY, "seed": 4})


def test_posterior_file_round_trips_with_its_metadata(problem, tiny):
    st, path = tiny
    post = P.read_posterior(path)
    assert post.keys == list(problem.keys)
    np.testing.assert_allclose(post.draws.to_numpy(), st.theta)
    assert post.weights.sum() == pytest.approx(1.0)
    meta = post.meta
    for field in ("engine_fingerprint", "config_digest", "model_digest", "versions"):
        assert meta[field]
    assert meta["seed"] == TINY["seed"] and meta["generations"] == TINY["generations"]
    assert [p["name"] for p in meta["patterns"]] == [p.name for p in problem.patterns]
    lo, hi, mode = meta["priors"]["DEU.china_caution"]
    assert lo < mode < hi
    assert "PERT" in meta["prior"]
    assert P.load_shipped(path)[1] == ""


def test_a_posterior_of_another_model_falls_back_with_a_note(problem, tiny, tmp_path):
    _, path = tiny
    t = pq.read_table(path)
    meta = json.loads(t.schema.metadata[b"wargame"])
    meta["model_digest"] = "0" * 16
    other = tmp_path / "other.parquet"
    pq.write_table(t.replace_schema_metadata({"wargame": json.dumps(meta)}), other)
    setup = problem.setups["baseline"]
    ps = P.parameter_sample(setup, 4, 2, 0, path=other)
    assert ps.source == "ranges"
    assert "fitted to another model" in ps.note and "\n" not in ps.note
    missing = P.parameter_sample(setup, 4, 2, 0, path=tmp_path / "none.parquet")
    assert missing.source == "ranges" and "no posterior" in missing.note
    drawn = P.parameter_sample(setup, 4, 2, 0, path=path)
    assert drawn.source == "posterior" and drawn.note == ""
    assert drawn.runs == 8 and set(drawn.values) == set(problem.keys)
    prior = P.parameter_sample(setup, 4, 2, 0, prior=True, path=path)
    assert prior.source == "ranges" and prior.note == ""
    # fitted under another prior: one key's mode moved (a config value changed)
    meta = json.loads(t.schema.metadata[b"wargame"])
    meta["priors"]["DEU.china_caution"][2] += 0.01
    moved = tmp_path / "moved.parquet"
    pq.write_table(t.replace_schema_metadata({"wargame": json.dumps(meta)}), moved)
    assert P.load_shipped(path)[1] == ""
    post, note = P.load_shipped(moved)
    assert post is None and "other priors" in note and "\n" not in note


@pytest.fixture()
def wargame():
    app = typer.Typer()
    register(app)
    return lambda *args: CliRunner().invoke(app, [str(a) for a in args])


ARGS = ("compare", "baseline", "--set", "DEU.china_caution=0.1", "--runs", "16")
ARGS += ("--uncertainty", "4", "--turns", "4")


def test_compare_says_posterior_uncertainty_and_prior_does_not(tiny, wargame, monkeypatch):
    monkeypatch.setattr(P, "SHIPPED", tiny[1])
    r = wargame(*ARGS)
    assert r.exit_code == 0, r.output
    assert "with posterior uncertainty" in r.output
    doc = json.loads(wargame(*ARGS, "--json").stdout)
    assert doc["uncertainty"]["source"] == "posterior"
    r = wargame(*ARGS, "--prior")
    assert r.exit_code == 0, r.output
    assert "posterior" not in r.output and "Latin-hypercube" in r.output


def test_compare_without_a_posterior_says_why(tmp_path, wargame, monkeypatch):
    monkeypatch.setattr(P, "SHIPPED", tmp_path / "posterior.parquet")
    r = wargame(*ARGS)
    assert r.exit_code == 0, r.output
    assert "with posterior uncertainty" not in r.output
    notes = [ln for ln in r.output.splitlines() if ln.startswith("Note: no posterior")]
    assert len(notes) == 1


def test_battery_and_batch_designs_draw_from_the_posterior(problem, tiny, monkeypatch):
    from sim.research.battery import Battery, load_claims
    from sim.research.design import make_design

    monkeypatch.setattr(P, "SHIPPED", tiny[1])
    setup = problem.setups["baseline"]
    d = make_design(setup, 6, 0, sample="posterior")
    assert d.kind == "posterior" and d.runs == 6 and "DEU.china_caution" in d.values
    b = Battery(load_claims(None), runs=2, samples=3, seed=0)
    assert b.parameter_sample(setup).source == "posterior"
    b = Battery(load_claims(None), runs=2, samples=3, seed=0)
    b.prior = True
    assert b.parameter_sample(setup).source == "ranges"


def test_calibrate_posterior_writes_the_file_and_its_page(problem, tmp_path):
    from sim.research.posterior_page import calibrate_posterior

    said = []
    target = calibrate_posterior(tmp_path, 8, 1, 1, 0, False, said.append, problem=problem)
    assert P.read_posterior(target).meta["generations"] == 1
    page = (tmp_path / "diagnostics.html").read_text()
    for section in ("against their priors", "constrained pairs", "Posterior predictive"):
        assert section in page
    assert page.count("data:image/png;base64,") == 3 + len(problem.patterns)
    assert (
        said[-2].startswith("posterior: 8 draws (") and "1 generations, final epsilon" in said[-2]
    )
    assert said[-1] == f"use it: WARGAME_POSTERIOR={target} wargame compare ... (or --ship)"


def test_calibrate_posterior_needs_a_folder_and_calibrate_needs_something():
    from sim.cli.main import app, load_plugins

    load_plugins()
    r = CliRunner().invoke(app, ["calibrate", "--posterior"])
    assert r.exit_code == 2 and "--out DIR" in r.output
    r = CliRunner().invoke(app, ["calibrate"])
    assert r.exit_code == 2 and "--free" in r.output


def test_discover_draws_from_the_posterior_unless_prior(tiny, wargame, monkeypatch, tmp_path):
    pytest.importorskip("ema_workbench")
    monkeypatch.setattr(P, "SHIPPED", tiny[1])
    common = ("baseline", "--where", "JPN-DEU.exercise < 1", "--runs", "40", "--turns", "4")
    common += ("--workers", "1", "--quiet")
    r = wargame("discover", *common, "--out", tmp_path / "post")
    assert r.exit_code == 0, r.output
    assert "parameter sets: draws of the posterior" in r.output
    assert json.loads((tmp_path / "post" / "discovery.json").read_text())["sampled"] == "posterior"
    r = wargame("discover", *common, "--prior", "--out", tmp_path / "prior")
    assert r.exit_code == 0, r.output
    assert "posterior" not in r.output


def test_the_priors_peak_at_the_config_values(problem):
    """PERT priors: the mode is the config's value (within its range), the mean
    (lo + 4·mode + hi) / 6, and the density falls away from the mode."""
    from sim.research.uncertainty import point_value

    i = problem.keys.index("DEU.china_caution")
    assert problem.mode[i] == point_value(problem.setups["baseline"], "DEU.china_caution")
    peaked = ~np.isnan(problem.mode)
    assert ((problem.mode >= problem.lo) & (problem.mode <= problem.hi))[peaked].all()
    draws = problem.sample_prior(np.random.default_rng(0), 20_000)
    lo, hi, m = problem.lo[i], problem.hi[i], problem.mode[i]
    assert draws[:, i].mean() == pytest.approx((lo + 4 * m + hi) / 6, abs=0.01 * (hi - lo))
    at_mode = np.tile((problem.lo + problem.hi) / 2, (3, 1))
    at_mode[:, i] = [m, lo + 0.05 * (hi - lo), hi - 0.05 * (hi - lo)]
    lp = problem.log_prior(at_mode)
    assert lp[0] > lp[1] and lp[0] > lp[2]
    flat = abc.Problem(("a",), np.zeros(1), np.ones(1), {}, ())
    assert np.ptp(flat.log_prior(np.array([[0.1], [0.5], [0.9]]))) == 0


class _Uninformative(abc.Problem):
    """Every particle at distance 0: the population can only follow the priors."""

    def simulate(self, theta, r, path, evaluator=None):
        return np.zeros(len(theta)), []


def test_the_moves_keep_the_priors_when_the_record_says_nothing(tmp_path):
    """With a distance that tells nothing, the moved particles stay distributed as the PERT
    priors (mode at the range's low end: mean 1/6), not as uniforms (mean 1/2): the moves
    weigh the priors' densities."""
    mode = np.array([0.0, 0.0, np.nan])  # the third `prior: uniform`
    prob = _Uninformative(("a", "b", "c"), np.zeros(3), np.ones(3), {}, (), mode)
    st = abc.abc_smc(tmp_path, particles=400, generations=8, runs_per_particle=1, problem=prob)
    moved = st.theta[200:]  # the refilled half of the last generation, moved by MCMC steps
    assert moved[:, :2].mean() == pytest.approx(1 / 6, abs=0.04)
    assert moved[:, 2].mean() == pytest.approx(1 / 2, abs=0.06)


def test_keys_the_report_gives_no_reading_of_have_flat_priors(problem):
    """The agreements' paces and the anticipation are `prior: uniform` in config/model.yaml
    (the report dates the agreements but gives no rate): the record decides them."""
    flat = {k for k, m in zip(problem.keys, problem.mode, strict=True) if np.isnan(m)}
    assert "MODEL.agreements.pace_raa" in flat and "MODEL.agreements.anticipation" in flat
    assert "DEU.china_caution" not in flat
    i = problem.keys.index("MODEL.agreements.anticipation")
    a, b = problem.shape()
    assert a[i] == b[i] == 1.0
    assert P.current_priors()["MODEL.agreements.anticipation"][2] is None
