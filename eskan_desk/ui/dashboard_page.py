"""The dashboard: today's and overdue follow-ups, recent contacts, the week by channel, and what
waits on the signed-in staff member's role. Layout only; the data comes from
:func:`eskan_desk.services.dashboard.load_dashboard` on the database worker.
"""

from __future__ import annotations

import datetime as dt
from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from eskan_desk.domain.dates import (
    GREGORIAN_MONTHS_AR,
    GREGORIAN_MONTHS_EN,
    format_dual,
    format_gregorian,
    riyadh_today,
    to_riyadh,
)
from eskan_desk.domain.enums import Channel
from eskan_desk.domain.errors import EskanError
from eskan_desk.i18n import N_, _, current_language, render_error
from eskan_desk.services.dashboard import (
    Dashboard,
    FollowUpItem,
    RecentContact,
    WaitingItem,
    load_dashboard,
    mark_follow_up_done,
)
from eskan_desk.ui.beneficiary_table import LTR_ISOLATE, POP_ISOLATE
from eskan_desk.ui.channel_chart import ChannelChart
from eskan_desk.ui.look import ui_font
from eskan_desk.ui.session import Page, UiSession

W = TypeVar("W", bound=QWidget)
CONTACT_ID = Qt.ItemDataRole.UserRole
BENEFICIARY_ID = Qt.ItemDataRole.UserRole + 1
RELOAD_ON = frozenset({"contacts", "beneficiaries"})
MIN_BODY_HEIGHT = 90
EXPANDED_LINES = 12  # "waiting for you" opens its lists when they need no more lines than this

TABLE_POINT_SIZE = 10
# (title, width); width 0 stretches. The tables never scroll sideways: long texts are elided
# and shown whole in the cell's tooltip.
FOLLOW_UP_COLUMNS = (  # at 1280 pixels the summary keeps about 115 of its panel's 587
    (N_("Name"), 152),
    (N_("File number"), 124),
    (N_("Follow-up date"), 102),
    (N_("Channel"), 94),
    (N_("Summary"), 0),
)
FOLLOW_UP_DATE_COLUMN = 2
RECENT_COLUMNS = (
    (N_("Time of contact"), 115),
    (N_("Channel"), 110),
    (N_("Name"), 185),
    (N_("Summary"), 0),
)


def ltr(text: object) -> str:
    """Isolate numbers and file numbers left to right inside Arabic text."""
    return LTR_ISOLATE + str(text) + POP_ISOLATE


def channel_label(code: str) -> str:
    return _(Channel(code).label)


def _titled(title: str, count: int) -> str:
    return f"{title} ({ltr(count)})"


