"""`wargame play` and `wargame serve`, registered as a plugin of the `wargame` command
(sim never imports the terminal UI)."""

from __future__ import annotations

import shlex
import sys
from typing import Annotated

import typer

from sim.cli.listing import complete_scenario, complete_set_key

SeatOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--seat",
        help="Actor played by people (repeatable): JPN, GBR, FRA, DEU, NATO or one the scenario adds",
    ),
]
SetOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--set", help="Override ACTOR.param=VALUE (repeatable)", autocompletion=complete_set_key
    ),
]
ScenarioArg = Annotated[
    str | None,
    typer.Argument(
        help="Name in scenarios/ or a path (omit to pick from a list)",
        autocompletion=complete_scenario,
    ),
]


def register(app: typer.Typer) -> None:
    from sim.cli.main import guarded
    from sim.errors import InputError

    @app.command()
    @guarded
    def play(
        scenario: ScenarioArg = None,
        seed: Annotated[int, typer.Option(help="Base seed", min=0)] = 0,
        seat: SeatOpt = None,
        set_: SetOpt = None,
        turns: Annotated[int | None, typer.Option(help="Number of turns")] = None,
        load: Annotated[str | None, typer.Option(help="Open a saved game")] = None,
        batch: Annotated[
            str | None, typer.Option(help="Open run --run of this batch folder, to step through it")
        ] = None,
        run: Annotated[int, typer.Option(help="Run of --batch to open", min=0)] = 0,
    ) -> None:
        """Open the terminal UI on SCENARIO (classroom seats with --seat), a saved game
        (--load) or one run of a batch (--batch DIR --run K, bit-identical to its rows)."""
        if batch is not None:
            game = _batch_game(batch, run, seat)
        else:
            game = _game(scenario, seed, seat, set_, turns, load)
        from tui.app import WargameApp

        exit_with_the_server()
        WargameApp(scenario, seed, seat, set_, turns, game=game).run()

    @app.command()
    @guarded
    def serve(
        scenario: ScenarioArg = None,
        seed: Annotated[int, typer.Option(help="Base seed", min=0)] = 0,
        seat: SeatOpt = None,
        set_: SetOpt = None,
        turns: Annotated[int | None, typer.Option(help="Number of turns")] = None,
        host: Annotated[
            str,
            typer.Option(
                help="Address to listen on (other than loopback: "
                "reachable from the network; the token is "
                "required)"
            ),
        ] = "127.0.0.1",
        port: Annotated[int, typer.Option(help="Port", min=1, max=65535)] = 8000,
        public_url: Annotated[
            str | None,
            typer.Option(
                help="Address browsers use, e.g. https://games.example.org/wargame behind a "
                "proxy or http://192.168.1.20:8000 on a LAN (default: http://HOST:PORT)"
            ),
        ] = None,
        token: Annotated[
            str | None,
            typer.Option(help="Access token (default: a new random one, printed in the URL)"),
        ] = None,
        no_token: Annotated[
            bool, typer.Option("--no-token", help="Serve without a token (loopback only)")
        ] = False,
        sessions: Annotated[
            int, typer.Option(help="Most browser sessions at once (each runs its own game process)")
        ] = 8,
        idle_timeout: Annotated[
            float, typer.Option(help="Close a session after this many seconds without input")
        ] = 1800.0,
    ) -> None:
        """Serve the terminal UI to web browsers (textual-serve), on localhost by default,
        behind a random token like a notebook server."""
        from tui.serve import GuardedServer, check_host, check_public_url, is_loopback, new_token

        check_host(host)
        if public_url is not None:
            check_public_url(public_url)
        if not 1 <= sessions <= 1000:
            raise InputError("--sessions", "", f"{sessions} is out of range; allowed: 1 to 1000")
        if not 1 <= idle_timeout <= 7 * 86400:
            raise InputError(
                "--idle-timeout",
                "",
                f"{idle_timeout:g} is out of range; allowed: 1 to 604800 seconds",
            )
        if token is not None and (
            len(token) < 16
            or not token.isascii()
            or not token.replace("-", "").replace("_", "").isalnum()
        ):
            raise InputError("--token", "", "a token is at least 16 letters, digits, - or _")
        if no_token and not is_loopback(host):
            raise InputError(
                "--no-token",
                "",
                f"refused with --host {host}: anyone on the network could play; keep the token",
            )
        _game(scenario, seed, seat, set_, turns, None)  # validate before serving
        if not is_loopback(host):
            typer.echo(
                f"warning: listening on {host}: reachable from other machines; only "
                "people with the token can play",
                err=True,
            )
        GuardedServer(
            serve_command(scenario, seed, seat, set_, turns),
            host=host,
            port=port,
            title="Allied wargame",
            public_url=public_url,
            token=None if no_token else (token or new_token()),
            max_sessions=sessions,
            idle_timeout=idle_timeout,
        ).serve()


def _game(scenario, seed, seat, set_, turns, load):
    """Validate the arguments (one-line errors) and build the game when a scenario is given."""
    from sim.game.game import Game, check_seats
    from sim.vocabulary import AGENT_ACTORS

    if scenario is not None and not load:
        # seats and --set keys name the scenario's actors (australia-joins adds AUS)
        return Game(scenario, seed, set_ or [], turns, seat or [])
    check_seats(seat or [], AGENT_ACTORS)
    if load:
        return Game.load(load)
    from sim.inputs.setup import parse_overrides

    parse_overrides(set_ or [])
    return None


def _batch_game(batch: str, run: int, seat):
    """The game of run `run` of a batch: its scenario, overrides, seed and random stream."""
    from sim.game.game import Game
    from sim.research.replay import RunSpec

    spec = RunSpec.from_batch(batch, run)
    return Game(spec.scenario, spec.seed, spec.all_overrides, spec.turns, seat or [], spec.rng_run)


def exit_with_the_server() -> None:
    """In a browser session of `wargame serve` (textual's web driver), end this process
    when the server process is gone. The server stops its sessions when it is asked to
    stop; killed outright (SIGKILL, a crash), it cannot, and the session would live on,
    orphaned. Its command starts with `exec`, so the server is this process's parent."""
    import os

    if not os.environ.get("TEXTUAL_DRIVER", "").endswith("web_driver:WebDriver"):
        return
    import threading
    import time

    server = os.getppid()

    def watch() -> None:
        while os.getppid() == server:
            time.sleep(0.5)
        os._exit(0)  # nobody is left to show anything to

    threading.Thread(target=watch, name="exit-with-the-server", daemon=True).start()


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
    return "exec " + shlex.join(args)  # the shell becomes the app: a kill reaches it
