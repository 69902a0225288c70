"""The survey kiosk through real taps: answers stored, and no way out but the PIN."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QTableWidget, QWidget

from eskan_desk.domain.errors import ValidationError
from eskan_desk.models import SatisfactionSurvey
from eskan_desk.services.beneficiaries import register_beneficiary
from eskan_desk.services.contacts import ContactInput, log_contact
from eskan_desk.services.surveys import get_offer, offer_survey, set_kiosk_pin, survey_stats
from eskan_desk.ui import kiosk as kiosk_module
from eskan_desk.ui.kiosk import MAX_PIN_TRIES, SurveyKiosk, kiosk_open, open_kiosk

from ..services.helpers import applicant
from .typing import type_text

PIN = "2580"
TAPS = {"courtesy": 5, "speed": 4, "clarity": 3, "overall": 5}


@pytest.fixture
def pin_set(ctx, admin):
    set_kiosk_pin(ctx, admin, PIN)


@pytest.fixture
def offer(ctx, admin):
    ben = register_beneficiary(ctx, admin, applicant())
    contact = log_contact(
        ctx, admin, ContactInput(channel="interview", summary="زيارة", beneficiary_id=ben.id)
    )
    return offer_survey(ctx, admin, contact_id=contact.id)


@pytest.fixture
def make_kiosk(arabic_app, qtbot, ctx, pin_set):
    made: list[SurveyKiosk] = []

    def make(**kw) -> SurveyKiosk:
        kiosk = SurveyKiosk(ctx, **kw)
        qtbot.addWidget(kiosk)
        kiosk.show()  # showFullScreen in the app
        made.append(kiosk)
        return kiosk

    yield make
    for kiosk in made:  # left properly, so pytest-qt can close what it added
        if not kiosk.left:
            kiosk.leave()


def button(kiosk: SurveyKiosk, name: str) -> QPushButton:
    found = kiosk.findChild(QPushButton, name)
    assert found is not None, name
    return found


def tap_all(qtbot, kiosk: SurveyKiosk, taps: dict[str, int] = TAPS) -> None:
    for dim, score in taps.items():
        qtbot.mouseClick(button(kiosk, f"{dim}_{score}"), Qt.MouseButton.LeftButton)


def surveys(ctx) -> list[SatisfactionSurvey]:
    with ctx.store.read() as s:
        return list(s.query(SatisfactionSurvey).all())


def test_tapping_the_big_buttons_and_sending_stores_a_survey(make_kiosk, qtbot, ctx, offer):
    kiosk = make_kiosk(offer_id=offer.id, beneficiary_name="فاطمة")
    assert "فاطمة" in kiosk.note.text()
    send = button(kiosk, "send")
    assert not kiosk.message.isVisible()
    tap_all(qtbot, kiosk, {"courtesy": 5, "speed": 4, "clarity": 3})
    qtbot.mouseClick(send, Qt.MouseButton.LeftButton)  # one question left: it says so
    assert surveys(ctx) == [] and kiosk.message.isVisible() and kiosk.message.text()
    assert kiosk.questions["overall"].styleSheet() and not kiosk.questions["speed"].styleSheet()
    qtbot.mouseClick(button(kiosk, "overall_2"), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(button(kiosk, "overall_5"), Qt.MouseButton.LeftButton)  # changed its mind
    assert kiosk.scores() == TAPS and not kiosk.message.isVisible()
    assert not kiosk.questions["overall"].styleSheet()
    type_text(kiosk.comment, "الموظفة كانت متعاونة")
    with qtbot.waitSignal(kiosk.answered) as answered:
        qtbot.mouseClick(send, Qt.MouseButton.LeftButton)
    [row] = surveys(ctx)
    assert answered.args == [row.id]
    assert (row.courtesy, row.speed, row.clarity, row.overall) == (5, 4, 3, 5)
    assert row.comment == "الموظفة كانت متعاونة"
    assert (row.offer_id, row.beneficiary_id, row.created_by) == (
        offer.id,
        offer.beneficiary_id,
        None,
    )
    assert get_offer(ctx, offer.id).status == "answered"
    assert kiosk.stack.currentWidget() is kiosk.thanks_page


def test_after_the_thanks_the_screen_is_clean_for_the_next_person(make_kiosk, qtbot, ctx, offer):
    kiosk = make_kiosk(offer_id=offer.id, beneficiary_name="فاطمة")
    assert button(kiosk, "anonymous").isVisibleTo(kiosk)
    tap_all(qtbot, kiosk)
    type_text(kiosk.comment, "شكرا")
    qtbot.mouseClick(button(kiosk, "send"), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(button(kiosk, "next"), Qt.MouseButton.LeftButton)
    assert kiosk.stack.currentWidget() is kiosk.survey_page
    assert set(kiosk.scores().values()) == {None} and kiosk.comment.toPlainText() == ""
    assert "فاطمة" not in kiosk.note.text() and button(kiosk, "send").isEnabled()
    assert kiosk.offer_id is None  # the offer is answered: the next person is a walk-up
    assert not button(kiosk, "anonymous").isVisibleTo(kiosk)
    tap_all(qtbot, kiosk, {"courtesy": 1, "speed": 2, "clarity": 1, "overall": 1})
    qtbot.mouseClick(button(kiosk, "send"), Qt.MouseButton.LeftButton)
    rows = surveys(ctx)
    assert len(rows) == 2 and [r.offer_id for r in rows].count(None) == 1
    assert kiosk.isVisible()  # still up: only the PIN leaves


def test_the_thanks_page_returns_by_itself(make_kiosk, qtbot, monkeypatch):
    kiosk = make_kiosk()
    kiosk._thanks_timer.setInterval(10)
    tap_all(qtbot, kiosk)
    qtbot.mouseClick(button(kiosk, "send"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: kiosk.stack.currentWidget() is kiosk.survey_page, timeout=2000)


def test_anonymous_keeps_no_beneficiary(make_kiosk, qtbot, ctx, offer):
    kiosk = make_kiosk(offer_id=offer.id)
    tap_all(qtbot, kiosk)
    qtbot.mouseClick(button(kiosk, "anonymous"), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(button(kiosk, "send"), Qt.MouseButton.LeftButton)
    [row] = surveys(ctx)
    assert (row.anonymous, row.beneficiary_id, row.offer_id) == (True, None, None)


def test_the_beneficiary_may_decline(make_kiosk, qtbot, ctx, offer):
    kiosk = make_kiosk(offer_id=offer.id)
    qtbot.mouseClick(button(kiosk, "decline"), Qt.MouseButton.LeftButton)
    assert get_offer(ctx, offer.id).status == "declined"
    assert kiosk.offer_id is None and surveys(ctx) == []
    assert not button(kiosk, "decline").isVisibleTo(kiosk)


def test_an_offer_answered_elsewhere_is_said_and_the_kiosk_carries_on(
    make_kiosk, qtbot, ctx, offer
):
    kiosk = make_kiosk(offer_id=offer.id)
    from eskan_desk.services.surveys import answer_survey

    answer_survey(ctx, offer_id=offer.id, **TAPS)
    tap_all(qtbot, kiosk)
    qtbot.mouseClick(button(kiosk, "send"), Qt.MouseButton.LeftButton)
    assert kiosk.message.text() and kiosk.stack.currentWidget() is kiosk.survey_page
    assert kiosk.offer_id is None and button(kiosk, "send").isEnabled()
    assert kiosk.message.isVisible()


def test_escape_alt_f4_and_close_do_not_close_it(make_kiosk, qtbot):
    kiosk = make_kiosk()
    qtbot.keyClick(kiosk, Qt.Key.Key_Escape)
    assert kiosk.isVisible()
    qtbot.keyClick(kiosk, Qt.Key.Key_F4, Qt.KeyboardModifier.AltModifier)
    assert kiosk.isVisible()
    assert kiosk.close() is False
    assert kiosk.isVisible() and kiosk_open()
    qtbot.keyClick(kiosk.comment, Qt.Key.Key_Escape)  # nor from inside the comment box
    assert kiosk.isVisible()


def test_a_wrong_pin_keeps_it_and_too_many_rest_the_pad(make_kiosk, qtbot):
    kiosk = make_kiosk()
    with qtbot.assertNotEmitted(kiosk.finished):
        kiosk.enter_pin("1111")
    assert kiosk.isVisible() and not kiosk.left
    pad = kiosk.pin_page
    assert pad.message.text() and pad.pin.text() == ""
    for _ in range(MAX_PIN_TRIES - 1):
        kiosk.enter_pin("9999")
    assert not pad.ok_button.isEnabled() and not button(kiosk, "pin_2").isEnabled()
    kiosk.submit_pin(PIN)  # resting: not even the right PIN is checked
    assert kiosk.isVisible() and not kiosk.left
    kiosk._pin_rest.setInterval(10)
    kiosk._pin_rest.start()
    qtbot.waitUntil(lambda: pad.ok_button.isEnabled(), timeout=2000)


def test_the_right_pin_closes_it_and_emits_finished(make_kiosk, qtbot):
    kiosk = make_kiosk()
    qtbot.mouseClick(button(kiosk, "staff_button"), Qt.MouseButton.LeftButton)
    assert kiosk.stack.currentWidget() is kiosk.pin_page
    for digit in PIN:
        qtbot.mouseClick(button(kiosk, f"pin_{digit}"), Qt.MouseButton.LeftButton)
    assert kiosk.pin_page.pin.text() == PIN
    with qtbot.waitSignal(kiosk.finished, timeout=2000):
        qtbot.mouseClick(button(kiosk, "pin_ok"), Qt.MouseButton.LeftButton)
    assert not kiosk.isVisible() and kiosk.left and not kiosk_open()


def test_back_from_the_pin_pad_to_the_survey(make_kiosk, qtbot):
    kiosk = make_kiosk()
    kiosk.show_pin_pad()
    qtbot.mouseClick(button(kiosk, "pin_back"), Qt.MouseButton.LeftButton)
    assert kiosk.stack.currentWidget() is kiosk.survey_page


def test_right_to_left_big_and_nothing_else_of_the_app(make_kiosk, qtbot):
    kiosk = make_kiosk()
    assert kiosk.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert kiosk.windowFlags() & Qt.WindowType.FramelessWindowHint
    best, worst = button(kiosk, "overall_5"), button(kiosk, "overall_1")
    x = lambda w: w.mapTo(kiosk, w.rect().center()).x()  # noqa: E731
    assert x(best) > x(worst)  # the best answer where Arabic reading starts, on the right
    assert best.minimumHeight() >= 56 and button(kiosk, "send").minimumHeight() >= 90
    # it fits a 1366x768 screen without scrolling
    kiosk.resize(1366, 768)
    qtbot.waitUntil(lambda: kiosk.survey_page.viewport().height() > 700, timeout=2000)
    needed = kiosk.survey_page.widget().minimumSizeHint().height()
    assert needed <= kiosk.survey_page.viewport().height()
    assert kiosk.findChildren(QTableWidget) == []
    assert kiosk.parent() is None


def test_without_a_pin_the_kiosk_does_not_start(arabic_app, ctx):
    with pytest.raises(ValidationError) as info:
        SurveyKiosk(ctx)
    assert info.value.field == "kiosk_pin"


def test_open_kiosk_hides_the_app_until_the_pin(session, qtbot, pin_set, ctx):
    cover = QWidget()
    qtbot.addWidget(cover)
    cover.show()
    seen: list[tuple[str, str]] = []
    session.events.changed.connect(lambda kind, rid: seen.append((kind, rid)))
    kiosk = open_kiosk(session, cover=cover, fullscreen=False)
    assert kiosk is not None and kiosk.isVisible() and not cover.isVisible()
    tap_all(qtbot, kiosk)
    kiosk.send()
    assert seen == [("surveys", surveys(ctx)[0].id)]
    kiosk.enter_pin(PIN)
    assert cover.isVisible() and not kiosk.isVisible()
    stats = survey_stats(ctx, ctx.now().replace(hour=0), ctx.now().replace(hour=23))
    assert stats["responses"] == 1


def test_open_kiosk_says_why_it_cannot_start(session, monkeypatch):
    said: list[str] = []
    monkeypatch.setattr(kiosk_module.QMessageBox, "warning", lambda _p, _t, text: said.append(text))
    assert open_kiosk(session, fullscreen=False) is None
    assert len(said) == 1


def test_a_keyboard_pin_and_enter_also_leave(make_kiosk, qtbot):
    kiosk = make_kiosk()
    kiosk.show_pin_pad()
    qtbot.keyClicks(kiosk.pin_page.pin, PIN)
    with qtbot.waitSignal(kiosk.finished, timeout=2000):
        qtbot.keyClick(kiosk.pin_page.pin, Qt.Key.Key_Return)


def test_a_pin_pad_left_alone_goes_back_to_the_survey(make_kiosk, qtbot):
    kiosk = make_kiosk()
    kiosk._pin_idle.setInterval(10)
    qtbot.mouseClick(button(kiosk, "staff_button"), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(button(kiosk, "pin_7"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: kiosk.stack.currentWidget() is kiosk.survey_page, timeout=2000)
    assert kiosk.pin_page.pin.text() == ""  # nothing typed is left for the next person to see


def test_a_walk_up_kiosk_fits_a_small_screen_with_no_empty_gap(make_kiosk, qtbot):
    """Without an offer the anonymous and decline choices are hidden: the comment takes their
    room (no empty gap beside Send), and nothing touches the screen's edge."""
    from PySide6.QtCore import QPoint

    kiosk = make_kiosk()
    kiosk.resize(1366, 768)
    qtbot.waitUntil(lambda: kiosk.comment.width() > 0)
    comment = kiosk.comment.geometry().translated(
        kiosk.comment.parentWidget().mapTo(kiosk, QPoint())
    )
    send = kiosk.send_button.geometry().translated(
        kiosk.send_button.parentWidget().mapTo(kiosk, QPoint())
    )
    assert comment.left() - send.right() <= 24  # right to left: Send, then the comment
    assert kiosk.height() - comment.bottom() >= 12 and kiosk.height() - send.bottom() >= 12
