"""The actor inspector: motivations, divergences, constraints (current values, after shocks)
and the bandwidth the actor gave each partner in the last turn (Record.spent)."""

from __future__ import annotations

from rich.text import Span, Text
from textual.geometry import Region
from textual.strip import Strip
from textual.visual import Visual, visualize
from textual.widget import Widget

from sim.game.game import Game
from sim.vocabulary import CONSTRAINTS, DIVERGENCES, MOTIVATIONS, PARAMS


def bar(v: float, hi: float = 1.0, width: int = 10) -> str:
    n = int(round(max(0.0, min(1.0, v / hi)) * width))
    return "█" * n + "·" * (width - n)


#: A line of the panel as its text, base style and spans (a rich Text's parts).
Line = tuple[str, str, tuple[Span, ...]]


def inspect_lines(game: Game, actor: str) -> list[Line]:
    """The panel's lines for `actor`, as plain parts (lines that did not change since the
    last turn are never made into Text)."""
    cfg = game.setup.config.actors[actor]
    vals = game.params(actor)
    seat = "human seat" if actor in game.seats else "decision rule"
    lines: list[Line] = [
        (f"{cfg.name} ({actor}) · {cfg.kind} · {seat}", "bold", ()),
        ("", "bold", ()),
    ]
    width = max(len(p) for p in PARAMS) + 1

    def heading(text: str) -> None:
        lines.append((text, "bold", (Span(0, len(text), "bold underline"),)))

    def row(label: str, v: float, hi: float) -> None:
        name = f"{label:<{width}}"
        lines.append((f"{name}{bar(v, hi)} {v:5.2f}", "bold", (Span(0, len(name), "dim"),)))

    for group, names in (
        ("motivations", MOTIVATIONS),
        ("divergences", DIVERGENCES),
        ("constraints", CONSTRAINTS),
    ):
        heading(group)
        for p in names:
            row(p, vals[p], 20.0 if p == "bandwidth" else 1.0)
    heading("bandwidth spent")
    budget = max(1e-9, vals["bandwidth"])
    for partner, spent in game.spent(actor).items():
        row(f"→ {partner}", spent, budget)
    return lines


def _text(line: Line) -> Text:
    plain, style, spans = line
    return Text(plain, style=style, spans=list(spans))


def inspect(game: Game, actor: str) -> Text:
    """The panel's text for `actor`."""
    return Text("\n", style="bold").join(_text(line) for line in inspect_lines(game, actor))


def _start(strip: Strip) -> int:
    """The offset in its line of a strip's first character (a wrapped line's second strip
    starts past the first)."""
    x = 0
    for segment in strip:
        offset = segment.style.meta.get("offset") if segment.style is not None else None
        if offset is not None:
            return offset[0] - x
        x += len(segment.text)
    return 0


class ActorInspector(Widget):
    """One actor at a time; `a` cycles through the actors.

    Shows the same text as a Static would, drawn line by line: a turn changes one line of the
    panel or none, and only the changed lines are laid out and painted again (as a Static, the
    whole panel was, each turn)."""

    DEFAULT_CSS = "ActorInspector { height: auto; }"

    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        self.text = Text()
        self._lines: list[Line] = []  # each line's text and styles
        self._line_strips: dict[tuple, list[Strip]] = {}  # a line's strips by (y, line)
        self._drawn: tuple | None = None  # (width, style) of `_rows`
        self._rows: list[Strip] = []  # the panel's strips, top to bottom

    def show(self, game: Game, actor: str) -> None:
        lines = inspect_lines(game, actor)
        if lines == self._lines:
            return
        self._lines = lines
        self.text = Text("\n", style="bold").join(_text(line) for line in lines)
        if self._drawn is None or self._drawn != self._key():
            self._drawn = None
            self.refresh(layout=True)
            return
        old = self._rows
        self._draw()
        if len(old) != len(self._rows):
            self.refresh(layout=True)
            return
        for y, (a, b) in enumerate(zip(old, self._rows, strict=True)):
            if a is not b:
                self.refresh(Region(0, y, self.size.width, 1))

    def render(self) -> Text:
        """The whole panel (for text selection, and for Textual's measures of the content)."""
        return self.text

    def _key(self) -> tuple:
        return (self.size.width, self.visual_style)

    def _draw(self) -> None:
        """Each line rendered as a Static renders its text (Visual.to_strips), reusing the
        strips of lines that did not change."""
        width, style = key = self._key()
        if self._drawn != key:
            self._line_strips.clear()
        self._drawn = key
        cache, self._line_strips = self._line_strips, {}
        rows: list[Strip] = []
        for y, line in enumerate(self._lines):
            strips = cache.get((y, line))
            if strips is None:
                strips = Visual.to_strips(self, visualize(self, _text(line)), width, None, style)
                # the offsets in the whole text that mouse selection reads: line y, not 0
                strips = [strip.apply_offsets(_start(strip), y) for strip in strips]
            self._line_strips[y, line] = strips
            rows.extend(strips)
        self._rows = rows

    def render_line(self, y: int) -> Strip:
        if self.text_selection is not None or self.styles.content_align != ("left", "top"):
            return super().render_line(y)  # the whole text at once, as a Static draws it
        if self._drawn != self._key():
            self._draw()
        if y < min(len(self._rows), self.size.height):
            return self._rows[y]
        return Strip.blank(self.size.width, self.visual_style.rich_style)
