"""Support requests: the list with filters, and each request's next step.

The committee decides here (refused before the earliest decision date: the button says so and
the service refuses too); the front desk tells the beneficiary the decision here, and a decision
stays on the dashboard until it has been told.
"""

from __future__ import annotations

from operator import attrgetter

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from eskan_desk import i18n
from eskan_desk.domain.dates import format_dual, riyadh_today, to_riyadh
from eskan_desk.domain.enums import Channel
from eskan_desk.domain.errors import EskanError
from eskan_desk.domain.requests import RequestStatus, RequestType, allowed_targets
from eskan_desk.i18n import N_, _, current_language
from eskan_desk.services.request_dto import RequestSummary
from eskan_desk.services.request_workflow import (
    move_request,
    record_communication,
    record_decision,
)
from eskan_desk.services.requests import list_requests
from eskan_desk.ui.forms import ChoiceBox, FieldSet
from eskan_desk.ui.look import name_buttons, ui_font
from eskan_desk.ui.session import Page
from eskan_desk.ui.tables import add_row, make_table, select_row, selected_row

LRI, PDI = "\u2066", "\u2069"
DECISIONS = {RequestStatus.ACCEPTED, RequestStatus.REJECTED, RequestStatus.NEEDS_INFO}
COLUMNS = (
    N_("Request number"),
    N_("File number"),
    N_("Name"),
    N_("Request type"),
    N_("Status"),
    N_("Submitted on"),
    N_("Earliest decision date"),
    N_("Communicated"),
)


def _communicated(r: RequestSummary) -> str:
    """The day the beneficiary was told the decision; a decision not told yet says so."""
    if r.communicated_at:
        return LRI + to_riyadh(r.communicated_at).date().isoformat() + PDI
    return _("Not told yet") if r.decision else "—"


