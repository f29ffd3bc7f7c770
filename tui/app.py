"""The Textual app: opens a game (or the scenario picker) on the dashboard.

Kept thin: the dashboard screen holds the keys and the game session (sim.game.game.Game) holds
the state; layout and colours live in app.tcss.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable
from pathlib import Path

from textual.app import App, SystemCommand
from textual.screen import Screen

from sim.errors import InputError
from sim.game.game import Game
from tui.keymap import DASHBOARD, palette
from tui.screens.dashboard import Dashboard
from tui.screens.palette import Palette
from tui.screens.picker import ScenarioPicker


class WargameApp(App):
    """Japan–Europe cooperation wargame."""

    CSS_PATH = "app.tcss"
    TITLE = "Allied wargame"

    def __init__(
        self,
        scenario: str | None = None,
        seed: int = 0,
        seats: list[str] | None = None,
        overrides: list[str] | None = None,
        turns: int | None = None,
        game: Game | None = None,
    ) -> None:
        super().__init__()
        #: Folder that saves and reports are written under without asking.
        self.workdir = Path.cwd().resolve()
        self.seed, self.seats = seed, list(seats or [])
        self.overrides, self.turns = list(overrides or []), turns
        self.game = game or (
            Game(scenario, seed, self.overrides, turns, self.seats) if scenario else None
        )

    def on_mount(self) -> None:
        if self.game is not None:
            self.push_screen(Dashboard(self.game))
        else:
            self.push_screen(ScenarioPicker(), self._picked)
        self.call_after_refresh(self._settle_memory)

    def _settle_memory(self) -> None:
        """Load the shock library now rather than in the first turn, then move everything
        built at start-up out of the garbage collector's view: full collections over the
        widget tree otherwise stall a turn's redraw by 100 ms or more every few turns."""
        if self.game is not None:
            self.game.library()
        gc.collect()
        gc.freeze()

    def _picked(self, name: str | None) -> None:
        if name is None:
            self.exit()
            return
        try:
            game = Game(name, self.seed, self.overrides, self.turns, self.seats)
        except InputError as exc:
            self.notify(str(exc), severity="error", timeout=8)
            self.push_screen(ScenarioPicker(), self._picked)
            return
        self.open_game(game)

    def open_game(self, game: Game, note: str | None = None) -> None:
        """Show `game` on a fresh dashboard (after picking or loading)."""
        self.game = game
        dash = Dashboard(game)
        if isinstance(self.screen, Dashboard):
            self.switch_screen(dash)
        else:
            self.push_screen(dash)
        if note:
            self.call_after_refresh(dash.log_line, "info", note)

    def action_command_palette(self) -> None:
        """Ctrl+P: the command palette that closes once (tui/screens/palette.py); none
        once the app is quitting (keys typed after Ctrl+Q would open one whose widgets are
        never made, and its search fails with NoMatches). `_exit` is set by `App.exit`
        (Textual is pinned to one version in pyproject.toml)."""
        if self._exit:
            return
        if self.use_command_palette and not Palette.is_open(self):
            self.push_screen(Palette(id="--command-palette"))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if isinstance(screen, Dashboard):
            for c in palette(DASHBOARD):
                yield SystemCommand(
                    c.title,
                    f"{c.help[0].upper()}{c.help[1:]} ({c.display})",
                    self._on_top(screen, c.action),
                )

    def _on_top(self, screen: Screen, action: str):
        """The screen's action, run only if that screen is on top when the palette gets to
        run it (not on a dashboard replaced by a loaded game, nor under another popup), and
        through run_action, so that check_action refuses it while a turn runs."""

        async def run() -> None:
            if self.screen is screen:
                await screen.run_action(action)

        return run
