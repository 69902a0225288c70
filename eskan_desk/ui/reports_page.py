"""The weekly summary screen: pick a week, read its figures and charts, export them to a file.

The figures come from :func:`eskan_desk.reports.summary.summary_for` on the database worker;
exports run there too, with progress, and are written whole or not at all. Asking where to save
and opening the finished file go through :meth:`ReportsPage.choose_path` and
:meth:`ReportsPage.offer_to_open`, which tests replace (nothing is ever opened from a test).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QDate, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from eskan_desk.domain.dates import riyadh_today, week_bounds
from eskan_desk.domain.enums import Role
from eskan_desk.domain.errors import EskanError
from eskan_desk.i18n import N_, _, current_language, render_error
from eskan_desk.reports.export import export_summary
from eskan_desk.reports.rows import (
    RESPONSES_CAPTION,
    THIS_WEEK,
    Section,
    display,
    state_line,
    summary_sections,
    trend_points,
    week_lines,
)
from eskan_desk.reports.summary import WeeklySummary, last_full_week, summary_for
from eskan_desk.ui.channel_chart import ChannelChart
from eskan_desk.ui.dashboard_page import Panel, day_and_month, ltr
from eskan_desk.ui.forms import DateEdit
from eskan_desk.ui.look import ui_font
from eskan_desk.ui.session import Page, UiSession
from eskan_desk.ui.tables import add_row, make_table
from eskan_desk.ui.trend_chart import TrendChart

EXPORTS = (("pdf", N_("Export PDF")), ("xlsx", N_("Export Excel")), ("csv", N_("Export CSV")))
FILE_FILTERS = {
    "pdf": N_("PDF files (*.pdf)"),
    "xlsx": N_("Excel workbooks (*.xlsx)"),
    "csv": N_("CSV files (*.csv)"),
}
TILE_KEYS = (
    "contacts_total",
    "new_beneficiaries",
    "requests_submitted",
    "decisions_made",
    "decisions_overdue",
    "satisfaction_overall",
    "response_rate",
    "follow_ups_missed",
)
# Tables, two to a row, the first on the reading side; the workload gets a row of its own.
TABLE_ROWS = (
    ("contacts", "requests"),
    ("request_status", "registrations"),
    ("referrals", "follow_ups"),
    ("satisfaction", "feedback"),
    ("workload",),
)
ROW_HEIGHT = 26
ERROR_STYLE = "color: #b3261e;"


class ReportsPage(Page):
    """Supervisors and administrators read and export the branch's weekly summary."""

    page_id = "reports"
    title = N_("Weekly summary")
    roles = frozenset({Role.SUPERVISOR, Role.ADMIN})

    def __init__(self, session: UiSession, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.summary: WeeklySummary | None = None
        self.last_export: Path | None = None
        self.tables: dict[str, QTableWidget] = {}
        self.tiles: dict[str, QLabel] = {}
        self._build()

    # Layout ----------------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(8)
        layout.addLayout(self._build_header())
        self.message = QLabel(self)
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget(scroll)
        self.body = QVBoxLayout(body)
        self.body.setSpacing(10)
        self.body.addLayout(self._build_tiles())
        self.body.addLayout(self._build_charts())
        self.body.addLayout(self._build_tables())
        self.body.addStretch(1)
        scroll.setWidget(body)
        layout.addWidget(scroll, 1)

    def _build_header(self) -> QVBoxLayout:
        box = QVBoxLayout()
        row = QHBoxLayout()
        title = QLabel(_("Weekly summary"), self)
        title.setFont(ui_font(16, bold=True))
        row.addWidget(title)
        row.addSpacing(16)
        row.addWidget(QLabel(_("Week of"), self))
        self.week_edit = DateEdit(self)
        today = riyadh_today(self.session.ctx.now())
        self.week_edit.setMaximumDate(_qdate(today))
        self.week_edit.setDate(_qdate(last_full_week(today)))
        self.week_edit.dateChanged.connect(lambda _d: self.reload())
        row.addWidget(self.week_edit)
        row.addStretch(1)
        self.export_buttons: dict[str, QPushButton] = {}
        for fmt, label in EXPORTS:
            button = QPushButton(_(label), self)
            button.setEnabled(False)
            button.clicked.connect(lambda _c=False, f=fmt: self.export(f))
            self.export_buttons[fmt] = button
            row.addWidget(button)
        box.addLayout(row)
        dates = QHBoxLayout()
        self.hijri_label = QLabel(self)
        self.hijri_label.setFont(ui_font(12, bold=True))
        self.gregorian_label = QLabel(self)
        self.gregorian_label.setFont(ui_font(11))
        self.state_label = QLabel(self)
        self.progress = QProgressBar(self)
        self.progress.setMaximumWidth(220)
        self.progress.setVisible(False)
        self.progress_label = QLabel(self)
        for widget in (self.hijri_label, self.gregorian_label, self.state_label):
            dates.addWidget(widget)
            dates.addSpacing(18)
        dates.addStretch(1)
        dates.addWidget(self.progress_label)
        dates.addWidget(self.progress)
        box.addLayout(dates)
        return box

    def _build_tiles(self) -> QGridLayout:
        grid = QGridLayout()
        grid.setSpacing(8)
        for i, key in enumerate(TILE_KEYS):
            frame = QFrame(self)
            frame.setFrameShape(QFrame.Shape.StyledPanel)
            frame.setStyleSheet("QFrame { border-top: 3px solid #2e7d6b; }")
            inner = QVBoxLayout(frame)
            number = QLabel("—", frame)
            number.setFont(ui_font(18, bold=True))
            number.setAlignment(Qt.AlignmentFlag.AlignCenter)
            number.setStyleSheet("border: none;")
            caption = QLabel(frame)
            caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
            caption.setWordWrap(True)
            caption.setStyleSheet("border: none;")
            inner.addWidget(number)
            inner.addWidget(caption)
            self.tiles[key] = number
            number.caption = caption  # type: ignore[attr-defined]
            grid.addWidget(frame, i // 4, i % 4)
        return grid

    def _build_charts(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.channel_panel = Panel(self)
        self.channel_panel.title.setText(_("Contacts by channel"))
        self.channel_chart = self.channel_panel.add(ChannelChart(self.channel_panel))
        self.trend_panel = Panel(self)
        self.trend_panel.title.setText(_("Overall satisfaction, week by week"))
        self.trend_chart = self.trend_panel.add(TrendChart(self.trend_panel))
        for panel in (self.channel_panel, self.trend_panel):
            panel.setMinimumHeight(230)
            row.addWidget(panel, 1)
        return row

    def _build_tables(self) -> QVBoxLayout:
        column = QVBoxLayout()
        self.table_panels: dict[str, Panel] = {}
        for keys in TABLE_ROWS:
            row = QHBoxLayout()
            for key in keys:
                panel = Panel(self)
                table = make_table(panel, ["", ""], stretch=0)
                table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
                table.setWordWrap(False)
                rows = table.verticalHeader()
                rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
                rows.setDefaultSectionSize(ROW_HEIGHT)
                panel.body.addWidget(table)
                panel.body.addStretch(1)
                self.table_panels[key] = panel
                self.tables[key] = table
                row.addWidget(panel, 1)
            column.addLayout(row)
        return column

    # Data ------------------------------------------------------------------------------------
    def on_shown(self) -> None:
        if self.summary is None:
            self.reload()

    def week(self) -> dt.date:
        return self.week_edit.date().toPython()

    def set_week(self, day: dt.date) -> None:
        """Show the week holding ``day`` (loads it)."""
        self.week_edit.setDate(_qdate(day))

    def reload(self) -> None:
        ctx, actor, week = self.session.ctx, self.session.actor, self.week()
        for button in self.export_buttons.values():
            button.setEnabled(False)
        self.session.runner.submit(
            lambda: summary_for(ctx, actor, week), on_done=self._show, on_error=self._show_error
        )

    def _show(self, summary: WeeklySummary) -> None:
        if summary.week_start != week_bounds(self.week())[0]:
            return  # another week was picked meanwhile; its own result follows
        self.summary = summary
        self.message.clear()
        hijri, gregorian = week_lines(summary)
        self.hijri_label.setText(hijri)
        self.gregorian_label.setText(gregorian)
        self.state_label.setText(state_line(summary))
        sections = {s.key: s for s in summary_sections(summary)}
        overview = {row.key: row for row in sections["overview"].rows}
        for key, label in self.tiles.items():
            label.setText(ltr(display(overview[key].values[0])))
            label.caption.setText(overview[key].label)  # type: ignore[attr-defined]
        contacts = [row for row in sections["contacts"].rows if not row.emphasis]
        self.channel_chart.set_bars([(row.label, int(row.values[-1])) for row in contacts])
        self.trend_chart.set_points(
            [
                (
                    _(THIS_WEEK) if start == summary.week_start else day_and_month(start),
                    avg,
                    _(RESPONSES_CAPTION).format(n=n),
                )
                for start, avg, n in trend_points(summary)
            ]
        )
        for key, table in self.tables.items():
            self._fill(self.table_panels[key], table, sections[key])
        for button in self.export_buttons.values():
            button.setEnabled(True)

    def _fill(self, panel: Panel, table: QTableWidget, section: Section) -> None:
        panel.title.setText(section.title)
        panel.setToolTip(section.note)
        headers = [section.label_header, *(h for _code, h in section.columns)]
        table.clear()
        table.setRowCount(0)
        table.setColumnCount(len(headers))
        table.setHorizontalHeaderLabels(headers)
        for row in section.rows:
            items = add_row(table, [row.label, *(ltr(display(v)) for v in row.values)])
            if row.emphasis:
                for item in items:
                    item.setFont(ui_font(bold=True))
        header = table.horizontalHeader().sizeHint().height()
        frame = 2 * table.frameWidth()
        rows = sum(table.rowHeight(r) for r in range(table.rowCount()))
        table.setFixedHeight(header + rows + frame + 2)  # every row shown: no inner scrolling

    def _show_error(self, exc: BaseException) -> None:
        self._set_busy(False)
        self.message.setText(render_error(exc) if isinstance(exc, EskanError) else str(exc))

    # Export ----------------------------------------------------------------------------------
    def export(self, fmt: str) -> None:
        """Ask where to save, then write the shown week's summary there on the worker."""
        if self.summary is None:
            return
        path = self.choose_path(fmt)
        if path is None:
            return
        ctx, summary, lang = self.session.ctx, self.summary, current_language()
        self._set_busy(True)
        self.session.runner.submit_with_progress(
            lambda progress: export_summary(
                ctx, summary.week_start, fmt, path, lang=lang, progress=progress, summary=summary
            ),
            on_progress=self._on_progress,
            on_done=self._exported,
            on_error=self._show_error,
        )

    def choose_path(self, fmt: str) -> Path | None:
        """The file to write, asked with a save dialog (tests replace this)."""
        assert self.summary is not None
        suggested = Path.home() / f"weekly-summary-{self.summary.week_start.isoformat()}.{fmt}"
        path, _filter = QFileDialog.getSaveFileName(
            self, _("Save the weekly summary"), str(suggested), _(FILE_FILTERS[fmt])
        )
        return Path(path) if path else None

    def _on_progress(self, done: int, total: int, label: str) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(done)
        self.progress_label.setText(_(label))

    def _exported(self, path: Path) -> None:
        self._set_busy(False)
        self.last_export = path
        self.message.clear()
        self.progress_label.setText(_("Written: {path}").format(path=path))
        self.offer_to_open(path)

    def offer_to_open(self, path: Path) -> None:
        """Ask whether to open the file just written; open it with the system's viewer
        (tests replace this method: nothing is opened from a test)."""
        answer = QMessageBox.question(
            self,
            _("Weekly summary"),
            _("The summary was saved to {path}. Open it now?").format(path=path),
        )
        if answer == QMessageBox.StandardButton.Yes:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def _set_busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        if busy:
            self.progress.setRange(0, 0)
            self.progress_label.clear()
        for button in self.export_buttons.values():
            button.setEnabled(not busy and self.summary is not None)
        self.week_edit.setEnabled(not busy)


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)
