"""`wargame host` and `wargame join`, registered through the `wargame.commands` entry point.

`host --headless` and `join --bot` never import Textual; without them the facilitator console
and the joined client open in the terminal (or, with `join --serve`, in web browsers).
"""

from __future__ import annotations

import asyncio
import shlex
import sys
from pathlib import Path
from typing import Annotated

import typer

from sim.cli.listing import complete_scenario


def register(app: typer.Typer) -> None:
    from sim.cli.main import guarded

    @app.command()
    @guarded
    def host(
        scenario: Annotated[
            str | None,
            typer.Argument(
                help="Scenario name or path (omit with --resume)", autocompletion=complete_scenario
            ),
        ] = None,
        out: Annotated[
            Path | None,
            typer.Option(help="Folder for the save, tokens and report (default ./hosted-SCENARIO)"),
        ] = None,
        port: Annotated[
            int, typer.Option(help="Port to listen on (0: any free)", min=0, max=65535)
        ] = 8765,
        bind: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
        seed: Annotated[int, typer.Option(help="Base seed", min=0)] = 0,
        turns: Annotated[int | None, typer.Option(help="Number of turns", min=1)] = None,
        headless: Annotated[
            bool, typer.Option(help="No console: advance when every seat has submitted")
        ] = False,
        timer: Annotated[
            float | None,
            typer.Option(help="Seconds per turn; the turn advances when it runs out", min=1),
        ] = None,
        wait: Annotated[
            float,
            typer.Option(help="Seconds a seat may stay empty before the model plays it", min=0),
        ] = 60.0,
        injects: Annotated[
            str | None,
            typer.Option(help="Inject timetable (YAML: injects: [{turn, shock, to, text}])"),
        ] = None,
        objectives: Annotated[
            str | None,
            typer.Option(
                help="Briefs and objectives replacing the scenario's and config/classroom.yaml's, "
                "per seat"
            ),
        ] = None,
        resume: Annotated[
            Path | None, typer.Option(help="Continue the game saved in this folder")
        ] = None,
        verify: Annotated[
            Path | None,
            typer.Option(help="Replay the game saved in this folder and check it bit for bit"),
        ] = None,
        timeout: Annotated[
            float | None, typer.Option(help="Stop after this many seconds (headless)", min=1)
        ] = None,
    ) -> None:
        """Host one classroom game that every team joins from its own screen."""
        from sim.errors import InputError
        from sim.game.session import SESSION_FILE, Session, verify_replay

        if verify is not None:
            n, same = verify_replay(verify)
            typer.echo(
                f"{verify / 'game.json'}: replayed {n} levels "
                + ("bit-identical to the hosted game" if same else "DIFFERENT")
            )
            raise typer.Exit(0 if same else 1)
        if resume is not None:
            session = Session.resume(resume)
        else:
            if scenario is None:
                raise InputError(
                    "host", "scenario", "give a scenario (e.g. classroom) or --resume FOLDER"
                )
            folder = out or Path(f"hosted-{Path(scenario).stem}")
            if (folder / SESSION_FILE).exists():
                raise InputError(
                    str(folder),
                    "",
                    "already holds a hosted game; continue it "
                    f"with --resume {folder} or choose another --out",
                )
            session = Session(scenario, folder, seed, turns, objectives, injects)
        from sim.game.host import Host

        h = Host(session, headless=headless, timer=timer, wait=wait, host=bind, port=port)
        if headless:
            asyncio.run(_headless(h, timeout))
        else:
            from tui.classroom.console import ConsoleApp

            ConsoleApp(h).run()

    @app.command()
    @guarded
    def join(
        address: Annotated[
            str,
            typer.Argument(
                help="Join address printed by the host (ws://HOST:PORT/?seat=..&token=..); "
                "without its token, the token comes from --token-file, $WARGAME_TOKEN, the "
                "host's registry (same machine) or a prompt"
            ),
        ],
        seat: Annotated[
            str | None,
            typer.Option(
                help="Seat: an actor of the game (JPN, GBR, FRA, DEU, NATO or one the scenario "
                "adds), observer or facilitator"
            ),
        ] = None,
        token: Annotated[
            str | None,
            typer.Option(
                help="Token, if not in the address (visible to other users in the process "
                "list: prefer --token-file or $WARGAME_TOKEN)"
            ),
        ] = None,
        token_file: Annotated[
            str | None,
            typer.Option(
                help="File holding the token or the join address, or the host's tokens.json"
            ),
        ] = None,
        bot: Annotated[bool, typer.Option(help="Let the model play this seat")] = False,
        serve: Annotated[
            bool, typer.Option(help="Serve this seat's screen to web browsers (textual-serve)")
        ] = False,
        port: Annotated[int, typer.Option(help="Port for --serve", min=1, max=65535)] = 8100,
        timeout: Annotated[
            float | None, typer.Option(help="Give up after this many seconds (--bot)", min=1)
        ] = None,
    ) -> None:
        """Join a hosted game: a seat's screen, an observer's, or a bot playing the seat."""
        from sim.game.client import join_url

        ask = None
        if sys.stdin.isatty():

            def ask(text: str) -> str:
                return typer.prompt(text, hide_input=True)

        url = join_url(address, seat, token, token_file, prompt=ask)
        if bot:
            from sim.errors import InputError
            from sim.game.client import run_bot

            try:
                res = asyncio.run(run_bot(url, log=lambda s: typer.echo(s), timeout=timeout))
            except ConnectionError as exc:
                raise InputError(address, "", str(exc)) from None
            except TimeoutError:
                typer.echo(f"gave up after {timeout:g} s", err=True)
                raise typer.Exit(1) from None
            if res.get("scores"):
                typer.echo(
                    "final scores: " + ", ".join(f"{k} {v:g}" for k, v in res["scores"].items())
                )
            return
        if serve:
            import os

            from sim.game.client import child_command
            from tui.serve import GuardedServer, new_token

            # each browser session's process gets the seat's token in its environment (only
            # this user can read it), never on its command line (every user can); the page
            # itself needs the printed address with its own token
            argv, env = child_command(url)
            os.environ.update(env)
            GuardedServer(
                shlex.join(argv),
                host="127.0.0.1",
                port=port,
                title="Allied wargame",
                token=new_token(),
            ).serve()
            return
        from tui.classroom.client_app import ClientApp

        ClientApp(url).run()


async def _headless(h, timeout: float | None) -> None:
    await h.start()
    typer.echo(
        f"hosting {h.session.game.setup.name} on ws://{h.address}:{h.port} "
        f"(turn {h.session.turn} of {h.session.game.setup.turns}); saving in "
        f"{h.session.out}"
    )
    for k, url in h.addresses().items():
        typer.echo(f"  {k:<12} {url}")
    for note in h.session.plan_notes():
        typer.echo(f"note: {note}")
    last = [h.session.turn]

    def progress() -> None:
        if h.session.turn != last[0]:
            last[0] = h.session.turn
            typer.echo(
                f"turn {last[0]} played ({h.session.game.date}); saved in "
                f"{h.session.out / 'game.json'}"
            )

    h.on_change = progress
    try:
        await asyncio.wait_for(h.finished.wait(), timeout)
        typer.echo(f"game over; report: {h.report_path}")
        await asyncio.sleep(h.linger)
    except TimeoutError:
        typer.echo(
            f"stopped after {timeout:g} s at turn {h.session.turn}; continue with "
            f"wargame host --resume {h.session.out}",
            err=True,
        )
        raise typer.Exit(1) from None
    finally:
        await h.stop()
