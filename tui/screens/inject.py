"""The facilitator's inject dialog: a shock from the library, or a custom one.

Custom effects are written as a comma-separated list, parsed without evaluation:
``china_assertiveness+0.2`` (world index change), ``DEU.china_caution=0.1`` (set) or
``DEU.china_caution+0.1`` (add), ``JPN-GBR.raa:sign`` (agreement action, one of
`EnablerAction`; ``JPN-DEU.acsa:apply`` makes an agreement that is n/a for the pair apply).
"""

from __future__ import annotations

import re

from pydantic import ValidationError
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, OptionList, Static
from textual.widgets.option_list import Option

from sim.errors import InputError, allowed, did_you_mean
from sim.inputs.schema import EnablerAction, Shock
from sim.vocabulary import INDICES
from tui.screens.once import DismissOnce

_NUM = r"([+-]?\d+(?:\.\d+)?)"
_INDEX = re.compile(r"^([a-z_]+)\s*([+-]\s*\d+(?:\.\d+)?)$")
_PARAM = re.compile(rf"^([A-Z]+\.[a-z_]+)\s*(=|\+=|\+|-)\s*{_NUM}$")
_ENABLER = re.compile(r"^([A-Z]+-[A-Z]+\.[a-z_0-9]+)\s*:\s*([a-z]+)$")
ACTIONS = EnablerAction.__args__


def parse_custom(name: str, text: str, n: int = 1) -> Shock:
    """A custom shock from a headline and an effects line (InputError on anything unclear)."""
    indices: dict[str, float] = {}
    params: dict[str, dict[str, float]] = {}
    enablers: dict[str, str] = {}
    for raw in [x.strip() for x in text.split(",") if x.strip()]:
        if m := _ENABLER.match(raw):
            if m.group(2) not in ACTIONS:
                raise InputError(
                    "inject", raw, f"unknown action '{m.group(2)}'; {allowed(ACTIONS)}"
                )
            enablers[m.group(1)] = m.group(2)
        elif m := _PARAM.match(raw):
            op, v = m.group(2), float(m.group(3))
            params[m.group(1)] = {"set": v} if op == "=" else {"add": -v if op == "-" else v}
        elif m := _INDEX.match(raw):
            if m.group(1) not in INDICES:
                raise InputError(
                    "inject",
                    raw,
                    f"unknown index '{m.group(1)}'"
                    f"{did_you_mean(m.group(1), INDICES)}; {allowed(INDICES)}",
                )
            indices[m.group(1)] = float(m.group(2).replace(" ", ""))
        else:
            raise InputError(
                "inject",
                raw,
                "write index+0.2, ACTOR.param=0.1, ACTOR.param+0.1 or DYAD.enabler:sign",
            )
    if not (indices or params or enablers):
        raise InputError("inject", "effects", "give at least one effect")
    try:
        return Shock(
            id=f"custom-{n}",
            name=name.strip() or f"Custom shock {n}",
            indices=indices,
            params=params,
            enablers=enablers,
        )
    except ValidationError as exc:
        err = exc.errors()[0]
        raise InputError("inject", ".".join(str(x) for x in err["loc"]), err["msg"]) from None


class InjectScreen(DismissOnce, ModalScreen[str | Shock | None]):
    """Returns a library shock id, a custom Shock, or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, library: dict[str, Shock], n_custom: int = 1) -> None:
        super().__init__()
        self.library, self.n_custom = library, n_custom

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Static("[b]Inject a shock[/b] (applied next turn)", classes="title")
            opts = [Option(f"{s.id}: {s.name}", id=s.id) for s in self.library.values()]
            yield OptionList(*opts, id="library")
            yield Static(
                "[b]or a custom shock[/b]  e.g. china_assertiveness+0.2, "
                "DEU.china_caution=0.1, JPN-GBR.raa:sign",
                classes="hint",
            )
            yield Input(placeholder="headline", id="custom-name")
            yield Input(placeholder="effects", id="custom-effects")
            yield Button("Inject custom shock", id="custom-go", variant="primary")
            yield Static("", id="inject-error", classes="error")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def _custom(self) -> None:
        name = self.query_one("#custom-name", Input).value
        effects = self.query_one("#custom-effects", Input).value
        try:
            shock = parse_custom(name, effects, self.n_custom)
        except InputError as exc:
            self.query_one("#inject-error", Static).update(f"error: {exc}")
            return
        self.dismiss(shock)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "custom-effects":
            self._custom()
        else:
            self.query_one("#custom-effects", Input).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self._custom()

    def action_cancel(self) -> None:
        self.dismiss(None)
