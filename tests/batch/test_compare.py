"""`wargame compare`: paired runs on common random numbers, mean difference and 90% interval."""

from __future__ import annotations

import json

import numpy as np
import pytest

from sim.engine.model import Ensemble
from sim.inputs.setup import build
from sim.research.compare import bootstrap_interval, compare

from .conftest import one_error_line


def test_no_change_gives_exactly_zero_difference(wargame):
    # setting a parameter to its own value: common random numbers make every pair identical
    v = float(build("baseline").config.param_value("DEU", "china_caution"))
    r = wargame(
        "compare",
        "baseline",
        "--set",
        f"DEU.china_caution={v!r}",
        "--runs",
        "40",
        "--turns",
        "10",
        "--json",
    )
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert len(doc["final"]) == 12
    assert all(x["difference"] == 0 and x["low"] == 0 and x["high"] == 0 for x in doc["final"])
    assert len(doc["over_time"]) == 11 * 12


def test_germany_dropping_china_caution_matches_paired_runs(wargame):
    r = wargame(
        "compare",
        "baseline",
        "--set",
        "DEU.china_caution=0.1",
        "--runs",
        "200",
        "--seed",
        "3",
        "--json",
    )
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    base = Ensemble(build("baseline"), seed=3, runs=200).run().level_history()[-1]
    cf = (
        Ensemble(build("baseline", ["DEU.china_caution=0.1"]), seed=3, runs=200)
        .run()
        .level_history()[-1]
    )
    rows = {(x["dyad"], x["track"]): x for x in doc["final"]}
    for d, dy in enumerate(("JPN-GBR", "JPN-FRA", "JPN-DEU", "JPN-NATO")):
        for k, tr in enumerate(("dialogue", "exchange", "exercise")):
            x = rows[dy, tr]
            assert abs(x["difference"] - (cf[:, d, k] - base[:, d, k]).mean()) < 1e-6
            assert abs(x["baseline"] - base[:, d, k].mean()) < 1e-6
            assert x["low"] <= x["difference"] <= x["high"]
    # the report names German caution toward China as the brake on Japan–Germany
    # exercises (Ch5 › Germany): lifting it raises them, clearly beyond chance
    assert rows["JPN-DEU", "exercise"]["low"] > 0


def test_bootstrap_interval_covers_a_known_mean_and_is_reproducible():
    x = np.linspace(-1, 1, 401)[:, None] + 0.5  # mean 0.5, sd ~0.58
    lo, hi = bootstrap_interval(x, seed=1)
    lo2, hi2 = bootstrap_interval(x, seed=1)
    assert lo[0] == lo2[0] and hi[0] == hi2[0]
    half = 1.645 * x.std() / np.sqrt(len(x))
    assert lo[0] < 0.5 < hi[0]
    assert abs((hi[0] - lo[0]) / 2 - half) < 0.2 * half


def test_bootstrap_interval_is_scipys_percentile_interval_of_the_mean():
    # the same numbers as scipy.stats.bootstrap of the rows' mean, 90% percentile, same seed
    from scipy.stats import bootstrap

    x = np.random.default_rng(5).normal(0.3, 1.0, (60, 4))
    lo, hi = bootstrap_interval(x, seed=9)
    ref = bootstrap(
        (x,),
        np.mean,
        n_resamples=2000,
        confidence_level=0.9,
        method="percentile",
        axis=0,
        rng=np.random.default_rng(9),
    )
    np.testing.assert_allclose(lo, ref.confidence_interval.low, rtol=1e-12)
    np.testing.assert_allclose(hi, ref.confidence_interval.high, rtol=1e-12)
    assert not np.allclose(bootstrap_interval(x, seed=10)[0], lo)  # the seed matters


