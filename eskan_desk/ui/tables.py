"""Read-only tables of records: built, filled and selected the same way on every page."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from operator import attrgetter
from typing import Any, TypeVar

from PySide6.QtCore import QItemSelectionModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from eskan_desk.ui.look import leading_alignment

T = TypeVar("T")


def make_table(
    parent: QWidget | None, headers: Sequence[str], *, stretch: int | None = None
) -> QTableWidget:
    """A read-only, whole-row-selecting table; ``stretch`` takes the spare width."""
    table = QTableWidget(0, len(headers), parent)
    table.setHorizontalHeaderLabels(list(headers))
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().setVisible(False)
    table.setWordWrap(True)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    if stretch is None:
        header.setStretchLastSection(True)
    else:
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return table


def add_row(table: QTableWidget, cells: Sequence[str]) -> list[QTableWidgetItem]:
    """Append a row; cells align to where lines start in the UI language."""
    row = table.rowCount()
    table.insertRow(row)
    items = []
    for col, text in enumerate(cells):
        item = QTableWidgetItem(text)
        item.setTextAlignment(leading_alignment())
        table.setItem(row, col, item)
        items.append(item)
    return items


def selected_index(table: QTableWidget) -> int | None:
    rows = table.selectionModel().selectedRows()
    return rows[0].row() if rows else None


def select_index(table: QTableWidget, index: int) -> None:
    """Select a whole row. Not ``selectRow()``: right to left it takes its column from the
    viewport's width, which is wrong before the table is first laid out."""
    flags = QItemSelectionModel.SelectionFlag
    table.setCurrentCell(index, 0, flags.ClearAndSelect | flags.Rows)


def selected_row(table: QTableWidget, rows: Sequence[T]) -> T | None:
    """The record shown on the table's selected line, if any (``rows`` in table order)."""
    index = selected_index(table)
    return rows[index] if index is not None and index < len(rows) else None


def select_row(
    table: QTableWidget,
    rows: Sequence[Any],
    value: Any,
    key: Callable[[Any], Any] = attrgetter("id"),
) -> None:
    """Select the line of the record whose ``key`` is ``value``; nothing when none is shown."""
    for i, row in enumerate(rows):
        if key(row) == value:
            select_index(table, i)
            return
