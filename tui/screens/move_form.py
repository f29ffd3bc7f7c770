"""The classroom move form: one human-seated team's choices for the coming turn.

The options mirror `sim.engine.moves.Move` (DESIGN "Human moves"): priority partners, posture
toward China, agreements to propose (only those still missing in the team's dyads), exercises
to propose, 2+2 talks to request, equipment to buy, public statements on China and Russia,
a deployment to the Indo-Pacific. Defaults come from the Move model itself.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, RadioButton, RadioSet, SelectionList, Static

from sim.engine.moves import Move
from sim.errors import InputError
from sim.game.game import Game
from tui.screens.once import DismissOnce

POSTURES = Move.model_fields["posture"].annotation.__args__
DEFAULT_POSTURE = Move.model_fields["posture"].default

#: What the screen returns when the facilitator cancels the whole round.
CANCEL = "cancel"


class MoveForm(DismissOnce, ModalScreen[Move | None | str]):
    """Returns a Move, None (keep the rule's choice) or CANCEL."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel round"),
        Binding("ctrl+s", "submit", "Submit move"),
    ]
    #: Under 32 rows the form scrolls in a shorter box, so its buttons stay in view (app.tcss).
    VERTICAL_BREAKPOINTS = [(0, "-short"), (32, "-tall")]

    def __init__(self, game: Game, actor: str, team: int, teams: int) -> None:
        super().__init__()
        self.game, self.actor, self.team, self.teams = game, actor, team, teams
        self.partners = game.partners(actor)
        self.agreements = [
            f"{dy}.{en}"
            for dy, ens in game.agreements().items()
            if actor in dy.split("-")
            for en, signed in ens.items()
            if not signed
        ]

    def compose(self) -> ComposeResult:
        name = self.game.setup.config.actors[self.actor].name
        with Vertical(classes="dialog wide", id="move-form"):
            yield Static(
                f"[b]{name} ({self.actor})[/b]: move for {self.game.setup.date(self.game.turn + 1)}"
                f"   team {self.team} of {self.teams}",
                classes="title",
            )
            with VerticalScroll():
                with Horizontal(classes="row"):
                    with Vertical(classes="col"):
                        yield Static("Priority partners (get bandwidth first)")
                        yield SelectionList(*[(p, p) for p in self.partners], id="priorities")
                    with Vertical(classes="col"):
                        yield Static("Posture toward China")
                        with RadioSet(id="posture"):
                            for p in POSTURES:
                                yield RadioButton(p, value=p == DEFAULT_POSTURE, name=p)
                    with Vertical(classes="col"):
                        yield Static("Propose an exercise to")
                        yield SelectionList(*[(p, p) for p in self.partners], id="exercise")
                yield Static("Propose an agreement (opens a negotiation)")
                yield SelectionList(*[(x, x) for x in self.agreements], id="agreements")
                with Horizontal(classes="row"):
                    with Vertical(classes="col"):
                        yield Static("Ask for 2+2 talks with")
                        yield SelectionList(*[(p, p) for p in self.partners], id="two-plus-two")
                    with Vertical(classes="col"):
                        yield Static("Buy equipment from")
                        yield SelectionList(*[(p, p) for p in self.partners], id="buy")
                yield Checkbox("Make a public statement on China", id="statement")
                yield Checkbox("Make a public statement on Russia", id="statement-russia")
                yield Checkbox("Deploy forces to the Indo-Pacific (presence, FONOPs)", id="deploy")
                yield Input(placeholder="note for the log (optional)", id="note", max_length=200)
            yield Static("", id="move-error", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Submit move", id="submit", variant="primary")
                yield Button("Keep usual course", id="skip")

    def build_move(self) -> Move:
        posture = self.query_one("#posture", RadioSet).pressed_button
        return Move(
            actor=self.actor,
            priorities=list(self.query_one("#priorities", SelectionList).selected),
            posture=posture.name if posture is not None else DEFAULT_POSTURE,
            propose_agreement=list(self.query_one("#agreements", SelectionList).selected),
            propose_exercise=list(self.query_one("#exercise", SelectionList).selected),
            statement=self.query_one("#statement", Checkbox).value,
            statement_russia=self.query_one("#statement-russia", Checkbox).value,
            deploy=self.query_one("#deploy", Checkbox).value,
            request_two_plus_two=list(self.query_one("#two-plus-two", SelectionList).selected),
            buy_equipment=list(self.query_one("#buy", SelectionList).selected),
            note=self.query_one("#note", Input).value,
        )

    def action_submit(self) -> None:
        try:
            move = self.build_move()
            self.game.check_moves([move])
        except InputError as exc:
            self.query_one("#move-error", Static).update(f"error: {exc}")
            return
        self.dismiss(move)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "submit":
            self.action_submit()
        else:
            self.dismiss(None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_submit()

    def action_cancel(self) -> None:
        self.dismiss(CANCEL)