def test_interval_is_of_paired_differences():
    # runs share large common noise; the change adds 0.2 to every run: paired differences
    # are all 0.2, so the interval is [0.2, 0.2] (unpaired resampling would be wide)
    from sim.research.compare import Comparison

    rng = np.random.default_rng(0)
    base = rng.normal(2.0, 1.0, (3, 50, 1, 3))
    c = Comparison(
        "baseline", "baseline", {}, 50, 0, ["JPN-DEU"], ["a", "b", "c"], base, base + 0.2
    )
    for row in c.summary()["final"]:
        assert row["low"] == row["high"] == row["difference"] == 0.2


def test_human_table_and_against(wargame):
    r = wargame(
        "compare", "baseline", "--against", "china-coercion", "--runs", "20", "--turns", "8"
    )
    assert r.exit_code == 0, r.output
    assert "90% interval" in r.output and "JPN-DEU" in r.output
    # not a terminal: plain columns, no colour codes and no box characters but the rule
    assert "\x1b[" not in r.output and not any(ch in r.output for ch in "│┃┏┡")
    lines = r.output.splitlines()
    # the header names each side in words, in the order of the columns
    assert lines[0].startswith("Counterfactual minus baseline at the final turn")
    assert lines[1].split(":", 1) == ["  baseline", "       scenario 'baseline' as written"]
    assert lines[2].split(":", 1) == [
        "  counterfactual",
        " scenario 'china-coercion' as written",
    ]
    assert lines[3].split()[:5] == ["dyad", "track", "baseline", "counterf.", "diff"]
    summary = compare("baseline", [], 20, against="china-coercion", turns=8).summary()
    rows = [ln.split() for ln in lines[5 : 5 + len(summary["final"])]]
    for x, cells in zip(summary["final"], rows, strict=True):
        mark = "**" if x["robust"] else "*" if x["marked"] else ""
        assert cells == [
            x["dyad"],
            x["track"],
            f"{x['baseline']:.3f}",
            f"{x['counterfactual']:.3f}",
            f"{x['difference']:+.3f}{mark}",
            f"[{x['low']:+.3f},",
            f"{x['high']:+.3f}]",
            f"[{x['param_low']:+.3f},",
            f"{x['param_high']:+.3f}]",
        ]
    c = compare("baseline", [], 5, against="china-coercion", turns=8)
    assert c.base.shape == c.cf.shape == (9, 5, len(c.dyads), 3)


def _paired(delta: float, runs: int = 50):
    from sim.research.compare import Comparison

    base = np.random.default_rng(0).normal(2.0, 1.0, (3, runs, 1, 3))
    return Comparison(
        "baseline", "baseline", {"DEU.china_caution": 0.1}, runs, 0, ["JPN-DEU"],
        ["a", "b", "c"], base, base + delta,
    )  # fmt: skip


def test_a_tiny_difference_that_excludes_zero_is_not_marked():
    # every pair differs by -0.0004: the interval excludes zero, but the change is far
    # below what the 0-5 scale can mean (significance without materiality)
    for row in _paired(-0.0004).summary()["final"]:
        assert row["high"] < 0
        assert not row["marked"]
    for row in _paired(0.2).summary()["final"]:
        assert row["low"] > 0 and row["marked"]
    doc = _paired(0.2).summary()
    assert doc["material"] == 0.05 and "0.05 levels" in doc["marks"]["marked"]


def test_legend_says_both_conditions_and_tiny_effects_go_unmarked(wargame):
    # DEU's caution barely moves Japan–NATO: its difference excludes zero yet is tiny
    r = wargame(
        "compare", "baseline", "--set", "DEU.china_caution=0.1", "--runs", "40", "--turns", "8"
    )
    assert r.exit_code == 0, r.output
    assert "excludes zero and the difference is at least 0.05 levels" in r.output
    doc = compare("baseline", ["DEU.china_caution=0.1"], 40, turns=8).summary()
    lines = {tuple(ln.split()[:2]): ln for ln in r.output.splitlines()}
    for x in doc["final"]:
        cell = lines[x["dyad"], x["track"]].split()[4]
        assert cell.endswith("*") == (
            (x["low"] > 0 or x["high"] < 0) and abs(x["difference"]) >= 0.05
        )


