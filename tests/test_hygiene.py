"""`sim` never imports the UI layer; the command line stays light to start."""

import ast
import pathlib
import subprocess
import sys

SIM = pathlib.Path(__file__).resolve().parent.parent / "sim"
FORBIDDEN = ("textual", "rich", "tui")


def test_no_sim_module_imports_the_ui():
    for path in SIM.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            for n in names:
                top = n.split(".")[0]
                if top == "rich" and "cli" in path.relative_to(SIM).parts:
                    continue  # the command line (sim/cli/) prints with rich
                assert top not in FORBIDDEN, f"{path.name} imports {n}"


def test_importing_every_sim_module_loads_no_ui_package():
    mods = [f"sim.{p.stem}" for p in SIM.glob("*.py") if p.stem not in ("__main__",)]
    code = ("import importlib, sys\n"
            f"for m in {mods!r}: importlib.import_module(m)\n"
            "bad = [m for m in sys.modules if m.split('.')[0] in ('textual', 'rich', 'tui')]\n"
            "print(','.join(bad))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_cli_and_its_plugins_do_not_import_heavy_libraries_at_start():
    code = ("import sys, sim.cli.main\n"
            "sim.cli.main.load_plugins()\n"
            "print(','.join(m for m in ('numpy', 'mesa', 'pandas', 'textual', 'dask',"
            " 'matplotlib', 'scipy', 'pydantic') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
