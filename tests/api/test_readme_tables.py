"""The README's "Reading a batch folder" blocks, run as written on a small batch folder:
pandas, polars and DuckDB give integer turns in order and names in config order."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

import sim
from sim.vocabulary import TRACKS

README = Path(__file__).resolve().parents[2] / "README.md"
SECTION = "### Reading a batch folder"


def blocks() -> dict[str, str]:
    """The section's Python blocks, by the reader each imports."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index(SECTION) + len(SECTION) :]
    section = section[: re.search(r"^#{2,3} ", section, flags=re.M).start()]
    found = re.findall(r"```python\n(.*?)```", section, flags=re.S)
    return {re.search(r"^import (\w+)", b, flags=re.M).group(1): b for b in found}


def test_readme_readers_give_integer_turns_in_order(tmp_path, monkeypatch):
    code = blocks()
    assert sorted(code) == ["duckdb", "pandas", "polars"]
    monkeypatch.chdir(tmp_path)
    # the folder the Python API section writes, smaller
    sim.batch(
        "baseline",
        runs=4,
        seed=1,
        out="results/readme",
        record="yearly",
        sweeps=["DEU.china_caution=0.1:0.7:3"],
        workers=1,
    )
    turns = list(range(0, 41, 4))
    ns: dict = {}
    exec(code["pandas"], ns)
    assert ns["by_turn"].index.tolist() == turns and ns["by_turn"].index.dtype == np.int64
    assert list(ns["lv"]["dyad"].cat.categories) == ["JPN-GBR", "JPN-FRA", "JPN-DEU", "JPN-NATO"]
    assert list(ns["lv"]["track"].cat.categories) == list(TRACKS)
    assert set(ns["last"]["turn"]) == {40}
    exec(code["polars"], ns)
    table = ns["by_caution"]
    assert table["DEU.china_caution"].to_list() == [0.1] * 3 + [0.4] * 3 + [0.7] * 3
    assert table["track"].cast(str).to_list() == list(TRACKS) * 3
    exec(code["duckdb"], ns)
    fan = ns["fan"].df()
    assert fan["turn"].dtype == np.int64
    assert fan["turn"].tolist() == sorted(fan["turn"]) and sorted(set(fan["turn"])) == turns
    assert (fan["p5"] <= fan["mean"]).all() and (fan["mean"] <= fan["p95"]).all()
