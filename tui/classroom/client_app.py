"""`wargame join ADDRESS --seat X`: a team's own screen of the shared game.

Tabs, so that every panel and action is reachable at 80x24: the brief, objectives and score,
cooperation levels, private information (own parameters, private injects), deals (proposals
in and out, with accept / reject / counter) and the move form. Keys 1–7 switch tabs, `s`
submits the move. The connection reconnects and gets its seat back by itself.
"""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import (
    Button,
    Checkbox,
    Footer,
    Input,
    Label,
    Select,
    SelectionList,
    Static,
    TabbedContent,
    TabPane,
)

from sim.game import protocol as P
from sim.vocabulary import ENABLERS
from tui.classroom import views
from tui.keymap import SEAT, bindings

KINDS = [
    ("exercise", "exercise"),
    ("agreement", "agreement"),
    ("equipment project", "equipment"),
    ("statement on China", "statement_china"),
    ("statement on Russia", "statement_russia"),
    ("2+2 talks", "two_plus_two"),
]


class ClientApp(App):
    """One seat (or an observer, or the facilitator) of a hosted game."""

    CSS_PATH = "classroom.tcss"
    TITLE = "Allied wargame"
    BINDINGS = bindings(SEAT)

    def __init__(self, url: str | None = None):
        super().__init__()
        self.url = url
        self.welcome: P.Welcome | None = None
        self.state: P.State | None = None
        self.conn = None
        self.over: P.Over | None = None

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        yield Static("connecting…", id="status")
        with TabbedContent(id="tabs"):
            with TabPane("1 Brief", id="brief"), VerticalScroll():
                yield Static(id="brief-text")
            with TabPane("2 Score", id="score"), VerticalScroll():
                yield Static(id="score-text")
                yield Static(id="objectives")
            with TabPane("3 Levels", id="levels"), VerticalScroll():
                yield Static(id="levels-table")
                yield Static(id="anchors", classes="dim")
            with TabPane("4 Private", id="private"), VerticalScroll():
                yield Static(id="private-notices")
                yield Static(id="params")
            with TabPane("5 Deals", id="deals"), VerticalScroll():
                with Horizontal(classes="row"):
                    yield Select([], prompt="proposal", id="answer-id")
                    yield Button("Accept", id="accept", variant="success")
                    yield Button("Reject", id="reject", variant="error")
                    yield Button("Counter", id="counter")
                yield Label("New proposal (or the terms of a counter):")
                with Horizontal(classes="row"):
                    yield Select([], prompt="to", id="deal-to")
                    yield Select(KINDS, prompt="kind", id="deal-kind")
                with Horizontal(classes="row"):
                    yield Select([(e, e) for e in ENABLERS], prompt="agreement", id="deal-enabler")
                    yield Select(
                        [
                            (j.replace("_", " "), j)
                            for j in ("unresolved", "host_state", "sending_state")
                        ],
                        prompt="RAA jurisdiction",
                        id="deal-jurisdiction",
                    )
                with Horizontal(classes="row"):
                    yield Input(placeholder="terms in words (optional)", id="deal-text")
                    yield Button("Propose", id="propose", variant="primary")
                yield Static(id="proposals")
            with TabPane("6 Move", id="move"), VerticalScroll():
                yield Label("Priority partners (bandwidth first):")
                yield SelectionList(id="priorities")
                yield Label("Offer an exercise to:")
                yield SelectionList(id="exercises")
                yield Label("Posture toward China:")
                yield Select(
                    [("neutral", "neutral"), ("firm", "firm"), ("cautious", "cautious")],
                    value="neutral",
                    allow_blank=False,
                    id="posture",
                )
                with Horizontal(classes="row"):
                    yield Checkbox("Statement on China", id="statement")
                    yield Checkbox("Deploy (FONOP)", id="deploy")
                    yield Checkbox("Statement on Russia", id="statement_russia")
                yield Label("Request 2+2 talks with:")
                yield SelectionList(id="two_plus_two")
                yield Label("Buy equipment from:")
                yield SelectionList(id="buy_equipment")
                yield Button("Submit move (s)", id="submit", variant="primary")
            with TabPane("7 Log", id="log"), VerticalScroll():
                yield Static(id="log-text")
        yield Footer()

    def on_mount(self) -> None:
        if self.url is not None:
            self.listen()

    # ------------------------------------------------------------------ network
    @work(exclusive=True)
    async def listen(self) -> None:
        from sim.game.client import Connection

        self.conn = Connection(self.url)
        try:
            async for msg in self.conn.messages():
                self.apply(msg)
        except ConnectionError as exc:
            self.query_one("#status", Static).update(Text(f"disconnected: {exc}"))

    async def send(self, msg: P.Msg) -> None:
        if self.conn is None:
            self.notify("not connected", severity="warning")
            return
        await self.conn.send(msg)

    # ------------------------------------------------------------------ drawing
    def apply(self, msg) -> None:
        """Show one message from the host."""
        if msg.type == "welcome":
            self.welcome = msg
            self.title = f"Allied wargame — {msg.seat or msg.role}"
            self._fill_forms()
            self.query_one("#brief-text", Static).update(views.brief_text(msg))
        elif msg.type == "state":
            self.state = msg
            self._draw()
        elif msg.type == "notice":
            self.notify(
                msg.text, title="private" if msg.private else "inject", timeout=10, markup=False
            )
        elif msg.type == "error":
            self.notify(f"{msg.code}: {msg.message}", severity="error", timeout=8, markup=False)
        elif msg.type == "over":
            self.over = msg
            self.query_one("#status", Static).update(
                Text(
                    "Game over. Scores: "
                    + ", ".join(f"{k} {v:g}" for k, v in msg.scores.items())
                    + (f"  Report: {msg.report}" if msg.report else "")
                )
            )

    def _fill_forms(self) -> None:
        w = self.welcome
        partners = [(p, p) for p in w.partners]
        for sid in ("priorities", "exercises", "two_plus_two", "buy_equipment"):
            sl = self.query_one(f"#{sid}", SelectionList)
            sl.clear_options()
            sl.add_options(partners)
        self.query_one("#deal-to", Select).set_options(partners)

    def _draw(self) -> None:
        st, w = self.state, self.welcome
        seat = w.seat if w else None
        turns = w.turns if w else 0
        self.query_one("#status", Static).update(Text(views.status_line(st, seat, turns)))
        self.query_one("#levels-table", Static).update(views.levels_table(st))
        self.query_one("#anchors", Static).update(views.anchors_text(st))
        seats = w.seats if w else []
        self.query_one("#score-text", Static).update(views.score_text(st, seats))
        if w is not None:
            self.query_one("#objectives", Static).update(views.objectives_table(w, st, seat))
        self.query_one("#private-notices", Static).update(views.private_lines(st))
        self.query_one("#params", Static).update(views.params_text(st, seat))
        self.query_one("#proposals", Static).update(views.proposals_table(st, seat))
        open_in = [
            (f"{p['id']} from {p['frm']}", p["id"])
            for p in st.proposals
            if p["status"] == "open" and p["to"] == seat
        ]
        self.query_one("#answer-id", Select).set_options(open_in)
        self.query_one("#log-text", Static).update(Text("\n".join(reversed(st.log)) or "—"))

    # ------------------------------------------------------------------ actions
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Digits switch tabs from any widget, except while typing into a text field."""
        return not (action == "tab" and isinstance(self.focused, Input))

    def action_tab(self, tab: str) -> None:
        # a focused widget in the old pane would pull the tabs back to it
        self.set_focus(None)
        self.query_one("#tabs", TabbedContent).active = tab

    def move_payload(self) -> P.MovePayload:
        sel = {
            sid: list(self.query_one(f"#{sid}", SelectionList).selected)
            for sid in ("priorities", "exercises", "two_plus_two", "buy_equipment")
        }
        return P.MovePayload(
            priorities=sel["priorities"],
            propose_exercise=sel["exercises"],
            request_two_plus_two=sel["two_plus_two"],
            buy_equipment=sel["buy_equipment"],
            posture=self.query_one("#posture", Select).value,
            statement=self.query_one("#statement", Checkbox).value,
            deploy=self.query_one("#deploy", Checkbox).value,
            statement_russia=self.query_one("#statement_russia", Checkbox).value,
        )

    async def action_submit(self) -> None:
        if self.state is None or self.welcome is None or self.welcome.seat is None:
            self.notify("only a seat submits moves", severity="warning")
            return
        await self.send(P.Submit(turn=self.state.turn + 1, move=self.move_payload()))
        self.notify(f"move for {self.state.date} sent")

    def _terms(self) -> P.Terms:
        def val(sid):
            v = self.query_one(sid, Select).value
            return None if v is Select.BLANK else v

        return P.Terms(
            enabler=val("#deal-enabler"),
            jurisdiction=val("#deal-jurisdiction"),
            text=self.query_one("#deal-text", Input).value,
        )

    @on(Button.Pressed, "#submit")
    async def _submit_pressed(self) -> None:
        await self.action_submit()

    @on(Button.Pressed, "#propose")
    async def _propose(self) -> None:
        to, kind = (
            self.query_one("#deal-to", Select).value,
            self.query_one("#deal-kind", Select).value,
        )
        if to is Select.BLANK or kind is Select.BLANK:
            self.notify("choose a partner and a kind", severity="warning")
            return
        await self.send(P.Propose(to=to, kind=kind, terms=self._terms()))

    @on(Button.Pressed, "#accept")
    @on(Button.Pressed, "#reject")
    @on(Button.Pressed, "#counter")
    async def _answer(self, event: Button.Pressed) -> None:
        pid = self.query_one("#answer-id", Select).value
        if pid is Select.BLANK:
            self.notify("choose a proposal addressed to you", severity="warning")
            return
        answer = event.button.id
        await self.send(
            P.Respond(
                proposal=pid, answer=answer, terms=self._terms() if answer == "counter" else None
            )
        )
