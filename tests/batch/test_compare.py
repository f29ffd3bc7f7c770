"""`wargame compare`: paired runs on common random numbers, mean difference and 90% interval."""

from __future__ import annotations

import json

import numpy as np

from sim.compare import bootstrap_interval, compare
from sim.model import WargameModel
from sim.setup import build

from .conftest import one_error_line


def test_no_change_gives_exactly_zero_difference(wargame):
    # setting a parameter to its own value: common random numbers make every pair identical
    v = float(build("baseline").config.param_value("DEU", "china_caution"))
    r = wargame("compare", "baseline", "--set", f"DEU.china_caution={v!r}", "--runs", "40",
                "--turns", "10", "--json")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert len(doc["final"]) == 12
    assert all(x["difference"] == 0 and x["low"] == 0 and x["high"] == 0 for x in doc["final"])
    assert len(doc["over_time"]) == 11 * 12


def test_germany_dropping_china_caution_matches_paired_runs(wargame):
    r = wargame("compare", "baseline", "--set", "DEU.china_caution=0.1", "--runs", "200",
                "--seed", "3", "--json")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    base = WargameModel(build("baseline"), seed=3, runs=200).run().level_history()[-1]
    cf = WargameModel(build("baseline", ["DEU.china_caution=0.1"]), seed=3,
                      runs=200).run().level_history()[-1]
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


def test_human_table_and_against(wargame):
    r = wargame("compare", "baseline", "--against", "china-coercion", "--runs", "20",
                "--turns", "8")
    assert r.exit_code == 0, r.output
    assert "90% interval" in r.output and "JPN-DEU" in r.output
    c = compare("baseline", [], 5, against="china-coercion", turns=8)
    assert c.base.shape == c.cf.shape == (9, 5, len(c.dyads), 3)


def test_bad_compare_arguments(wargame):
    assert "positive" in one_error_line(wargame("compare", "baseline", "--set",
                                                "DEU.china_caution=0.1", "--runs", "0"))
    assert "unknown parameter" in one_error_line(
        wargame("compare", "baseline", "--set", "DEU.china_cation=0.1", "--runs", "5"))
    assert "nothing to compare" in one_error_line(wargame("compare", "baseline"))
