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


def test_a_table_to_a_pipe_is_plain_columns_without_markup():
    from rich.text import Text

    from sim.cli.main import console, plain_table, table

    t = table(console(), "Title")
    t.add_column("key", no_wrap=True)
    t.add_column("value", justify="right")
    t.add_column("range")
    t.add_row("[bold]a[/bold]", "1.5", "[0, 1]")
    t.add_row(Text("long key"), "10", "  spaced   out  ")
    assert plain_table(t).splitlines() == [
        "Title",
        "key       value  range",
        "──────────────────────",
        "a           1.5  [0, 1]",
        "long key     10  spaced out",
    ]
