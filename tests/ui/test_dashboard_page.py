"""The dashboard page: follow-ups, recent contacts, the week's chart and waiting work, in Arabic."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from eskan_desk.domain.enums import Channel
from eskan_desk.services.beneficiaries import register_beneficiary
from eskan_desk.services.contacts import ContactInput, log_contact
from eskan_desk.services.dashboard import follow_ups
from eskan_desk.ui.dashboard_page import BENEFICIARY_ID, DashboardPage
from eskan_desk.ui.session import UiEvents, UiSession
from eskan_desk.ui.tasks import ImmediateRunner

from ..services.helpers import VALID_IDS, applicant

NAME = "فاطمة عبدالله سعيد الشهري"


def riyadh(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text + "+03:00").astimezone(dt.UTC)


@pytest.fixture
def page(arabic_app, qtbot, ctx, admin, clock):
    family = register_beneficiary(ctx, admin, applicant())
    register_beneficiary(ctx, admin, applicant(national_id=VALID_IDS[1], first_name="نورة"))
    clock.value = riyadh("2026-11-20T09:00")
    log_contact(
        ctx,
        admin,
        ContactInput(
            channel="letter",
            summary="خطاب بطلب ترميم",
            beneficiary_id=family.id,
            letter_ref="1448/12",
            letter_date="2026-11-19",
            follow_up_on="2026-11-24",
        ),
    )
    clock.value = riyadh("2026-11-26T10:00")
    for channel in ("phone", "phone", "website"):
        log_contact(
            ctx,
            admin,
            ContactInput(
                channel=channel,
                summary="استفسار عن دعم الإيجار",
                beneficiary_id=family.id,
                follow_up_on="2026-11-26" if channel == "website" else "",
            ),
        )
    session = UiSession(ctx, admin, ImmediateRunner(), UiEvents())
    p = DashboardPage(session)
    p.family = family
    qtbot.addWidget(p)
    p.resize(1200, 760)
    p.show()
    p.on_shown()
    return p


def cell_center(table, row):
    return table.visualRect(table.model().index(row, 0)).center()


def click_row(table, row):
    # A real click: QTableView.selectRow picks no column in right-to-left views (Qt 6).
    QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=cell_center(table, row))


def cells(table, col):
    return [table.item(r, col).text() for r in range(table.rowCount())]


def test_shows_names_counts_and_the_date_right_to_left(page):
    assert page.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert page.isRightToLeft() and page.due_table.isRightToLeft()
    assert page.greeting.text().endswith("مدير النظام")
    assert "1448 هـ" in page.date_label.text() and "نوفمبر 2026" in page.date_label.text()
    assert cells(page.due_table, 0) == [NAME]
    assert cells(page.overdue_table, 0) == [NAME]
    assert cells(page.due_table, 1) == ["\u2066" + page.family.file_no + "\u2069"]
    assert cells(page.due_table, 3) == ["الموقع الإلكتروني للجمعية"]
    assert cells(page.overdue_table, 2) == ["24 نوفمبر 2026"]
    assert page.due_table.isColumnHidden(2) and not page.overdue_table.isColumnHidden(2)
    assert page.due_panel.title.text().endswith("(\u20661\u2069)")
    assert page.recent_table.rowCount() == 4
    assert cells(page.recent_table, 2) == [NAME] * 4
    assert cells(page.recent_table, 0)[-1] == "\u206609:00\u2069  20 نوفمبر"
    assert cells(page.recent_table, 1)[-1] == "الخطابات"


def test_the_chart_has_a_bar_per_channel(page):
    bars = page.chart.bars()
    assert len(bars) == len(Channel) == 8
    assert [label for label, _ in bars][:2] == ["المقابلة", "الاتصالات الهاتفية"]
    assert [n for _, n in bars] == [0, 2, 0, 0, 0, 0, 1, 0]  # the letter was last week
    assert page.chart.isRightToLeft()


def test_waiting_for_you_lists_the_unverified_files(page):
    tree = page.waiting_tree
    kinds = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
    assert kinds[0].text(1) == "\u20662\u2069" and kinds[0].childCount() == 2
    assert kinds[1].text(1) == "\u20661\u2069"  # the admin also sees overdue follow-ups
    assert kinds[0].child(0).data(0, BENEFICIARY_ID) == page.family.id
    # The narrow column may elide a kind: its whole name is the tooltip.
    assert all(kind.toolTip(0) == kind.text(0) and kind.text(0) for kind in kinds)


def test_marking_done_removes_the_row(page, ctx, qtbot):
    assert not page.due_done.isEnabled()
    click_row(page.due_table, 0)
    assert page.due_done.isEnabled()
    with qtbot.waitSignal(page.session.events.changed) as changed:
        qtbot.mouseClick(page.due_done, Qt.MouseButton.LeftButton)
    assert changed.args[0] == "contacts"
    assert page.due_table.rowCount() == 0
    assert page.due_panel.title.text().endswith("(\u20660\u2069)")
    assert follow_ups(ctx).due_today == []
    assert page.overdue_table.rowCount() == 1


def test_double_click_opens_the_file(page, qtbot):
    table = page.overdue_table
    click_row(table, 0)  # a double click starts with a press on the same cell
    with qtbot.waitSignal(page.session.events.open_beneficiary) as opened:
        QTest.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=cell_center(table, 0))
    assert opened.args == [page.family.id]


def test_reloads_when_contacts_change_elsewhere(page, ctx, admin):
    log_contact(ctx, admin, ContactInput(channel="volunteer", summary="متطوع", caller_name="سالم"))
    assert page.recent_table.rowCount() == 4
    page.session.events.changed.emit("contacts", "x")
    assert page.recent_table.rowCount() == 5
    assert page.recent_table.item(0, 2).text() == "سالم"
    page.session.events.changed.emit("staff", "x")  # not ours to watch: no reload needed


def test_a_read_that_fails_replaces_the_loading_line_with_the_reason(
    arabic_app, qtbot, ctx, admin, monkeypatch
):
    """The store failing under the read (a full or damaged disk) is simulated at the service
    boundary: the page's own handling is what is tested."""
    from eskan_desk.domain.errors import StoreError
    from eskan_desk.ui import dashboard_page

    def broken(*_args):
        raise StoreError("The data store cannot be read.")

    monkeypatch.setattr(dashboard_page, "load_dashboard", broken)
    p = DashboardPage(UiSession(ctx, admin, ImmediateRunner(), UiEvents()))
    qtbot.addWidget(p)
    p.greet()
    assert p.loading.text() == "جارٍ تحميل لوحة المتابعة…"
    p.reload()
    assert p.loading.text() == "" and p.message.text() != ""
    assert p.board is None
