"""Typed errors for bad input. The CLI turns them into one line and exit code 2."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class InputError(Exception):
    """Bad user input: names the file, the line where known, the field and what is allowed."""

    def __init__(self, file: str, field: str, message: str, line: int | None = None):
        self.file, self.field, self.message, self.line = str(file), field, message, line
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        field = f" {self.field}:" if self.field else ""
        return f"{where}:{field} {self.message}"


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """' (did you mean 'x'?)' for the closest choice, or '' when nothing is close."""
    close = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def allowed(choices: Iterable[str], limit: int = 20) -> str:
    items = list(choices)
    shown = ", ".join(items[:limit]) + (", ..." if len(items) > limit else "")
    return f"allowed: {shown}"
