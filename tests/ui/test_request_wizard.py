"""A walk-in applicant from registration to a signed declaration and a receipt, through the
real widgets; then the committee's decision is refused before day 14 and accepted after, the
beneficiary is told, and the dashboard shows the decision until they are."""

from __future__ import annotations

import pypdfium2 as pdfium
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from eskan_desk import i18n
from eskan_desk.domain.dates import to_riyadh
from eskan_desk.domain.requests import RequestStatus
from eskan_desk.services.auth import add_staff, sign_in
from eskan_desk.services.beneficiaries import register_beneficiary
from eskan_desk.services.dashboard import waiting_for_role
from eskan_desk.services.request_workflow import move_request
from eskan_desk.services.requests import get_request
from eskan_desk.ui.main_window import MainWindow
from eskan_desk.ui.requests_page import RequestsPage
from eskan_desk.ui.session import UiEvents, UiSession
from eskan_desk.ui.tasks import ImmediateRunner

from ..services.helpers import applicant
from .typing import type_text


def draw_signature(pad) -> None:
    QTest.mousePress(pad, Qt.MouseButton.LeftButton, pos=QPoint(40, 120))
    for x in range(40, 400, 20):
        QTest.mouseMove(pad, QPoint(x, 100 + (x // 20 % 2) * 40))
    QTest.mouseRelease(pad, Qt.MouseButton.LeftButton, pos=QPoint(400, 120))


def test_walk_in_to_receipt_then_decision_after_day_14(session, qtbot, ctx, clock):
    ben = register_beneficiary(ctx, session.actor, applicant(short_address="RRRD2929"))
    window = MainWindow(session)
    qtbot.addWidget(window)
    window.show()
    window.new_request(ben.id)
    wizard = window.pages["request_wizard"]

    wizard.type_box.set_value("rent")
    type_text(wizard.details.editors["amount"], "12000")
    wizard.create()
    assert wizard.request is not None and wizard.request.status == "draft"
    for box in wizard.document_checks.values():
        box.setChecked(True)
    assert all(d.received for d in get_request(ctx, wizard.request.id).documents)

    wizard.go(2)
    assert not wizard.verify_next.isEnabled()  # data not verified yet
    (back,) = [b for b in wizard.back_buttons if b.isVisibleTo(wizard.stack.currentWidget())]
    back.click()  # to the documents; never back to the details that made the request
    assert wizard.stack.currentIndex() == 1
    wizard.documents_next.click()
    wizard.verify_button.click()
    assert wizard.verify_next.isEnabled()

    wizard.go(3)
    wizard.print_declaration_button.click()
    preview = wizard.previews[-1]
    assert len(preview.page_labels) >= 1 and not preview.page_labels[0].pixmap().isNull()
    preview.close()
    wizard.sign_button.click()
    assert wizard.error.text()  # an empty pad is not a signature
    draw_signature(wizard.pad)
    assert not wizard.pad.is_empty()
    wizard.sign_button.click()
    assert get_request(ctx, wizard.request.id).declaration_state == "signed"

    wizard.submit_button.click()
    submitted = get_request(ctx, wizard.request.id)
    assert submitted.status == "submitted"
    assert submitted.number in wizard.receipt_summary.text()
    wizard.receipt_button.click()
    receipt = wizard.previews[-1].pdf
    text = pdfium.PdfDocument(receipt)[0].get_textpage().get_text_range()
    assert submitted.number in text

    # The committee, at HQ or in a local store, decides from the requests screen.
    add_staff(
        ctx,
        session.actor,
        username="lajna",
        full_name="عضو اللجنة",
        role="committee",
        password="committee-2026",
    )
    committee = UiSession(
        ctx=ctx,
        actor=sign_in(ctx, "lajna", "committee-2026"),
        runner=ImmediateRunner(),
        events=UiEvents(),
    )
    for move in ("in_research", "in_committee"):
        move_request(ctx, session.actor, submitted.id, move)
    page = RequestsPage(committee)
    qtbot.addWidget(page)
    page.reload()
    page.select(submitted.number)
    label = i18n.gettext(RequestStatus.ACCEPTED.label)
    accept = [b for b in page.findChildren(type(wizard.submit_button)) if b.text() == label]
    assert accept and not accept[0].isEnabled()  # day 0: refused before day 14
    page.decide(RequestStatus.ACCEPTED, reason="مستوفٍ للشروط")
    assert page.error.text()  # the service refuses as well, naming the earliest date
    assert get_request(ctx, submitted.id).decision is None

    clock.advance(days=14)
    page.reload()
    page.select(submitted.number)

    page.decide(RequestStatus.ACCEPTED, reason="مستوفٍ للشروط")
    decided = get_request(ctx, submitted.id)
    assert decided.decision == "accepted" and decided.communicated_at is None
    kinds = {w.kind: w.count for w in waiting_for_role(ctx, session.actor)}
    assert kinds.get("decisions_not_communicated") == 1

    front = RequestsPage(session)
    qtbot.addWidget(front)
    front.reload()
    front.select(submitted.number)
    row = front.table.currentRow()
    assert front.table.item(row, 7).text() == "لم يُبلَّغ بعد"
    front.communicate(channel="phone", summary="أُبلغت المستفيدة بقبول طلبها")
    told = get_request(ctx, submitted.id).communicated_at
    assert told is not None
    front.reload()
    front.select(submitted.number)
    cell = front.table.item(front.table.currentRow(), 7)
    assert to_riyadh(told).date().isoformat() in cell.text()
    kinds = {w.kind: w.count for w in waiting_for_role(ctx, session.actor)}
    assert kinds.get("decisions_not_communicated", 0) == 0