def test_parameter_uncertainty_is_on_by_default_and_fast(wargame):
    import time

    from sim.research.compare import DEFAULT_POINTS

    t0 = time.perf_counter()
    c = compare("baseline", ["DEU.china_caution=0.1"], 400, seed=1, turns=10)
    doc = c.summary()
    took = time.perf_counter() - t0
    assert doc["uncertainty"]["points"] == DEFAULT_POINTS
    assert doc["uncertainty"]["runs_per_point"] == 400 // DEFAULT_POINTS
    assert all("param_low" in x and "robust" in x for x in doc["final"])
    assert took < 20, f"compare took {took:.1f} s"  # ~1 s on a quiet core
    # fewer runs than points: one run per point
    assert compare("baseline", ["DEU.china_caution=0.1"], 8, turns=4).points == 8
    r = wargame("compare", "baseline", "--set", "DEU.china_caution=0.1", "--runs", "8")
    assert "uncertainty 90% interval" in r.output  # posterior, or the ranges with a note


def test_comparison_shows_itself_briefly():
    c = compare("baseline", ["DEU.china_caution=0.1"], 20, turns=6)
    text = repr(c)
    assert len(text) < 600 and len(text.splitlines()) <= 5, text
    assert text.startswith("Comparison: scenario 'baseline' with DEU.china_caution = 0.1")
    assert "20 paired runs" in text and "6 turns" in text and ".plot()" in text
    html = c._repr_html_()
    assert "<table>" in html and "data:image/png;base64," in html
    assert "counterfactual: scenario &#x27;baseline&#x27; with DEU.china_caution" in html
    fig = c.plot()
    from matplotlib.figure import Figure

    assert isinstance(fig, Figure) and len(fig.axes) == 12
    labels = {t.get_text() for t in fig.axes[0].get_legend().get_texts()}
    assert labels == {
        "90% Monte Carlo precision",
        "90% with parameter uncertainty",
        "mean difference",
    }


def test_bad_compare_arguments(wargame):
    assert "positive" in one_error_line(
        wargame("compare", "baseline", "--set", "DEU.china_caution=0.1", "--runs", "0")
    )
    assert "unknown parameter" in one_error_line(
        wargame("compare", "baseline", "--set", "DEU.china_cation=0.1", "--runs", "5")
    )
    assert "nothing to compare" in one_error_line(wargame("compare", "baseline"))


def test_uncertainty_adds_a_wider_parameter_interval(wargame):
    # German caution's effect on Japan-Germany exercises depends on rule constants and
    # parameters the report gives only as ranges (Ch5 › Training and Exercises; Ch7 ›
    # Approaches to China): with them sampled the interval must be wider than the Monte
    # Carlo precision of the mean at the config's values.
    args = [
        "compare",
        "baseline",
        "--set",
        "DEU.china_caution=0.1",
        "--runs",
        "64",
        "--turns",
        "12",
        "--json",
        "--prior",
    ]
    r = wargame(*args, "--uncertainty", "16")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["uncertainty"] == {
        "points": 16,
        "runs_per_point": 4,
        "design": "Latin hypercube of the config's plausible ranges",
        "source": "ranges",
    }
    assert "Monte Carlo precision" in doc["intervals"]["low_high"]
    assert "16 Latin-hypercube points" in doc["intervals"]["param_low_high"]
    rows = {(x["dyad"], x["track"]): x for x in doc["final"]}
    x = rows["JPN-DEU", "exercise"]
    assert x["param_high"] - x["param_low"] > 3 * (x["high"] - x["low"])
    assert x["param_low"] <= x["param_high"]
    assert all("param_low" in y for y in doc["over_time"])
    # deterministic in the seed, and the Monte Carlo columns are those of a plain compare
    again = json.loads(wargame(*args, "--uncertainty", "16").stdout)
    assert again == doc
    plain = json.loads(wargame(*args, "--uncertainty", "0").stdout)
    assert "uncertainty" not in plain and "param_low_high" not in plain["intervals"]
    assert [(y["difference"], y["low"], y["high"]) for y in plain["final"]] == [
        (y["difference"], y["low"], y["high"]) for y in doc["final"]
    ]


