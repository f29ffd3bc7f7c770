"""The `wargame` command. Heavy modules (mesa, pandas, textual) are imported inside the
commands so that `wargame --help` stays fast. Bad input exits with code 2 and one line."""

from __future__ import annotations

import gc
import json
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from sim.cli.listing import complete_scenario, complete_set_key
from sim.errors import InputError
from sim.heap import roomy_heap
from sim.vocabulary import MAX_TURNS

app = typer.Typer(
    add_completion=True,
    no_args_is_help=True,
    rich_markup_mode=None,
    help="Allied-cooperation wargame: Japan, the UK, France, Germany and NATO "
    "under shocks, calibrated on RAND's Allies Growing Closer.",
)

SetOpt = Annotated[
    list[str],
    typer.Option(
        "--set",
        help="Override ACTOR.param=VALUE (repeatable), e.g. DEU.china_caution=0.1",
        autocompletion=complete_set_key,
    ),
]
#: A scenario argument: a library name (completed by the shell) or a path.
ScenarioArg = Annotated[
    str, typer.Argument(help="Name in scenarios/ or a path", autocompletion=complete_scenario)
]


def fail(msg: str) -> None:
    typer.echo(f"error: {msg}", err=True)
    raise typer.Exit(2)


#: Bounds of the numeric options every command shares, checked before any work starts.
SEED_LIMIT = 2**64  # seeds are 64-bit: a larger one would wrap around silently
LIMITS: dict[str, tuple[int, int, str]] = {
    "seed": (0, SEED_LIMIT - 1, "--seed"),
    "turns": (1, MAX_TURNS, "--turns"),
    "workers": (1, 1024, "--workers"),
    "chunk_size": (1, 1_000_000, "--chunk-size"),
    "replicates": (1, 1000, "--replicates"),
    "run": (0, 2**63 - 1, "--run"),
}
#: Upper bound of --runs per command (the batch command checks its own against disk space).
RUNS_LIMIT = {
    "compare": 1_000_000,
    "sensitivity": 100_000,
    "calibrate": 100_000,
    "validate_model": 100_000,
}


def check_args(command: str, kwargs: dict) -> None:
    """Refuse out-of-range numeric options with one line naming the option and its range."""
    for name, (lo, hi, flag) in LIMITS.items():
        v = kwargs.get(name)
        if isinstance(v, int) and not isinstance(v, bool) and not lo <= v <= hi:
            raise InputError(
                flag,
                name,
                f"{v} is out of range; allowed: {lo} to "
                f"{'2**64 - 1' if hi == SEED_LIMIT - 1 else hi}",
            )
    runs = kwargs.get("runs")
    if command in RUNS_LIMIT and isinstance(runs, int) and not 1 <= runs <= RUNS_LIMIT[command]:
        raise InputError(
            "--runs",
            "",
            f"{runs} is out of range (a positive number of runs); "
            "allowed: 1 to "
            f"{RUNS_LIMIT[command]}",
        )


def guarded(fn):
    """Run a command body after checking its numeric options (`check_args`), turning bad
    input (InputError), files that cannot be read or written (OSError) and work too large
    for memory into one line on stderr and exit code 2; Ctrl+C exits 130 with one line."""
    import functools

    @functools.wraps(fn)
    def wrapper(*a, **kw):
        try:
            check_args(fn.__name__, kw)
            return fn(*a, **kw)
        except InputError as exc:
            fail(str(exc))
        except OSError as exc:
            fail(os_error(exc))
        except MemoryError:
            fail(f"{fn.__name__}: out of memory; try fewer --runs or --turns")
        except KeyboardInterrupt as exc:
            interrupted(exc)

    return wrapper


def interrupted(exc: BaseException) -> None:
    """Ctrl+C: one line (a batch says how far it got and how to resume), exit code 130."""
    import os

    text = str(exc) or "interrupted"
    typer.echo(f"{text if text.startswith('interrupted') else 'interrupted: ' + text}", err=True)
    # everything is written (atomically) by now: leave without the interpreter's final
    # garbage collection, which alone can take seconds on a loaded machine; but unlink a
    # worker pool's semaphores as a normal exit would, or multiprocessing's resource tracker
    # prints a warning of leaked semaphores after this line
    mp_util = sys.modules.get("multiprocessing.util")
    if mp_util is not None:
        mp_util._run_finalizers(0)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(130)


