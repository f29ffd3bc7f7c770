"""`wargame play` and `wargame serve`, registered as a plugin of the `wargame` command
(sim never imports the terminal UI)."""

from __future__ import annotations

import shlex
import sys
from typing import Annotated

import typer

SeatOpt = Annotated[list[str] | None, typer.Option(
    "--seat", help="Actor played by people (repeatable): JPN, GBR, FRA, DEU, NATO")]
SetOpt = Annotated[list[str] | None, typer.Option(
    "--set", help="Override ACTOR.param=VALUE (repeatable)")]


def register(app: typer.Typer) -> None:
    from sim.cli import guarded

    @app.command()
    @guarded
    def play(
        scenario: Annotated[str | None, typer.Argument(
            help="Name in scenarios/ or a path (omit to pick from a list)")] = None,
        seed: Annotated[int, typer.Option(help="Base seed", min=0)] = 0,
        seat: SeatOpt = None,
        set_: SetOpt = None,
        turns: Annotated[int | None, typer.Option(help="Number of turns")] = None,
        load: Annotated[str | None, typer.Option(help="Open a saved game")] = None,
        batch: Annotated[str | None, typer.Option(
            help="Open run --run of this batch folder, to step through it")] = None,
        run: Annotated[int, typer.Option(help="Run of --batch to open", min=0)] = 0,
    ) -> None:
        """Open the terminal UI on SCENARIO (classroom seats with --seat), a saved game
        (--load) or one run of a batch (--batch DIR --run K, bit-identical to its rows)."""
        if batch is not None:
            game = _batch_game(batch, run, seat)
        else:
            game = _game(scenario, seed, seat, set_, turns, load)
        from tui.app import WargameApp

        WargameApp(scenario, seed, seat, set_, turns, game=game).run()

    @app.command()
    @guarded
    def serve(
        scenario: Annotated[str | None, typer.Argument(
            help="Name in scenarios/ or a path (omit to pick from a list)")] = None,
        seed: Annotated[int, typer.Option(help="Base seed", min=0)] = 0,
        seat: SeatOpt = None,
        set_: SetOpt = None,
        turns: Annotated[int | None, typer.Option(help="Number of turns")] = None,
        host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
        port: Annotated[int, typer.Option(help="Port", min=1, max=65535)] = 8000,
    ) -> None:
        """Serve the terminal UI to web browsers (textual-serve), on localhost by default."""
        _game(scenario, seed, seat, set_, turns, None)  # validate before serving
        from textual_serve.server import Server

        Server(serve_command(scenario, seed, seat, set_, turns), host=host, port=port,
               title="Allied wargame").serve()


def _game(scenario, seed, seat, set_, turns, load):
    """Validate the arguments (one-line errors) and build the game when a scenario is given."""
    from sim.savegame import Game, check_seats

    check_seats(seat or [])
    if load:
        return Game.load(load)
    if scenario is None:
        from sim.setup import parse_overrides

        parse_overrides(set_ or [])
        return None
    return Game(scenario, seed, set_ or [], turns, seat or [])


def _batch_game(batch: str, run: int, seat):
    """The game of run `run` of a batch: its scenario, overrides, seed and random stream."""
    from sim.research.batch import run_spec
    from sim.savegame import Game, check_seats

    check_seats(seat or [])
    spec = run_spec(batch, run)
    return Game(spec["scenario"], spec["seed"], spec["overrides"], spec["turns"], seat or [],
                spec["rng_run"])


def serve_command(scenario, seed, seat, set_, turns) -> str:
    """The `wargame play` command line each browser session runs."""
    args = [sys.executable, "-m", "tui", "play"] + ([scenario] if scenario else [])
    args += ["--seed", str(seed)]
    for a in seat or []:
        args += ["--seat", a]
    for s in set_ or []:
        args += ["--set", s]
    if turns is not None:
        args += ["--turns", str(turns)]
    return shlex.join(args)
