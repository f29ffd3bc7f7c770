"""`wargame report`: one self-contained HTML file."""

from __future__ import annotations

import re


def _check_html(text: str) -> None:
    assert text.startswith("<!doctype html>") and text.rstrip().endswith("</html>")
    srcs = re.findall(r'src="([^"]*)"', text)
    assert srcs and all(s.startswith("data:image/png;base64,") for s in srcs)
    assert "<link" not in text and "<script" not in text


def test_report_of_a_sweep(tmp_path, wargame):
    out = tmp_path / "b"
    assert (
        wargame(
            "batch",
            "baseline",
            "--runs",
            "5",
            "--turns",
            "8",
            "--sweep",
            "DEU.china_caution=0.1:0.7:3",
            "--workers",
            "1",
            "--quiet",
            "--out",
            out,
        ).exit_code
        == 0
    )
    html = tmp_path / "r.html"
    r = wargame("report", out, "--out", html)
    assert r.exit_code == 0, r.output
    text = html.read_text()
    _check_html(text)
    assert len(re.findall(r'src="data:image/png', text)) == 2  # trajectories, response
    for s in (
        "Trajectories",
        "Events",
        "Response to the sweep parameters",
        "JPN-DEU",
        "2022-Q1",
        "DEU.china_caution",
    ):
        assert s in text


def test_report_of_a_sensitivity_study(tmp_path, wargame):
    out = tmp_path / "s"
    assert (
        wargame(
            "sensitivity",
            "baseline",
            "--params",
            "DEU.china_caution,GBR.china_caution",
            "--runs",
            "8",
            "--turns",
            "6",
            "--outcome",
            "JPN-DEU.exercise",
            "--replicates",
            "1",
            "--quiet",
            "--out",
            out,
        ).exit_code
        == 0
    )
    html = tmp_path / "s.html"
    assert wargame("report", out, "--out", html).exit_code == 0
    text = html.read_text()
    _check_html(text)
    assert "Sensitivity study: JPN-DEU.exercise in baseline" in text
    assert "Sensitivity (sobol) of JPN-DEU.exercise" in text
    assert "first-order index" in text and "ST 95% interval" in text
    # indices and the distribution of final levels (only final levels are recorded)
    assert len(re.findall(r'src="data:image/png', text)) == 2
    assert "Final levels" in text and "Trajectories" not in text
    assert (out / "sensitivity.svg").read_text().lstrip().startswith("<?xml")
