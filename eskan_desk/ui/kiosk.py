"""The survey kiosk: a full-screen, touch-friendly Arabic screen the receptionist turns to the
beneficiary, who rates the service (قياس رضا المستفيد) with no staff member looking on.

It shows nothing of the app: no names of other families, no navigation. Esc, Alt+F4 and the
window's close do nothing; only the kiosk PIN (set by an administrator) leaves it, on a pad of big
digits behind a small "staff" button. Answers are stored with no staff member on them.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent, QResizeEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from eskan_desk import i18n
from eskan_desk.app import AppContext
from eskan_desk.domain.errors import EskanError, ValidationError
from eskan_desk.domain.feedback import DIMENSIONS, SCORE_LABELS
from eskan_desk.i18n import N_, _
from eskan_desk.services.kiosk_pin import check_kiosk_pin, kiosk_ready
from eskan_desk.services.surveys import SurveyView, answer_survey, decline_survey
from eskan_desk.ui.kiosk_view import (
    ERROR_STYLE,
    PinPad,
    ThanksPage,
    big_label,
    error_label,
    face_icon,
    score_style,
)
from eskan_desk.ui.look import ui_font
from eskan_desk.ui.tasks import ImmediateRunner

QUESTIONS = {
    "courtesy": N_("How courteous were our staff with you?"),
    "speed": N_("How quickly were you served?"),
    "clarity": N_("How clear were the explanations and procedures?"),
    "overall": N_("Overall, how satisfied are you with the service?"),
}
THANKS_MS = 5000  # the thank-you stays this long, then the screen is ready for the next person
BACKGROUND = "background: #f4f7f5;"
PIN_IDLE_MS = 30_000  # a PIN pad left untouched goes back to the survey
MAX_PIN_TRIES = 5
PIN_LOCK_MS = 30_000  # after MAX_PIN_TRIES wrong PINs the pad rests this long
_open_kiosks: set[SurveyKiosk] = set()


def kiosk_open() -> bool:
    """Whether a survey kiosk is up (the idle lock leaves it alone: it is a lock itself)."""
    return any(k.isVisible() for k in _open_kiosks)


class SurveyKiosk(QWidget):
    """Four questions, five big answers each, an optional comment, and Send.

    Args:
        ctx: The application context.
        offer_id: The offer being answered (after a contact or a service); None for walk-ups.
        beneficiary_name: Shown in the greeting when given.
        runner: The app's task runner (the database worker); runs at once when None.

    Signals:
        finished: Left with the right PIN.
        answered(str): A survey was stored (its id).

    Raises:
        ValidationError: On field ``kiosk_pin``: no PIN is set, so nobody could ever leave it.
    """

    finished = Signal()
    answered = Signal(str)

    def __init__(
        self,
        ctx: AppContext,
        *,
        offer_id: str | None = None,
        beneficiary_name: str = "",
        runner: Any = None,
        parent: QWidget | None = None,
    ) -> None:
        if not kiosk_ready(ctx):
            raise ValidationError(
                "kiosk_pin", N_("must be set by an administrator before the kiosk can start")
            )
        super().__init__(parent, Qt.WindowType.Window | Qt.WindowType.FramelessWindowHint)
        self.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint)
        self.setObjectName("survey_kiosk")
        self.setWindowTitle(_("Satisfaction survey"))
        self.setLayoutDirection(
            Qt.LayoutDirection.RightToLeft if i18n.is_rtl() else Qt.LayoutDirection.LeftToRight
        )
        self.setStyleSheet(f"#survey_kiosk {{ {BACKGROUND} }}")
        self.ctx = ctx
        self.offer_id = offer_id
        self.runner = runner or ImmediateRunner()
        self._may_close = False
        self._pin_tries = 0
        self.groups: dict[str, QButtonGroup] = {}
        self.questions: dict[str, QLabel] = {}
        self.stack = QStackedWidget(self)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(24, 16, 24, 16)
        self._build_staff_button()
        outer.addWidget(self.stack, 1)
        self.survey_page = self._build_survey(beneficiary_name)
        self.thanks_page = ThanksPage(self)
        self.thanks_page.next_requested.connect(self.next_beneficiary)
        self.pin_page = PinPad(self)
        self.pin_page.submitted.connect(self.submit_pin)
        self.pin_page.touched.connect(lambda: self._pin_idle.start())
        self.pin_page.back_requested.connect(self.back_to_survey)
        for page in (self.survey_page, self.thanks_page, self.pin_page):
            self.stack.addWidget(page)
        self._thanks_timer = QTimer(self, singleShot=True, interval=THANKS_MS)
        self._thanks_timer.timeout.connect(self.next_beneficiary)
        self._pin_idle = QTimer(self, singleShot=True, interval=PIN_IDLE_MS)
        self._pin_idle.timeout.connect(self.back_to_survey)
        self._pin_rest = QTimer(self, singleShot=True, interval=PIN_LOCK_MS)
        self._pin_rest.timeout.connect(self._pin_rested)
        self._show_offer_controls()
        self._say("")
        _open_kiosks.add(self)

    # Layout ------------------------------------------------------------------------------
    def _build_staff_button(self) -> None:
        # Small and quiet, in a corner over every page: it is for the receptionist.
        self.staff_button = QPushButton(_("Staff only"), self)
        self.staff_button.setObjectName("staff_button")
        self.staff_button.setFlat(True)
        self.staff_button.setFont(ui_font(9))
        self.staff_button.setStyleSheet("color: #9aa59f;")
        self.staff_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.staff_button.clicked.connect(self.show_pin_pad)
        self.staff_button.adjustSize()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.staff_button.move(4, 2)  # the top-left corner, out of the questions' way
        self.staff_button.raise_()

    def _build_survey(self, beneficiary_name: str) -> QWidget:
        # Sized to fit a 1366x768 screen; a smaller one scrolls rather than cutting anything off.
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setSpacing(6)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(big_label(_("Your opinion matters to us"), 20, page))
        self.note_text = _(
            "Rate the service you received today. It helps us improve; it never blames anyone."
        )
        greeting = _("Welcome, {name}").format(name=beneficiary_name) if beneficiary_name else ""
        self.note = QLabel(f"{greeting} — {self.note_text}" if greeting else self.note_text, page)
        self.note.setObjectName("note")
        self.note.setFont(ui_font(14))
        self.note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.note.setWordWrap(True)
        layout.addWidget(self.note)
        for dim in DIMENSIONS:
            layout.addWidget(self._question(dim, page))
        self.message = error_label(page, "message")
        layout.addWidget(self.message)
        layout.addLayout(self._build_bottom(page))
        scroll = QScrollArea(self)
        scroll.setWidget(page)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setStyleSheet(
            "QScrollArea, QScrollArea > QWidget > QWidget { background: #f4f7f5; }"
        )
        return scroll

    def _build_bottom(self, page: QWidget) -> QHBoxLayout:
        """The comment, the anonymous and decline choices, and Send, side by side."""
        bottom = QHBoxLayout()
        bottom.setSpacing(12)
        self.comment = QPlainTextEdit(page)
        self.comment.setObjectName("comment")
        self.comment.setFont(ui_font(15))
        self.comment.setPlaceholderText(_("Anything else you would like to tell us? (optional)"))
        self.comment.setFixedHeight(96)
        self.comment.setTabChangesFocus(True)
        bottom.addWidget(self.comment, 3)
        # One widget, so that without an offer it takes no room at all (the comment widens).
        self.offer_controls = QWidget(page)
        side = QVBoxLayout(self.offer_controls)
        side.setContentsMargins(0, 0, 0, 0)
        self.anonymous = QPushButton(_("Do not link my answer to my name"), page)
        self.anonymous.setObjectName("anonymous")
        self.anonymous.setCheckable(True)
        self.anonymous.setFont(ui_font(13, bold=True))
        self.anonymous.setMinimumHeight(48)
        self.anonymous.setStyleSheet(
            "QPushButton { border: 2px solid #55615b; border-radius: 14px; padding: 6px; }"
            "QPushButton:checked { background: #55615b; color: white; }"
        )
        side.addWidget(self.anonymous)
        self.decline_button = QPushButton(_("I would rather not answer"), page)
        self.decline_button.setObjectName("decline")
        self.decline_button.setFont(ui_font(12))
        self.decline_button.setMinimumHeight(44)
        self.decline_button.clicked.connect(self.decline)
        side.addWidget(self.decline_button)
        bottom.addWidget(self.offer_controls, 2)
        self.send_button = QPushButton(_("Send"), page)
        self.send_button.setObjectName("send")
        self.send_button.setFont(ui_font(26, bold=True))
        self.send_button.setMinimumHeight(96)
        self.send_button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.send_button.setStyleSheet(
            "QPushButton { background: #1b5e3b; color: white; border-radius: 22px; }"
            "QPushButton:disabled { background: #b9c4be; }"
        )
        self.send_button.clicked.connect(self.send)
        bottom.addWidget(self.send_button, 2)
        return bottom

    def _question(self, dim: str, parent: QWidget) -> QWidget:
        box = QWidget(parent)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        label = QLabel(_(QUESTIONS[dim]), box)
        label.setObjectName(f"question_{dim}")
        label.setFont(ui_font(15, bold=True))
        self.questions[dim] = label
        layout.addWidget(label)
        row = QHBoxLayout()
        row.setSpacing(12)
        group = QButtonGroup(box)
        group.setExclusive(True)
        for score in sorted(SCORE_LABELS, reverse=True):  # the best first, where reading starts
            button = QPushButton(face_icon(score), _(SCORE_LABELS[score]), box)
            button.setObjectName(f"{dim}_{score}")
            button.setCheckable(True)
            button.setFont(ui_font(16, bold=True))
            button.setIconSize(QSize(40, 40))
            button.setMinimumSize(140, 56)
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            button.setStyleSheet(score_style(score))
            group.addButton(button, score)
            row.addWidget(button)
        group.idClicked.connect(lambda _score: self._answers_changed())
        self.groups[dim] = group
        layout.addLayout(row)
        return box

    # The survey ----------------------------------------------------------------------------
    def _show_offer_controls(self) -> None:
        # Without an offer nobody is named: there is nothing to keep anonymous or to decline.
        self.offer_controls.setVisible(self.offer_id is not None)

    def choose(self, dim: str, score: int) -> None:
        """Tap the answer ``score`` to the question ``dim`` (as a finger would)."""
        self.groups[dim].button(score).click()

    def scores(self) -> dict[str, int | None]:
        """The chosen score of every question, None where none was chosen yet."""
        return {
            dim: (g.checkedId() if g.checkedId() > 0 else None) for dim, g in self.groups.items()
        }

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))  # takes no room when there is nothing to say

    def _mark_unanswered(self, only_clear: bool = False) -> None:
        for dim, score in self.scores().items():
            missing = score is None and not only_clear
            self.questions[dim].setStyleSheet(ERROR_STYLE if missing else "")

    def _answers_changed(self) -> None:
        self._mark_unanswered(only_clear=not self.message.isVisible())
        if all(v is not None for v in self.scores().values()):
            self._say("")

    def send(self) -> None:
        """Store the answer (no staff member on it), then thank the beneficiary.

        Send is always there to tap: with a question unanswered it says so and marks the
        question, which a greyed-out button would not explain.
        """
        scores = self.scores()
        if any(v is None for v in scores.values()):
            self._say(_("Please choose an answer for every question."))
            self._mark_unanswered()
            return
        self.send_button.setEnabled(False)
        ctx, offer_id = self.ctx, self.offer_id
        comment = self.comment.toPlainText()
        anonymous = self.anonymous.isChecked() and offer_id is not None
        self.runner.submit(
            lambda: answer_survey(
                ctx, offer_id=offer_id, comment=comment, anonymous=anonymous, **scores
            ),
            on_done=self._sent,
            on_error=self._failed,
        )

    def _sent(self, view: SurveyView) -> None:
        self.offer_id = None  # the offer is answered: whoever comes next is a walk-up
        self.answered.emit(view.id)
        self._show_thanks()

    def decline(self) -> None:
        """The beneficiary would rather not answer: the offer is recorded as declined."""
        if self.offer_id is None:
            return
        ctx, offer_id = self.ctx, self.offer_id
        self.runner.submit(
            lambda: decline_survey(ctx, None, offer_id),
            on_done=lambda _view: self._declined(),
            on_error=self._failed,
        )

    def _declined(self) -> None:
        self.offer_id = None
        self.next_beneficiary()

    def _failed(self, exc: BaseException) -> None:
        self.send_button.setEnabled(True)
        if isinstance(exc, ValidationError) and exc.field == "survey_offer":
            self.offer_id = None  # answered or declined already: carry on as a walk-up
            self._show_offer_controls()
        self._say(i18n.render_error(exc) if isinstance(exc, EskanError) else str(exc))

    def _show_thanks(self) -> None:
        self.stack.setCurrentWidget(self.thanks_page)
        self._thanks_timer.start()

    def next_beneficiary(self) -> None:
        """A clean survey for the next person: nothing of the previous answer is left."""
        self._thanks_timer.stop()
        for group in self.groups.values():
            group.setExclusive(False)  # an exclusive group will not uncheck its last button
            for button in group.buttons():
                button.setChecked(False)
            group.setExclusive(True)
        self.comment.clear()
        self.anonymous.setChecked(False)
        self.note.setText(self.note_text)  # the greeting was for the person before
        self._show_offer_controls()
        self._say("")
        self._mark_unanswered(only_clear=True)
        self.send_button.setEnabled(True)
        self.stack.setCurrentWidget(self.survey_page)

    # Leaving: the PIN only -----------------------------------------------------------------
    def show_pin_pad(self) -> None:
        self.pin_page.reset()
        self.stack.setCurrentWidget(self.pin_page)
        self._pin_idle.start()

    def back_to_survey(self) -> None:
        self._pin_idle.stop()
        self.pin_page.reset()
        self.stack.setCurrentWidget(self.survey_page)

    def enter_pin(self, pin: str) -> None:
        """Type ``pin`` on the pad and press Leave (as a finger would)."""
        self.show_pin_pad()
        for digit in pin:
            self.pin_page.digit_buttons[digit].click()
        self.pin_page.ok_button.click()

    def submit_pin(self, pin: str) -> None:
        """Check ``pin`` (off the UI thread); leave only when it is the kiosk PIN."""
        if self._pin_rest.isActive():
            return
        ctx = self.ctx
        self.runner.submit(
            lambda: check_kiosk_pin(ctx, pin), on_done=self._pin_checked, on_error=self._failed
        )

    def _pin_checked(self, right: bool) -> None:
        if right:
            self.leave()
            return
        self._pin_tries += 1
        if self._pin_tries >= MAX_PIN_TRIES:
            self._pin_tries = 0
            self._pin_rest.start()
            self.pin_page.set_keys_enabled(False)
            self.pin_page.message.setText(_("Too many wrong PINs. Wait a moment and try again."))
        else:
            self.pin_page.message.setText(_("That is not the kiosk PIN."))

    def _pin_rested(self) -> None:
        self.pin_page.set_keys_enabled(True)
        self.pin_page.message.clear()

    def leave(self) -> None:
        """Close for good (after the right PIN) and say so."""
        self._may_close = True
        self._thanks_timer.stop()
        self._pin_idle.stop()
        _open_kiosks.discard(self)
        self.finished.emit()
        self.close()

    @property
    def left(self) -> bool:
        return self._may_close

    def closeEvent(self, event: QCloseEvent) -> None:
        """Alt+F4, the window manager and ``close()`` end here: refused until the PIN."""
        if self._may_close:
            super().closeEvent(event)
        else:
            event.ignore()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape or (
            event.key() == Qt.Key.Key_F4 and event.modifiers() & Qt.KeyboardModifier.AltModifier
        ):
            event.accept()  # swallowed: Esc does not leave the kiosk
            return
        super().keyPressEvent(event)


def open_kiosk(
    session: Any,
    *,
    offer_id: str | None = None,
    beneficiary_name: str = "",
    cover: QWidget | None = None,
    fullscreen: bool = True,
) -> SurveyKiosk | None:
    """Start the kiosk over the app; ``cover`` (the main window) is hidden until it is left.

    Returns:
        The kiosk, or None when no kiosk PIN is set (the user is told an administrator must set
        one first).
    """
    try:
        kiosk = SurveyKiosk(
            session.ctx,
            offer_id=offer_id,
            beneficiary_name=beneficiary_name,
            runner=session.runner,
        )
    except EskanError as exc:
        QMessageBox.warning(cover, _("Satisfaction survey"), i18n.render_error(exc))
        return None
    kiosk.answered.connect(lambda survey_id: session.events.changed.emit("surveys", survey_id))
    if cover is not None:
        kiosk.finished.connect(cover.show)
        cover.hide()  # nothing of the app behind the kiosk, not even by Alt+Tab
    kiosk.finished.connect(kiosk.deleteLater)
    if fullscreen:
        kiosk.showFullScreen()
    else:
        kiosk.show()
    kiosk.raise_()
    kiosk.activateWindow()
    return kiosk
