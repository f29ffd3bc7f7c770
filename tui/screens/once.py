"""Screens that close once.

`Screen.dismiss` runs the result callback and pops *whatever screen is on top*. Keys already
queued for a popup (Enter typed twice, Enter then Escape) reach it after its first dismiss
and would pop the screen below it too, leaving a blank screen or raising ScreenStackError.
`DismissOnce` makes every dismiss after the first, or of a screen no longer on top, a no-op.
"""

from __future__ import annotations

from textual.await_complete import AwaitComplete


class DismissOnce:
    """Mixin for a Screen: dismiss only the first time, and only while on top."""

    _dismissed = False

    def dismiss(self, result=None) -> AwaitComplete:
        if self._dismissed or not self.is_current:
            return AwaitComplete.nothing()
        self._dismissed = True
        return super().dismiss(result)
