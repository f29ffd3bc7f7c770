"""After-action report: self-contained HTML and Markdown with the report's sections."""

from __future__ import annotations

import re

from sim.engine.moves import Move
from sim.game.aar import default_path, write_report
from sim.game.game import Game


def game(fork: bool) -> Game:
    g = Game("baseline", seed=2, seats=["JPN"])
    g.inject("scs-coercion")
    g.step([Move(actor="JPN", propose_agreement=["JPN-DEU.isa"])])
    g.step()
    if fork:
        g.fork(["DEU.china_caution=0.1"])
    for _ in range(4):
        g.step()
    return g


def test_report_html_and_markdown(tmp_path):
    html_path, md_path = write_report(game(False), tmp_path / "out" / "aar.html")
    html = html_path.read_text()
    md = md_path.read_text()
    assert html.count("data:image/png;base64,") == 4
    assert not re.search(r"(src|href)=['\"](?!data:)", html)  # nothing external
    for heading in (
        "Timeline of shocks and moves",
        "Cooperation at the end",
        "Biggest changes and their drivers",
    ):
        assert heading in html and f"## {heading}" in md
    assert "What-if" not in md
    assert "Chinese maritime coercion" in md  # the injected shock by name
    assert "JPN proposes JPN-DEU.isa" in md
    assert "driven by" in md and " = momentum" in md
    assert (tmp_path / "out" / "aar_charts" / "JPN-GBR.png").read_bytes()[:4] == b"\x89PNG"


def test_report_compares_branches(tmp_path):
    _, md = write_report(game(True), tmp_path / "b.html")
    text = md.read_text()
    assert "## What-if branch compared" in text
    assert "DEU.china_caution = 0.1" in text
    rows = [ln for ln in text.splitlines() if ln.startswith("| JPN-DEU | exercise |")]
    assert len(rows) == 2  # end levels and branch comparison


def test_default_path_is_relative_reports_folder():
    g = Game("baseline", seed=4)
    assert str(default_path(g)) == "reports/baseline-seed4-t0.html"
