"""The supervisor's sync conflicts (تعارضات المزامنة): a field changed both here and elsewhere.

HQ kept one value in the record and the other in the conflict; the supervisor keeps the value in
the record or uses the other one. :func:`eskan_desk.services.sync_review.resolve_conflict` writes
the choice (audited, and sent to HQ like any change).
"""

from __future__ import annotations

import json
import re
from typing import Any

from PySide6.QtWidgets import (
    QLabel,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from eskan_desk.domain.dates import to_riyadh
from eskan_desk.domain.enums import (
    BuildingCondition,
    Category,
    Gender,
    HousingType,
    IncomeKind,
    MaritalStatus,
    NeedTier,
    Occupation,
    RegistrationStatus,
    Relation,
)
from eskan_desk.domain.errors import FIELD_LABELS, EskanError
from eskan_desk.domain.permissions import ALLOWED, Action, can
from eskan_desk.domain.phone import format_mobile_local
from eskan_desk.i18n import N_, _, render_error
from eskan_desk.services.sync_review import (
    KEPT,
    OTHER,
    WHOLE_ROW,
    ConflictView,
    list_conflicts,
    resolve_conflict,
)
from eskan_desk.ui.dashboard_page import ltr
from eskan_desk.ui.forms import button_row, page_header
from eskan_desk.ui.session import Page, UiSession
from eskan_desk.ui.tables import add_row, make_table, select_row, selected_row

COLUMNS = (
    N_("Record"),
    N_("Field"),
    N_("Value in the record"),
    N_("Where the record's value was written"),  # branch · device
    N_("Other value"),
    N_("Where the other value was written"),
    N_("Date"),
)
# Field codes whose values are codes of a labelled list: shown by their label.
ENUM_FIELDS = {
    "gender": Gender,
    "category": Category,
    "need_tier": NeedTier,
    "marital_status": MaritalStatus,
    "housing_type": HousingType,
    "building_condition": BuildingCondition,
    "registration_status": RegistrationStatus,
    "relation": Relation,
    "occupation": Occupation,
    "income_kind": IncomeKind,
}
# A column whose name means something else in another table (an income's "kind").
ENTITY_FIELDS = {
    ("income_sources", "kind"): "income_kind",
    ("income_sources", "monthly_amount"): "amount",
}
EXTRA_LABELS = {
    WHOLE_ROW: N_("The whole record"),
    "name": N_("Name"),
    "occupation": N_("Occupation"),
}
ARABIC = re.compile(r"[\u0600-\u06FF]")
CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9./:-]*")  # a file number, request number or device
MAX_VALUE_CHARS = 60


def isolate_codes(text: str) -> str:
    """``name (KMS-2026-000300)`` stays in that order in Arabic: each code reads left to right."""
    return CODE.sub(lambda m: ltr(m.group()), text)


def field_code(entity: str, field: str) -> str:
    return ENTITY_FIELDS.get((entity, field), field)


def field_label(entity: str, field: str) -> str:
    """The field's label in the UI language (the code itself when the desk has no label)."""
    code = field_code(entity, field)
    label = FIELD_LABELS.get(code) or EXTRA_LABELS.get(code)
    return _(label) if label else ltr(field)


def value_text(entity: str, field: str, value: Any) -> str:
    """A value the way the desk shows it elsewhere: labels for codes, mobiles as 05X XXX XXXX."""
    field = field_code(entity, field)
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, dict | list):
        text = json.dumps(value, ensure_ascii=False)
        return ltr(text if len(text) <= MAX_VALUE_CHARS else text[: MAX_VALUE_CHARS - 1] + "…")
    if field == "mobile":
        try:
            return ltr(format_mobile_local(str(value)))
        except EskanError:
            return ltr(value)
    enum = ENUM_FIELDS.get(field)
    if enum is not None:
        try:
            return _(enum(value).label)
        except ValueError:
            pass
    text = str(value)
    return text if ARABIC.search(text) else ltr(text)


