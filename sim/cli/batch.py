"""Research commands of `wargame`: batch, verify, replay, compare, sensitivity, discover and
report (what they print is in sim/cli/output.py).

Each command is a function of this module; `register` adds them to the app (the
`wargame.commands` entry point). Heavy modules are imported inside the command bodies so that
`wargame --help` stays fast.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from sim.cli.listing import complete_scenario
from sim.cli.main import ScenarioArg, SetOpt, guarded
from sim.cli.output import (
    print_comparison,
    print_discovery,
    print_sensitivity,
    progress_bar,
    run_with_progress,
)
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
# the options of one command each, named here so that each command's signature stays short

OutOpt = Annotated[Path, typer.Option("--out", help="Output directory")]
SweepOpt = Annotated[
    list[str] | None,
    typer.Option(
        help="ACTOR.param=LO:HI:STEPS (or =STEPS, or bare: the config range, 5 steps); "
        "repeatable, crossed as a grid; --runs replicates each point"
    ),
]
SampleOpt = Annotated[
    str | None,
    typer.Option(
        help="grid | lhs | sobol | morris over --params within their config ranges. "
        "grid: about --runs points; lhs: --runs points; sobol: --runs base "
        "samples x (params + 2); morris: --runs trajectories x (params + 1)"
    ),
]
SampledOpt = Annotated[list[str] | None, typer.Option(help="ACTOR.param,... sampled by --sample")]
QuietOpt = Annotated[bool, typer.Option(help="No progress bar")]
AgainstOpt = Annotated[
    str | None,
    typer.Option(
        help="Counterfactual scenario (default: SCENARIO)",
        autocompletion=complete_scenario,
    ),
]
CompareJsonOpt = Annotated[
    bool, typer.Option("--json", help="Print JSON (with the difference over time)")
]
ChartOpt = Annotated[
    Path | None,
    typer.Option(help="Also write the differences over time with their intervals (.png or .svg)"),
]
UncertaintyOpt = Annotated[
    int | None,
    typer.Option(
        "--uncertainty",
        help="Draw N parameter sets from the posterior (config/posterior.parquet; "
        "about --runs / N runs each) for the 90% interval that includes parameter "
        "uncertainty [default: 50, or --runs if fewer; 0: off]",
        show_default=False,
    ),
]
ComparePriorOpt = Annotated[
    bool,
    typer.Option(
        "--prior",
        help="Sample the config's plausible ranges (Latin hypercube) instead of the posterior",
    ),
]
WhereOpt = Annotated[
    str,
    typer.Option(
        help="The outcome of interest at the final "
        'turn, e.g. "JPN-DEU.exercise < 1.5" '
        "(conditions joined by 'and')"
    ),
]
DiscoverParamsOpt = Annotated[
    list[str] | None,
    typer.Option(help="ACTOR.param,... sampled (default: every actor parameter with a range)"),
]
OutcomeOpt = Annotated[
    str, typer.Option(help="DYAD.TRACK at the final turn, e.g. JPN-DEU.exercise")
]
BaseRunsOpt = Annotated[
    int, typer.Option("--runs", help="Base samples (sobol) or trajectories (morris)")
]
ReplicatesOpt = Annotated[
    int,
    typer.Option(help="Runs per design point on common random numbers; the outcome is their mean"),
]
DiscoverPriorOpt = Annotated[
    bool,
    typer.Option(
        "--prior",
        help="Sample the config's plausible ranges (Latin hypercube) instead of the "
        "posterior (config/posterior.parquet)",
    ),
]


def _csv(items: list[str] | None) -> list[str]:
    """Repeated options that may each hold a comma-separated list, as one list."""
    return [p.strip() for item in items or [] for p in item.split(",") if p.strip()]


@guarded
def batch(
    scenario: ScenarioArg,
    out: OutOpt,
    runs: RunsOpt = 1000,
    seed: SeedOpt = 0,
    set_: SetOpt = None,
    sweep: SweepOpt = None,
    sample: SampleOpt = None,
    params: SampledOpt = None,
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
        scenario=scenario,
        runs=runs,
        out=out,
        seed=seed,
        overrides=list(set_ or []),
        sweeps=list(sweep or []),
        sample=sample,
        params=_csv(params),
        turns=turns,
        chunk_size=DEFAULT_CHUNK if chunk_size is None else chunk_size,
        record=record,
        tables=tuple(_csv([tables])) if tables else None,
        force=force,
    )
    prep = run_with_progress(req, engine, workers, scheduler, quiet)
    s = prep.manifest["timings"]["sessions"][-1]
    fixed = f"; {len(prep.repaired)} damaged or missing files recomputed" if prep.repaired else ""
    typer.echo(
        f"{prep.design.runs} runs of {prep.setup.name} in {out} "
        f"({s['runs_run']} run now in {s['seconds']:.2f} s; "
        f"design {prep.design.kind}; record {req.record}{fixed})"
    )


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


@guarded
def compare(
    scenario: Annotated[
        str,
        typer.Argument(help="Baseline scenario (name or path)", autocompletion=complete_scenario),
    ],
    against: AgainstOpt = None,
    set_: SetOpt = None,
    runs: RunsOpt = 1000,
    seed: SeedOpt = 0,
    turns: TurnsOpt = None,
    as_json: CompareJsonOpt = False,
    chart: ChartOpt = None,
    uncertainty: UncertaintyOpt = None,
    prior: ComparePriorOpt = False,
) -> None:
    """Paired what-if runs: mean difference per dyad and track, with 90% intervals.

    The baseline is SCENARIO; the counterfactual is --against (default SCENARIO) with
    --set. Both use the same runs and seed (common random numbers). Two intervals: Monte
    Carlo precision (of the mean, at the config's values) and, beside it, the interval
    over parameter sets drawn from the posterior (config/posterior.parquet; --prior: the
    config's plausible ranges). A difference is marked (*) only when
    its Monte Carlo interval excludes zero and it is at least 0.05 levels."""
    from sim.research.compare import compare as do_compare

    if chart is not None and chart.suffix.lower() not in (".png", ".svg"):
        raise InputError("--chart", str(chart), "must end in .png or .svg")
    result = do_compare(scenario, list(set_ or []), runs, seed, against, turns, uncertainty, prior)
    summary = result.summary()
    if as_json:
        typer.echo(json.dumps(summary, indent=1))
    else:
        print_comparison(summary)
    if chart is not None:
        result.chart(chart)
        if not as_json:
            typer.echo(f"written: {chart}")


@guarded
def sensitivity(
    scenario: ScenarioArg,
    params: Annotated[list[str], typer.Option(help="ACTOR.param,... (bounds: config ranges)")],
    outcome: OutcomeOpt,
    out: OutOpt,
    method: Annotated[str, typer.Option(help="sobol or morris")] = "sobol",
    runs: BaseRunsOpt = 256,
    seed: SeedOpt = 0,
    set_: SetOpt = None,
    workers: WorkersOpt = None,
    engine: EngineOpt = "local",
    scheduler: SchedOpt = None,
    chunk_size: ChunkOpt = None,
    turns: TurnsOpt = None,
    replicates: ReplicatesOpt = 4,
    quiet: QuietOpt = False,
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


@guarded
def discover(
    scenario: ScenarioArg,
    where: WhereOpt,
    out: OutOpt,
    runs: Annotated[int, typer.Option("--runs", help="Runs (one parameter set each)")] = 2000,
    params: DiscoverParamsOpt = None,
    seed: SeedOpt = 0,
    set_: SetOpt = None,
    turns: TurnsOpt = None,
    density: Annotated[float, typer.Option(help="Least density of the PRIM box shown")] = 0.8,
    workers: WorkersOpt = None,
    engine: EngineOpt = "local",
    scheduler: SchedOpt = None,
    chunk_size: ChunkOpt = None,
    quiet: QuietOpt = False,
    prior: DiscoverPriorOpt = False,
) -> None:
    """Scenario discovery: which assumptions lead to --where? PRIM and CART boxes.

    Samples the parameters (draws of the posterior; --prior: the config's ranges), runs them as a batch in --out (final levels only) and
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
            prior=prior,
        )
    print_discovery(res)
    if res.get("sampled") == "posterior":
        typer.echo("parameter sets: draws of the posterior (config/posterior.parquet)")
    elif res.get("note"):
        typer.echo(f"note: {res['note']}")
    typer.echo(f"\nwritten: {out / 'discovery.html'}, {out / 'discovery.json'}")


@guarded
def report(
    out_dir: Annotated[Path, typer.Argument(help="A batch or sensitivity directory")],
    out: Annotated[Path, typer.Option("--out", help="HTML file to write")],
) -> None:
    """Write one self-contained HTML report of a batch or sensitivity folder."""
    from sim.research.report import write_report

    write_report(out_dir, out)
    typer.echo(f"written: {out}")


#: The research commands, in the order `wargame --help` lists them.
COMMANDS = (batch, verify, replay, compare, sensitivity, discover, report)


def register(app: typer.Typer) -> None:
    """Add the research commands to `app` (the `wargame.commands` entry point)."""
    for command in COMMANDS:
        app.command()(command)
