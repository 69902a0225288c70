"""The support request wizard, the policy's steps in order at the counter.

Type and details → documents → verify the data → print the declaration → sign (on the pad, or
on paper with an optional scan) → submit → print the receipt. Each step calls one service; the
services hold the rules (verified data and a current signed declaration before submission).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from eskan_desk import i18n
from eskan_desk.domain.dates import format_dual, to_riyadh
from eskan_desk.domain.errors import EskanError
from eskan_desk.domain.requests import RequestType
from eskan_desk.i18n import N_, _, current_language
from eskan_desk.services import requests as req_service
from eskan_desk.services.beneficiaries import get_beneficiary, verify_beneficiary_data
from eskan_desk.services.declarations import record_declaration
from eskan_desk.services.request_dto import RequestView
from eskan_desk.services.request_workflow import submit_request
from eskan_desk.ui.forms import ChoiceBox, FieldSet
from eskan_desk.ui.look import leading_alignment, ui_font
from eskan_desk.ui.session import Page
from eskan_desk.ui.signature_pad import SignaturePad

STEPS = (
    N_("Type and details"),
    N_("Documents"),
    N_("Verify the data"),
    N_("Declaration and signature"),
    N_("Submit"),
    N_("Receipt"),
)
LRI, PDI = "\u2066", "\u2069"


class RequestWizardPage(Page):
    page_id = "request_wizard"
    title = N_("Support request")

    def __init__(self, session, parent=None) -> None:
        super().__init__(session, parent)
        self.beneficiary_id = ""
        self.request: RequestView | None = None
        self.previews: list = []  # PdfPreview dialogs kept alive while open
        self.back_buttons: list[QPushButton] = []
        outer = QVBoxLayout(self)
        self.heading = QLabel(self)
        self.heading.setFont(ui_font(15, bold=True))
        outer.addWidget(self.heading)
        row = QHBoxLayout()
        self.steps = QListWidget(self)
        self.steps.setFixedWidth(210)
        # Shows where we are; moving between steps is by the buttons, so no selection.
        self.steps.setSelectionMode(QListWidget.SelectionMode.NoSelection)
        self.steps.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        for title in STEPS:
            self.steps.addItem(_(title))
        self.stack = QStackedWidget(self)
        row.addWidget(self.steps)
        row.addWidget(self.stack, 1)
        outer.addLayout(row, 1)
        self.error = QLabel(self)
        self.error.setStyleSheet("color: #b3261e;")
        self.error.setWordWrap(True)
        outer.addWidget(self.error)
        for build in (
            self._details_step,
            self._documents_step,
            self._verify_step,
            self._declaration_step,
            self._submit_step,
            self._receipt_step,
        ):
            self.stack.addWidget(build())

    # Steps ------------------------------------------------------------------------------
    def _page(self, note: str) -> tuple[QWidget, QVBoxLayout]:
        page = QWidget(self.stack)
        layout = QVBoxLayout(page)
        text = QLabel(_(note), page)
        text.setWordWrap(True)
        layout.addWidget(text)
        return page, layout

    def _nav_row(self, layout: QVBoxLayout, page: QWidget, back_to: int | None, forward) -> None:
        """Back on the leading side, the step's way forward on the trailing side: right and
        left in Arabic, where the steps run from right to left. No way back to the details
        once the request exists: they made it."""
        row = QHBoxLayout()
        if back_to is not None:
            back = QPushButton(_("Back"), page)
            back.clicked.connect(lambda: self.go(back_to))
            row.addWidget(back)
            self.back_buttons.append(back)
        row.addStretch(1)
        if forward is not None:
            row.addWidget(forward)
        layout.addLayout(row)

    def _details_step(self) -> QWidget:
        page, layout = self._page(N_("Which service does the applicant ask for?"))
        self.details = FieldSet(page)
        self.type_box = self.details.add(
            "type", N_("Request type"), ChoiceBox(RequestType, optional=False)
        )
        self.details.add("amount", N_("Amount (riyals)"), QLineEdit())
        self.details.add("description", N_("Description"), QPlainTextEdit())
        layout.addWidget(self.details)
        layout.addStretch(1)
        self.create_button = QPushButton(_("Next"), page)
        self.create_button.clicked.connect(self.create)
        self._nav_row(layout, page, None, self.create_button)
        return page

    def _documents_step(self) -> QWidget:
        page, layout = self._page(
            N_("Tick each document the applicant brought; attach a scan where you have one.")
        )
        self.documents_box = QVBoxLayout()
        layout.addLayout(self.documents_box)
        layout.addStretch(1)
        self.documents_next = QPushButton(_("Next"), page)
        self.documents_next.clicked.connect(lambda: self.go(2))
        self._nav_row(layout, page, None, self.documents_next)
        return page

    def _verify_step(self) -> QWidget:
        page, layout = self._page(
            N_(
                "Match the file against the applicant's documents. The "
                "data must be verified before the request is submitted."
            )
        )
        self.verify_state = QLabel(page)
        self.verify_state.setWordWrap(True)
        layout.addWidget(self.verify_state)
        buttons = QHBoxLayout()
        self.verify_button = QPushButton(_("Record data as verified"), page)
        self.edit_button = QPushButton(_("Edit the file"), page)
        self.verify_next = QPushButton(_("Next"), page)
        for b in (self.verify_button, self.edit_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        layout.addStretch(1)
        self._nav_row(layout, page, 1, self.verify_next)
        self.verify_button.clicked.connect(self.verify)
        self.edit_button.clicked.connect(
            lambda: self.session.events.changed.emit("edit_request", self.beneficiary_id)
        )
        self.verify_next.clicked.connect(lambda: self.go(3))
        return page

    def _declaration_step(self) -> QWidget:
        page, layout = self._page(
            N_(
                "Print the declaration, let the applicant read it, then "
                "have them sign it on the pad — or sign the printed copy "
                "on paper."
            )
        )
        self.print_declaration_button = QPushButton(_("Print the declaration"), page)
        self.print_declaration_button.clicked.connect(lambda: self.preview("declaration"))
        layout.addWidget(self.print_declaration_button, 0, Qt.AlignmentFlag.AlignLeading)
        self.pad = SignaturePad(page)
        # Lined up with the text above it; the pad itself is never mirrored, so its side is
        # given absolutely.
        layout.addWidget(self.pad, 0, leading_alignment())
        row = QHBoxLayout()
        self.clear_button = QPushButton(_("Clear the signature"), page)
        self.paper_check = QCheckBox(_("Signed on paper"), page)
        self.scan_button = QPushButton(_("Attach the signed scan…"), page)
        self.sign_button = QPushButton(_("Record the signature"), page)
        for w in (self.clear_button, self.paper_check, self.scan_button, self.sign_button):
            row.addWidget(w)
        row.addStretch(1)
        layout.addLayout(row)
        self.declaration_state = QLabel(page)
        layout.addWidget(self.declaration_state)
        layout.addStretch(1)
        self._nav_row(layout, page, 2, None)  # recording the signature goes on
        self.scan: bytes | None = None
        self.clear_button.clicked.connect(self.pad.clear)
        self.scan_button.clicked.connect(self.choose_scan)
        self.sign_button.clicked.connect(self.sign)
        return page

    def _submit_step(self) -> QWidget:
        page, layout = self._page(
            N_(
                "Tell the applicant that the research committee answers "
                "no sooner than two weeks after submission, and that the "
                "association will contact them with the answer."
            )
        )
        self.submit_summary = QLabel(page)
        self.submit_summary.setWordWrap(True)
        layout.addWidget(self.submit_summary)
        self.submit_button = QPushButton(_("Submit the request"), page)
        self.submit_button.clicked.connect(self.submit)
        layout.addStretch(1)
        self._nav_row(layout, page, 3, self.submit_button)
        return page

    def _receipt_step(self) -> QWidget:
        page, layout = self._page(N_("Hand the applicant the receipt."))
        self.receipt_summary = QLabel(page)
        self.receipt_summary.setWordWrap(True)
        self.receipt_summary.setFont(ui_font(13, bold=True))
        layout.addWidget(self.receipt_summary)
        self.receipt_button = QPushButton(_("Print the receipt"), page)
        self.receipt_button.clicked.connect(lambda: self.preview("receipt"))
        layout.addWidget(self.receipt_button, 0, Qt.AlignmentFlag.AlignLeading)
        layout.addStretch(1)
        return page

    # Flow -------------------------------------------------------------------------------
    def start(self, beneficiary_id: str) -> None:
        f = get_beneficiary(self.session.ctx, beneficiary_id, contacts_limit=0)
        self.beneficiary_id, self.request = f.id, None
        self.heading.setText(
            _("Support request for {name} ({file_no})").format(
                name=f.full_name, file_no=LRI + f.file_no + PDI
            )
        )
        self.details.set_value("amount", "")
        self.details.set_value("description", "")
        self.pad.clear()
        self.paper_check.setChecked(False)
        self.scan = None
        self.go(0)

    def go(self, step: int) -> None:
        self.error.clear()
        self.stack.setCurrentIndex(step)
        for row in range(self.steps.count()):
            item = self.steps.item(row)
            font = item.font()
            font.setBold(row == step)
            item.setFont(font)
            item.setForeground(Qt.GlobalColor.black if row <= step else Qt.GlobalColor.gray)
        if step == 2:
            self._show_verification()
        if step == 3 and self.request is not None:
            self._show_declaration_state()
        if step == 4 and self.request is not None:
            self._show_submit_summary()

    def _run(self, work, on_done) -> None:
        self.error.clear()
        self.session.runner.submit(work, on_done=on_done, on_error=self._failed)

    def _failed(self, exc: BaseException) -> None:
        self.error.setText(i18n.render_error(exc) if isinstance(exc, EskanError) else str(exc))

    def create(self) -> None:
        ctx, actor, ben = self.session.ctx, self.session.actor, self.beneficiary_id
        values = {k: self.details.value(k) for k in ("type", "amount", "description")}
        if self.request is not None:  # already created: details are fixed once documents start
            self.go(1)
            return
        self._run(
            lambda: req_service.create_request(ctx, actor, beneficiary_id=ben, **values),
            self._created,
        )

    def _created(self, r: RequestView) -> None:
        self.request = r
        self.session.events.changed.emit("requests", r.id)
        self._fill_documents(r)
        self.go(1)

    def _fill_documents(self, r: RequestView) -> None:
        while self.documents_box.count():
            item = self.documents_box.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        self.document_checks: dict[str, QCheckBox] = {}
        for d in r.documents:
            mark = "" if d.required else " " + _("(optional)")
            box = QCheckBox(_(d.label) + mark, self)
            box.setChecked(d.received)
            box.toggled.connect(lambda on, code=d.code: self.set_document(code, on))
            self.documents_box.addWidget(box)
            self.document_checks[d.code] = box

    def set_document(
        self, code: str, received: bool, attachment: bytes | None = None, filename: str = ""
    ) -> None:
        ctx, actor, rid = self.session.ctx, self.session.actor, self.request.id
        self._run(
            lambda: req_service.set_document(
                ctx, actor, rid, code, received=received, attachment=attachment, filename=filename
            ),
            self._updated,
        )

    def _updated(self, r: RequestView) -> None:
        self.request = r
        self.session.events.changed.emit("requests", r.id)

    def _show_verification(self) -> None:
        f = get_beneficiary(self.session.ctx, self.beneficiary_id, contacts_limit=0)
        if f.verified_at:
            when = format_dual(to_riyadh(f.verified_at).date(), current_language())
            self.verify_state.setText(_("verified {date}").format(date=when))
        else:
            self.verify_state.setText(_("data not verified yet"))
        self.verify_next.setEnabled(f.verified_at is not None)

    def verify(self) -> None:
        ctx, actor, ben = self.session.ctx, self.session.actor, self.beneficiary_id
        self._run(
            lambda: verify_beneficiary_data(ctx, actor, ben),
            lambda f: (
                self.session.events.changed.emit("beneficiaries", f.id),
                self._show_verification(),
            ),
        )

    def preview(self, kind: str) -> None:
        # ReportLab and PDFium load on first print, not at start-up (a fifth of a second).
        from eskan_desk.services.print_jobs import render

        ctx, rid = self.session.ctx, self.request.id
        titles = {"declaration": _("Declaration"), "receipt": _("Request receipt")}
        self._run(
            lambda: render(ctx, kind, rid), lambda pdf: self._show_pdf(pdf, titles[kind], kind)
        )

    def _show_pdf(self, pdf: bytes, title: str, kind: str) -> None:
        from eskan_desk.ui.pdf_preview import PdfPreview

        dialog = PdfPreview(pdf, title, file_name=f"{self.request.number}-{kind}.pdf", parent=self)
        self.previews.append(dialog)
        dialog.open()

    def choose_scan(self) -> None:
        path, _f = QFileDialog.getOpenFileName(
            self, _("Attach the signed scan…"), "", "PDF / images (*.pdf *.png *.jpg *.jpeg)"
        )
        if path:
            with open(path, "rb") as fh:
                self.scan = fh.read()
            self.paper_check.setChecked(True)

    def sign(self) -> None:
        ctx, actor, rid = self.session.ctx, self.session.actor, self.request.id
        paper = self.paper_check.isChecked()
        png = None if paper else self.pad.to_png()
        if not paper and self.pad.is_empty():
            self.error.setText(_("The applicant has not signed on the pad yet."))
            return
        scan = self.scan if paper else None
        self._run(
            lambda: record_declaration(
                ctx, actor, rid, method="paper" if paper else "pad", signature_png=png, scan=scan
            ),
            lambda _d: (self._refresh(), self.go(4)),
        )

    def _refresh(self) -> None:
        self.request = req_service.get_request(self.session.ctx, self.request.id)

    def _show_declaration_state(self) -> None:
        self._refresh()
        texts = {
            "missing": _("Not signed yet."),
            "signed": _("Signed."),
            "outdated": _(
                "The data changed after signing: the declaration must be printed and signed again."
            ),
        }
        self.declaration_state.setText(texts[self.request.declaration_state])

    def _show_submit_summary(self) -> None:
        self._refresh()
        r = self.request
        self.submit_summary.setText(
            _("Request {number}: {type}.").format(
                number=LRI + r.number + PDI, type=_(RequestType(r.type).label)
            )
        )

    def submit(self) -> None:
        ctx, actor, rid = self.session.ctx, self.session.actor, self.request.id
        self._run(lambda: submit_request(ctx, actor, rid), self._submitted)

    def _submitted(self, r: RequestView) -> None:
        self.request = r
        self.session.events.changed.emit("requests", r.id)
        date = format_dual(r.earliest_decision_date, current_language())
        self.receipt_summary.setText(
            _("Request {number} submitted; the committee may decide on or after {date}.").format(
                number=LRI + r.number + PDI, date=date
            )
        )
        self.go(5)
