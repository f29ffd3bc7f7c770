"""What the research commands print: a rich progress bar on stderr while a batch runs, and the
results of `compare`, `sensitivity` and `discover` as rich tables (plain columns when the
output is not a terminal); `--json` prints the same numbers as JSON."""

from __future__ import annotations

from contextlib import contextmanager

import typer

from sim.cli.tables import console, show, table


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


def print_comparison(summary: dict) -> None:
    """`compare`'s final-turn differences with their intervals as a table on stdout: a
    header that names each side in words, the baseline's and the counterfactual's mean
    levels, their difference with its marks, and both intervals."""
    from rich.markup import escape

    from sim.research.compare import MC_NOTE, legend, mark

    con = console()
    unc = summary.get("uncertainty")
    con.print(
        f"Counterfactual minus baseline at the final turn ({summary['over_time'][-1]['date']}), "
        f"{summary['runs']} paired runs, seed {summary['seed']}\n"
        f"  baseline:       {summary['sides']['baseline']}\n"
        f"  counterfactual: {summary['sides']['counterfactual']}",
        markup=False,
    )
    t = table(con)
    t.add_column("dyad", no_wrap=True)
    t.add_column("track", no_wrap=True)
    for col in ("baseline", "counterf.", "diff"):
        t.add_column(col, justify="right", no_wrap=True)
    t.add_column("MC precision 90% interval", min_width=16)
    posterior = bool(unc) and unc.get("source") == "posterior"
    label = "posterior" if posterior else "param."
    if unc:
        t.add_column(f"with {label} uncertainty 90% interval", min_width=16)
    for r in summary["final"]:
        cells = [
            r["dyad"],
            r["track"],
            f"{r['baseline']:.3f}",
            f"{r['counterfactual']:.3f}",
            f"{r['difference']:+.3f}{mark(r):2}",
            f"[{r['low']:+.3f}, {r['high']:+.3f}]",
        ]
        if unc:
            cells.append(f"[{r['param_low']:+.3f}, {r['param_high']:+.3f}]")
        t.add_row(*map(escape, cells))
    show(con, t)
    notes = [legend(summary), f"MC precision: {MC_NOTE.split(': ', 1)[1]}."]
    if unc:
        notes.append(
            f"With {label} uncertainty: {summary['intervals']['param_low_high'].split(': ', 1)[1]}."
        )
        if unc.get("fallback"):
            notes.append(f"Note: {unc['fallback']}.")
    else:
        notes.append(
            "Parameter uncertainty left out (--uncertainty 0): the interval shows chance "
            "only, at the config's values."
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
