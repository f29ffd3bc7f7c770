"""Tables on stdout: rich draws them on a terminal; to a pipe or a file they are plain columns.

Off a terminal rich is not loaded at all (about 30 ms of every command's start-up): `console()`
gives a `PlainConsole` and `table()` a `PlainTable`, which take the same calls as rich's
Console and Table do here, and print one line per row, no cell wrapped, no colour, no
trailing spaces (rich's layout of `list`'s 260 rows also cost about half a second). Cells are
written in rich's markup either way; off a terminal a cell is rendered by rich only when it
holds something that can be a markup tag.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field
from typing import Any

import typer

#: What rich reads as a markup tag: '[' then a lower-case letter, '#', '/' or '@'.
_TAG = re.compile(r"\[[a-z#/@]")
#: rich treats stdout as a terminal when one of these is set, whatever stdout is.
_FORCE = ("FORCE_COLOR", "FORCE_TERMINAL", "TTY_COMPATIBLE", "TTY_INTERACTIVE")


def console():
    """stdout for tables: on a terminal rich's Console, with bold headers, fitted to its
    width; elsewhere a `PlainConsole`."""
    if not sys.stdout.isatty() and not any(os.environ.get(v) for v in _FORCE):
        return PlainConsole()
    from rich.console import Console

    con = Console(highlight=False, soft_wrap=True)
    if not con.is_terminal:
        con = Console(highlight=False, soft_wrap=True, width=240, no_color=True)
    return con


def table(con, title: str | None = None, **kw):
    """An empty table for `con` (`add_column`, `add_row`, as rich's)."""
    if isinstance(con, PlainConsole):
        return PlainTable(title)
    from rich import box
    from rich.table import Table

    return Table(
        title=title,
        title_justify="left",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        **kw,
    )


def show(con, t) -> None:
    """Print a table on `con`: as rich draws it on a terminal, else as plain columns."""
    if getattr(con, "is_terminal", False):
        con.print(t)
        return
    try:
        typer.echo(plain_table(t))
    except BrokenPipeError:  # the reader stopped (`| head`): stop quietly, as rich does
        _quiet_broken_pipe()


class PlainConsole:
    """A console off a terminal: text as it is (markup rendered unless `markup=False`)."""

    is_terminal = False

    def print(self, *objects: Any, markup: bool = True, **_: Any) -> None:
        try:
            typer.echo(" ".join(plain(str(o)) if markup else str(o) for o in objects))
        except BrokenPipeError:
            _quiet_broken_pipe()


@dataclass
class _Column:
    header: str
    justify: str = "left"
    _cells: list[Any] = field(default_factory=list)  # markup, or rich Text


@dataclass
class PlainTable:
    """Title, columns and rows kept for `plain_table` (the part of rich's Table API in use)."""

    title: str | None = None
    columns: list[_Column] = field(default_factory=list)

    def add_column(self, header: str = "", justify: str = "left", **_: Any) -> None:
        self.columns.append(_Column(header, justify))

    def add_row(self, *cells: Any, **_: Any) -> None:
        for col, cell in zip(self.columns, cells, strict=True):
            col._cells.append(cell)


def plain(markup: str) -> str:
    """The text rich shows for `markup` (rich is loaded only if a tag may be in it)."""
    if not _TAG.search(markup) and "\\[" not in markup:
        return markup
    from rich.markup import render

    return render(markup).plain


def plain_table(t) -> str:
    """A table (rich's or a `PlainTable`) as plain text: title, header, a rule, then the
    rows, columns separated by two spaces and justified as the table says."""

    def text(cell) -> str:  # markup, or a rich Text
        s = plain(cell) if isinstance(cell, str) else getattr(cell, "plain", str(cell))
        return " ".join(s.split())

    cols = [[text(c.header), *map(text, c._cells)] for c in t.columns]
    widths = [max(map(_width, col)) for col in cols]
    last = len(cols) - 1

    def line(i: int) -> str:
        out = []
        for k, (col, w) in enumerate(zip(cols, widths, strict=True)):
            pad = " " * (w - _width(col[i]))
            right = t.columns[k].justify == "right"
            out.append(pad + col[i] if right else col[i] + ("" if k == last else pad))
        return "  ".join(out).rstrip()

    head = [text(t.title)] if t.title else []
    rule = "─" * _width(line(0))
    return "\n".join([*head, line(0), rule, *(line(i) for i in range(1, len(cols[0])))])


def _width(s: str) -> int:
    """Columns `s` takes on a terminal (rich's measure where a character may be wide)."""
    if s.isascii():
        return len(s)
    from rich.cells import cell_len

    return cell_len(s)


def _quiet_broken_pipe() -> None:
    """What rich does when the reader of a pipe goes away: no traceback, stdout closed."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    raise SystemExit(1)
