"""The dashboard: matrix, chart, event log and inspector, and every key of a game.

Responsive (app.tcss): the screen gets the class -narrow below 100 columns and -short below 32
rows; then the story log and the inspector share one panel (`v` switches, `a` shows the
inspector) and a what-if branch's matrix takes the chart's place.

Turns are played in a thread worker that posts `Dashboard.TurnPlayed` back; the screen then
redraws. With human seats, `n` first walks the teams through their move forms (hot seat),
then all moves resolve together in one turn.
"""

from __future__ import annotations

import numpy as np
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Static

from sim.engine.moves import Move
from sim.errors import InputError
from sim.game.game import Game
from sim.inputs.schema import Shock
from sim.vocabulary import TRACKS, anchor
from tui.keymap import DASHBOARD, bindings
from tui.screens.game_files import GameFiles
from tui.screens.help import HelpScreen
from tui.screens.inject import InjectScreen
from tui.screens.move_form import CANCEL, MoveForm
from tui.screens.whatif import WhatIfScreen
from tui.story import turn_lines
from tui.widgets.actor_inspector import ActorInspector
from tui.widgets.coop_matrix import CoopMatrix
from tui.widgets.event_log import EventLog
from tui.widgets.status_header import StatusHeader
from tui.widgets.track_chart import TrackChart

RUN_INTERVAL = 0.4  # seconds between turns when running
#: Actions refused while a turn or a report is being computed (`Dashboard.check_action`).
WHILE_BUSY = frozenset({"next_turn", "back", "inject", "what_if", "save", "load", "export"})
#: Below this many columns or rows, the log and the inspector share one panel (app.tcss).
NARROW, SHORT = 100, 32
#: Seconds a computation runs before the footer dims the refused keys.
DIM_AFTER = 0.25