@pytest.mark.parametrize("prior", [True, False], ids=["ranges", "posterior"])
def test_parameter_interval_is_the_spread_of_paired_sampled_runs(prior):
    from sim.research.posterior_file import parameter_sample

    c = compare("baseline", ["DEU.china_caution=0.1"], 8, 2, turns=6, uncertainty=4, prior=prior)
    assert c.ubase.shape == c.ucf.shape == (7, 8, 4, 3)
    base, cf = build("baseline"), build("baseline", ["DEU.china_caution=0.1"])
    ps = parameter_sample(base, 4, 2, 2, prior)
    assert c.source == ps.source
    idx = np.arange(8, 16)
    b = Ensemble(base, seed=2, runs=idx, run_params=ps.run_params(base)).run(6)
    f = Ensemble(cf, seed=2, runs=idx, run_params=ps.run_params(cf)).run(6)
    diff = f.level_history()[-1] - b.level_history()[-1]
    rows = {(x["dyad"], x["track"]): x for x in c.summary()["final"]}
    lo, hi = np.quantile(diff[:, 2, 2], [0.05, 0.95])
    assert rows["JPN-DEU", "exercise"]["param_low"] == round(float(lo), 6)
    assert rows["JPN-DEU", "exercise"]["param_high"] == round(float(hi), 6)
    # the override holds on every sampled run of the counterfactual, not the baseline
    assert "DEU.china_caution" not in ps.run_params(cf)
    assert "DEU.china_caution" in ps.run_params(base)


def test_table_labels_both_intervals(wargame):
    r = wargame(
        "compare",
        "baseline",
        "--set",
        "DEU.china_caution=0.1",
        "--runs",
        "16",
        "--turns",
        "4",
        "--uncertainty",
        "4",
        "--prior",
    )
    assert r.exit_code == 0, r.output
    assert "MC precision 90%" in r.output and "with param. uncertainty 90%" in r.output
    assert "MC precision: 90% bootstrap interval of the mean" in r.output
    assert "4 Latin-hypercube points" in r.output
    plain = wargame(
        "compare",
        "baseline",
        "--set",
        "DEU.china_caution=0.1",
        "--runs",
        "16",
        "--turns",
        "4",
        "--uncertainty",
        "0",
    )
    assert "with param. uncertainty" not in plain.output
    assert "Parameter uncertainty left out (--uncertainty 0)" in plain.output
    assert "out of range" in one_error_line(
        wargame(
            "compare",
            "baseline",
            "--set",
            "DEU.china_caution=0.1",
            "--runs",
            "5",
            "--uncertainty",
            "-1",
        )
    )


def test_an_added_actor_can_be_compared(wargame):
    """`--set` keys are checked against the compared scenario's actors, so an actor the
    scenario adds (AUS in australia-joins) can be changed; an unknown one is still refused."""
    c = compare("australia-joins", ["AUS.china_caution=0.9"], runs=8, uncertainty=0)
    assert c is not None
    r = wargame("compare", "australia-joins", "--set", "AUX.china_caution=0.9", "--runs", "8")
    assert "AUX" in one_error_line(r)


def test_the_output_names_the_posterior_it_drew_from(wargame, tmp_path, monkeypatch):
    """With WARGAME_POSTERIOR pointing at a fitted file, compare names that file, not the
    shipped one."""
    import shutil

    from sim.inputs.config import project_root

    fitted = tmp_path / "fitted.parquet"
    shutil.copy(project_root() / "config" / "posterior.parquet", fitted)
    monkeypatch.setenv("WARGAME_POSTERIOR", str(fitted))
    r = wargame("compare", "baseline", "--set", "DEU.china_caution=0.1", "--runs", "8")
    assert r.exit_code == 0, r.output
    assert str(fitted) in r.output and "config/posterior.parquet" not in r.output