class ConflictsPage(Page):
    """Open conflicts, oldest first; the selected one is resolved with one of two buttons."""

    page_id = "conflicts"
    title = N_("Sync conflicts")
    roles = ALLOWED[Action.RESOLVE_CONFLICTS]

    def __init__(self, session: UiSession, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.rows: list[ConflictView] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        self.message = page_header(
            layout,
            self,
            _("Sync conflicts"),
            _(
                "The same field was changed here and elsewhere before the two changes met at "
                "HQ. The record keeps one value and nothing is lost: choose the value that "
                "stays."
            ),
        )
        self.table: QTableWidget = make_table(self, [_(c) for c in COLUMNS], stretch=0)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        layout.addWidget(self.table, 1)
        self.empty = QLabel(_("No open conflicts."), self)
        layout.addWidget(self.empty)
        self.keep_button = QPushButton(_("Keep the value in the record"), self)
        self.other_button = QPushButton(_("Use the other value"), self)
        self.open_button = QPushButton(_("Open file"), self)
        self.keep_button.clicked.connect(lambda: self.resolve_selected(KEPT))
        self.other_button.clicked.connect(lambda: self.resolve_selected(OTHER))
        self.open_button.clicked.connect(self.open_file)
        button_row(layout, self.keep_button, self.other_button, self.open_button)
        session.events.changed.connect(self._on_changed)
        self.refresh()

    # Data --------------------------------------------------------------------------------------
    def on_shown(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        if not can(self.session.actor.role, Action.RESOLVE_CONFLICTS):
            self._show_rows([])
            return
        ctx, actor = self.session.ctx, self.session.actor
        self.session.runner.submit(
            lambda: list_conflicts(ctx, actor), on_done=self._show_rows, on_error=self._show_error
        )

    def _show_rows(self, rows: list[ConflictView]) -> None:
        keep = self.selected()
        self.rows = rows
        self.table.setRowCount(0)
        for c in rows:
            add_row(
                self.table,
                [
                    isolate_codes(c.record),
                    field_label(c.entity, c.field),
                    value_text(c.entity, c.field, c.kept_value),
                    ltr(c.kept_device or "—"),
                    value_text(c.entity, c.field, c.other_value),
                    ltr(c.other_device or "—"),
                    ltr(to_riyadh(c.created_at).strftime("%Y-%m-%d %H:%M")),
                ],
            )
        self.empty.setVisible(not rows)
        if keep is not None:
            self.select(keep.id)
        self._update_buttons()

    def selected(self) -> ConflictView | None:
        return selected_row(self.table, self.rows)

    def select(self, conflict_id: str) -> None:
        select_row(self.table, self.rows, conflict_id)

    def _update_buttons(self) -> None:
        current = self.selected()
        self.keep_button.setEnabled(current is not None)
        self.other_button.setEnabled(current is not None)
        self.open_button.setEnabled(current is not None and self._beneficiary_of(current) != "")

    def _on_changed(self, kind: str, _record_id: str) -> None:
        if kind == "conflicts":  # a resolution here, or a sync that brought new ones
            self.refresh()

    def _show_error(self, exc: BaseException | None) -> None:
        text = "" if exc is None else render_error(exc) if isinstance(exc, EskanError) else str(exc)
        self.message.setText(text)
        self.message.setVisible(bool(text))

    # Actions -----------------------------------------------------------------------------------
    def resolve_selected(self, choice: str) -> None:
        """Keep the value in the record (``kept``) or write the other one (``other``)."""
        conflict = self.selected()
        if conflict is None:
            return
        ctx, actor = self.session.ctx, self.session.actor

        def done(view: ConflictView) -> None:
            self._show_error(None)
            events = self.session.events
            if choice == OTHER and view.entity == "beneficiaries":
                events.changed.emit("beneficiaries", view.entity_id)
            events.changed.emit("conflicts", view.id)

        self.session.runner.submit(
            lambda: resolve_conflict(ctx, actor, conflict.id, choice),
            on_done=done,
            on_error=self._show_error,
        )

    def _beneficiary_of(self, conflict: ConflictView) -> str:
        return conflict.entity_id if conflict.entity == "beneficiaries" else ""

    def open_file(self) -> None:
        conflict = self.selected()
        if conflict is not None and self._beneficiary_of(conflict):
            self.session.events.open_beneficiary.emit(conflict.entity_id)
