"""A lazy table model over the registry or over search results."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from eskan_desk.domain.enums import Category, RegistrationStatus
from eskan_desk.domain.phone import format_mobile_local
from eskan_desk.i18n import N_, _
from eskan_desk.services.dto import BeneficiarySummary
from eskan_desk.ui.look import leading_alignment

PageFetcher = Callable[[BeneficiarySummary | None], list[BeneficiarySummary]]
PAGE = 200
LTR_ISOLATE, POP_ISOLATE = "\u2066", "\u2069"

COLUMNS = (
    ("file_no", N_("File number")),
    ("full_name", N_("Name")),
    ("national_id", N_("National ID")),
    ("mobile", N_("Mobile number")),
    ("district", N_("District")),
    ("city", N_("City")),
    ("category", N_("Category")),
    ("registration_status", N_("Registration")),
)

Index = QModelIndex | QPersistentModelIndex


def cell_text(row: BeneficiarySummary, key: str) -> str:
    value = getattr(row, key)
    if value is None:
        return ""
    if key == "mobile":
        # Isolated left to right: "050 123 4567" must not be reordered inside Arabic text.
        return LTR_ISOLATE + format_mobile_local(value) + POP_ISOLATE
    if key == "category":
        return _(Category(value).label)
    if key == "registration_status":
        return _(RegistrationStatus(value).label)
    return str(value)


class BeneficiaryTableModel(QAbstractTableModel):
    """Rows arrive a page at a time as the view scrolls (``fetchMore``)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[BeneficiarySummary] = []
        self._fetch: PageFetcher | None = None
        self._more = False

    # Loading -------------------------------------------------------------------------------
    def show_rows(self, rows: list[BeneficiarySummary]) -> None:
        """Show a finished result set (search results)."""
        self.beginResetModel()
        self._rows, self._fetch, self._more = list(rows), None, False
        self.endResetModel()

    def browse(self, fetch: PageFetcher) -> None:
        """Show a paged source; ``fetch(last_row)`` returns the page after ``last_row``."""
        self.beginResetModel()
        self._fetch = fetch
        self._rows = fetch(None)
        self._more = len(self._rows) >= PAGE
        self.endResetModel()

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return self._more and not parent.isValid()

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if not self._fetch or parent.isValid():
            return
        page = self._fetch(self._rows[-1] if self._rows else None)
        self._more = len(page) >= PAGE
        if page:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
            self._rows.extend(page)
            self.endInsertRows()

    def row_at(self, row: int) -> BeneficiarySummary:
        return self._rows[row]

    # Qt model ----------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return cell_text(self._rows[index.row()], COLUMNS[index.column()][0])
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(leading_alignment().value)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return _(COLUMNS[section][1])
        return None