class Dashboard(GameFiles, Screen):
    """One game on screen."""

    BINDINGS = bindings(DASHBOARD)
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (NARROW, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (SHORT, "-tall")]

    class TurnPlayed(Message):
        """A turn was played (or failed with `error`)."""

        def __init__(self, turn: int, lines: list[tuple[str, str]], error: str | None) -> None:
            super().__init__()
            self.turn, self.lines, self.error = turn, lines, error

    def __init__(self, game: Game) -> None:
        super().__init__()
        self.game = game
        self.dyad, self.track = 0, 0
        self.actor = 0
        self.running = False
        self._busy = False
        self._dim_timer: Timer | None = None
        self._dimmed = False  # the footer shows the WHILE_BUSY keys dimmed
        self._playing = False  # a turn is being played (the header says so after DIM_AFTER)
        self._anchor = ""  # the text under the matrix
        self._dates: tuple[object, list[str]] = (None, [])  # the game's dates, by setup
        self.n_custom = 0

    @property
    def busy(self) -> bool:
        """A turn or a report is being computed: the WHILE_BUSY actions are refused."""
        return self._busy

    @busy.setter
    def busy(self, value: bool) -> None:
        """The footer dims the refused keys only once a computation has lasted DIM_AFTER:
        rebuilding the footer twice for every quick turn took the main thread away from the
        turn's worker (about 30 ms of a turn)."""
        self._busy = value
        if value:
            if self._dim_timer is None:
                self._dim_timer = self.set_timer(DIM_AFTER, self._dim_refused)
        else:
            if self._dim_timer is not None:
                self._dim_timer.stop()
                self._dim_timer = None
            if self._dimmed:
                self._dimmed = False
                self.refresh_bindings()

    def _dim_refused(self) -> None:
        self._dim_timer = None
        if self._busy:
            self._dimmed = True
            self.refresh_bindings()
            if self._playing:
                self.query_one(StatusHeader).show(self.game, self.running, True)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Refuse the WHILE_BUSY actions while busy (None: the footer shows them dimmed);
        keys, the palette and `run_action` all pass through here."""
        if action == "switch_panel":
            return self.compact  # hidden from the footer while both panels show
        if self._busy and action in WHILE_BUSY:
            # the footer may be drawing now (a focus change redraws it): it shows the key
            # dimmed, so the end of the computation must redraw it lit
            self._dimmed = True
            return None
        return True

    @property
    def compact(self) -> bool:
        """The log and the inspector share one panel (a terminal under NARROW x SHORT)."""
        return self.has_class("-narrow") or self.has_class("-short")

    def on_resize(self) -> None:
        # after Screen's own resize handler, which sets the breakpoint classes
        self.call_after_refresh(self._compact_changed)

    def _compact_changed(self) -> None:
        self.refresh_bindings()  # `v` shows in the footer only when compact
        self._label_panels()

    def compose(self) -> ComposeResult:
        dyads = self.game.dyads()
        yield StatusHeader(id="status")
        with Horizontal(id="top"):
            with Vertical(id="matrices"):
                with Horizontal(id="matrix-row"):
                    with Vertical(id="main-box"):
                        yield Static("[b]Cooperation[/b] (0–5)", classes="box-title")
                        yield CoopMatrix(dyads, id="matrix")
                    with Vertical(id="branch-box"):
                        yield Static("", id="branch-title", classes="box-title")
                        yield CoopMatrix(dyads, diff=True, id="branch")
                yield Static("", id="anchor")
            yield TrackChart(id="chart")
        with Horizontal(id="bottom"):
            yield EventLog(id="log")
            yield ActorInspector(id="inspector")
        yield Footer()

    def on_mount(self) -> None:
        self.timer = self.set_interval(RUN_INTERVAL, self._tick, pause=True)
        self.actor = self.game.actors().index(self.game.seats[0]) if self.game.seats else 1
        g = self.game
        self.log_line("info", f"{g.setup.name}: {g.setup.scenario.description.strip()}")
        if g.seats:
            self.log_line("info", "human seats: " + ", ".join(g.seats) + " (n opens their forms)")
        if g.note:
            self.log_line("info", g.note)
        self.redraw()
        self._label_panels()
        self.query_one("#matrix", CoopMatrix).focus()

    def _label_panels(self) -> None:
        """Border titles: which panel is shown and the key for the other one."""
        log, inspector = self.query_one(EventLog), self.query_one(ActorInspector)
        log.border_title = "Story log" + (" · v inspector" if self.compact else "")
        inspector.border_title = "Inspector" + (" · v story log" if self.compact else "")

    # ----------------------------------------------------------------- drawing
    def log_line(self, kind: str, text: str) -> None:
        self.query_one(EventLog).add(self.game.date, kind, text)

    def redraw(self) -> None:
        g = self.game
        s = g.setup
        self.query_one(StatusHeader).show(g, self.running, self.busy)
        levels = g.levels()
        self.query_one("#matrix", CoopMatrix).show(levels)
        what_if = g.what_if()
        box = self.query_one("#branch-box")
        box.display = what_if is not None
        self.set_class(what_if is not None, "with-branch")
        if what_if is not None:
            self.query_one("#branch", CoopMatrix).show(g.levels(what_if.name), levels)
            sets = ", ".join(f"{k}={v:g}" for k, v in what_if.set.items())
            self.query_one("#branch-title", Static).update(
                f"[b magenta]What-if[/] {sets} from {s.date(what_if.forked_at)}"
            )
        self.redraw_selection()
        self.query_one(ActorInspector).show(g, g.actors()[self.actor])

    def redraw_selection(self) -> None:
        g = self.game
        s = g.setup
        d, k = self.dyad, self.track
        dyad = g.dyads()[d]
        what_if = g.what_if()
        lvl = float(g.levels()[d, k])
        text = f"[b]{dyad} {TRACKS[k]}[/b] {lvl:.2f}: {anchor(TRACKS[k], lvl)}"
        if what_if is not None:
            bl = float(g.levels(what_if.name)[d, k])
            text += f"\n[magenta]what-if[/] {bl:.2f}: {anchor(TRACKS[k], bl)}"
        if text != self._anchor:
            self._anchor = text  # three lines whatever the text: no new layout
            self.query_one("#anchor", Static).update(text, layout=False)
        hist = g.history(dyad)
        if self._dates[0] is not s:
            self._dates = (s, [s.date(t) for t in range(s.turns + 1)])
        dates = self._dates[1]
        branch = g.history(dyad, branch=what_if.name) if what_if is not None else None
        self.query_one(TrackChart).show(
            dyad, hist, dates, branch, what_if.forked_at if what_if is not None else None
        )

    def on_coop_matrix_cell_selected(self, event: CoopMatrix.CellSelected) -> None:
        self.dyad, self.track = event.dyad, event.track
        if not self.busy:
            self.redraw_selection()

    # ----------------------------------------------------------------- turns
    def _tick(self) -> None:
        if self.game.done:
            self.running = False
            self.timer.pause()
            self.redraw()
        elif self.running and not self.busy and self.app.screen is self:
            self.action_next_turn()

    def action_next_turn(self) -> None:
        if self.game.done:
            self.notify("The game is over: e exports the report, b goes back.")
            return
        if self.game.seats:
            self._collect(0, [])
        else:
            self._play([])

    def _collect(self, i: int, moves: list[Move]) -> None:
        """Hot seat: each human-seated team fills its form in turn."""
        seats = self.game.seats
        if i == len(seats):
            self._play(moves)
            return

        def done(result: Move | None | str) -> None:
            if result == CANCEL:
                self.running = False
                self.timer.pause()
                self.log_line("info", "round cancelled; no turn played")
                self.redraw()
                return
            self._collect(i + 1, moves + ([result] if isinstance(result, Move) else []))

        self.app.push_screen(MoveForm(self.game, seats[i], i + 1, len(seats)), done)

    def _play(self, moves: list[Move]) -> None:
        # the header says "playing…" once the turn has lasted DIM_AFTER (`_dim_refused`):
        # repainting it at once for every quick turn took the main thread from the worker
        self.busy = self._playing = True
        self.play_turn(moves)

    @work(thread=True, exclusive=True, group="turn")
    def play_turn(self, moves: list[Move]) -> None:
        try:
            self.game.step(moves)
            lines, error = turn_lines(self.game), None
        except InputError as exc:
            lines, error = [], str(exc)
        self.post_message(self.TurnPlayed(self.game.turn, lines, error))

    def on_dashboard_turn_played(self, event: TurnPlayed) -> None:
        self.busy = self._playing = False
        head = ("error", event.error) if event.error else ("turn", f"── turn {event.turn} ──")
        lines = [head, *event.lines]
        g = self.game
        what_if = g.what_if()
        if what_if is not None and event.turn:
            diff = g.levels(what_if.name) - g.levels()
            d, k = np.unravel_index(np.argmax(np.abs(diff)), diff.shape)
            gap = f"{g.dyads()[d]} {TRACKS[k]} {diff[d, k]:+.2f}"
            lines.append(("info", f"what-if branch vs main: largest gap {gap}"))
        self.query_one(EventLog).add_many(g.date, lines)  # one write: one layout of the log
        self.redraw()

    def action_run(self) -> None:
        self.running = not self.running and not self.game.done
        if self.running:
            self.timer.resume()
        else:
            self.timer.pause()
        self.query_one(StatusHeader).show(self.game, self.running, self.busy)

    def action_back(self) -> None:
        if self.game.turn == 0:
            return
        self.game.back()
        self.log_line("info", f"back to {self.game.date} (replayed from the start)")
        self.redraw()

    # ----------------------------------------------------------------- facilitator
    def action_inject(self) -> None:

        def done(choice: str | Shock | None) -> None:
            if choice is None:
                return
            try:
                shock = self.game.inject(choice)
            except InputError as exc:
                self.log_line("error", str(exc))
                return
            self.log_line(
                "inject",
                f"injected '{shock.name}', applies in {self.game.setup.date(self.game.turn + 1)}",
            )

        self.n_custom += 1
        self.app.push_screen(InjectScreen(self.game.library(), self.n_custom), done)

    def action_what_if(self) -> None:

        def done(values: dict[str, float] | None) -> None:
            if not values:
                return
            try:
                self.game.fork(values)
            except InputError as exc:
                self.log_line("error", str(exc))
                return
            sets = ", ".join(f"{k}={v:g}" for k, v in values.items())
            self.log_line("info", f"what-if branch forked at {self.game.date}: {sets}")
            self.redraw()

        self.app.push_screen(WhatIfScreen(self.game.actors()), done)

    def action_next_actor(self) -> None:
        actors = self.game.actors()
        self.actor = (self.actor + 1) % len(actors)
        self.query_one(ActorInspector).show(self.game, actors[self.actor])
        self.add_class("inspecting")  # a compact screen shows the inspector

    def action_switch_panel(self) -> None:
        """Compact screens: the story log or the inspector."""
        self.toggle_class("inspecting")

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen())