def os_error(exc: OSError) -> str:
    """'path: reason' for a file-system error."""
    where = exc.filename if exc.filename is not None else "file"
    return f"{where}: {exc.strerror or exc.__class__.__name__}"


@app.command()
@guarded
def run(
    scenario: ScenarioArg = "baseline",
    seed: Annotated[int, typer.Option(help="Base seed", min=0)] = 0,
    turns: Annotated[
        int | None, typer.Option(help="Number of turns (default: the scenario's)")
    ] = None,
    set_: SetOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the run as JSON")] = False,
    explain: Annotated[
        bool,
        typer.Option("--explain", help="Also print each change split exactly into its drivers"),
    ] = False,
) -> None:
    """Run one game of SCENARIO and explain what happened."""
    from sim.engine.model import Ensemble
    from sim.inputs.setup import build

    setup = build(scenario, set_ or [], turns)
    model = Ensemble(setup, seed=seed, keep_snapshots=not as_json).run()
    show_run(model, as_json, explain)


def show_run(model, as_json: bool, explain: bool = False) -> None:
    """Print one played run: the `--json` document, or the levels, events and drivers
    (with `explain`, every change as the exact sum of its driver contributions)."""
    from sim.engine.results import decompositions, human_report, run_json

    if as_json:
        typer.echo(json.dumps(run_json(model), indent=1))
        return
    typer.echo(human_report(model))
    if explain:
        typer.echo("\nEach change over the game, split into its drivers (they sum exactly):")
        typer.echo("\n".join("  " + line for line in decompositions(model)))


@app.command()
@guarded
def validate(files: Annotated[list[Path], typer.Argument(help="Scenario YAML files")]) -> None:
    """Check scenario files; print OK per file or the first problem (exit code 2)."""
    # every check a run makes of its files, without compiling the arrays (and loading
    # numpy): compiling an accepted scenario cannot fail (tests/fuzz_cases.py holds it to that)
    from sim.inputs.loader import load_scenario

    for f in files:
        load_scenario(str(f))
        typer.echo(f"OK {f}")


@app.command("list")
@guarded
def list_(
    what: Annotated[str, typer.Argument(help="scenarios, params or all")] = "all",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """List the scenario library and every named parameter (actor parameters and the
    model's constants) with value, range, source and description."""
    from sim.cli.listing import parameter_rows, scenario_rows
    from sim.cli.tables import console, show, table
    from sim.errors import allowed, did_you_mean

    if what not in ("scenarios", "params", "all"):
        fail(
            f"list: '{what}' is not a listing{did_you_mean(what, ['scenarios', 'params'])}; "
            f"{allowed(['scenarios', 'params', 'all'])}"
        )
    scen = scenario_rows() if what in ("scenarios", "all") else None
    params = parameter_rows() if what in ("params", "all") else None
    if as_json:
        doc = {k: v for k, v in (("scenarios", scen), ("parameters", params)) if v is not None}
        typer.echo(json.dumps(doc, indent=1))
        return
    con = console()
    if scen is not None:
        t = table(con, "Scenarios")
        t.add_column("name", no_wrap=True)
        t.add_column("description", overflow="fold")
        for r in scen:
            t.add_row(r["name"], r["description"])
        show(con, t)
    if params is not None:
        t = table(con, "Parameters (--set KEY=VALUE; ranges bound sweeps and samples)")
        t.add_column("key", no_wrap=True)
        t.add_column("value", justify="right")
        t.add_column("range", no_wrap=True)
        t.add_column("description and source", overflow="fold")
        for r in params:
            text = (
                f"{r['description']} (source: {r['source']})" if r["description"] else r["source"]
            )
            t.add_row(r["key"], f"{r['value']:g}", f"[{r['range'][0]:g}, {r['range'][1]:g}]", text)
        show(con, t)


@app.command()
@guarded
def schema(
    out: Annotated[Path | None, typer.Option(help="Write here instead of stdout")] = None,
) -> None:
    """Print (or write) the JSON Schema of scenario files."""
    from sim.files import atomic_write
    from sim.inputs.schema_json import scenario_schema_text

    text = scenario_schema_text()
    if out is None:
        typer.echo(text, nl=False)
    else:
        atomic_write(out, text)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(f"wargame (allied-wargame) {version('allied-wargame')}")
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[
        bool | None,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit"
        ),
    ] = None,
) -> None:
    """Allied-cooperation wargame: Japan, the UK, France, Germany and NATO under shocks,
    calibrated on RAND's Allies Growing Closer."""


