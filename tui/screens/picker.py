"""Scenario picker, shown when `wargame play` gets no scenario."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from sim.inputs.config import list_scenarios, scenario_description
from tui.screens.once import DismissOnce


class ScenarioPicker(DismissOnce, Screen[str]):
    """Lists scenarios/*.yaml with their descriptions; enter picks one."""

    BINDINGS = [Binding("q", "app.quit", "Quit")]

    def compose(self) -> ComposeResult:
        options = []
        for name in list_scenarios():
            try:
                desc = scenario_description(name)
            except Exception:  # noqa: BLE001 - a broken file is listed without description
                desc = ""
            options.append(Option(f"{name:<28} {desc[:100]}", id=name))
        with Vertical(id="picker"):
            yield Static("[b]Choose a scenario[/b] (enter to play)", classes="title")
            yield OptionList(*options, id="scenarios")
        yield Footer()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)
