"""Form building blocks: a field with its error shown beside it, and choice boxes from enums."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QBoxLayout,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from eskan_desk import i18n
from eskan_desk.domain.enums import LabeledEnum
from eskan_desk.domain.errors import ValidationError
from eskan_desk.i18n import _

ERROR_STYLE = "color: #b3261e;"


class ChoiceBox(QComboBox):
    """A combo of an enum's members by their translated labels; data is the code."""

    def __init__(
        self, enum: type[LabeledEnum], *, optional: bool = True, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        if optional:
            self.addItem(_("— not set —"), "")
        for member in enum:
            self.addItem(_(member.label), member.value)

    def value(self) -> str:
        return self.currentData() or ""

    def set_value(self, code: str | None) -> None:
        index = self.findData(code or "")
        self.setCurrentIndex(max(index, 0))


class DateEdit(QDateEdit):
    """A date written ``yyyy-MM-dd``, as every table writes it, with a calendar to pick from.

    The field itself runs left to right in either language: a right-to-left date edit writes
    its sections in reverse order (30-11-2026), which the digits then show as it is, and
    without a format of its own it wrote the default locale's month-first short date. The
    calendar it opens follows the language.
    """

    direction_neutral = True  # a left-to-right value, like a number (the RTL test skips it)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # Left to right first: a right-to-left date edit stores its format reversed.
        self.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        self.setDisplayFormat("yyyy-MM-dd")
        self.setCalendarPopup(True)
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if i18n.is_rtl():
            self.calendarWidget().setLayoutDirection(Qt.LayoutDirection.RightToLeft)


class FieldSet(QWidget):
    """Rows of label + editor + an error line under the editor, keyed by field code."""

    edited = Signal(str)  # field code

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form = QFormLayout(self)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        self.editors: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}

    def add(self, code: str, label: str, editor: QWidget) -> QWidget:
        holder = QWidget(self)
        box = QVBoxLayout(holder)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        box.addWidget(editor)
        error = QLabel(holder)
        error.setStyleSheet(ERROR_STYLE)
        error.setObjectName(f"error_{code}")
        error.setWordWrap(True)
        error.hide()
        box.addWidget(error)
        self.form.addRow(_(label), holder)
        if isinstance(editor, QPlainTextEdit) and i18n.is_rtl():
            # An empty box put its cursor on the left, where nothing Arabic starts: lines
            # start on the right (each line keeps the direction of its own text).
            option = editor.document().defaultTextOption()
            option.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignAbsolute)
            editor.document().setDefaultTextOption(option)
        editor.setObjectName(code)
        self.editors[code] = editor
        self.errors[code] = error
        self._connect(code, editor)
        return editor

    def _connect(self, code: str, editor: QWidget) -> None:
        if isinstance(editor, QLineEdit):
            editor.textEdited.connect(lambda _t: self.edited.emit(code))
        elif isinstance(editor, QComboBox):
            editor.activated.connect(lambda _i: self.edited.emit(code))
        elif isinstance(editor, QPlainTextEdit):
            editor.textChanged.connect(lambda: self.edited.emit(code))
        elif isinstance(editor, QCheckBox):
            editor.toggled.connect(lambda _b: self.edited.emit(code))

    def value(self, code: str) -> Any:
        w = self.editors[code]
        if isinstance(w, ChoiceBox):
            return w.value()
        if isinstance(w, QLineEdit):
            return w.text()
        if isinstance(w, QPlainTextEdit):
            return w.toPlainText()
        if isinstance(w, QCheckBox):
            return w.isChecked()
        raise TypeError(type(w))

    def set_value(self, code: str, value: Any) -> None:
        w = self.editors[code]
        if isinstance(w, ChoiceBox):
            w.set_value(value)
        elif isinstance(w, QLineEdit):
            w.setText("" if value is None else str(value))
        elif isinstance(w, QPlainTextEdit):
            w.setPlainText("" if value is None else str(value))
        elif isinstance(w, QCheckBox):
            w.setChecked(bool(value))

    def show_error(self, code: str, message: str | None) -> None:
        label = self.errors.get(code)
        if label is None:
            return
        label.setText(message or "")
        label.setVisible(bool(message))

    def show_errors(self, errors: list[ValidationError], *, only: set[str] | None = None) -> None:
        """Show each error beside its field; clear the others (limited to ``only`` if given)."""
        by_field: dict[str, str] = {}
        for err in errors:
            by_field.setdefault(err.field, i18n.render_validation_field(err)[1])
        for code in self.errors:
            if only is None or code in only:
                self.show_error(code, by_field.get(code))

    def error_text(self, code: str) -> str:
        label = self.errors[code]
        return label.text() if label.isVisible() or label.text() else ""


def page_header(layout: QVBoxLayout, parent: QWidget, title: str, intro: str) -> QLabel:
    """A page's heading and one wrapped paragraph under it; returns the hidden error line that
    follows them (``objectName`` "message"), for the page to show its refusals in."""
    from eskan_desk.ui.look import ui_font

    heading = QLabel(title, parent)
    heading.setFont(ui_font(16, bold=True))
    layout.addWidget(heading)
    text = QLabel(intro, parent)
    text.setWordWrap(True)
    layout.addWidget(text)
    message = QLabel(parent)
    message.setObjectName("message")
    message.setStyleSheet(ERROR_STYLE)
    message.setWordWrap(True)
    message.hide()
    layout.addWidget(message)
    return message


def scrolling_body(page: QWidget) -> QVBoxLayout:
    """Make ``page`` scroll (for content taller than the window) and return the layout to
    fill: a frameless scroll area edge to edge, its body resizing with it."""
    outer = QVBoxLayout(page)
    outer.setContentsMargins(0, 0, 0, 0)
    scroll = QScrollArea(page)
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    body = QWidget(scroll)
    scroll.setWidget(body)
    outer.addWidget(scroll)
    return QVBoxLayout(body)


def button_row(layout: QBoxLayout, *buttons: QWidget) -> None:
    """Add ``buttons`` side by side to ``layout``, at the start of the line."""
    row = QHBoxLayout()
    for button in buttons:
        row.addWidget(button)
    row.addStretch(1)
    layout.addLayout(row)