def load_plugins() -> None:
    """Add the commands other packages declare under the `wargame.commands` entry-point
    group (the terminal UI registers `play` and `serve` this way, so `sim` never imports
    it). Each entry point is a function taking the Typer app."""
    from importlib.metadata import entry_points

    if getattr(app, "_plugins_loaded", False):
        return
    for ep in sorted(entry_points(group="wargame.commands"), key=lambda e: e.name):
        ep.load()(app)
    app._plugins_loaded = True


def own_command(argv: list[str] | None) -> bool:
    """True when `argv` names one of this module's commands (run, validate, list, schema):
    then the plugins' commands are not needed and not imported, which keeps these short
    commands' start-up low. The overview (`wargame --help`), shell completion and every other
    command load them all."""
    if any(k.startswith("_") and k.endswith("_COMPLETE") for k in os.environ):
        return False
    args = sys.argv[1:] if argv is None else argv
    # the top-level options (--help, --version, completion) take no value, so the first
    # word that is not an option is the command
    first = next((a for a in args if not a.startswith("-")), None)
    own = {c.name or c.callback.__name__.replace("_", "-") for c in app.registered_commands}
    return first in own


def main(argv: list[str] | None = None) -> None:
    """The `wargame` command: every error, including a malformed command line, is one line
    on stderr (`error: ...`) with exit code 2."""
    click = sys.modules[typer.BadParameter.__module__]  # click's exceptions, as typer uses them

    # The engine's arrays are small (dyads x tracks) and batches run one process per core:
    # OpenBLAS's thread pool would only cost start-up (about 0.1 s of CPU as numpy loads,
    # its threads spinning) and contend with the workers. A value already set is kept.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    # pydantic looks for plugins (observability hooks) in every installed package's entry
    # points when it builds the first model: 6-10 ms of each command, for hooks the
    # command line never uses. Setting the variable (even empty) lets them load.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    # glibc keeps the pages of the engine's per-turn arrays for reuse (sim/heap.py): a
    # batch runs some 15% faster at the same peak memory
    roomy_heap(force=True)
    try:
        if not own_command(argv):
            load_plugins()
        try:
            code = app(args=argv, prog_name="wargame", standalone_mode=False)
        except getattr(click, "NoArgsIsHelpError", ()) as exc:
            typer.echo(exc.ctx.get_help())
            code = 2
        except click.UsageError as exc:
            where = f"{exc.ctx.command_path}: " if exc.ctx is not None else ""
            typer.echo(f"error: {where}{' '.join(exc.format_message().split())}", err=True)
            code = exc.exit_code
        except click.ClickException as exc:
            typer.echo(f"error: {' '.join(exc.format_message().split())}", err=True)
            code = exc.exit_code
        except typer.Abort:
            typer.echo("interrupted", err=True)
            code = 130
        except InputError as exc:  # pragma: no cover - commands catch their own
            typer.echo(f"error: {exc}", err=True)
            code = 2
        sys.exit(code if isinstance(code, int) else 0)
    finally:
        if argv is None:  # the `wargame` process itself, about to end
            # All it made is freed with the process: the collector need not walk every
            # object as the interpreter shuts down (30-40 ms, a tenth of a short command).
            gc.freeze()
