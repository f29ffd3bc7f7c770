"""The facilitator console: the terminal that ran `wargame host` (without --headless).

It runs the host in its own event loop and shows who is connected and who has submitted,
the turn timer, every proposal and every team's score and private information. `a`
advances the turn now, `p` pauses (the timer stops and nothing advances), the Inject tab
sends a shock or a message to everyone or to one team privately. Tabs keep every panel and
action reachable at 80x24.
"""

from __future__ import annotations

import contextlib

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import App, ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.css.query import NoMatches
from textual.widgets import Button, Footer, Input, Label, Select, Static, TabbedContent, TabPane

from sim.game.session import SessionError
from tui.classroom import views
from tui.keymap import CONSOLE, bindings


class ConsoleApp(App):
    """Runs one hosted game and lets the facilitator steer it."""

    CSS_PATH = "classroom.tcss"
    TITLE = "Allied wargame — facilitator"
    BINDINGS = bindings(CONSOLE)

    def __init__(self, host, start: bool = True):
        super().__init__()
        self.host = host
        self.start_server = start

    def compose(self) -> ComposeResult:
        yield Static("starting…", id="status")
        with TabbedContent(id="tabs"):
            with TabPane("1 Seats", id="seats"), VerticalScroll():
                yield Static(id="seats-table")
                yield Static(id="waiting")
            with TabPane("2 Inject", id="inject"), VerticalScroll():
                yield Label("Shock (applies next turn through the engine; blank: words only)")
                yield Select([], prompt="shock", id="shock")
                yield Select([], prompt="tell everyone", id="inject-to")
                yield Input(placeholder="words for the team(s)", id="inject-text")
                with Horizontal(classes="row"):
                    yield Button("Inject", id="do-inject", variant="warning")
            with TabPane("3 Deals", id="deals"), VerticalScroll():
                yield Static(id="proposals")
            with TabPane("4 Scores", id="scores"), VerticalScroll():
                yield Static(id="score-text")
                yield Static(id="levels-table")
                yield Static(id="params")
            with TabPane("5 Log", id="log"), VerticalScroll():
                yield Static(id="log-text")
            with TabPane("6 Join", id="join"), VerticalScroll():
                yield Static(id="addresses")
                with Horizontal(classes="row"):
                    yield Select([], prompt="seat", id="reseat-seat")
                    yield Button("Reseat: new address", id="reseat", variant="warning")
        yield Footer()

    async def on_mount(self) -> None:
        h = self.host
        if self.start_server:
            await h.start()
        h.on_change = self.redraw
        ses = h.session
        self.query_one("#shock", Select).set_options(
            [(f"{v.name[:60]}", k) for k, v in ses.game.library().items()]
        )
        self.query_one("#inject-to", Select).set_options([(f"only {a}", a) for a in ses.seats])
        self.query_one("#reseat-seat", Select).set_options([(a, a) for a in ses.seats])
        self.redraw()

    def redraw(self) -> None:
        with contextlib.suppress(NoMatches):  # the console is closing
            self._redraw()

    def _redraw(self) -> None:
        h, ses = self.host, self.host.session
        st = ses.view("facilitator", None, h.connected(), h.deadline())
        self.query_one("#status", Static).update(
            Text(
                views.status_line(st, None, ses.game.setup.turns)
                + f"  ·  {len(h.clients)} connections"
            )
        )
        t = Table(expand=True, box=None, header_style="bold")
        for c in ("seat", "connected", "submitted", "proposals to answer", "score"):
            t.add_column(c)
        conn = set(h.connected())
        for a in ses.seats:
            t.add_row(
                a,
                "yes" if a in conn else "—",
                "yes" if a in ses.submitted else "—",
                str(len(ses.open_for(a))) or "0",
                f"{sum(st.scores.get(a, [])):g}",
            )
        self.query_one("#seats-table", Static).update(t)
        waiting = h.waiting_for()
        self.query_one("#waiting", Static).update(
            Text(
                "Game over."
                if ses.done
                else ("Waiting for: " + ", ".join(waiting))
                if waiting
                else "Every seat is ready."
            )
        )
        self.query_one("#proposals", Static).update(views.proposals_table(st, None))
        self.query_one("#score-text", Static).update(views.score_text(st, ses.seats))
        self.query_one("#levels-table", Static).update(views.levels_table(st))
        self.query_one("#params", Static).update(views.params_text(st, None))
        self.query_one("#log-text", Static).update(Text("\n".join(reversed(st.log)) or "—"))
        self.query_one("#addresses", Static).update(
            Text(
                "\n".join(f"{k:<12} {u}" for k, u in h.addresses().items())
                + "\n\nGive each team its own line. Teams join with wargame join ADDRESS "
                "(browsers: --serve); to keep the token off the command line, join with "
                "ws://HOST:PORT --seat SEAT and paste the line when asked, or use "
                "--token-file FILE or $WARGAME_TOKEN."
            )
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Digits switch tabs from any widget, except while typing into a text field."""
        return not (action == "tab" and isinstance(self.focused, Input))

    def action_tab(self, tab: str) -> None:
        # a focused widget in the old pane would pull the tabs back to it
        self.set_focus(None)
        self.query_one("#tabs", TabbedContent).active = tab

    async def action_advance(self) -> None:
        await self.host.advance()
        self.redraw()

    def action_pause(self) -> None:
        self.host.set_paused(not self.host.session.paused)
        self.redraw()

    @on(Button.Pressed, "#do-inject")
    async def _inject(self) -> None:
        shock = self.query_one("#shock", Select).value
        to = self.query_one("#inject-to", Select).value
        text = self.query_one("#inject-text", Input).value
        try:
            await self.host.inject(
                None if shock is Select.BLANK else shock, None if to is Select.BLANK else to, text
            )
        except SessionError as exc:
            self.notify(exc.message, severity="error", markup=False)
            return
        self.notify("inject queued for next turn" + ("" if to is Select.BLANK else f" ({to})"))
        self.query_one("#inject-text", Input).value = ""
        self.redraw()

    @on(Button.Pressed, "#reseat")
    async def _reseat(self) -> None:
        """A new token for the seat (a team moved to another screen, or a lost address):
        whoever holds the old one is disconnected."""
        seat = self.query_one("#reseat-seat", Select).value
        if seat is Select.BLANK:
            self.notify("choose a seat", severity="warning")
            return
        await self.host.reseat(seat)
        self.notify(f"{seat} has a new join address (Join tab)")
        self.redraw()

    async def action_quit(self) -> None:
        self.host.on_change = None
        await self.host.stop()
        self.exit()
