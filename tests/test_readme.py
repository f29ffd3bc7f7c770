"""README.md stays true: its quick start runs a scenario without the dev extra, and every
command example prints what the README shows (scripts/readme_figures.py regenerates the
figures; here the examples run at small sizes and their output must have the README's shape,
so that tuning the model does not break the suite)."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _script():
    spec = importlib.util.spec_from_file_location(
        "readme_figures", ROOT / "scripts" / "readme_figures.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


figures = _script()


def quick_start() -> str:
    return README[README.index("## Quick start") : README.index("## Usage")]


def optional_modules() -> set[str]:
    """Top-level modules of the packages that only the extras install."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]

    def name(req: str) -> str:
        return re.split(r"[\[<>=; ]", req, maxsplit=1)[0].lower()

    core = {name(r) for r in project["dependencies"]}
    extra = {name(r) for reqs in project["optional-dependencies"].values() for r in reqs}
    renamed = {
        "scikit-learn": "sklearn",
        "import-linter": "importlinter",
        "pytest-xdist": "xdist",
        "pytest-textual-snapshot": "pytest_textual_snapshot",
    }
    return {renamed.get(n, n.replace("-", "_")) for n in extra - core - {"allied-wargame"}}


def test_quick_start_runs_a_scenario_without_the_dev_extra():
    blocks = re.findall(r"```bash\n(.*?)```", quick_start(), re.S)
    light = [b for b in blocks if "wargame run" in b]
    assert light, "the quick start shows how to run a scenario"
    assert "pip install -e ." in light[0] and "[dev]" not in light[0], light[0]
    assert any("pytest" in b and ".[dev]" in b for b in blocks), "and how to run the tests"
    # the command runs with every extra's packages out of reach
    args = light[0].split("wargame ", 1)[1].split()
    blocked = sorted(optional_modules())
    code = (
        "import sys\n"
        f"BLOCKED = {blocked!r}\n"
        "class Extras:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in BLOCKED:\n"
        "            raise ImportError(f'{name} comes with an extra')\n"
        "sys.meta_path.insert(0, Extras())\n"
        "from sim.cli.main import main\n"
        f"main({args!r})\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr[-2000:]
    assert "JPN-GBR" in r.stdout


def test_readme_has_command_examples():
    assert [e.command.split()[1] for e in figures.examples(README)] == ["discover"]


@pytest.mark.parametrize("example", figures.examples(README), ids=lambda e: e.command.split()[1])
def test_example_prints_what_the_readme_shows(example, tmp_path):
    """Run at 200 runs: every kind of line of the README's output, and no other, appears."""
    pytest.importorskip("ema_workbench")
    printed = figures.run(example.command, tmp_path, runs=200)
    assert set(figures.shape(printed)) == set(figures.shape(example.printed)), printed


@pytest.mark.parametrize("example", figures.examples(README), ids=lambda e: e.command.split()[1])
def test_example_figures_agree_with_the_command(example):
    """The figures shown are the command's own: its --runs, and shares that add up."""
    runs = re.search(r"--runs (\d+)", example.command)
    for k, n, pct in re.findall(r"(\d+) of (\d+) runs \(([\d.]+)%\)", example.printed):
        assert runs is None or int(n) == int(runs.group(1))
        assert f"{int(k) / int(n):.1%}" == f"{pct}%"  # as the command formats its share


def test_shape_ignores_figures_but_not_words():
    a = "358 of 2000 runs (17.9%) end with X\n│ DEU.china_caution │ 0.844 │\n"
    b = "54 of 300 runs (18.0%) end with X\n│ JPN.china_caution │ 0.050 │\n│ x │ 1 │\n"
    assert figures.shape(a) == figures.shape(b)
    assert figures.shape(a) != figures.shape("54 of 300 runs (18.0%) end without X\n")
