"""`wargame sensitivity`: Sobol and Morris indices recover a known ranking."""

from __future__ import annotations

import json

import pandas as pd

from .conftest import one_error_line

# Japan–Germany exercises answer to Germany's caution toward China (Ch5 › Germany), not to
# France's wish for a stakeholder image or the UK's caution (they act on other dyads).
PARAMS = "DEU.china_caution,FRA.stakeholder_image,GBR.china_caution"


def test_sobol_ranks_the_driving_parameter_first(tmp_path, wargame):
    out = tmp_path / "s"
    r = wargame(
        "sensitivity",
        "baseline",
        "--method",
        "sobol",
        "--params",
        PARAMS,
        "--runs",
        "64",
        "--outcome",
        "JPN-DEU.exercise",
        "--turns",
        "16",
        "--replicates",
        "2",
        "--quiet",
        "--out",
        out,
    )
    assert r.exit_code == 0, r.output
    res = json.loads((out / "sensitivity.json").read_text())
    idx = res["indices"]
    # the table (plain columns, not a terminal): one row per parameter, the JSON's numbers
    lines = r.output.splitlines()
    assert lines[1].split() == ["parameter", "S1", "±", "ST", "±"]
    assert "\x1b[" not in r.output and not any(ch in r.output for ch in "│┃┏┡")
    for x, line in zip(idx, lines[3 : 3 + len(idx)], strict=True):
        assert line.split() == [
            x["param"],
            *(f"{x[k]:.3f}" for k in ("S1", "S1_conf", "ST", "ST_conf")),
        ]
    assert idx[0]["param"] == "DEU.china_caution"
    assert idx[0]["ST"] > 0.8 and idx[0]["S1"] > 0.5
    for row in idx[1:]:
        assert row["ST"] < 0.05
    assert res["runs"] == 64 * (3 + 2) * 2 and res["points"] == 64 * 5
    csv = pd.read_csv(out / "sensitivity.csv")
    assert list(csv.columns) == ["param", "S1", "S1_conf", "ST", "ST_conf"]
    assert (out / "sensitivity.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (out / "levels.parquet").is_dir() and (out / "manifest.json").exists()


def test_morris_ranks_the_driving_parameter_first(tmp_path, wargame):
    out = tmp_path / "m"
    r = wargame(
        "sensitivity",
        "baseline",
        "--method",
        "morris",
        "--params",
        PARAMS,
        "--runs",
        "10",
        "--outcome",
        "JPN-DEU.exercise",
        "--turns",
        "16",
        "--replicates",
        "2",
        "--quiet",
        "--out",
        out,
    )
    assert r.exit_code == 0, r.output
    idx = json.loads((out / "sensitivity.json").read_text())["indices"]
    assert r.output.splitlines()[1].split() == ["parameter", "mu*", "±", "mu", "sigma"]
    assert r.output.splitlines()[3].split()[:2] == ["DEU.china_caution", f"{idx[0]['mu_star']:.3f}"]
    assert idx[0]["param"] == "DEU.china_caution"
    assert idx[0]["mu_star"] > 5 * max(x["mu_star"] for x in idx[1:])
    assert {"mu_star", "mu_star_conf", "sigma"} <= set(idx[0])


def test_bad_sensitivity_arguments(tmp_path, wargame):
    base = ["sensitivity", "baseline", "--runs", "8", "--quiet", "--out", tmp_path / "x"]
    msg = one_error_line(wargame(*base, "--params", PARAMS, "--outcome", "JPN-DEU.exercize"))
    assert "unknown track" in msg and "exercise" in msg
    msg = one_error_line(wargame(*base, "--params", PARAMS, "--outcome", "JPN-ITA.exercise"))
    assert "unknown dyad" in msg
    msg = one_error_line(
        wargame(*base, "--params", PARAMS, "--outcome", "JPN-DEU.exercise", "--method", "fast")
    )
    assert "sobol" in msg
    msg = one_error_line(
        wargame(
            *base, "--params", "DEU.china_caution,XYZ.bandwidth", "--outcome", "JPN-DEU.exercise"
        )
    )
    assert "unknown actor" in msg
    assert not (tmp_path / "x").exists()
