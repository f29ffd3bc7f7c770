"""The command palette (Ctrl+P), deaf once it has closed.

Textual's `CommandPalette` keeps handling what was queued for it before it closed: keys
typed fast reach its input after Enter or Escape has dismissed it, so a second Enter runs
the command again and dismisses *the screen below it* (the dashboard: a blank screen, or
ScreenStackError when nothing is left to pop), and its "No matches found" and "busy" timers
fire after its widgets are gone (NoMatches). This palette closes once (`DismissOnce`), and
once closed ignores its input's messages and its own timers.
"""

from __future__ import annotations

from textual import on
from textual.command import CommandPalette
from textual.message import Message
from textual.widgets import Button, Input, OptionList

from tui.screens.once import DismissOnce


class Palette(DismissOnce, CommandPalette):
    """Textual's command palette that does nothing after its first dismiss."""

    @property
    def closed(self) -> bool:
        """Dismissed, or no longer the screen on top (so not the one being typed into)."""
        return self._dismissed or not self.is_current

    @on(Input.Changed)
    @on(Input.Submitted)
    @on(Button.Pressed)
    @on(OptionList.OptionSelected)
    def _ignore_when_closed(self, event: Message) -> None:
        # runs before CommandPalette's own handlers; prevent_default skips them
        if self.closed:
            event.stop()
            event.prevent_default()

    def set_timer(self, delay, callback=None, *, name=None, pause=False):
        if callback is None:
            return super().set_timer(delay, callback, name=name, pause=pause)

        def unless_closed():
            if not self.closed and self.is_attached:
                return callback()
            return None

        return super().set_timer(delay, unless_closed, name=name, pause=pause)
