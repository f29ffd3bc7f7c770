"""Batch commands of `wargame`: batch, replay, compare, sensitivity and report.

Registered through the `wargame.commands` entry point; heavy modules are imported inside the
command bodies so that `wargame --help` stays fast.
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from sim.cli.main import SetOpt, console, guarded, show, table
from sim.errors import InputError

RunsOpt = Annotated[
    int, typer.Option("--runs", help="Number of runs (see --help of each command for designs)")
]
SeedOpt = Annotated[int, typer.Option(help="Base seed", min=0)]
EngineOpt = Annotated[str, typer.Option(help="local (processes on this machine) or dask")]
WorkersOpt = Annotated[int | None, typer.Option(help="Worker processes (default: all cores)")]
SchedOpt = Annotated[
    str | None,
    typer.Option(
        help="Dask scheduler address, e.g. tcp://10.0.0.5:8786 (default: a local cluster)"
    ),
]
ChunkOpt = Annotated[
    int | None, typer.Option("--chunk-size", help="Runs stepped together per chunk (default 1000)")
]
TurnsOpt = Annotated[int | None, typer.Option(help="Number of turns (default: the scenario's)")]


RecordOpt = Annotated[
    str,
    typer.Option(
        help="Levels kept per run: final (the last turn), "
        "yearly (one turn a year and the last) or all"
    ),
]
TablesOpt = Annotated[
    str | None, typer.Option(help="levels,events (default: both with --record all, else levels)")
]
ForceOpt = Annotated[
    bool, typer.Option(help="Start even if the estimated output does not fit on the disk")
]


def _csv(items: list[str] | None) -> list[str]:
    return [p.strip() for item in items or [] for p in item.split(",") if p.strip()]


@contextmanager
def progress_bar(enabled: bool):
    """A rich progress bar on stderr (runs done, runs/s, time left); yields the callback
    `run_batch` reports to, or None when disabled."""
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TaskProgressColumn,
        TextColumn,
        TimeRemainingColumn,
    )

    class Rate(TextColumn):
        def __init__(self):
            super().__init__("")

        def render(self, task):
            from rich.text import Text

            speed = task.finished_speed or task.speed
            return Text(f"{speed:,.0f} runs/s" if speed else "- runs/s")

    bar = Progress(
        TextColumn("runs"),
        BarColumn(),
        MofNCompleteColumn(),
        TaskProgressColumn(),
        Rate(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=False,
    )
    task = None

    def update(done: int, total: int) -> None:
        nonlocal task
        if task is None:  # shown from the first report on, so errors before it stay alone
            bar.start()
            task = bar.add_task("runs", total=total, completed=done)
        bar.update(task, completed=done)

    try:
        yield update
    finally:
        if task is not None:
            bar.stop()


def run_with_progress(req, engine, workers, scheduler, quiet: bool):
    """run_batch with the estimate on stderr and a progress bar."""
    from sim.research.batch import run_batch

    def announce(prep) -> None:
        if not quiet and prep.todo:
            typer.echo(
                f"{prep.design.runs} runs, {len(prep.todo)} chunks to compute: "
                f"{prep.estimate.describe()}",
                err=True,
            )
        for line in prep.repaired[:20]:
            typer.echo(f"recomputing: {line}", err=True)

    with progress_bar(not quiet) as update:
        return run_batch(req, engine, workers, scheduler, progress=update, announce=announce)


def register(app: typer.Typer) -> None:
    @app.command()
    @guarded
    def batch(
        scenario: Annotated[str, typer.Argument(help="Name in scenarios/ or a path")],
        out: Annotated[Path, typer.Option("--out", help="Output directory")],
        runs: RunsOpt = 1000,
        seed: SeedOpt = 0,
        set_: SetOpt = None,
        sweep: Annotated[
            list[str] | None,
            typer.Option(
                help="ACTOR.param=LO:HI:STEPS (or =STEPS, or bare: the config range, 5 steps); "
                "repeatable, crossed as a grid; --runs replicates each point"
            ),
        ] = None,
        sample: Annotated[
            str | None,
            typer.Option(
                help="grid | lhs | sobol | morris over --params within their config ranges. "
                "grid: about --runs points; lhs: --runs points; sobol: --runs base "
                "samples x (params + 2); morris: --runs trajectories x (params + 1)"
            ),
        ] = None,
        params: Annotated[
            list[str] | None, typer.Option(help="ACTOR.param,... sampled by --sample")
        ] = None,
        workers: WorkersOpt = None,
        engine: EngineOpt = "local",
        scheduler: SchedOpt = None,
        chunk_size: ChunkOpt = None,
        turns: TurnsOpt = None,
        record: RecordOpt = "all",
        tables: TablesOpt = None,
        force: ForceOpt = False,
        quiet: Annotated[bool, typer.Option(help="No estimate and no progress bar")] = False,
    ) -> None:
        """Run many games of SCENARIO into --out (tidy Parquet and a manifest).

        Chunks are written atomically with their checksums: rerunning the same command
        resumes an interrupted batch (Ctrl+C stops it, exit code 130) and recomputes
        damaged chunks."""
        from sim.research.request import DEFAULT_CHUNK, BatchRequest

        req = BatchRequest(
            scenario,
            runs,
            out,
            seed,
            list(set_ or []),
            list(sweep or []),
            sample,
            _csv(params),
            turns,
            DEFAULT_CHUNK if chunk_size is None else chunk_size,
            record=record,
            tables=tuple(_csv([tables])) if tables else None,
            force=force,
        )
        prep = run_with_progress(req, engine, workers, scheduler, quiet)
        s = prep.manifest["timings"]["sessions"][-1]
        fixed = (
            f"; {len(prep.repaired)} damaged or missing files recomputed" if prep.repaired else ""
        )
        typer.echo(
            f"{prep.design.runs} runs of {prep.setup.name} in {out} "
            f"({s['runs_run']} run now in {s['seconds']:.2f} s; "
            f"design {prep.design.kind}; record {req.record}{fixed})"
        )

    @app.command()
    @guarded
    def verify(
        out: Annotated[Path, typer.Argument(help="A batch or sensitivity directory")],
    ) -> None:
        """Check a result folder: every file against its SHA-256, every chunk present, the
        scenario, config and engine unchanged. Exit 0 when whole, 1 naming each problem."""
        from sim.research.integrity import verify as check

        problems = check(out)
        for p in problems:
            typer.echo(f"{out}: {p}")
        if problems:
            raise typer.Exit(1)
        typer.echo(f"OK {out}")

    @app.command()
    @guarded
    def replay(
        out: Annotated[Path, typer.Argument(help="A batch directory")],
        run: Annotated[int, typer.Option("--run", help="Run index in the batch")],
        as_json: Annotated[bool, typer.Option("--json", help="Print the run as JSON")] = False,
    ) -> None:
        """Re-simulate run K of a batch alone (bit-identical to its rows in DIR)."""
        from sim.cli.main import show_run
        from sim.research.replay import replay_model

        show_run(replay_model(out, run, keep_snapshots=not as_json), as_json)

    @app.command()
    @guarded
    def compare(
        scenario: Annotated[str, typer.Argument(help="Baseline scenario (name or path)")],
        against: Annotated[
            str | None, typer.Option(help="Counterfactual scenario (default: SCENARIO)")
        ] = None,
        set_: SetOpt = None,
        runs: RunsOpt = 1000,
        seed: SeedOpt = 0,
        turns: TurnsOpt = None,
        as_json: Annotated[
            bool, typer.Option("--json", help="Print JSON (with the difference over time)")
        ] = False,
        chart: Annotated[
            Path | None,
            typer.Option(
                help="Also write the differences over time with their intervals (.png or .svg)"
            ),
        ] = None,
        uncertainty: Annotated[
            int,
            typer.Option(
                "--uncertainty",
                help="Also sample the config's plausible ranges at N Latin-"
                "hypercube points (about --runs / N runs each) and show the 90% interval that "
                "includes parameter uncertainty (0: off)",
            ),
        ] = 0,
    ) -> None:
        """Paired what-if runs: mean difference per dyad and track, with a 90% interval.

        The baseline is SCENARIO; the counterfactual is --against (default SCENARIO) with
        --set. Both use the same runs and seed (common random numbers). The interval is Monte
        Carlo precision (of the mean, at the config's values); --uncertainty N adds the
        interval over the config's plausible parameter ranges."""
        from sim.research.compare import compare as do_compare

        if chart is not None and chart.suffix.lower() not in (".png", ".svg"):
            raise InputError("--chart", str(chart), "must end in .png or .svg")
        result = do_compare(scenario, list(set_ or []), runs, seed, against, turns, uncertainty)
        summary = result.summary()
        if as_json:
            typer.echo(json.dumps(summary, indent=1))
        else:
            print_comparison(summary)
        if chart is not None:
            result.chart(chart)
            if not as_json:
                typer.echo(f"written: {chart}")

    @app.command()
    @guarded
    def sensitivity(
        scenario: Annotated[str, typer.Argument(help="Name in scenarios/ or a path")],
        params: Annotated[list[str], typer.Option(help="ACTOR.param,... (bounds: config ranges)")],
        outcome: Annotated[
            str, typer.Option(help="DYAD.TRACK at the final turn, e.g. JPN-DEU.exercise")
        ],
        out: Annotated[Path, typer.Option("--out", help="Output directory")],
        method: Annotated[str, typer.Option(help="sobol or morris")] = "sobol",
        runs: Annotated[
            int, typer.Option("--runs", help="Base samples (sobol) or trajectories (morris)")
        ] = 256,
        seed: SeedOpt = 0,
        set_: SetOpt = None,
        workers: WorkersOpt = None,
        engine: EngineOpt = "local",
        scheduler: SchedOpt = None,
        chunk_size: ChunkOpt = None,
        turns: TurnsOpt = None,
        replicates: Annotated[
            int,
            typer.Option(
                help="Runs per design point on common random numbers; the outcome is their mean"
            ),
        ] = 4,
        quiet: Annotated[bool, typer.Option(help="No progress bar")] = False,
    ) -> None:
        """Sobol indices or Morris screening of one outcome at the final turn.

        Writes sensitivity.csv, .json and .png next to the study's runs in --out."""
        from sim.research.sensitivity import run_study

        with progress_bar(not quiet) as update:
            result = run_study(
                scenario,
                method,
                _csv(params),
                runs,
                outcome,
                out,
                seed,
                list(set_ or []),
                turns,
                engine,
                workers,
                scheduler,
                chunk_size,
                progress=update,
                replicates=replicates,
            )
        print_sensitivity(result)
        typer.echo(
            f"\nwritten: {out / 'sensitivity.csv'}, {out / 'sensitivity.json'}, "
            f"{out / 'sensitivity.png'}, {out / 'sensitivity.svg'}"
        )

    @app.command()
    @guarded
    def discover(
        scenario: Annotated[str, typer.Argument(help="Name in scenarios/ or a path")],
        where: Annotated[
            str,
            typer.Option(
                help="The outcome of interest at the final "
                'turn, e.g. "JPN-DEU.exercise < 1.5" '
                "(conditions joined by 'and')"
            ),
        ],
        out: Annotated[Path, typer.Option("--out", help="Output directory")],
        runs: Annotated[int, typer.Option("--runs", help="Runs (Latin hypercube points)")] = 2000,
        params: Annotated[
            list[str] | None,
            typer.Option(
                help="ACTOR.param,... sampled (default: every actor parameter with a range)"
            ),
        ] = None,
        seed: SeedOpt = 0,
        set_: SetOpt = None,
        turns: TurnsOpt = None,
        density: Annotated[float, typer.Option(help="Least density of the PRIM box shown")] = 0.8,
        workers: WorkersOpt = None,
        engine: EngineOpt = "local",
        scheduler: SchedOpt = None,
        chunk_size: ChunkOpt = None,
        quiet: Annotated[bool, typer.Option(help="No progress bar")] = False,
    ) -> None:
        """Scenario discovery: which assumptions lead to --where? PRIM and CART boxes.

        Samples the parameters, runs them as a batch in --out (final levels only) and
        prints the boxes (parameter ranges, coverage, density); writes discovery.html and
        discovery.json there."""
        from sim.research.discovery import discover as run_discovery

        with progress_bar(not quiet) as update:
            res = run_discovery(
                scenario,
                where,
                runs,
                out,
                seed,
                _csv(params) or None,
                list(set_ or []),
                turns,
                workers,
                engine,
                scheduler,
                chunk_size,
                progress=update,
                density=density,
            )
        print_discovery(res)
        typer.echo(f"\nwritten: {out / 'discovery.html'}, {out / 'discovery.json'}")

    @app.command()
    @guarded
    def report(
        out_dir: Annotated[Path, typer.Argument(help="A batch or sensitivity directory")],
        out: Annotated[Path, typer.Option("--out", help="HTML file to write")],
    ) -> None:
        """Write one self-contained HTML report of a batch or sensitivity folder."""
        from sim.research.report import write_report

        write_report(out_dir, out)
        typer.echo(f"written: {out}")


def print_comparison(summary: dict) -> None:
    """`compare`'s final-turn differences with their intervals as a table on stdout."""
    from rich.markup import escape

    from sim.research.compare import MC_NOTE

    con = console()
    unc = summary.get("uncertainty")
    con.print(
        f"{summary['counterfactual']} {summary['overrides']} vs {summary['baseline']}: "
        f"{summary['runs']} paired runs, seed {summary['seed']}, final turn "
        f"({summary['over_time'][-1]['date']})",
        markup=False,
    )
    t = table(con)
    t.add_column("dyad", no_wrap=True)
    t.add_column("track", no_wrap=True)
    for col in ("baseline", "counterf.", "diff"):
        t.add_column(col, justify="right", no_wrap=True)
    t.add_column("MC precision 90% interval", min_width=16)
    if unc:
        t.add_column("with param. uncertainty 90% interval", min_width=16)
    for r in summary["final"]:
        sig = "*" if r["low"] > 0 or r["high"] < 0 else " "
        cells = [
            r["dyad"],
            r["track"],
            f"{r['baseline']:.3f}",
            f"{r['counterfactual']:.3f}",
            f"{r['difference']:+.3f}{sig}",
            f"[{r['low']:+.3f}, {r['high']:+.3f}]",
        ]
        if unc:
            cells.append(f"[{r['param_low']:+.3f}, {r['param_high']:+.3f}]")
        t.add_row(*map(escape, cells))
    show(con, t)
    notes = [
        "* the Monte Carlo interval excludes zero",
        f"MC precision: {MC_NOTE.split(': ', 1)[1]}.",
    ]
    if unc:
        notes.append(
            f"With param. uncertainty: {summary['intervals']['param_low_high'].split(': ', 1)[1]}."
        )
    else:
        notes.append(
            "Add --uncertainty N to sample the config's plausible ranges (N points) "
            "and show the interval that includes parameter uncertainty."
        )
    con.print("\n".join(notes), markup=False)


def print_sensitivity(result: dict) -> None:
    """A sensitivity study's indices as a table on stdout."""
    con = console()
    con.print(
        f"{result['method']} sensitivity of {result['outcome']} ({result['date']}), "
        f"{result['points']} points x {result['replicates']} replicates on common "
        f"random numbers = {result['runs']} runs of {result['scenario']}",
        markup=False,
    )
    sobol = result["method"] == "sobol"
    cols = (
        (("S1", "S1"), ("±", "S1_conf"), ("ST", "ST"), ("±", "ST_conf"))
        if sobol
        else (("mu*", "mu_star"), ("±", "mu_star_conf"), ("mu", "mu"), ("sigma", "sigma"))
    )
    t = table(con)
    t.add_column("parameter", no_wrap=True)
    for name, _ in cols:
        t.add_column(name, justify="right", no_wrap=True)
    for r in result["indices"]:
        t.add_row(r["param"], *(f"{r[k]:.3f}" if r[k] is not None else "n/a" for _, k in cols))
    show(con, t)


def print_discovery(res) -> None:
    """The discovery's boxes as rich tables on stdout."""
    from rich.console import Console
    from rich.table import Table

    con = Console(highlight=False, soft_wrap=True)
    con.print(
        f"{res['cases']} of {res['runs']} runs ({res['share']:.1%}) end with "
        f"{res['where']} ({res['date']})"
    )
    if "prim" not in res:
        con.print("the condition holds in every run or in none: no boxes")
        return
    boxes = [("PRIM box", res["prim"])] + [
        (f"CART leaf {i}", b) for i, b in enumerate(res["cart"][:3], start=1)
    ]
    for name, b in boxes:
        t = Table(
            title=f"{name}: coverage {b['coverage']:.1%}, density {b['density']:.1%}, "
            f"mass {b['mass']:.1%}",
            title_justify="left",
        )
        for col in ("parameter", "low", "high", "range", "kept"):
            t.add_column(col, justify="left" if col == "parameter" else "right")
        for r in b["limits"]:
            t.add_row(
                r["param"],
                f"{r['low']:.3f}",
                f"{r['high']:.3f}",
                f"{r['range low']:.3g} to {r['range high']:.3g}",
                f"{r['kept']:.0%}",
            )
        con.print(t)