class Panel(QFrame):
    """A framed box with a bold title (and room for buttons) above its content."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 10)
        self.header = QHBoxLayout()
        self.title = QLabel(self)
        self.title.setFont(ui_font(12, bold=True))
        self.header.addWidget(self.title, 1)
        layout.addLayout(self.header)
        self.body = layout

    def add(self, widget: W) -> W:
        # The grid's row stretches share the height, not each widget's own size hint.
        widget.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Ignored)
        widget.setMinimumHeight(MIN_BODY_HEIGHT)
        self.body.addWidget(widget, 1)
        return widget


def _table(parent: QWidget, columns: tuple[tuple[str, int], ...]) -> QTableWidget:
    table = QTableWidget(0, len(columns), parent)
    table.setFont(ui_font(TABLE_POINT_SIZE))
    table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    table.setTextElideMode(Qt.TextElideMode.ElideRight)
    table.setHorizontalHeaderLabels([_(title) for title, _width in columns])
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(26)
    header = table.horizontalHeader()
    header.setHighlightSections(False)
    header.setMinimumSectionSize(60)  # the style's default (about 110 here) overrode the widths
    for col, (_title, width) in enumerate(columns):
        if width:  # never narrower than its header in the language shown
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            table.setColumnWidth(col, max(width, header.sectionSizeFromContents(col).width()))
        else:
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Stretch)
    return table


def _fill(table: QTableWidget, rows: list[tuple[list[str], str, str | None]]) -> None:
    """Rows of cell texts; the contact id and the beneficiary id ride on every cell."""
    table.clearContents()
    table.setRowCount(len(rows))
    for r, (cells, contact_id, beneficiary_id) in enumerate(rows):
        for c, text in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setData(CONTACT_ID, contact_id)
            item.setData(BENEFICIARY_ID, beneficiary_id)
            item.setToolTip(text)
            table.setItem(r, c, item)


def follow_up_cells(f: FollowUpItem) -> list[str]:
    lang = current_language()
    return [
        f.beneficiary_name,
        ltr(f.file_no) if f.file_no else "",
        format_gregorian(f.follow_up_on, lang),
        channel_label(f.channel),
        f.summary.replace("\n", " "),
    ]


def day_and_month(d: dt.date) -> str:
    months = GREGORIAN_MONTHS_AR if current_language() == "ar" else GREGORIAN_MONTHS_EN
    return f"{d.day} {months[d.month - 1]}"


def week_text(start: dt.date, end: dt.date) -> str:
    lang = current_language()
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day} – {format_gregorian(end, lang)}"
    return f"{day_and_month(start)} – {format_gregorian(end, lang)}"


def recent_cells(c: RecentContact) -> list[str]:
    local = to_riyadh(c.at)  # the year is left out: these are the last few days
    when = f"{ltr(local.strftime('%H:%M'))}  {day_and_month(local.date())}"
    return [when, channel_label(c.channel), c.beneficiary_name, c.summary.replace("\n", " ")]


class DashboardPage(Page):
    """The first screen after signing in. ``on_shown`` loads it; changes to contacts or files
    reload it while it is on screen."""

    page_id = "dashboard"
    title = N_("Dashboard")
    roles = None

    def __init__(self, session: UiSession, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.board: Dashboard | None = None
        self._build()
        session.events.changed.connect(self._on_changed)

    # Layout ----------------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(10)
        layout.addLayout(self._build_header())
        grid = QGridLayout()
        grid.setSpacing(10)
        # Column 0 is the leading side, on the right in Arabic where the eye starts: the tables
        # there get the width; the chart and the waiting list fit the narrower side.
        self.due_panel, self.due_table, self.due_done = self._follow_up_panel()
        self.overdue_panel, self.overdue_table, self.overdue_done = self._follow_up_panel()
        # Named before their figures are in (the first frame after Enter shows the panels).
        self.due_panel.title.setText(_("Follow-ups due today"))
        self.overdue_panel.title.setText(_("Overdue follow-ups"))
        # Every follow-up due today has today's date: the summary gets that width instead.
        self.due_table.setColumnHidden(FOLLOW_UP_DATE_COLUMN, True)
        grid.addWidget(self.due_panel, 0, 0)
        grid.addWidget(self.overdue_panel, 1, 0)
        grid.addWidget(self._build_recent(), 2, 0)
        grid.addWidget(self._build_chart(), 0, 1)
        grid.addWidget(self._build_waiting(), 1, 1, 2, 1)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 2)
        for row in range(3):
            grid.setRowStretch(row, 1)
        layout.addLayout(grid, 1)

    def _build_header(self) -> QHBoxLayout:
        header = QHBoxLayout()
        self.greeting = QLabel(self)  # the signed-in staff member's name, once shown
        self.greeting.setFont(ui_font(16, bold=True))
        self.date_label = QLabel(self)
        self.date_label.setFont(ui_font(12))
        self.message = QLabel(self)  # errors from the worker, in the user's language
        self.message.setStyleSheet("color: #b3261e;")
        self.loading = QLabel(self)  # until the first figures are in
        self.loading.setStyleSheet("color: #5f6368;")
        header.addWidget(self.greeting)
        header.addSpacing(24)
        header.addWidget(self.loading)
        header.addWidget(self.message, 1)
        header.addWidget(self.date_label)
        return header

    def _follow_up_panel(self) -> tuple[Panel, QTableWidget, QPushButton]:
        panel = Panel(self)
        done = QPushButton(_("Mark as done"), panel)
        done.setEnabled(False)
        panel.header.addWidget(done)
        table = panel.add(_table(panel, FOLLOW_UP_COLUMNS))
        table.itemSelectionChanged.connect(lambda: done.setEnabled(bool(table.selectedItems())))
        table.itemDoubleClicked.connect(self._open_item)
        done.clicked.connect(lambda: self.mark_done(table))
        return panel, table, done

    def _build_recent(self) -> Panel:
        self.recent_panel = Panel(self)
        self.recent_panel.title.setText(_("Recent contacts"))
        self.recent_table = self.recent_panel.add(_table(self.recent_panel, RECENT_COLUMNS))
        self.recent_table.itemDoubleClicked.connect(self._open_item)
        return self.recent_panel

    def _build_chart(self) -> Panel:
        panel = Panel(self)
        panel.title.setText(_("This week by channel"))
        self.week_label = QLabel(panel)
        panel.header.addWidget(self.week_label)
        self.chart = panel.add(ChannelChart(panel))
        return panel

    def _build_waiting(self) -> Panel:
        self.waiting_panel = Panel(self)
        self.waiting_panel.title.setText(_("Waiting for you"))
        self.waiting_tree = QTreeWidget(self.waiting_panel)
        self.waiting_tree.setColumnCount(2)
        self.waiting_tree.setHeaderHidden(True)
        self.waiting_tree.header().setStretchLastSection(False)
        self.waiting_tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.waiting_tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.waiting_tree.itemDoubleClicked.connect(self._open_waiting)
        self.waiting_panel.add(self.waiting_tree)
        return self.waiting_panel

    # Data ------------------------------------------------------------------------------------
    def on_shown(self) -> None:
        self.greet()
        self.reload()

    def greet(self, name: str | None = None) -> None:
        """Welcome ``name`` (default: the signed-in staff member), with today's date: both
        are on screen before the dashboard's figures are read."""
        name = name if name is not None else self.session.actor.full_name
        self.greeting.setText(_("Welcome, {name}").format(name=name))
        today = riyadh_today(self.session.ctx.now())
        self.date_label.setText(format_dual(today, current_language()))
        if self.board is None:  # the first read can take a second or two on a large store
            self.loading.setText(_("Loading the dashboard…"))

    def reload(self) -> None:
        ctx, actor = self.session.ctx, self.session.actor
        self.session.runner.submit(
            lambda: load_dashboard(ctx, actor), on_done=self._show, on_error=self._show_error
        )

    def _on_changed(self, kind: str, _id: str) -> None:
        if kind in RELOAD_ON and self.isVisible():  # a hidden page reloads in on_shown
            self.reload()

    def _show(self, board: Dashboard) -> None:
        self.board = board
        lang = current_language()
        self.message.clear()
        self.loading.clear()
        self.date_label.setText(format_dual(board.today, lang))
        due, overdue = board.follow_ups.due_today, board.follow_ups.overdue
        self.due_panel.title.setText(_titled(_("Follow-ups due today"), len(due)))
        self.overdue_panel.title.setText(_titled(_("Overdue follow-ups"), len(overdue)))
        for table, items, button in (
            (self.due_table, due, self.due_done),
            (self.overdue_table, overdue, self.overdue_done),
        ):
            _fill(table, [(follow_up_cells(f), f.contact_id, f.beneficiary_id) for f in items])
            button.setEnabled(False)
        _fill(
            self.recent_table,
            [(recent_cells(c), c.contact_id, c.beneficiary_id) for c in board.recent],
        )
        self.week_label.setText(week_text(board.week_start, board.week_end))
        self.chart.set_bars([(channel_label(code), n) for code, n in board.week_counts.items()])
        self._show_waiting(board.waiting)

    def _show_waiting(self, waiting: list[WaitingItem]) -> None:
        tree = self.waiting_tree
        tree.clear()
        if not waiting:
            QTreeWidgetItem(tree, [_("Nothing is waiting for you."), ""])
            return
        for kind in waiting:
            top = QTreeWidgetItem(tree, [_(kind.label), ltr(kind.count)])
            top.setFont(0, ui_font(bold=True))
            top.setToolTip(0, _(kind.label))
            for beneficiary_id, file_no, name in kind.items:
                child = QTreeWidgetItem(top, [name, ltr(file_no) if file_no else ""])
                child.setData(0, BENEFICIARY_ID, beneficiary_id)
        # Open the lists when they fit; otherwise one line per kind, each to expand.
        if len(waiting) + sum(len(kind.items) for kind in waiting) <= EXPANDED_LINES:
            tree.expandAll()

    def _show_error(self, exc: BaseException) -> None:
        self.loading.clear()
        self.message.setText(render_error(exc) if isinstance(exc, EskanError) else str(exc))

    # Actions ---------------------------------------------------------------------------------
    def mark_done(self, table: QTableWidget) -> None:
        """Mark the selected row's follow-up done, then every screen hears contacts changed."""
        items = table.selectedItems()
        if not items:
            return
        contact_id = items[0].data(CONTACT_ID)
        ctx, actor, events = self.session.ctx, self.session.actor, self.session.events
        self.session.runner.submit(
            lambda: mark_follow_up_done(ctx, actor, contact_id),
            on_done=lambda _result: events.changed.emit("contacts", contact_id),
            on_error=self._show_error,
        )

    def _open_item(self, item: QTableWidgetItem) -> None:
        self._open(item.data(BENEFICIARY_ID))

    def _open_waiting(self, item: QTreeWidgetItem, _column: int) -> None:
        self._open(item.data(0, BENEFICIARY_ID))

    def _open(self, beneficiary_id: str | None) -> None:
        if beneficiary_id:
            self.session.events.open_beneficiary.emit(beneficiary_id)
