"""The social research officer's inbox: referrals to accept, reject or mark done."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from eskan_desk import i18n
from eskan_desk.domain.dates import to_riyadh
from eskan_desk.domain.enums import Role
from eskan_desk.domain.errors import EskanError, ValidationError
from eskan_desk.domain.permissions import Action, can
from eskan_desk.domain.referrals import ReferralReason, ReferralStatus, allowed_moves, parties
from eskan_desk.i18n import N_, _
from eskan_desk.services import referrals
from eskan_desk.services.referrals import ReferralView
from eskan_desk.ui.forms import ERROR_STYLE, FieldSet, button_row
from eskan_desk.ui.look import leading_alignment, name_buttons, ui_font
from eskan_desk.ui.session import Page, UiSession
from eskan_desk.ui.tables import select_row, selected_row

COLUMNS = (
    N_("File number"),
    N_("Name"),
    N_("Reason for the referral"),
    N_("Referred by"),
    N_("Date"),
    N_("Status"),
    N_("Social research officer"),
)
RESEARCHER_COLUMN = len(COLUMNS) - 1
LRI, PDI = "\u2066", "\u2069"  # file numbers and dates read left to right inside Arabic


def _ltr(text: str) -> str:
    return f"{LRI}{text}{PDI}" if text else ""


def show_error(parent: QWidget | None, exc: BaseException) -> None:
    """A refusal from a service, in the UI language, in a message box."""
    text = i18n.render_error(exc) if isinstance(exc, EskanError) else str(exc)
    QMessageBox.warning(parent, _("Eskan Desk"), text)


class ReasonDialog(QDialog):
    """Asks for one text (a rejection's reason, a done referral's outcome), then runs ``submit``.

    The error of a refused submission shows beside the field; the dialog stays open.
    """

    def __init__(
        self,
        title: str,
        field: str,
        label: str,
        submit: Callable[[ReasonDialog], None],
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(440)
        self.field = field
        self._submit = submit
        layout = QVBoxLayout(self)
        self.fields = FieldSet(self)
        self.text = self.fields.add(field, label, QPlainTextEdit())
        self.text.setTabChangesFocus(True)
        self.text.setMaximumHeight(110)
        layout.addWidget(self.fields)
        self.error = QLabel(self)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        buttons = name_buttons(
            QDialogButtonBox(
                QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
            )
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        buttons.accepted.connect(lambda: self._submit(self))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.text.setFocus()

    def value(self) -> str:
        return self.text.toPlainText()

    def failed(self, exc: BaseException) -> None:
        if isinstance(exc, ValidationError) and exc.field == self.field:
            self.fields.show_errors([exc])
        elif isinstance(exc, EskanError):
            self.error.setText(i18n.render_error(exc))
        else:
            self.error.setText(str(exc))

    def error_text(self) -> str:
        return self.fields.error_text(self.field) or self.error.text()


class ReferralsPage(Page):
    """The inbox: a researcher sees the referrals assigned to them, supervisors everyone's."""

    page_id = "referrals"
    title = N_("Referrals")
    roles = frozenset({Role.RESEARCHER, Role.SUPERVISOR, Role.ADMIN})

    def __init__(self, session: UiSession, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.rows: list[ReferralView] = []
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        heading = QLabel(_("Referrals to the social research officer"), self)
        heading.setFont(ui_font(14, bold=True))
        top.addWidget(heading, 1)
        self.closed_check = QCheckBox(_("Show closed referrals"), self)
        self.closed_check.toggled.connect(lambda _on: self.refresh())
        top.addWidget(self.closed_check)
        layout.addLayout(top)
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels([_(c) for c in COLUMNS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        # A researcher's inbox holds only their own referrals: the column would repeat their name.
        self.table.setColumnHidden(RESEARCHER_COLUMN, session.actor.role is Role.RESEARCHER)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.doubleClicked.connect(lambda _index: self.open_file())
        layout.addWidget(self.table, 1)
        self.empty = QLabel(_("No referrals waiting."), self)
        layout.addWidget(self.empty)
        self.accept_button = QPushButton(_("Accept"), self)
        self.reject_button = QPushButton(_("Reject"), self)
        self.done_button = QPushButton(_("Close the referral"), self)
        self.open_button = QPushButton(_("Open file"), self)
        self.accept_button.clicked.connect(self.accept_selected)
        self.reject_button.clicked.connect(self.reject_selected)
        self.done_button.clicked.connect(self.complete_selected)
        self.open_button.clicked.connect(self.open_file)
        button_row(
            layout, self.accept_button, self.reject_button, self.done_button, self.open_button
        )
        session.events.changed.connect(self._on_changed)
        self.refresh()

    # Data --------------------------------------------------------------------------------
    def on_shown(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        """Reload the inbox (only for a role that works on referrals: the service would refuse)."""
        if not can(self.session.actor.role, Action.WORK_REFERRALS):
            self._show_rows([])
            return
        ctx, actor = self.session.ctx, self.session.actor
        closed = self.closed_check.isChecked()
        self.session.runner.submit(
            lambda: referrals.researcher_inbox(ctx, actor, include_closed=closed),
            on_done=self._show_rows,
            on_error=lambda exc: show_error(self, exc),
        )

    def _show_rows(self, rows: list[ReferralView]) -> None:
        keep = self.selected()
        self.rows = rows
        self.table.setRowCount(len(rows))
        for i, ref in enumerate(rows):
            cells = (
                _ltr(ref.file_no),
                ref.beneficiary_name,
                _(ReferralReason(ref.reason).label),
                ref.referred_by_name or "—",
                _ltr(to_riyadh(ref.created_at).strftime("%Y-%m-%d")),
                _(ReferralStatus(ref.status).label),
                ref.researcher_name or "—",
            )
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setTextAlignment(leading_alignment())
                item.setData(Qt.ItemDataRole.UserRole, ref.id)
                if col == 2 and ref.note:
                    item.setToolTip(ref.note)
                if col == 5 and ref.status_reason:
                    item.setToolTip(ref.status_reason)
                self.table.setItem(i, col, item)
        self.empty.setVisible(not rows)
        if keep is not None:
            self.select(keep.id)
        self._update_buttons()

    def selected(self) -> ReferralView | None:
        return selected_row(self.table, self.rows)

    def select(self, referral_id: str) -> None:
        select_row(self.table, self.rows, referral_id)

    def moves(self, ref: ReferralView | None) -> list[ReferralStatus]:
        """What the signed-in staff member may do with ``ref`` (the buttons they get)."""
        if ref is None:
            return []
        actor = self.session.actor
        acting_as = parties(
            actor_id=actor.staff_id, researcher_id=ref.researcher_id, referred_by=ref.referred_by
        )
        return allowed_moves(ref.status, actor.role, acting_as)

    def _update_buttons(self) -> None:
        current = self.selected()
        moves = self.moves(current)
        self.accept_button.setEnabled(ReferralStatus.ACCEPTED in moves)
        self.reject_button.setEnabled(ReferralStatus.REJECTED in moves)
        self.done_button.setEnabled(ReferralStatus.DONE in moves)
        self.open_button.setEnabled(current is not None)

    def _on_changed(self, kind: str, _record_id: str) -> None:
        if kind == "referrals":
            self.refresh()

    # Actions -----------------------------------------------------------------------------
    def _run(self, fn: Callable[[], ReferralView], dialog: ReasonDialog | None = None) -> None:
        def done(view: ReferralView) -> None:
            if dialog is not None:
                dialog.accept()
            self.session.events.changed.emit("referrals", view.id)

        def failed(exc: BaseException) -> None:
            if dialog is not None:
                dialog.failed(exc)
            else:
                show_error(self, exc)

        self.session.runner.submit(fn, on_done=done, on_error=failed)

    def accept_selected(self) -> None:
        """The researcher takes the selected referral on."""
        ref = self.selected()
        if ref is None:
            return
        ctx, actor = self.session.ctx, self.session.actor
        self._run(lambda: referrals.accept_referral(ctx, actor, ref.id))

    def reject_selected(self) -> ReasonDialog | None:
        """Ask why, then reject the selected referral."""
        ref = self.selected()
        if ref is None:
            return None
        ctx, actor = self.session.ctx, self.session.actor

        def submit(d: ReasonDialog) -> None:
            self._run(lambda: referrals.reject_referral(ctx, actor, ref.id, d.value()), d)

        dialog = ReasonDialog(
            _("Reject the referral"), "rejection_reason", N_("Reason for rejecting"), submit, self
        )
        dialog.open()
        return dialog

    def complete_selected(self) -> ReasonDialog | None:
        """Ask for the outcome (optional), then mark the selected referral done."""
        ref = self.selected()
        if ref is None:
            return None
        ctx, actor = self.session.ctx, self.session.actor

        def submit(d: ReasonDialog) -> None:
            self._run(lambda: referrals.complete_referral(ctx, actor, ref.id, d.value()), d)

        dialog = ReasonDialog(_("Referral done"), "outcome", N_("Outcome"), submit, self)
        dialog.open()
        return dialog

    def open_file(self) -> None:
        ref = self.selected()
        if ref is not None:
            self.session.events.open_beneficiary.emit(ref.beneficiary_id)
