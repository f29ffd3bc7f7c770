"""`python -m sim` is `wargame`; --version; completion; `wargame list` shows everything."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import yaml


def sim(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sim", *args], capture_output=True, text=True)


def test_version_and_completion():
    r = sim("--version")
    assert (
        r.returncode == 0
        and r.stdout.strip() == f"wargame (allied-wargame) {version('allied-wargame')}"
    )
    help_text = sim("--help").stdout
    assert "--install-completion" in help_text and "--show-completion" in help_text


def test_python_m_sim_batch_and_verify(tmp_path):
    out = tmp_path / "b"
    r = sim(
        "batch",
        "baseline",
        "--runs",
        "5",
        "--turns",
        "3",
        "--workers",
        "1",
        "--quiet",
        "--record",
        "final",
        "--out",
        str(out),
    )
    assert r.returncode == 0, r.stderr
    assert sim("verify", str(out)).stdout.strip() == f"OK {out}"


def test_list_json_has_every_parameter_with_full_sources():
    doc = json.loads(sim("list", "--json").stdout)
    keys = {r["key"]: r for r in doc["parameters"]}
    model = yaml.safe_load(Path("config/model.yaml").read_text(encoding="utf-8"))
    for tr, consts in model["tracks"].items():
        for name, v in consts.items():
            row = keys[f"MODEL.{tr}.{name}"]
            assert row["value"] == v["value"] and row["source"] == " ".join(v["source"].split())
    assert keys["MODEL.exercise.caution_gap"]["description"].startswith("Weight of the gap")
    for group, consts in model.get("rules", {}).items():
        for name in consts:
            assert f"MODEL.{group}.{name}" in keys
    assert "DEU.china_caution" in keys
    names = [s["name"] for s in doc["scenarios"]]
    assert "baseline" in names and all(s["description"] for s in doc["scenarios"])
    longest = max(len(s["description"]) for s in doc["scenarios"])
    assert longest > 110  # descriptions are not cut


def test_a_table_to_a_pipe_is_plain_columns_without_markup(monkeypatch):
    import io

    from rich.console import Console
    from rich.text import Text

    from sim.cli.tables import PlainConsole, console, plain_table, table

    for var in ("FORCE_COLOR", "FORCE_TERMINAL", "TTY_COMPATIBLE", "TTY_INTERACTIVE"):
        monkeypatch.delenv(var, raising=False)
    assert isinstance(console(), PlainConsole)  # pytest captures stdout: not a terminal
    expected = [
        "Title",
        "key        value  range",
        "───────────────────────",
        "a            1.5  [0, 1]",
        "long key      10  spaced out",
        "wide 日本  1e+03  \\ [link]",  # a wide script takes two columns per character
    ]
    # the same lines from the plain table and from rich's (which a forced terminal gets)
    for con in (console(), Console(file=io.StringIO(), width=240)):
        t = table(con, "Title")
        t.add_column("key", no_wrap=True)
        t.add_column("value", justify="right")
        t.add_column("range")
        t.add_row("[bold]a[/bold]", "1.5", "[0, 1]")
        t.add_row(Text("long key"), "10", "  spaced   out  ")
        t.add_row("wide 日本", "1e+03", r"\\[x] \[link]")  # an escaped \, a tag, an escaped [
        assert plain_table(t).splitlines() == expected, type(con)


def test_a_table_to_a_closed_pipe_ends_quietly():
    # `wargame list | head -1`: the reader goes away; no traceback, as rich would do
    import os
    import subprocess
    import sys

    for args in (["list"], ["list", "scenarios"]):
        r, w = os.pipe()
        os.close(r)  # the reader is gone before anything is written
        try:
            p = subprocess.run(
                [sys.executable, "-m", "sim", *args], stdout=w, stderr=subprocess.PIPE, text=True
            )
        finally:
            os.close(w)
        assert p.returncode == 1 and p.stderr == "", p.stderr
