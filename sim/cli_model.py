"""Model-checking commands: `wargame validate-model` and `wargame calibrate`.

Registration only; the work lives in sim/validation.py and sim/calibrate.py, imported when a
command runs, so that `wargame --help` stays fast.
"""

from __future__ import annotations

from typing import Annotated

import typer

from .cli import guarded


def register(app: typer.Typer) -> None:
    """Add `validate-model` and `calibrate` to the CLI."""

    @app.command("validate-model")
    @guarded
    def validate_model(
        runs: Annotated[int, typer.Option(help="Seeded runs per ensemble (at least 200 for "
                                          "the report's checks)", min=1, max=100000)] = 200,
        seed: Annotated[int, typer.Option(help="Base seed", min=0)] = 0,
    ) -> None:
        """Check the calibrated model against the report: 2019 ratings and enablers of the
        2012–2019 replay, the timing of exercises, and the report's sensitivities."""
        from .validation import run_checks, table

        checks = run_checks(runs, seed)
        typer.echo(table(checks))
        if not all(c.passed for c in checks):
            raise typer.Exit(1)

    @app.command()
    @guarded
    def calibrate(
        free: Annotated[list[str], typer.Option(
            "--free", help="Constant to fit (repeatable): ACTOR.param or MODEL.track.name")],
        runs: Annotated[int, typer.Option(help="Runs per evaluation", min=8)] = 64,
        seed: Annotated[int, typer.Option(help="Base seed", min=0)] = 0,
    ) -> None:
        """Fit constants to the report's 2019 ratings (end of the 2012-2019 replay and
        steady state of the baseline); prints fitted values and the gaps before and after."""
        import numpy as np

        from .calibrate import fit

        fr, x, before, after = fit(free, runs, seed)
        typer.echo(f"{'constant':<28}{'before':>9}{'fitted':>9}   range")
        for f, v in zip(fr, x, strict=True):
            typer.echo(f"{f.key:<28}{f.value:>9.3f}{v:>9.3f}   [{f.lo:g}, {f.hi:g}]")
        n = len(before) // 2
        for name, sl in (("2019-Q4 of the replay", slice(0, n)),
                         ("end of the baseline", slice(n, None))):
            typer.echo(f"{name:<24} mean |gap| {np.abs(before[sl]).mean():.3f} -> "
                       f"{np.abs(after[sl]).mean():.3f}   max |gap| "
                       f"{np.abs(before[sl]).max():.3f} -> {np.abs(after[sl]).max():.3f}")
        typer.echo("Write the fitted values into config/ and rerun `wargame validate-model`.")
