"""Batch commands of `wargame`: batch, replay, compare, sensitivity and report.

Registered through the `wargame.commands` entry point; heavy modules are imported inside the
command bodies so that `wargame --help` stays fast.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from .cli import SetOpt, guarded

RunsOpt = Annotated[int, typer.Option("--runs", help="Number of runs (see --help of each "
                                      "command for designs)")]
SeedOpt = Annotated[int, typer.Option(help="Base seed", min=0)]
EngineOpt = Annotated[str, typer.Option(help="local (processes on this machine) or dask")]
WorkersOpt = Annotated[int | None, typer.Option(help="Worker processes (default: all cores)")]
SchedOpt = Annotated[str | None, typer.Option(help="Dask scheduler address, e.g. "
                                              "tcp://10.0.0.5:8786 (default: a local cluster)")]
ChunkOpt = Annotated[int | None, typer.Option("--chunk-size", help="Runs stepped together per "
                                              "chunk (default 1000)")]
TurnsOpt = Annotated[int | None, typer.Option(help="Number of turns (default: the scenario's)")]


def _csv(items: list[str] | None) -> list[str]:
    return [p.strip() for item in items or [] for p in item.split(",") if p.strip()]


def register(app: typer.Typer) -> None:
    @app.command()
    @guarded
    def batch(
        scenario: Annotated[str, typer.Argument(help="Name in scenarios/ or a path")],
        out: Annotated[Path, typer.Option("--out", help="Output directory")],
        runs: RunsOpt = 1000,
        seed: SeedOpt = 0,
        set_: SetOpt = None,
        sweep: Annotated[list[str] | None, typer.Option(
            help="ACTOR.param=LO:HI:STEPS (or =STEPS, or bare: the config range, 5 steps); "
                 "repeatable, crossed as a grid; --runs replicates each point")] = None,
        sample: Annotated[str | None, typer.Option(
            help="grid | lhs | sobol | morris over --params within their config ranges. "
                 "grid: about --runs points; lhs: --runs points; sobol: --runs base "
                 "samples x (params + 2); morris: --runs trajectories x (params + 1)")] = None,
        params: Annotated[list[str] | None, typer.Option(
            help="ACTOR.param,... sampled by --sample")] = None,
        workers: WorkersOpt = None,
        engine: EngineOpt = "local",
        scheduler: SchedOpt = None,
        chunk_size: ChunkOpt = None,
        turns: TurnsOpt = None,
        quiet: Annotated[bool, typer.Option(help="No progress bar")] = False,
    ) -> None:
        """Run many games of SCENARIO into --out (tidy Parquet and a manifest).

        Chunks are written atomically: rerunning the same command resumes an interrupted
        batch."""
        from .batch import DEFAULT_CHUNK, BatchRequest, run_batch

        req = BatchRequest(scenario, runs, out, seed, list(set_ or []), list(sweep or []),
                           sample, _csv(params), turns,
                           DEFAULT_CHUNK if chunk_size is None else chunk_size)
        prep = run_batch(req, engine, workers, scheduler, progress=not quiet)
        s = prep.manifest["timings"]["sessions"][-1]
        typer.echo(f"{prep.design.runs} runs of {prep.setup.name} in {out} "
                   f"({s['runs_run']} run now in {s['seconds']:.2f} s; "
                   f"design {prep.design.kind})")

    @app.command()
    @guarded
    def replay(
        out: Annotated[Path, typer.Argument(help="A batch directory")],
        run: Annotated[int, typer.Option("--run", help="Run index in the batch")],
        as_json: Annotated[bool, typer.Option("--json", help="Print the run as JSON")] = False,
    ) -> None:
        """Re-simulate run K of a batch alone (bit-identical to its rows in DIR)."""
        from .batch import replay_model
        from .cli import show_run

        show_run(replay_model(out, run, keep_snapshots=not as_json), as_json)

    @app.command()
    @guarded
    def compare(
        scenario: Annotated[str, typer.Argument(help="Baseline scenario (name or path)")],
        against: Annotated[str | None, typer.Option(help="Counterfactual scenario "
                                                    "(default: SCENARIO)")] = None,
        set_: SetOpt = None,
        runs: RunsOpt = 1000,
        seed: SeedOpt = 0,
        turns: TurnsOpt = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON (with the "
                                              "difference over time)")] = False,
        uncertainty: Annotated[int, typer.Option(
            "--uncertainty", help="Also sample the config's plausible ranges at N Latin-"
            "hypercube points (about --runs / N runs each) and show the 90% interval that "
            "includes parameter uncertainty (0: off)")] = 0,
    ) -> None:
        """Paired what-if runs: mean difference per dyad and track, with a 90% interval.

        The baseline is SCENARIO; the counterfactual is --against (default SCENARIO) with
        --set. Both use the same runs and seed (common random numbers). The interval is Monte
        Carlo precision (of the mean, at the config's values); --uncertainty N adds the
        interval over the config's plausible parameter ranges."""
        from .compare import compare as do_compare
        from .compare import format_table

        summary = do_compare(scenario, list(set_ or []), runs, seed, against, turns,
                             uncertainty).summary()
        typer.echo(json.dumps(summary, indent=1) if as_json else format_table(summary))

    @app.command()
    @guarded
    def sensitivity(
        scenario: Annotated[str, typer.Argument(help="Name in scenarios/ or a path")],
        params: Annotated[list[str], typer.Option(help="ACTOR.param,... (bounds: config "
                                                  "ranges)")],
        outcome: Annotated[str, typer.Option(help="DYAD.TRACK at the final turn, e.g. "
                                             "JPN-DEU.exercise")],
        out: Annotated[Path, typer.Option("--out", help="Output directory")],
        method: Annotated[str, typer.Option(help="sobol or morris")] = "sobol",
        runs: Annotated[int, typer.Option("--runs", help="Base samples (sobol) or "
                                          "trajectories (morris)")] = 256,
        seed: SeedOpt = 0,
        set_: SetOpt = None,
        workers: WorkersOpt = None,
        engine: EngineOpt = "local",
        scheduler: SchedOpt = None,
        chunk_size: ChunkOpt = None,
        turns: TurnsOpt = None,
        replicates: Annotated[int, typer.Option(help="Runs per design point on common random "
                                                "numbers; the outcome is their mean")] = 4,
        quiet: Annotated[bool, typer.Option(help="No progress bar")] = False,
    ) -> None:
        """Sobol indices or Morris screening of one outcome at the final turn.

        Writes sensitivity.csv, .json and .png next to the study's runs in --out."""
        from .sensitivity import format_table, run_study

        result = run_study(scenario, method, _csv(params), runs, outcome, out, seed,
                           list(set_ or []), turns, engine, workers, scheduler, chunk_size,
                           progress=not quiet, replicates=replicates)
        typer.echo(format_table(result))
        typer.echo(f"\nwritten: {out / 'sensitivity.csv'}, {out / 'sensitivity.json'}, "
                   f"{out / 'sensitivity.png'}")

    @app.command()
    @guarded
    def report(
        out_dir: Annotated[Path, typer.Argument(help="A batch or sensitivity directory")],
        out: Annotated[Path, typer.Option("--out", help="HTML file to write")],
    ) -> None:
        """Write one self-contained HTML report of a batch or sensitivity folder."""
        from .report import write_report

        write_report(out_dir, out)
        typer.echo(f"written: {out}")
