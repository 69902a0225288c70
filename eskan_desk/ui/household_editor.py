"""Editable lists inside the family file form: household members and income sources."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QGridLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from eskan_desk.domain.enums import Gender, IncomeKind, Occupation, Relation
from eskan_desk.i18n import _
from eskan_desk.services.beneficiary_input import IncomeInput, MemberInput
from eskan_desk.ui.forms import ChoiceBox


def _label(enum, code: str) -> str:
    try:
        return _(enum(code).label)
    except ValueError:
        return code


class _ListEditor(QWidget):
    """A table of rows plus an entry line to add one; a button removes the selected row."""

    changed = Signal()

    def __init__(self, headers: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.table = QTableWidget(0, len(headers), self)
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setMaximumHeight(150)
        layout.addWidget(self.table)
        self.entry = QGridLayout()
        layout.addLayout(self.entry)
        self._next_cell = 0
        self.add_button = QPushButton(_("Add"), self)
        self.remove_button = QPushButton(_("Remove selected"), self)
        self.add_button.clicked.connect(self._add_clicked)
        self.remove_button.clicked.connect(self._remove_clicked)

    def _place(self, widget: QWidget) -> None:
        """Entry widgets flow into rows of four, so the form fits a 1280-pixel screen."""
        row, col = divmod(self._next_cell, 4)
        self.entry.addWidget(widget, row, col)
        self._next_cell += 1

    def _finish_entry_row(self) -> None:
        self._place(self.add_button)
        self._place(self.remove_button)

    def _append(self, cells: list[str]) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        for col, text in enumerate(cells):
            self.table.setItem(row, col, QTableWidgetItem(text))

    def _remove_clicked(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)
            self._remove(row)
            self.changed.emit()

    def _add_clicked(self) -> None:
        raise NotImplementedError

    def _remove(self, row: int) -> None:
        raise NotImplementedError


class MembersEditor(_ListEditor):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            [
                _("Name"),
                _("Relation"),
                _("National ID"),
                _("Birth date"),
                _("Occupation"),
                _("Disability"),
                _("Chronic illness"),
            ],
            parent,
        )
        self.members: list[MemberInput] = []
        self.name = QLineEdit(self)
        self.name.setPlaceholderText(_("Name"))
        self.relation = ChoiceBox(Relation, optional=False, parent=self)
        self.national_id = QLineEdit(self)
        self.national_id.setPlaceholderText(_("National ID"))
        self.birth = QLineEdit(self)
        self.birth.setPlaceholderText(_("Birth date"))
        self.gender = ChoiceBox(Gender, parent=self)
        self.occupation = ChoiceBox(Occupation, parent=self)
        self.disability = QCheckBox(_("Disability"), self)
        self.chronic = QCheckBox(_("Chronic illness"), self)
        for w in (
            self.name,
            self.relation,
            self.gender,
            self.national_id,
            self.birth,
            self.occupation,
            self.disability,
            self.chronic,
        ):
            self._place(w)
        self._finish_entry_row()

    def _add_clicked(self) -> None:
        if not self.name.text().strip():
            self.name.setFocus()
            return
        self.add(
            MemberInput(
                name=self.name.text(),
                relation=self.relation.value(),
                national_id=self.national_id.text(),
                gender=self.gender.value(),
                birth_date=self.birth.text(),
                occupation=self.occupation.value(),
                has_disability=self.disability.isChecked(),
                has_chronic_illness=self.chronic.isChecked(),
            )
        )
        for w in (self.name, self.national_id, self.birth):
            w.clear()
        self.disability.setChecked(False)
        self.chronic.setChecked(False)
        self.changed.emit()

    def add(self, m: MemberInput) -> None:
        self.members.append(m)
        yes, no = _("Yes"), ""
        self._append(
            [
                m.name,
                _label(Relation, m.relation),
                m.national_id,
                m.birth_date,
                _label(Occupation, m.occupation) if m.occupation else "",
                yes if m.has_disability else no,
                yes if m.has_chronic_illness else no,
            ]
        )

    def set_members(self, members: list[MemberInput]) -> None:
        self.members = []
        self.table.setRowCount(0)
        for m in members:
            self.add(m)

    def _remove(self, row: int) -> None:
        del self.members[row]


class IncomesEditor(_ListEditor):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__([_("Income source"), _("Monthly amount (riyals)")], parent)
        self.incomes: list[IncomeInput] = []
        self.kind = ChoiceBox(IncomeKind, optional=False, parent=self)
        self.amount = QLineEdit(self)
        self.amount.setPlaceholderText(_("Monthly amount (riyals)"))
        self._place(self.kind)
        self._place(self.amount)
        self._finish_entry_row()

    def _add_clicked(self) -> None:
        if not self.amount.text().strip():
            self.amount.setFocus()
            return
        self.add(IncomeInput(kind=self.kind.value(), monthly_amount=self.amount.text()))
        self.amount.clear()
        self.changed.emit()

    def add(self, i: IncomeInput) -> None:
        self.incomes.append(i)
        self._append([_label(IncomeKind, i.kind), i.monthly_amount])

    def set_incomes(self, incomes: list[IncomeInput]) -> None:
        self.incomes = []
        self.table.setRowCount(0)
        for i in incomes:
            self.add(i)

    def _remove(self, row: int) -> None:
        del self.incomes[row]
