"""The README's Python examples run as written (pandas, polars, DuckDB, Mesa, EMA)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"


def python_blocks() -> list[str]:
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Python API") :]
    nxt = re.search(r"^## (?!Python API)", section, flags=re.M)
    section = section[: nxt.start()] if nxt else section
    return re.findall(r"```python\n(.*?)```", section, flags=re.S)


def test_readme_python_examples_run(tmp_path):
    blocks = python_blocks()
    assert len(blocks) >= 6
    assert any("polars" in b for b in blocks) and any("duckdb" in b for b in blocks)
    (tmp_path / "results").mkdir()
    r = subprocess.run(
        [sys.executable, "-"],
        input="\n".join(blocks),
        text=True,
        capture_output=True,
        cwd=tmp_path,
        timeout=600,
    )
    assert r.returncode == 0, r.stderr[-3000:]
    assert "JPN-DEU" in r.stdout and "momentum" in r.stdout
    assert (tmp_path / "results" / "readme-compare.svg").exists()
