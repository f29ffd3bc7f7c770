"""The layers of ARCHITECTURE.md hold: import-linter's contracts (pyproject.toml) are kept,
and a contract breaks when a module imports across a layer the wrong way."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT = Path(sys.executable).with_name("lint-imports")

pytestmark = pytest.mark.skipif(not LINT.exists(), reason="import-linter not installed")


def _lint(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT), "--no-cache"],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(cwd), "PATH": "/usr/bin:/bin"},
        timeout=300,
    )


def test_contracts_are_kept():
    r = _lint(ROOT)
    assert r.returncode == 0, r.stdout[-3000:]
    assert "4 kept, 0 broken" in r.stdout


@pytest.mark.parametrize(
    "module,line,contract",
    [
        ("sim/engine/world.py", "import sim.research.batch", "sim is layered"),
        ("sim/inputs/setup.py", "import sim.engine.model", "sim is layered"),
        ("sim/research/compare.py", "import tui.app", "never imports the user interface"),
        ("sim/engine/explain.py", "import rich", "the engine and its inputs"),
        ("sim/engine/actors.py", "import mesa", "only the Mesa model imports Mesa"),
        ("sim/cli/main.py", "import mesa", "only the Mesa model imports Mesa"),
    ],
)
def test_a_wrong_way_import_breaks_a_contract(tmp_path, module, line, contract):
    for part in ("sim", "tui"):
        shutil.copytree(
            ROOT / part, tmp_path / part, ignore=shutil.ignore_patterns("__pycache__", "_data")
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    f = tmp_path / module
    f.write_text(f.read_text() + f"\n{line}  # noqa\n")
    r = _lint(tmp_path)
    assert r.returncode != 0
    broken = r.stdout.split("Broken contracts")[-1]
    assert contract in broken.replace("\n", " ")
