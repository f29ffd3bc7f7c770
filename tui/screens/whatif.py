"""The what-if dialog: set named parameters (ACTOR.param=VALUE) and fork a branch."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from sim.errors import InputError
from sim.inputs.setup import parse_overrides
from sim.vocabulary import PARAMS
from tui.screens.once import DismissOnce


class WhatIfScreen(DismissOnce, ModalScreen[dict[str, float] | None]):
    """Returns validated {ACTOR.param: value}, or None when cancelled; `actors` are the
    game's (a scenario may add some, as australia-joins adds AUS)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, actors: tuple[str, ...]) -> None:
        super().__init__()
        self.actors = tuple(actors)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("[b]What-if: fork a branch from this turn[/b]", classes="title")
            yield Static(
                f"actors: {', '.join(self.actors)}\nparameters: {', '.join(PARAMS)}",
                classes="hint",
            )
            yield Input(placeholder="DEU.china_caution=0.1, GBR.bandwidth=6", id="whatif")
            yield Static("", id="whatif-error", classes="error")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        items = [x.strip() for x in event.value.split(",") if x.strip()]
        try:
            if not items:
                raise InputError(
                    "what-if", "", "write ACTOR.param=VALUE, e.g. DEU.china_caution=0.1"
                )
            values = parse_overrides(items, source="what-if", agents=self.actors)
        except InputError as exc:
            self.query_one("#whatif-error", Static).update(f"error: {exc}")
            return
        self.dismiss(values)

    def action_cancel(self) -> None:
        self.dismiss(None)
