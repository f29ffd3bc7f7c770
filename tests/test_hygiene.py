"""`sim` never imports the UI layer; the command line stays light to start."""

import ast
import json
import os
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
    code = (
        "import importlib, sys\n"
        f"for m in {mods!r}: importlib.import_module(m)\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('textual', 'rich', 'tui')]\n"
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_cli_and_its_plugins_do_not_import_heavy_libraries_at_start():
    code = (
        "import sys, sim.cli.main\n"
        "sim.cli.main.load_plugins()\n"
        "print(','.join(m for m in ('numpy', 'mesa', 'pandas', 'textual', 'dask',"
        " 'matplotlib', 'scipy', 'pydantic') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


#: What `wargame validate` and `wargame list` must not load: the engine (numpy too: a file
#: is checked without compiling its arrays) and the libraries only batches, reports and
#: charts need.
HEAVY = (
    "numpy",
    "rich.console",  # tables to a pipe are plain text (sim/cli/tables.py)
    "mesa",
    "pandas",
    "pyarrow",
    "matplotlib",
    "scipy",
    "dask",
    "networkx",
    "sim.engine.model",
    "sim.engine.actors",
    "sim.engine.world",
    "sim.engine.moves",
    "sim.engine.shocks",
    "sim.engine.results",
    "sim.engine.reporters",
)


def _loaded_by(*args: str, heavy: tuple[str, ...] = HEAVY) -> tuple[list[str], str]:
    code = (
        "import atexit, sys\n"
        "def report():\n"
        f"    heavy = {heavy!r}\n"
        "    bad = sorted({h for m in list(sys.modules) for h in heavy\n"
        "                  if m == h or m.startswith(h + '.')})\n"
        "    sys.stderr.write('LOADED:' + ','.join(bad) + '\\n')\n"
        "atexit.register(report)\n"
        "from sim.cli.main import main\n"
        f"main({list(args)!r})\n"
    )
    line, stdout = _reported(code, "LOADED:")
    return [m for m in line[len("LOADED:") :].split(",") if m], stdout


def _reported(code: str, tag: str, *argv: str, env: dict | None = None) -> tuple[str, str]:
    """Run `code` in a fresh interpreter in the project folder: the last line it wrote to
    stderr starting with `tag`, and its stdout (it must end with exit code 0)."""
    out = subprocess.run(
        [sys.executable, "-c", code, *argv],
        capture_output=True,
        text=True,
        cwd=SIM.parent,
        env=env,
    )
    lines = [ln for ln in out.stderr.splitlines() if ln.startswith(tag)]
    assert out.returncode == 0 and lines, out.stderr
    return lines[-1], out.stdout


def test_validate_and_list_load_no_engine_and_no_heavy_library():
    for args in (["validate", "scenarios/baseline.yaml"], ["list"], ["list", "--json"]):
        loaded, stdout = _loaded_by(*args)
        assert stdout.strip(), args  # the command did its work
        assert loaded == [], f"wargame {' '.join(args)} imports {', '.join(loaded)}"


def test_a_one_turn_run_plays_the_engine_without_mesa_or_the_plugins():
    # the command line drives the numpy-only Ensemble; Mesa (pandas, scipy) is for the API
    heavy = tuple(h for h in HEAVY if not h.startswith(("sim.engine", "numpy"))) + (
        "tui",
        "textual",
    )
    loaded, stdout = _loaded_by("run", "baseline", "--turns", "1", "--json", heavy=heavy)
    assert json.loads(stdout)["scenario"] == "baseline"
    assert loaded == [], f"wargame run imports {', '.join(loaded)}"
    loaded, _ = _loaded_by("validate", "scenarios/baseline.yaml", heavy=("tui", "textual"))
    assert loaded == []


def test_the_import_check_sees_a_heavy_import(tmp_path):
    # a batch writes Parquet with pandas and pyarrow, and `play` is a plugin: the same check
    # must see both
    out = tmp_path / "b"
    args = ("batch", "baseline", "--runs", "2", "--turns", "1", "--quiet", "--out", str(out))
    loaded, _ = _loaded_by(*args, heavy=HEAVY + ("tui",))
    assert {"pandas", "pyarrow", "sim.engine.model", "tui"} <= set(loaded)
    assert "mesa" not in loaded


def test_the_command_line_runs_numpy_without_a_blas_thread_pool():
    # OpenBLAS starts a thread per core as numpy loads: start-up CPU and contention with the
    # batch's worker processes, for arrays too small to use them. A user's own setting wins.
    code = (
        "import atexit, os, sys\n"
        "def report():\n"
        "    threads = [ln for ln in open('/proc/self/status') if ln.startswith('Threads:')]\n"
        "    sys.stderr.write(f\"BLAS:{os.environ.get('OPENBLAS_NUM_THREADS')}:"
        "{threads[0].split()[1]}:{'numpy' in sys.modules}\\n\")\n"
        "atexit.register(report)\n"
        "from sim.cli.main import main\n"
        "main(['run', 'baseline', '--turns', '1'])\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    seen = [
        _reported(code, "BLAS:", env=env | extra)[0]
        for extra in ({}, {"OPENBLAS_NUM_THREADS": "2"})
    ]
    assert seen[0] == "BLAS:1:1:True"  # numpy loaded, and the process has its main thread only
    assert seen[1].startswith("BLAS:2:")


def test_the_command_line_does_not_scan_for_pydantic_plugins():
    # pydantic reads every installed package's entry points for plugins as it builds the
    # first model; the command line uses none. A user's own setting (even empty) wins.
    code = (
        "import atexit, os, sys\n"
        "def report():\n"
        "    from pydantic.plugin import _loader\n"
        "    sys.stderr.write(f'PLUGINS:{_loader._plugins is not None}\\n')\n"
        "atexit.register(report)\n"
        "from sim.cli.main import main\n"
        "main(['validate', 'scenarios/baseline.yaml'])\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    seen = [
        _reported(code, "PLUGINS:", env=env | extra)[0]
        for extra in ({}, {"PYDANTIC_DISABLE_PLUGINS": ""})
    ]
    assert seen == ["PLUGINS:False", "PLUGINS:True"]


def test_the_command_leaves_its_objects_to_the_process_end():
    # `wargame` freezes what it made before the interpreter shuts down (the collector's
    # walk at shutdown was a tenth of a short command); main(argv) called in a process
    # that goes on (a test, a notebook) leaves the collector alone
    code = (
        "import atexit, gc, sys\n"
        "from sim.cli.main import main\n"
        "before = gc.get_freeze_count()  # the interpreter may freeze some at start\n"
        "atexit.register(lambda: sys.stderr.write("
        "f'FROZEN:{gc.get_freeze_count() > before + 1000}\\n'))\n"
        "entry = sys.argv[1] == 'entry'\n"
        "sys.argv = ['wargame', 'validate', 'scenarios/baseline.yaml']\n"
        "main(None if entry else sys.argv[1:])\n"
    )
    seen = []
    for how in ("entry", "call"):
        line, stdout = _reported(code, "FROZEN:", how)
        assert stdout.startswith("OK")
        seen.append(line)
    assert seen == ["FROZEN:True", "FROZEN:False"]
