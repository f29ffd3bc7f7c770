"""The dashboard's files: save and load a game (a replay file), export the after-action
report; paths typed inside the game's working folder and over nothing are written at once,
others are confirmed first (sim.files.target_concerns)."""

from __future__ import annotations

from pathlib import Path

from textual import work
from textual.message import Message

from sim.errors import InputError
from sim.files import target_concerns
from sim.game.game import Game
from tui.screens.confirm import ConfirmScreen
from tui.screens.file_prompt import FilePrompt


class GameFiles:
    """The save, load and export actions of `tui.screens.dashboard.Dashboard`, which
    provides `game`, `busy` and `log_line`."""

    class ReportWritten(Message):
        """The after-action report was written (or failed)."""

        def __init__(self, paths: tuple[Path, Path] | None, error: str | None) -> None:
            super().__init__()
            self.paths, self.error = paths, error

    def _stem(self) -> str:
        g = self.game
        return f"{g.setup.name}-seed{g.seed}-t{g.turn}"

    def action_save(self) -> None:

        def write(path: str) -> None:
            try:
                written = self.game.save(self._target(path))
            except InputError as exc:
                self.log_line("error", str(exc))
                return
            self.log_line("info", f"saved to {written}")

        def done(path: str | None) -> None:
            if path:
                self._confirm_write([path], "Save the game here?", lambda: write(path))

        self.app.push_screen(FilePrompt("Save game to", f"saves/{self._stem()}.json"), done)

    def action_load(self) -> None:

        def done(path: str | None) -> None:
            if not path:
                return
            try:
                game = Game.load(path)
            except InputError as exc:
                self.log_line("error", str(exc))
                return
            self.app.open_game(game, f"loaded {path} ({game.setup.name}, {game.date})")

        self.app.push_screen(FilePrompt("Load game from", f"saves/{self._stem()}.json"), done)

    def _target(self, path: str) -> Path:
        """A typed path, relative to the game's working folder."""
        return Path(self.app.workdir) / Path(path).expanduser()

    def _confirm_write(self, paths: list, question: str, write) -> None:
        """Write at once inside the working folder over nothing; otherwise ask first."""
        concerns = target_concerns(paths, self.app.workdir)
        if not concerns:
            write()
            return

        def answered(yes: bool | None) -> None:
            if yes:
                write()
            else:
                self.log_line("info", "nothing written")

        self.app.push_screen(ConfirmScreen(question, concerns), answered)

    def action_export(self) -> None:

        def write(path: str) -> None:
            self.busy = True
            self.export(str(self._target(path)))

        def done(path: str | None) -> None:
            if path:
                html = (
                    Path(path)
                    if Path(path).suffix.lower() in (".html", ".htm")
                    else Path(path).with_suffix(".html")
                )
                self._confirm_write(
                    [html, html.with_suffix(".md")], "Write the report here?", lambda: write(path)
                )

        self.app.push_screen(
            FilePrompt("Export the after-action report to", f"reports/{self._stem()}.html"), done
        )

    @work(thread=True, exclusive=True, group="report")
    def export(self, path: str) -> None:
        from sim.game.aar import write_report

        try:
            paths, error = write_report(self.game, path), None
        except InputError as exc:
            paths, error = None, str(exc)
        self.post_message(self.ReportWritten(paths, error))

    def on_game_files_report_written(self, event: ReportWritten) -> None:
        self.busy = False
        if event.error:
            self.log_line("error", event.error)
        else:
            self.log_line("info", f"report written: {event.paths[0]} and {event.paths[1]}")
