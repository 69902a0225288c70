"""The survey kiosk's look: faces for the scores, the thank-you page and the PIN pad.

Layout and styling only; what happens on a tap is decided in :mod:`eskan_desk.ui.kiosk`.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap
from PySide6.QtWidgets import QGridLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from eskan_desk.i18n import _
from eskan_desk.ui.look import ui_font

SCORE_COLORS = {5: "#1b7f3b", 4: "#5a9e2f", 3: "#c49a00", 2: "#d9731a", 1: "#c0392b"}
ERROR_STYLE = "color: #b3261e;"
MAX_PIN_LENGTH = 8


def face_icon(score: int, size: int = 64) -> QIcon:
    """A face from frowning (1) to smiling (5), in the score's colour: readable without words."""
    pix = QPixmap(size, size)
    pix.fill(Qt.GlobalColor.transparent)
    p = QPainter(pix)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(QPen(QColor("#ffffff"), size / 24))
    p.setBrush(QColor(SCORE_COLORS[score]))
    p.drawEllipse(QRectF(2, 2, size - 4, size - 4))
    p.setBrush(QColor("#ffffff"))
    eye = size / 12
    for x in (size * 0.35, size * 0.65):
        p.drawEllipse(QPointF(x, size * 0.38), eye, eye)
    p.setBrush(Qt.BrushStyle.NoBrush)
    pen = QPen(QColor("#ffffff"), size / 14)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    p.setPen(pen)
    mouth = QPainterPath(QPointF(size * 0.3, size * 0.68))
    bend = (score - 3) / 2 * size * 0.18  # up for a smile, down for a frown
    mouth.quadTo(QPointF(size * 0.5, size * 0.68 + bend * 2), QPointF(size * 0.7, size * 0.68))
    p.drawPath(mouth)
    p.end()
    return QIcon(pix)


def score_style(score: int) -> str:
    """A big rounded button in the score's colour, filled in once chosen."""
    color = SCORE_COLORS[score]
    return (
        f"QPushButton {{ border: 3px solid {color}; border-radius: 18px; background: white;"
        f" color: {color}; padding: 8px; }}"
        f"QPushButton:checked {{ background: {color}; color: white; border-color: #222; }}"
    )


def big_label(text: str, size: int, parent: QWidget) -> QLabel:
    """Centred, bold, wrapped text of ``size`` points."""
    label = QLabel(text, parent)
    label.setFont(ui_font(size, bold=True))
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setWordWrap(True)
    return label


def error_label(parent: QWidget, name: str) -> QLabel:
    label = QLabel(parent)
    label.setObjectName(name)
    label.setFont(ui_font(15, bold=True))
    label.setStyleSheet(ERROR_STYLE)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setWordWrap(True)
    return label


class ThanksPage(QWidget):
    """Thanks the beneficiary; ``next_requested`` when someone taps Next."""

    next_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(big_label(_("Thank you!"), 44, self))
        layout.addWidget(
            big_label(_("Your opinion helps us serve you and others better."), 22, self)
        )
        layout.addStretch(1)
        again = QPushButton(_("Next"), self)
        again.setObjectName("next")
        again.setFont(ui_font(20, bold=True))
        again.setMinimumHeight(80)
        again.clicked.connect(self.next_requested)
        layout.addWidget(again)


class PinPad(QWidget):
    """Big digits, Clear, Leave and Back. ``submitted(pin)`` on Leave or Enter, ``touched`` on
    any key (so an idle pad can go back by itself), ``back_requested`` on Back."""

    submitted = Signal(str)
    touched = Signal()
    back_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.addWidget(big_label(_("Staff: enter the kiosk PIN"), 24, self))
        self.pin = QLineEdit(self)
        self.pin.setObjectName("pin")
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.pin.setFont(ui_font(28, bold=True))
        self.pin.setMaxLength(MAX_PIN_LENGTH)
        self.pin.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        self.pin.returnPressed.connect(self._submit)
        self.pin.textEdited.connect(lambda _t: self.touched.emit())
        self.pin.setMaximumWidth(420)
        layout.addWidget(self.pin, 0, Qt.AlignmentFlag.AlignHCenter)
        self.message = error_label(self, "pin_message")
        layout.addWidget(self.message)
        layout.addWidget(self._build_keys(), 0, Qt.AlignmentFlag.AlignHCenter)
        back = QPushButton(_("Back to the survey"), self)
        back.setObjectName("pin_back")
        back.setFont(ui_font(16))
        back.setMinimumHeight(64)
        back.clicked.connect(self.back_requested)
        layout.addWidget(back)
        layout.addStretch(1)

    def _build_keys(self) -> QWidget:
        pad = QWidget(self)
        pad.setLayoutDirection(Qt.LayoutDirection.LeftToRight)  # a keypad reads 1-2-3 everywhere
        grid = QGridLayout(pad)
        self.digit_buttons: dict[str, QPushButton] = {}
        for i, digit in enumerate("123456789"):
            grid.addWidget(self._digit(digit, pad), i // 3, i % 3)
        clear = QPushButton(_("Clear"), pad)
        clear.setObjectName("pin_clear")
        clear.clicked.connect(self.pin.clear)
        grid.addWidget(clear, 3, 0)
        grid.addWidget(self._digit("0", pad), 3, 1)
        self.ok_button = QPushButton(_("Leave"), pad)
        self.ok_button.setObjectName("pin_ok")
        self.ok_button.clicked.connect(self._submit)
        grid.addWidget(self.ok_button, 3, 2)
        for button in (clear, self.ok_button):
            button.setFont(ui_font(18, bold=True))
            button.setMinimumSize(120, 80)
        return pad

    def _digit(self, digit: str, parent: QWidget) -> QPushButton:
        button = QPushButton(digit, parent)
        button.setObjectName(f"pin_{digit}")
        button.setFont(ui_font(26, bold=True))
        button.setMinimumSize(120, 80)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.clicked.connect(lambda: self.press(digit))
        self.digit_buttons[digit] = button
        return button

    def press(self, digit: str) -> None:
        self.touched.emit()
        if len(self.pin.text()) < self.pin.maxLength():
            self.pin.setText(self.pin.text() + digit)

    def _submit(self) -> None:
        pin = self.pin.text()
        self.pin.clear()
        self.submitted.emit(pin)

    def set_keys_enabled(self, on: bool) -> None:
        for button in (*self.digit_buttons.values(), self.ok_button):
            button.setEnabled(on)

    def reset(self) -> None:
        self.pin.clear()
        self.message.clear()
