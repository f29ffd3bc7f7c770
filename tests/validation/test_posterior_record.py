"""The posterior fitted to the whole record (sim/research/posterior.py): the hindcast's
patterns in the distance, held-out periods, worker processes and Dask giving the same
posterior, and `validate-model --hindcast` over posterior draws.

Model figures move while the engine is tuned: these tests check shapes, bounds, identities
and output formats, never simulated values.
"""

from __future__ import annotations

import json
import re

import numpy as np
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

import sim.research.posterior as abc
import sim.research.posterior_file as P
from sim.cli.main import app, load_plugins
from sim.errors import InputError
from sim.inputs.calibration import load_calibration
from sim.research import hindcast as hc
from sim.research.posterior_workers import DaskEvaluator, PoolEvaluator, SerialEvaluator

load_plugins()
runner = CliRunner()
TINY = {"particles": 8, "generations": 2, "runs_per_particle": 2, "seed": 5, "max_steps": 2}
LAST_LINE = re.compile(
    r"^hindcast: \d+/9 agreements signed within a year of the record; "
    r"activity rank correlation (-?\d\.\d\d|nan) \(24 dyad-tracks\)$"
)


@pytest.fixture(scope="module")
def problem():
    return abc.Problem.build(turns=4)  # 2012 only: short, and most agreements never signed


@pytest.fixture(scope="module")
def held_out():
    return abc.Problem.build(turns=4, holdout="2016-19")


@pytest.fixture(scope="module")
def models(problem):
    """The pattern scenarios' ensembles of 3 particles x 2 runs."""
    from sim.engine.model import Ensemble

    theta = np.tile((problem.lo + problem.hi) / 2, (3, 1))
    out = {}
    for name, s in problem.setups.items():
        vals = {k: np.repeat(theta[:, i], 2) for i, k in enumerate(problem.keys)}
        vals = {k: v for k, v in vals.items() if k not in s.overrides}
        out[name] = Ensemble(s, seed=1, runs=6, run_params=vals).run()
    return out


def test_the_record_patterns_join_the_2019_ones(problem):
    names = [p.name for p in problem.patterns]
    assert names == [p.name for p in abc.PATTERNS] + [
        "agreement-dates",
        "activity-2012-15",
        "activity-2016-19",
    ]
    assert set(problem.setups) == {abc.HISTORY, abc.BASELINE, abc.HINDCAST}
    doc = load_calibration()
    dates = problem.patterns[3]
    assert len(dates.labels) == 9 and (dates.record == 0).all()
    assert dates.tolerance == doc.agreements.tolerance_years
    for p in problem.patterns[4:]:
        assert len(p.labels) == 12 and p.tolerance == doc.activity.share_tolerance
        # the record's shares: each track's four dyads sum to one
        np.testing.assert_allclose(p.record.reshape(4, 3).sum(axis=0), 1.0)


def test_a_never_signed_agreement_counts_a_tolerance_past_the_horizon(problem, models):
    doc = load_calibration()
    m = models[abc.HINDCAST]
    gaps = problem.patterns[3].statistic(models, 2)
    assert gaps.shape == (3, 9) and (gaps >= 0).all()
    first = hc.first_signed(m, doc.agreements.signed)  # (9, 6)
    T = len(m.history)
    end = hc.turn_years(m.setup, T)[-1] + 0.125  # the end of the last quarter
    for a, (agreement, runs) in enumerate(zip(doc.agreements.signed, first, strict=True)):
        never = (runs > T).reshape(3, 2).all(axis=1)
        expected = max(end - agreement.year, 0) + doc.agreements.tolerance_years
        np.testing.assert_allclose(gaps[never, a], expected)
    assert (first > T).any()  # in four turns some agreement is never signed


def test_activity_shares_are_shares_of_each_track(problem, models):
    for p in problem.patterns[4:]:
        s = p.statistic(models, 2).reshape(3, 4, 3)  # particles, dyads, tracks
        assert ((s >= 0) & (s <= 1)).all()
        sums = s.sum(axis=1)
        assert np.all(np.isclose(sums, 1) | np.isclose(sums, 0))


def test_a_held_out_period_stays_out_of_the_distance(held_out, models):
    stats = [p.statistic(models, 2) for p in held_out.patterns]
    fitted = [p.distance(s) for p, s in zip(held_out.patterns, stats, strict=True) if p.fitted]
    assert [p.name for p in held_out.patterns if not p.fitted] == ["activity-2016-19"]
    np.testing.assert_allclose(held_out.distance(stats), np.mean(fitted, axis=0))
    with pytest.raises(InputError, match="allowed: 2012-15, 2016-19"):
        abc.Problem.build(turns=4, holdout="2020-23")


def test_one_or_two_worker_processes_give_the_same_posterior(problem, tmp_path):
    # 8 particles: one chunk here, two chunks of four in two processes
    with SerialEvaluator(problem) as ev:
        one = abc.abc_smc(tmp_path / "one", problem=problem, evaluator=ev, **TINY)
    with PoolEvaluator(problem, 2) as ev:
        two = abc.abc_smc(tmp_path / "two", problem=problem, evaluator=ev, **TINY)
    np.testing.assert_array_equal(one.theta, two.theta)
    np.testing.assert_array_equal(one.dist, two.dist)
    for a, b in zip(one.stats, two.stats, strict=True):
        np.testing.assert_array_equal(a, b)


