"""The main window: the registry with search as you type, and the status bar."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from eskan_desk.app import AppContext
from eskan_desk.domain.dates import format_dual, riyadh_today
from eskan_desk.i18n import _, current_language
from eskan_desk.services.dto import BeneficiarySummary
from eskan_desk.services.search import (
    count_beneficiaries,
    list_beneficiaries,
    search_beneficiaries,
)
from eskan_desk.services.staff import current_branch
from eskan_desk.services.sync_status import pending_changes
from eskan_desk.ui.beneficiary_table import BeneficiaryTableModel
from eskan_desk.ui.look import ui_font
from eskan_desk.ui.tasks import TaskRunner

SEARCH_LIMIT = 200
NAME_COLUMN = 1
COLUMN_WIDTHS = (150, 0, 110, 120, 120, 90, 150, 90)


class MainWindow(QMainWindow):
    def __init__(self, ctx: AppContext, runner: Any | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.runner = runner or TaskRunner()
        self._generation = 0  # the newest keystroke's search; older results are dropped
        self.setWindowTitle(_("Eskan Desk"))
        self.resize(1180, 720)
        self._build()
        self.refresh_status()
        self.model.browse(self._page)
        self._show_count(None)

    # Layout ----------------------------------------------------------------------------
    def _build(self) -> None:
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(16, 12, 16, 8)
        title = QLabel(_("Beneficiary registry"), central)
        title.setFont(ui_font(16, bold=True))
        layout.addWidget(title)
        self.search_box = QLineEdit(central)
        self.search_box.setObjectName("search")
        self.search_box.setPlaceholderText(
            _("Search by name, national ID, mobile number or file number")
        )
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setMinimumHeight(36)
        self.search_box.textChanged.connect(self.on_search_text)
        layout.addWidget(self.search_box)
        self.result_label = QLabel(central)
        layout.addWidget(self.result_label)
        self.model = BeneficiaryTableModel(self)
        self.table = QTableView(central)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(30)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(NAME_COLUMN, QHeaderView.ResizeMode.Stretch)
        for col, width in enumerate(COLUMN_WIDTHS):
            if col != NAME_COLUMN:
                self.table.setColumnWidth(col, width)
        layout.addWidget(self.table, 1)
        self.setCentralWidget(central)
        self.branch_label = QLabel(self)
        self.date_label = QLabel(self)
        self.sync_label = QLabel(self)
        for label in (self.branch_label, self.date_label, self.sync_label):
            label.setContentsMargins(12, 0, 12, 0)
            label.setFrameShape(QFrame.Shape.StyledPanel)
            self.statusBar().addPermanentWidget(label)
        QShortcut(QKeySequence("Ctrl+F"), self, activated=self.focus_search)
        self.search_box.setFocus()

    def focus_search(self) -> None:
        self.search_box.setFocus()
        self.search_box.selectAll()

    # Data ------------------------------------------------------------------------------
    def _page(self, last: BeneficiarySummary | None) -> list[BeneficiarySummary]:
        return list_beneficiaries(self.ctx, after_file_no=last.file_no if last else None)

    def on_search_text(self, text: str) -> None:
        self._generation += 1
        generation = self._generation
        query = text.strip()
        if not query:
            self.model.browse(self._page)
            self._show_count(None)
            return
        self.runner.submit(
            lambda: search_beneficiaries(self.ctx, query, limit=SEARCH_LIMIT),
            on_done=lambda rows: self._show_results(generation, rows),
            on_error=self._show_error,
        )

    def _show_results(self, generation: int, rows: list[BeneficiarySummary]) -> None:
        if generation != self._generation:
            return  # a newer keystroke's search is on its way
        self.model.show_rows(rows)
        self._show_count(len(rows))

    def _show_error(self, exc: BaseException) -> None:
        from eskan_desk import i18n
        from eskan_desk.domain.errors import EskanError

        text = i18n.render_error(exc) if isinstance(exc, EskanError) else str(exc)
        self.result_label.setText(text)

    def _show_count(self, found: int | None) -> None:
        if found is None:
            total = count_beneficiaries(self.ctx)
            self.result_label.setText(_("{n} files in the registry").format(n=f"{total:,}"))
        elif found == 0:
            self.result_label.setText(_("No matches."))
        else:
            self.result_label.setText(_("{n} matches").format(n=found))

    def refresh_status(self) -> None:
        branch = current_branch(self.ctx)
        self.branch_label.setText(
            _("Branch: {name} ({code})").format(name=branch.name, code=branch.code)
        )
        self.date_label.setText(format_dual(riyadh_today(self.ctx.now()), current_language()))
        self.sync_label.setText(
            _("Changes waiting to sync: {n}").format(n=f"{pending_changes(self.ctx):,}")
        )

    def closeEvent(self, event: Any) -> None:
        self.runner.shutdown()
        super().closeEvent(event)
