"""Suggestions, complaints and thanks (متطلباتهم ومقترحاتهم), and the way to the survey kiosk."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from eskan_desk.domain.dates import to_riyadh
from eskan_desk.domain.enums import Channel
from eskan_desk.domain.feedback import FeedbackKind, FeedbackStatus, may_answer
from eskan_desk.domain.permissions import Action, can
from eskan_desk.i18n import N_, _
from eskan_desk.services import feedback
from eskan_desk.services.feedback import FeedbackView
from eskan_desk.services.surveys import kiosk_ready
from eskan_desk.ui.feedback_dialog import FeedbackDialog, KioskPinDialog
from eskan_desk.ui.kiosk import SurveyKiosk, open_kiosk
from eskan_desk.ui.look import ui_font
from eskan_desk.ui.referrals_page import ReasonDialog, show_error
from eskan_desk.ui.session import Page, UiSession
from eskan_desk.ui.tables import add_row, make_table, select_row, selected_row

COLUMNS = (
    N_("Type"),
    N_("Channel"),
    N_("Received"),
    N_("Text"),
    N_("Assigned to"),
    N_("Due date"),
    N_("Status"),
)
TEXT_COLUMN, DUE_COLUMN = 3, 5
# What the filter offers: (label, keyword arguments of services.feedback.list_feedback)
FILTERS: tuple[tuple[str, dict[str, Any]], ...] = (
    (N_("Not closed yet"), {"include_closed": False}),
    (N_("Awaiting an answer"), {"status": FeedbackStatus.OPEN.value}),
    (N_("Past their due date"), {"overdue": True}),
    (N_("All"), {}),
)
LRI, PDI = "\u2066", "\u2069"  # dates read left to right inside Arabic
OVERDUE_COLOR = QColor("#b3261e")
SNIPPET = 120


def _ltr(text: str) -> str:
    return f"{LRI}{text}{PDI}" if text else ""


class FeedbackPage(Page):
    """The register: what was received, who answers it, by when, and where it stands."""

    page_id = "feedback"
    title = N_("Suggestions and complaints")
    roles = None  # everyone: an item is answered by whoever it is assigned to

    def __init__(self, session: UiSession, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.rows: list[FeedbackView] = []
        self.kiosk: SurveyKiosk | None = None
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        heading = QLabel(_("Suggestions, complaints and thanks"), self)
        heading.setFont(ui_font(14, bold=True))
        top.addWidget(heading, 1)
        self.filter = QComboBox(self)
        self.filter.setObjectName("filter")
        for label, _kwargs in FILTERS:
            self.filter.addItem(_(label))
        self.filter.currentIndexChanged.connect(lambda _i: self.refresh())
        top.addWidget(self.filter)
        layout.addLayout(top)
        self.table = make_table(self, [_(c) for c in COLUMNS], stretch=TEXT_COLUMN)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        layout.addWidget(self.table, 1)
        self.empty = QLabel(_("No suggestions or complaints."), self)
        layout.addWidget(self.empty)
        layout.addLayout(self._build_buttons())
        session.events.changed.connect(self._on_changed)
        self.refresh()
        self._check_kiosk()

    def _build_buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        actor = self.session.actor
        self.new_button = QPushButton(_("New…"), self)
        self.answer_button = QPushButton(_("Answer…"), self)
        self.close_button = QPushButton(_("Close"), self)
        self.kiosk_button = QPushButton(_("Open the survey kiosk"), self)
        self.pin_button = QPushButton(_("Set the kiosk PIN…"), self)
        self.new_button.clicked.connect(self.new_feedback)
        self.answer_button.clicked.connect(self.answer_selected)
        self.close_button.clicked.connect(self.close_selected)
        self.kiosk_button.clicked.connect(self.open_kiosk)
        self.pin_button.clicked.connect(self.set_pin)
        self.new_button.setVisible(can(actor.role, Action.RECORD_FEEDBACK))
        self.kiosk_button.setVisible(can(actor.role, Action.OFFER_SURVEY))
        self.pin_button.setVisible(can(actor.role, Action.SET_KIOSK_PIN))
        self.kiosk_button.setEnabled(False)
        for button in (self.new_button, self.answer_button, self.close_button):
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(self.kiosk_button)
        row.addWidget(self.pin_button)
        return row

    # Data --------------------------------------------------------------------------------
    def on_shown(self) -> None:
        self.refresh()
        self._check_kiosk()

    def refresh(self) -> None:
        _label, kwargs = FILTERS[max(self.filter.currentIndex(), 0)]
        ctx = self.session.ctx
        self.session.runner.submit(
            lambda: feedback.list_feedback(ctx, **kwargs),
            on_done=self._show_rows,
            on_error=lambda exc: show_error(self, exc),
        )

    def _check_kiosk(self) -> None:
        ctx = self.session.ctx
        self.session.runner.submit(
            lambda: kiosk_ready(ctx),
            on_done=self._kiosk_ready,
            on_error=lambda exc: show_error(self, exc),
        )

    def _kiosk_ready(self, ready: bool) -> None:
        self.kiosk_button.setEnabled(ready)
        self.kiosk_button.setToolTip(
            "" if ready else _("An administrator must set the kiosk PIN first.")
        )

    def _show_rows(self, rows: list[FeedbackView]) -> None:
        keep = self.selected()
        self.rows = rows
        self.table.setRowCount(0)
        for item in rows:
            status = _(FeedbackStatus(item.status).label)
            cells = (
                _(FeedbackKind(item.kind).label),
                _(Channel(item.channel).label),
                _ltr(to_riyadh(item.received_at).strftime("%Y-%m-%d")),
                item.text.replace("\n", " ")[:SNIPPET],
                item.assigned_to_name or "—",
                _ltr(item.due_on.isoformat()) if item.due_on else "—",
                status,
            )
            cells_items = add_row(self.table, cells)
            cells_items[TEXT_COLUMN].setToolTip(item.text)
            cells_items[-1].setToolTip(item.answer or "")
            if item.overdue:
                cells_items[DUE_COLUMN].setForeground(QBrush(OVERDUE_COLOR))
                cells_items[DUE_COLUMN].setToolTip(_("Past its due date"))
            for cell in cells_items:
                cell.setData(Qt.ItemDataRole.UserRole, item.id)
        self.empty.setVisible(not rows)
        if keep is not None:
            self.select(keep.id)
        self._update_buttons()

    def selected(self) -> FeedbackView | None:
        return selected_row(self.table, self.rows)

    def select(self, feedback_id: str) -> None:
        select_row(self.table, self.rows, feedback_id)

    def _may_work(self, item: FeedbackView | None) -> bool:
        actor = self.session.actor
        return item is not None and may_answer(
            actor.role, actor_id=actor.staff_id, assigned_to=item.assigned_to
        )

    def _update_buttons(self) -> None:
        item = self.selected()
        mine = self._may_work(item)
        is_open = item is not None and item.status == FeedbackStatus.OPEN.value
        closable = item is not None and (
            item.status == FeedbackStatus.ANSWERED.value
            or (is_open and item.kind == FeedbackKind.THANKS.value)
        )
        self.answer_button.setEnabled(mine and is_open)
        self.close_button.setEnabled(mine and closable)

    def _on_changed(self, kind: str, _record_id: str) -> None:
        if kind == "feedback":
            self.refresh()
        elif kind == "kiosk_pin":
            self._check_kiosk()

    # Actions -----------------------------------------------------------------------------
    def new_feedback(self) -> FeedbackDialog:
        dialog = FeedbackDialog(self.session, self)
        dialog.open()
        return dialog

    def _run(self, fn: Callable[[], FeedbackView], dialog: ReasonDialog | None = None) -> None:
        def done(view: FeedbackView) -> None:
            if dialog is not None:
                dialog.accept()
            self.session.events.changed.emit("feedback", view.id)

        def failed(exc: BaseException) -> None:
            if dialog is not None:
                dialog.failed(exc)
            else:
                show_error(self, exc)

        self.session.runner.submit(fn, on_done=done, on_error=failed)

    def answer_selected(self) -> ReasonDialog | None:
        """Ask for the answer given to the beneficiary, then record it."""
        item = self.selected()
        if item is None:
            return None
        ctx, actor = self.session.ctx, self.session.actor

        def submit(d: ReasonDialog) -> None:
            self._run(lambda: feedback.answer_feedback(ctx, actor, item.id, d.value()), d)

        dialog = ReasonDialog(_("Answer"), "answer", N_("Answer"), submit, self)
        dialog.open()
        return dialog

    def close_selected(self) -> None:
        item = self.selected()
        if item is None:
            return
        ctx, actor = self.session.ctx, self.session.actor
        self._run(lambda: feedback.close_feedback(ctx, actor, item.id))

    def open_kiosk(self, *, fullscreen: bool = True) -> SurveyKiosk | None:
        """Hand the screen to the beneficiary: the kiosk covers the app until the PIN."""
        self.kiosk = open_kiosk(self.session, cover=self.window(), fullscreen=fullscreen)
        return self.kiosk

    def set_pin(self) -> KioskPinDialog:
        dialog = KioskPinDialog(self.session, self)
        dialog.open()
        return dialog
