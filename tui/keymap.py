"""Every key of the terminal UI, in one table per screen: the screen's `BINDINGS`, the
command palette's commands and the help screen are all built from it.

A `Command` names its keys (Textual's spelling, e.g. "n,space"), the action it runs, its
footer label, a palette title and one line of help. Keys that a widget or Textual itself
handles (the matrix's arrows, ctrl+p) are listed with `bound=False`, so the help screen
shows them without a second binding.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding

#: How help and the palette show Textual's key names.
KEY_NAMES = {"question_mark": "?", "ctrl+p": "ctrl+p"}


@dataclass(frozen=True)
class Command:
    """One key (or keys) and what it does."""

    keys: str
    """Textual key names, comma-separated ("n,space")."""
    action: str
    """Action run, on the screen or with a namespace ("app.quit")."""
    label: str
    """Footer label."""
    help: str
    """One line for the help screen and the palette."""
    title: str = ""
    """Palette title (empty: not in the palette)."""
    show: bool = True
    """Shown in the footer."""
    priority: bool = False
    """Checked before the focused widget's own keys."""
    bound: bool = True
    """False: handled by a widget or by Textual, listed for the help screen only."""
    shown_as: str = ""
    """How the help screen names the keys, when not simply their list ("arrows")."""

    @property
    def display(self) -> str:
        """The keys as a person reads them: 'n / space', '?'."""
        return self.shown_as or " / ".join(KEY_NAMES.get(k, k) for k in self.keys.split(","))


#: The dashboard of a local game (tui/screens/dashboard.py), in the footer's order.
DASHBOARD = (
    Command(
        "n,space",
        "next_turn",
        "Next turn",
        "next turn (with human seats: each team fills its move form first)",
        "Next turn",
    ),
    Command("r", "run", "Run/pause", "run / pause", "Run / pause"),
    # help and quit come early: the footer shows the table's keys in order, and at 80
    # columns only the first few fit
    Command("question_mark", "help", "Help", "this help", "Help"),
    Command("q", "app.quit", "Quit", "quit"),
    Command(
        "v",
        "switch_panel",
        "Log/Inspector",
        "show the story log or the actor inspector (a small terminal shows one at a time)",
        "Story log / inspector",
    ),
    Command(
        "b", "back", "Back", "back one turn (replays the game from the start)", "Back one turn"
    ),
    Command(
        "i",
        "inject",
        "Inject",
        "inject a shock (library or custom), applied next turn",
        "Inject a shock",
    ),
    Command(
        "w",
        "what_if",
        "What-if",
        "what-if: set ACTOR.param=VALUE and fork a branch from this turn",
        "What-if branch",
    ),
    Command("a", "next_actor", "Actor", "inspect the next actor", "Next actor"),
    Command(
        "up,down,left,right",
        "",
        "",
        "select a dyad and track in the matrix",
        bound=False,
        shown_as="arrows",
    ),
    Command("s", "save", "Save", "save the game (a replay file)", "Save game"),
    Command("l", "load", "Load", "load a game (a replay file)", "Load game"),
    Command(
        "e", "export", "Report", "export the after-action report (HTML + Markdown)", "Export report"
    ),
    Command("ctrl+p", "", "", "command palette", bound=False),
)


def tabs(names: tuple[str, ...]) -> tuple[Command, ...]:
    """Digits 1.. switch to the named tabs, from any widget (hidden from the footer)."""
    return tuple(
        Command(
            str(i + 1), f"tab('{t}')", t.title(), f"show the {t} tab", show=False, priority=True
        )
        for i, t in enumerate(names)
    )


#: A seat's screen of a hosted game (tui/classroom/client_app.py).
SEAT_TABS = ("brief", "score", "levels", "private", "deals", "move", "log")
SEAT = tabs(SEAT_TABS) + (
    Command("s", "submit", "Submit move", "send this turn's move to the host"),
    Command("q", "quit", "Quit", "quit"),
)

#: The facilitator console of `wargame host` (tui/classroom/console.py).
CONSOLE_TABS = ("seats", "inject", "deals", "scores", "log", "join")
CONSOLE = tabs(CONSOLE_TABS) + (
    Command("a", "advance", "Advance turn", "play the turn now"),
    Command("p", "pause", "Pause/resume", "stop or restart the turn timer"),
    Command("q", "quit", "Quit", "stop the game and quit"),
)


def bindings(table: tuple[Command, ...]) -> list[Binding]:
    """Textual bindings for the bound commands of `table`, in its order."""
    return [
        Binding(c.keys, c.action, c.label, show=c.show, priority=c.priority)
        for c in table
        if c.bound
    ]


def palette(table: tuple[Command, ...]) -> list[Command]:
    """The commands offered in the command palette (those with a title)."""
    return [c for c in table if c.bound and c.title]


def help_rows(table: tuple[Command, ...]) -> list[tuple[str, str]]:
    """(keys, what they do) for the help screen, in the table's order."""
    return [(c.display, c.help) for c in table]
