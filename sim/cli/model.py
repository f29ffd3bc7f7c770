"""Model-checking commands: `wargame validate-model` and `wargame calibrate`.

Registration only; the work lives in sim/research/validation.py and sim/research/calibrate.py, imported when a
command runs, so that `wargame --help` stays fast.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from sim.cli.main import guarded
from sim.errors import InputError


def register(app: typer.Typer) -> None:
    """Add `validate-model` and `calibrate` to the CLI."""

    @app.command("validate-model")
    @guarded
    def validate_model(
        runs: Annotated[
            int | None,
            typer.Option(
                help="Seeded runs per ensemble (at least 200 for "
                "the report's checks); also the battery's runs at "
                "the point estimates; with --hindcast the parameter sets drawn, one run "
                "each  [default: 200; 1000 with --hindcast]",
                min=1,
                max=100000,
                show_default=False,
            ),
        ] = None,
        seed: Annotated[int, typer.Option(help="Base seed", min=0)] = 0,
        samples: Annotated[
            int,
            typer.Option(
                "--samples",
                help="Parameter sets for the battery's robust verdict: draws of the "
                "posterior (config/posterior.parquet), or with --prior Latin-hypercube points "
                "of the config's plausible ranges",
                min=1,
                max=10000,
            ),
        ] = 64,
        battery_only: Annotated[
            bool, typer.Option("--battery-only", help="Run only the directional battery")
        ] = False,
        no_battery: Annotated[
            bool, typer.Option("--no-battery", help="Run only the ratings and sensitivity checks")
        ] = False,
        strict: Annotated[
            bool,
            typer.Option(
                "--strict",
                help="Exit 1 also when a claim of the battery fails (mechanism checks do not "
                "count)",
            ),
        ] = False,
        claims: Annotated[
            Path | None, typer.Option("--claims", help="Claims file (default: config/claims.yaml)")
        ] = None,
        hindcast: Annotated[
            bool,
            typer.Option(
                "--hindcast",
                help="Run only the hindcast: the 2012-2019 replay without its agreement "
                "shocks, against the record's agreement dates and activity shares, over "
                "--runs draws of the posterior (--prior: the ranges; --point: the config's "
                "values); --strict: exit 1 when its targets are missed",
            ),
        ] = False,
        calibration: Annotated[
            Path | None,
            typer.Option(
                "--calibration",
                help="Patterns of the record (default: config/calibration.yaml)",
            ),
        ] = None,
        prior: Annotated[
            bool,
            typer.Option(
                "--prior",
                help="The battery's robust check (or the hindcast) samples the config's "
                "plausible ranges (Latin hypercube) instead of the posterior "
                "(config/posterior.parquet, or $WARGAME_POSTERIOR)",
            ),
        ] = False,
        point: Annotated[
            bool,
            typer.Option(
                "--point",
                help="The hindcast runs at the config's point estimates [--hindcast]",
            ),
        ] = False,
    ) -> None:
        """Check the calibrated model against the report: 2019 ratings and enablers of the
        2012–2019 replay, the timing of exercises and the report's sensitivities, then the
        directional battery of the report's claims (config/claims.yaml) at the point
        estimates and across the config's plausible ranges. With --hindcast, only the
        hindcast (sim/research/hindcast.py): the replay in which the model itself concludes
        the agreements.

        Exit code 1 when a ratings or sensitivity check fails; the battery's failures and
        the hindcast's misses are reported without changing the exit code unless --strict."""
        if point and not hindcast:
            raise InputError("--point", "", "--point goes with --hindcast")
        if battery_only and no_battery:
            raise InputError(
                "--battery-only", "", "--battery-only and --no-battery exclude each other; give one"
            )
        from sim.inputs.calibration import load_calibration

        patterns = load_calibration(calibration)  # a bad file stops here, before any run
        if hindcast:
            if battery_only or no_battery:
                raise InputError(
                    "--hindcast",
                    "",
                    "--hindcast runs alone; leave out --battery-only, --no-battery",
                )
            if prior and point:
                raise InputError("--point", "", "--point and --prior exclude each other; give one")
            from sim.research.hindcast import run_over, table

            source = "point" if point else "prior" if prior else "posterior"
            result, note = run_over(runs, seed, source, patterns)
            if note:
                typer.echo(f"note: {note}")
            typer.echo(table(result))
            if strict and not result.met:
                raise typer.Exit(1)
            return
        runs = runs or 200
        failed = False
        doc = None
        if not no_battery:
            from sim.research.battery import load_claims

            doc = load_claims(claims)  # bad claims stop here, before any long run
        if not battery_only:
            from sim.research.validation import run_checks, table

            checks = run_checks(runs, seed, patterns)
            typer.echo(table(checks))
            failed = not all(c.passed for c in checks)
        if doc is not None:
            from sim.research.battery import LHS, RUNS_PER_POINT, Battery
            from sim.research.battery_table import claims_fail, headline
            from sim.research.battery_table import table as battery_table

            if not battery_only:
                typer.echo("")
            typer.echo(f"Directional battery: {headline(doc)} (config/claims.yaml)")
            done = []

            def progress(outcome) -> None:  # a line on a terminal, nothing in a pipe
                done.append(outcome)
                typer.echo(
                    f"\r  claim {len(done)}/{len(doc.claims)} {outcome.claim.id:<40}",
                    err=True,
                    nl=len(done) == len(doc.claims),
                )

            show = progress if sys.stderr.isatty() else None
            battery = Battery(doc, runs=runs, samples=samples, seed=seed)
            battery.prior = prior
            outcomes = battery.run(show)
            ps = battery._sample
            posterior = ps is not None and ps.source == "posterior"
            if posterior:
                from sim.research.posterior_file import posterior_label

                label = posterior_label()
            sampled = f"draws of the posterior ({label})" if posterior else LHS
            typer.echo(battery_table(outcomes, runs, samples, RUNS_PER_POINT, sampled))
            if posterior:
                typer.echo(
                    f"robust here: the {samples} parameter sets are draws of the posterior "
                    f"({label}), not Latin-hypercube points; --prior samples the ranges"
                )
            elif ps is not None and ps.note:
                typer.echo(f"note: {ps.note}")
            if strict and claims_fail(outcomes):  # mechanisms are not scored
                failed = True
        if failed:
            raise typer.Exit(1)

    @app.command()
    @guarded
    def calibrate(
        free: Annotated[
            list[str] | None,
            typer.Option(
                "--free", help="Constant to fit (repeatable): ACTOR.param or MODEL.track.name"
            ),
        ] = None,
        runs: Annotated[int, typer.Option(help="Runs per evaluation", min=8)] = 64,
        seed: Annotated[int, typer.Option(help="Base seed", min=0)] = 0,
        posterior: Annotated[
            bool,
            typer.Option(
                "--posterior",
                help="ABC-SMC over every plausible range instead of a least-squares fit of "
                "--free: writes posterior.parquet and diagnostics.html into --out",
            ),
        ] = False,
        out: Annotated[
            Path | None,
            typer.Option("--out", help="Folder of the posterior run (resumable) [--posterior]"),
        ] = None,
        particles: Annotated[
            int, typer.Option(help="Population size [--posterior]", min=4, max=1_000_000)
        ] = 2000,
        generations: Annotated[
            int, typer.Option(help="Most generations [--posterior]", min=1, max=1000)
        ] = 40,
        runs_per_particle: Annotated[
            int, typer.Option(help="Runs per particle [--posterior]", min=1, max=100)
        ] = 4,
        ship: Annotated[
            bool,
            typer.Option("--ship", help="Also write config/posterior.parquet [--posterior]"),
        ] = False,
        workers: Annotated[
            int | None,
            typer.Option(
                help="Local worker processes; the posterior is the same for any number "
                "[--posterior]  [default: all cores]",
                min=1,
                max=1024,
                show_default=False,
            ),
        ] = None,
        dask: Annotated[
            str | None,
            typer.Option(
                "--dask",
                metavar="ADDRESS",
                help="Compute on the Dask cluster at this scheduler address "
                "(tcp://host:8786) or scheduler file instead of local processes [--posterior]",
            ),
        ] = None,
        holdout: Annotated[
            str | None,
            typer.Option(
                "--holdout",
                metavar="PERIOD",
                help="Leave this period's activity profile out of the fit and report how "
                "well the posterior predicts it (2016-19) [--posterior]",
            ),
        ] = None,
    ) -> None:
        """Fit constants to the report's 2019 ratings (end of the 2012-2019 replay and
        steady state of the baseline); prints fitted values and the gaps before and after.
        With --posterior, fit a posterior sample of every plausible range instead (ABC-SMC,
        sim/research/posterior.py) to the 2019 ratings and enablers and to the hindcast's
        agreement dates and activity profile (config/calibration.yaml); Ctrl+C stops it and
        the same command resumes it. WARGAME_POSTERIOR=DIR/posterior.parquet points
        compare, discover and validate-model at the result; --ship replaces the shipped one."""
        if not posterior:
            for name, given in (("--workers", workers), ("--dask", dask), ("--holdout", holdout)):
                if given is not None:
                    raise InputError(name, str(given), f"{name} goes with --posterior")
        if posterior:
            from sim.research.posterior_page import calibrate_posterior

            if out is None:
                raise InputError("--out", "", "--posterior needs a folder: --out DIR")
            calibrate_posterior(
                out,
                particles,
                generations,
                runs_per_particle,
                seed,
                ship,
                typer.echo,
                workers=workers,
                dask=dask,
                holdout=holdout,
            )
            return
        if not free:
            raise InputError(
                "--free", "", "name at least one constant to fit, e.g. --free MODEL.exercise.bias"
            )
        import numpy as np

        from sim.research.calibrate import fit

        fr, x, before, after = fit(free, runs, seed)
        typer.echo(f"{'constant':<28}{'before':>9}{'fitted':>9}   range")
        for f, v in zip(fr, x, strict=True):
            typer.echo(f"{f.key:<28}{f.value:>9.3f}{v:>9.3f}   [{f.lo:g}, {f.hi:g}]")
        n = len(before) // 2
        for name, sl in (
            ("2019-Q4 of the replay", slice(0, n)),
            ("end of the baseline", slice(n, None)),
        ):
            typer.echo(
                f"{name:<24} mean |gap| {np.abs(before[sl]).mean():.3f} -> "
                f"{np.abs(after[sl]).mean():.3f}   max |gap| "
                f"{np.abs(before[sl]).max():.3f} -> {np.abs(after[sl]).max():.3f}"
            )
        typer.echo("Write the fitted values into config/ and rerun `wargame validate-model`.")