class ReasonDialog(QDialog):
    """Asks for the committee's reason, or the channel and summary of telling the beneficiary."""

    def __init__(self, title: str, *, channel: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        self.fields = FieldSet(self)
        if channel:
            self.channel = self.fields.add(
                "channel", N_("Channel"), ChoiceBox(Channel, optional=False)
            )
            self.channel.set_value("phone")
            self.text = self.fields.add("summary", N_("Summary"), QLineEdit())
        else:
            self.text = self.fields.add("reason", N_("Reason for the decision"), QPlainTextEdit())
        layout.addWidget(self.fields)
        buttons = name_buttons(
            QDialogButtonBox(
                QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
            )
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def value(self) -> str:
        w = self.text
        return w.toPlainText() if isinstance(w, QPlainTextEdit) else w.text()


class RequestsPage(Page):
    page_id = "requests"
    title = N_("Support requests")

    def __init__(self, session, parent=None) -> None:
        super().__init__(session, parent)
        self.rows: list[RequestSummary] = []
        layout = QVBoxLayout(self)
        heading = QLabel(_("Support requests"), self)
        heading.setFont(ui_font(16, bold=True))
        layout.addWidget(heading)
        filters = QHBoxLayout()
        self.status_filter = QComboBox(self)
        self.status_filter.addItem(_("All statuses"), "")
        for status in RequestStatus:
            self.status_filter.addItem(_(status.label), status.value)
        self.overdue_check = QCheckBox(_("Past the earliest decision date only"), self)
        filters.addWidget(self.status_filter)
        filters.addWidget(self.overdue_check)
        filters.addStretch(1)
        layout.addLayout(filters)
        self.table = make_table(self, [_(c) for c in COLUMNS], stretch=2)
        layout.addWidget(self.table, 1)
        self.detail = QLabel(self)
        self.detail.setWordWrap(True)
        layout.addWidget(self.detail)
        self.actions = QHBoxLayout()
        layout.addLayout(self.actions)
        self.error = QLabel(self)
        self.error.setStyleSheet("color: #b3261e;")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        self.status_filter.currentIndexChanged.connect(self.reload)
        self.overdue_check.toggled.connect(self.reload)
        self.table.itemSelectionChanged.connect(self._selected)
        self.table.doubleClicked.connect(lambda _i: self._open_file())
        session.events.changed.connect(self._on_changed)

    def on_shown(self) -> None:
        self.reload()

    def _on_changed(self, kind: str, _id: str) -> None:
        if kind == "requests" and self.isVisible():
            self.reload()

    def reload(self) -> None:
        ctx = self.session.ctx
        status = self.status_filter.currentData() or None
        overdue = self.overdue_check.isChecked()
        self.session.runner.submit(
            lambda: list_requests(ctx, status=status, overdue=overdue),
            on_done=self._show,
            on_error=self._failed,
        )

    def _show(self, rows: list[RequestSummary]) -> None:
        self.rows = rows
        self.table.setRowCount(0)
        lang = current_language()
        for r in rows:
            cells = [
                LRI + r.number + PDI,
                LRI + r.file_no + PDI,
                r.beneficiary_name,
                _(RequestType(r.type).label),
                _(RequestStatus(r.status).label),
                LRI + to_riyadh(r.submitted_at).date().isoformat() + PDI if r.submitted_at else "—",
                # Written like the submission date beside it, so that all eight columns fit;
                # the Hijri date is in its tooltip and in the selected request's details.
                LRI + r.earliest_decision_date.isoformat() + PDI
                if r.earliest_decision_date
                else "—",
                _communicated(r),
            ]
            items = add_row(self.table, cells)
            items[2].setToolTip(r.beneficiary_name)  # elided first when the window is narrow
            if r.earliest_decision_date:
                items[6].setToolTip(format_dual(r.earliest_decision_date, lang))
        self._selected()

    def selected(self) -> RequestSummary | None:
        return selected_row(self.table, self.rows)

    def select(self, number: str) -> None:
        select_row(self.table, self.rows, number, key=attrgetter("number"))

    def _clear_actions(self) -> None:
        while self.actions.count():
            item = self.actions.takeAt(0)
            if item.widget():
                item.widget().deleteLater()

    def _button(self, text: str, slot) -> QPushButton:
        b = QPushButton(text, self)
        b.clicked.connect(slot)
        self.actions.addWidget(b)
        return b

    def _selected(self) -> None:
        self._clear_actions()
        self.error.clear()
        r = self.selected()
        if r is None:
            self.detail.clear()
            return
        self.detail.setText(r.decision_reason or "")
        self._show_declaration_warning(r)
        role = self.session.actor.role
        today = riyadh_today(self.session.ctx.now())
        for target in allowed_targets(r.status, role):
            if target in DECISIONS:
                b = self._button(_(target.label), lambda _c=False, t=target: self.decide(t))
                if r.earliest_decision_date and today < r.earliest_decision_date:
                    b.setEnabled(False)
                    b.setToolTip(
                        _("the committee may decide on or after {date}").format(
                            date=format_dual(r.earliest_decision_date, current_language())
                        )
                    )
            else:
                self._button(_(target.label), lambda _c=False, t=target: self.move(t))
        if r.decision and not r.communicated_at:
            self._button(_("Tell the beneficiary the decision"), self.communicate)
        self._button(_("Open file"), self._open_file)
        self.actions.addStretch(1)

    def _show_declaration_warning(self, r: RequestSummary) -> None:
        """A declaration signed on data that has changed since must be signed again."""
        from eskan_desk.services.declarations import declaration_state

        if r.status in ("draft", "submitted", "in_research", "needs_info") and (
            declaration_state(self.session.ctx, r.id) == "outdated"
        ):
            self.detail.setText(
                _(
                    "The data changed after signing: the declaration must be "
                    "printed and signed again."
                )
            )

    # Actions ----------------------------------------------------------------------------
    def _run(self, work) -> None:
        self.session.runner.submit(work, on_done=self._done, on_error=self._failed)

    def _done(self, r) -> None:
        self.session.events.changed.emit("requests", r.id)
        self.reload()

    def _failed(self, exc: BaseException) -> None:
        self.error.setText(i18n.render_error(exc) if isinstance(exc, EskanError) else str(exc))

    def move(self, target: RequestStatus) -> None:
        ctx, actor, rid = self.session.ctx, self.session.actor, self.selected().id
        self._run(lambda: move_request(ctx, actor, rid, target.value))

    def decide(self, outcome: RequestStatus, *, reason: str | None = None) -> None:
        if reason is None:
            dialog = ReasonDialog(_(outcome.label), channel=False, parent=self)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return
            reason = dialog.value()
        ctx, actor, rid = self.session.ctx, self.session.actor, self.selected().id
        self._run(lambda: record_decision(ctx, actor, rid, outcome=outcome.value, reason=reason))

    def communicate(self, *, channel: str | None = None, summary: str | None = None) -> None:
        if channel is None:
            dialog = ReasonDialog(_("Tell the beneficiary the decision"), channel=True, parent=self)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return
            channel, summary = dialog.channel.value(), dialog.value()
        ctx, actor, rid = self.session.ctx, self.session.actor, self.selected().id
        self._run(
            lambda: record_communication(ctx, actor, rid, channel=channel, summary=summary or "")
        )

    def _open_file(self) -> None:
        r = self.selected()
        if r:
            self.session.events.open_beneficiary.emit(r.beneficiary_id)
