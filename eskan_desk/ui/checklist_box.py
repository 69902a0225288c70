"""Administrators edit the documents checklist of each request type."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from eskan_desk import i18n
from eskan_desk.domain.errors import EskanError
from eskan_desk.domain.permissions import Action, can
from eskan_desk.domain.requests import RequestType
from eskan_desk.i18n import _
from eskan_desk.services.requirements import list_requirements, set_requirements
from eskan_desk.ui.forms import ChoiceBox
from eskan_desk.ui.session import UiSession


class ChecklistBox(QGroupBox):
    """One row per document: its name (as printed on the form) and whether it is required.

    Column 0 keeps each document's code out of sight: codes tie a request's checklist to this
    list and mean nothing to the person editing it. A new row has none; the service gives it
    one when the list is saved."""

    def __init__(self, session: UiSession, parent: QWidget | None = None) -> None:
        super().__init__(_("Documents checklists"), parent)
        self.session = session
        layout = QVBoxLayout(self)
        self.type_box = ChoiceBox(RequestType, optional=False, parent=self)
        layout.addWidget(self.type_box)
        self.table = QTableWidget(0, 3, self)
        self.table.setHorizontalHeaderLabels([_("Code"), _("Document"), _("Required")])
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setColumnHidden(0, True)
        self.table.verticalHeader().setVisible(False)
        self.table.setMinimumHeight(180)
        layout.addWidget(self.table)
        row = QHBoxLayout()
        self.add_button = QPushButton(_("Add"), self)
        self.remove_button = QPushButton(_("Remove selected"), self)
        self.save_button = QPushButton(_("Save the checklist"), self)
        for b in (self.add_button, self.remove_button, self.save_button):
            row.addWidget(b)
        row.addStretch(1)
        layout.addLayout(row)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.type_box.currentIndexChanged.connect(self.load)
        self.add_button.clicked.connect(self.add_document)
        self.remove_button.clicked.connect(lambda: self.table.removeRow(self.table.currentRow()))
        self.save_button.clicked.connect(self.save)
        self.setVisible(can(session.actor.role, Action.EDIT_DOCUMENT_REQUIREMENTS))
        self.load()

    def _append(self, code: str, label: str, required: bool) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        self.table.setItem(row, 0, QTableWidgetItem(code))
        self.table.setItem(row, 1, QTableWidgetItem(label))
        check = QTableWidgetItem()
        check.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
        check.setCheckState(Qt.CheckState.Checked if required else Qt.CheckState.Unchecked)
        self.table.setItem(row, 2, check)

    def add_document(self) -> None:
        """A new, required document at the end, its name open for typing."""
        self._append("", "", True)
        row = self.table.rowCount() - 1
        self.table.setCurrentCell(row, 1)
        self.table.editItem(self.table.item(row, 1))

    def load(self) -> None:
        self.table.setRowCount(0)
        for item in list_requirements(self.session.ctx, self.type_box.value()):
            self._append(item.code, i18n.gettext(item.label), item.required)
        self.status.clear()

    def items(self) -> list[tuple[str, str, bool]]:
        out = []
        for row in range(self.table.rowCount()):
            code = (self.table.item(row, 0) or QTableWidgetItem()).text()
            label = (self.table.item(row, 1) or QTableWidgetItem()).text()
            required = self.table.item(row, 2).checkState() == Qt.CheckState.Checked
            out.append((code, label, required))
        return out

    def save(self) -> None:
        ctx, actor, kind, items = (
            self.session.ctx,
            self.session.actor,
            self.type_box.value(),
            self.items(),
        )
        self.session.runner.submit(
            lambda: set_requirements(ctx, actor, kind, items),
            on_done=lambda _r: (self.status.setText(_("Saved.")), self.load()),
            on_error=self._failed,
        )

    def _failed(self, exc: BaseException) -> None:
        self.status.setText(i18n.render_error(exc) if isinstance(exc, EskanError) else str(exc))
