"""The beneficiary registry: search as you type over a lazily loaded table."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
)

from eskan_desk import i18n
from eskan_desk.domain.errors import EskanError
from eskan_desk.i18n import N_, _
from eskan_desk.services.dto import BeneficiarySummary
from eskan_desk.services.search import (
    count_beneficiaries,
    list_beneficiaries,
    search_beneficiaries,
)
from eskan_desk.ui.beneficiary_table import BeneficiaryTableModel
from eskan_desk.ui.look import ui_font
from eskan_desk.ui.session import Page

SEARCH_LIMIT = 200
NAME_COLUMN = 1
COLUMN_WIDTHS = (150, 0, 110, 120, 120, 90, 150, 90)


class RegistryPage(Page):
    page_id = "registry"
    title = N_("Beneficiary registry")

    def __init__(self, session, parent=None) -> None:
        super().__init__(session, parent)
        self._generation = 0  # the newest keystroke's search; older results are dropped
        self._build()
        self.model.browse(self._page)
        self._show_count(None)
        session.events.changed.connect(self._on_changed)

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        title = QLabel(_("Beneficiary registry"), self)
        title.setFont(ui_font(16, bold=True))
        layout.addWidget(title)
        self.search_box = QLineEdit(self)
        self.search_box.setObjectName("search")
        self.search_box.setPlaceholderText(
            _("Search by name, national ID, mobile number or file number")
        )
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setMinimumHeight(36)
        self.search_box.textChanged.connect(self.on_search_text)
        self.search_box.returnPressed.connect(self.open_selected)
        layout.addWidget(self.search_box)
        row = QHBoxLayout()
        self.result_label = QLabel(self)
        row.addWidget(self.result_label, 1)
        self.open_button = QPushButton(_("Open file"), self)
        self.call_button = QPushButton(_("Log a call"), self)
        self.new_button = QPushButton(_("New registration"), self)
        self.anonymous_button = QPushButton(_("Anonymous inquiry"), self)
        for b in (self.open_button, self.call_button, self.anonymous_button, self.new_button):
            row.addWidget(b)
        layout.addLayout(row)
        self.model = BeneficiaryTableModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setFrameShape(QFrame.Shape.StyledPanel)
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
        self.table.doubleClicked.connect(lambda _i: self.open_selected())
        layout.addWidget(self.table, 1)
        self.open_button.clicked.connect(self.open_selected)
        self.call_button.clicked.connect(self.call_selected)
        # Open and log a call act on the selected file: usable only when there is one.
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.model.modelReset.connect(self._update_buttons)
        self.model.rowsInserted.connect(self._update_buttons)
        self._update_buttons()
        self.new_button.clicked.connect(
            lambda: self.session.events.changed.emit("new_registration", "")
        )
        self.anonymous_button.clicked.connect(
            lambda: self.session.events.log_contact.emit("", "phone")
        )

    def focus_search(self) -> None:
        self.search_box.setFocus()
        self.search_box.selectAll()

    def on_shown(self) -> None:
        self.search_box.setFocus()

    # Data ------------------------------------------------------------------------------
    def _page(self, last: BeneficiarySummary | None) -> list[BeneficiarySummary]:
        return list_beneficiaries(self.session.ctx, after_file_no=last.file_no if last else None)

    def on_search_text(self, text: str) -> None:
        self._generation += 1
        generation = self._generation
        query = text.strip()
        if not query:
            self.model.browse(self._page)
            self._show_count(None)
            return
        ctx = self.session.ctx
        self.session.runner.submit(
            lambda: search_beneficiaries(ctx, query, limit=SEARCH_LIMIT),
            on_done=lambda rows: self._show_results(generation, rows),
            on_error=self._show_error,
        )

    def _show_results(self, generation: int, rows: list[BeneficiarySummary]) -> None:
        if generation != self._generation:
            return  # a newer keystroke's search is on its way
        self.model.show_rows(rows)
        self._show_count(len(rows))
        if rows:
            self.table.selectRow(0)

    def _show_error(self, exc: BaseException) -> None:
        text = i18n.render_error(exc) if isinstance(exc, EskanError) else str(exc)
        self.result_label.setText(text)

    def _show_count(self, found: int | None) -> None:
        if found is None:
            total = count_beneficiaries(self.session.ctx)
            self.result_label.setText(_("{n} files in the registry").format(n=f"{total:,}"))
        elif found == 0:
            self.result_label.setText(_("No matches."))
        else:
            self.result_label.setText(_("{n} matches").format(n=found))

    def selected(self) -> BeneficiarySummary | None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            return self.model.row_at(rows[0].row())
        return self.model.row_at(0) if self.model.rowCount() == 1 else None

    def _update_buttons(self, *_args: object) -> None:
        chosen = self.selected() is not None
        self.open_button.setEnabled(chosen)
        self.call_button.setEnabled(chosen)

    def open_selected(self) -> None:
        row = self.selected()
        if row:
            self.session.events.open_beneficiary.emit(row.id)

    def call_selected(self) -> None:
        row = self.selected()
        if row:
            self.session.events.log_contact.emit(row.id, "phone")

    def _on_changed(self, kind: str, _id: str) -> None:
        if kind == "beneficiaries" and not self.search_box.text().strip():
            self.model.browse(self._page)
            self._show_count(None)