def test_dask_gives_the_same_chunks_and_says_what_is_missing(problem, monkeypatch):
    import sys

    from dask.distributed import LocalCluster

    def heap_state() -> tuple[bool, bool]:
        """(the nanny's variable is set, `roomy_heap` has acted) in a Dask worker (defined
        here, so that it travels by value)."""
        import os

        from sim import heap

        return "MALLOC_TRIM_THRESHOLD_" in os.environ, heap._heap_set

    theta = np.tile((problem.lo + problem.hi) / 2, (4, 1))
    want = problem.simulate(theta, 1, (0, 1, 1))
    # a worker process started by a nanny, as on a cluster: the nanny sets
    # MALLOC_TRIM_THRESHOLD_ and each task undoes it in its worker (`roomy_heap`)
    cluster = LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None
    )
    with cluster, DaskEvaluator(problem, cluster.scheduler_address) as ev:
        got = problem.simulate(theta, 1, (0, 1, 1), ev)
        states = ev.client.run(heap_state)
    np.testing.assert_array_equal(want[0], got[0])
    assert [tuple(v) for v in states.values()] == [(True, sys.platform == "linux")]
    with pytest.raises(InputError, match="cannot reach the Dask scheduler"):
        DaskEvaluator(problem, "tcp://127.0.0.1:1").__enter__()
    monkeypatch.setitem(sys.modules, "dask.distributed", None)
    with pytest.raises(InputError, match=r"dask\[distributed\]"):
        DaskEvaluator(problem, "tcp://127.0.0.1:1").__enter__()


def test_the_out_of_sample_score_is_in_the_file_the_page_and_the_output(held_out, tmp_path):
    from sim.research.posterior_page import calibrate_posterior

    said = []
    target = calibrate_posterior(tmp_path, 8, 1, 1, 0, False, said.append, problem=held_out)
    meta = P.read_posterior(target).meta
    assert meta["activity"]["2016-19"]["fitted"] is False
    assert meta["activity"]["2012-15"]["fitted"] is True
    assert P.holdout_score(meta)[0] == "2016-19"
    assert "activity-2016-19 " in said[1] and "(held out)" in said[1]  # per-pattern distances
    assert any(s.startswith("out-of-sample: the 2016-19 activity profile") for s in said)
    page = (tmp_path / "diagnostics.html").read_text()
    assert "Out-of-sample check" in page and "held out of the fit" in page


@pytest.fixture(scope="module")
def posterior_file(problem, tmp_path_factory):
    out = tmp_path_factory.mktemp("post")
    st = abc.abc_smc(out, problem=problem, **{**TINY, "generations": 1})
    P.write_posterior(out / "posterior.parquet", st, problem, TINY)
    return out / "posterior.parquet"


def _hindcast(*args):
    r = runner.invoke(app, ["validate-model", "--hindcast", "--runs", "24", *args])
    assert r.exit_code == 0, r.output
    lines = r.output.strip().splitlines()
    assert LAST_LINE.match(lines[-1]), lines[-1]
    return lines


def test_the_hindcast_runs_over_the_posterior_by_default(posterior_file, monkeypatch):
    monkeypatch.setenv(P.POSTERIOR_ENV, str(posterior_file))
    assert "over the posterior (24 draws)" in _hindcast()[0]
    assert "over the plausible ranges (24 Latin-hypercube points)" in _hindcast("--prior")[0]
    assert "(24 runs, seed 0, the config's point estimates)" in _hindcast("--point")[0]
    r = runner.invoke(app, ["validate-model", "--hindcast", "--point", "--prior"])
    assert r.exit_code == 2 and "exclude each other" in r.output


def test_a_posterior_of_another_model_gives_way_to_the_point_estimates(
    posterior_file, monkeypatch, tmp_path
):
    t = pq.read_table(posterior_file)
    meta = json.loads(t.schema.metadata[b"wargame"])
    meta["model_digest"] = "0" * 16
    other = tmp_path / "other.parquet"
    pq.write_table(t.replace_schema_metadata({"wargame": json.dumps(meta)}), other)
    monkeypatch.setenv(P.POSTERIOR_ENV, str(other))
    lines = _hindcast()
    assert lines[0].startswith("note: other.parquet was fitted to another model")
    assert lines[0].endswith("running at the config's point estimates instead")
    assert "the config's point estimates" in lines[1]


def test_calibrate_options_that_need_posterior_and_a_bad_holdout(tmp_path):
    r = runner.invoke(app, ["calibrate", "--workers", "2", "--free", "MODEL.exercise.bias"])
    assert r.exit_code == 2 and "--workers goes with --posterior" in r.output
    r = runner.invoke(
        app, ["calibrate", "--posterior", "--out", str(tmp_path), "--holdout", "2016"]
    )
    assert r.exit_code == 2 and "allowed: 2012-15, 2016-19" in r.output
    assert len(r.output.strip().splitlines()) == 1
    r = runner.invoke(app, ["calibrate", "--help"], env={"COLUMNS": "200"})
    for opt in ("--workers", "--dask", "--holdout"):
        assert opt in r.output


def test_the_file_names_the_model_fitted_not_the_one_at_the_end(held_out, tmp_path, monkeypatch):
    changed = []

    def fingerprints():
        digest = "after" if changed else "before"
        return dict.fromkeys(("engine_fingerprint", "config_digest", "model_digest"), digest)

    monkeypatch.setattr(P, "fingerprints", fingerprints)
    from sim.research.posterior_page import calibrate_posterior

    target = calibrate_posterior(
        tmp_path, 8, 1, 1, 0, False, lambda line: changed.append(line), problem=held_out
    )
    assert P.read_posterior(target).meta["model_digest"] == "before"
