"""A small horizontal bar chart, drawn with QPainter (no QtCharts): one bar per channel.

Each row is ``label | bar count``, laid out from the leading edge: in Arabic the labels sit on
the right and the bars grow leftwards.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

from eskan_desk.ui.look import ui_font

ROW_GAP = 2  # the least space between two rows; rows spread out when there is room
SIDE_MARGIN = 8
LABEL_GAP = 10
COUNT_WIDTH_CHARS = "0000"
BAR_COLOR = QColor("#2e7d6b")  # the association's green; readable on white in print and screen


class ChannelChart(QWidget):
    """Horizontal bars; :meth:`set_bars` takes ``(label, value)`` pairs already translated."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFont(ui_font(9))
        self._bars: list[tuple[str, int]] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_bars(self, bars: list[tuple[str, int]]) -> None:
        self._bars = list(bars)
        self.setMinimumHeight(self.minimumSizeHint().height())  # every bar stays readable
        self.updateGeometry()
        self.update()

    def bars(self) -> list[tuple[str, int]]:
        """The bars shown, as ``(label, value)`` pairs in drawing order (top to bottom)."""
        return list(self._bars)

    def _row_height(self) -> int:
        return self.fontMetrics().height()

    def _min_step(self) -> int:
        # The Arabic font's line box keeps room for stacked marks that channel names never use:
        # rows may come closer than a full line without their letters touching.
        return int(self._row_height() * 0.8) + ROW_GAP

    def sizeHint(self) -> QSize:
        rows = max(len(self._bars), 1)
        return QSize(320, rows * (self._row_height() + 3 * ROW_GAP))

    def minimumSizeHint(self) -> QSize:
        return QSize(200, max(len(self._bars), 1) * self._min_step())

    def _mirror(self, rect: QRect) -> QRect:
        """Place a rectangle computed left to right on the reading side of the widget."""
        if not self.isRightToLeft():
            return rect
        return QRect(self.width() - rect.x() - rect.width(), rect.y(), rect.width(), rect.height())

    def paintEvent(self, event: QPaintEvent) -> None:
        if not self._bars:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = self.fontMetrics()
        label_w = min(
            max(metrics.horizontalAdvance(label) for label, _ in self._bars),
            int(self.width() * 0.45),
        )
        count_w = metrics.horizontalAdvance(COUNT_WIDTH_CHARS)
        bar_x = SIDE_MARGIN + label_w + LABEL_GAP
        bar_room = max(self.width() - bar_x - count_w - 2 * SIDE_MARGIN, 1)
        top_value = max(max(value for _, value in self._bars), 1)
        row_h = self._row_height()
        step = max(self._min_step(), self.height() // len(self._bars))
        bar_h = max(min(row_h - 4, round(step * 0.6)), 4)
        text_color = self.palette().color(QPalette.ColorRole.WindowText)
        # Labels hug the leading edge and counts hug their bar: both align to the reading side.
        side = Qt.AlignmentFlag.AlignRight if self.isRightToLeft() else Qt.AlignmentFlag.AlignLeft
        align = int(Qt.AlignmentFlag.AlignAbsolute | Qt.AlignmentFlag.AlignVCenter | side)
        for i, (label, value) in enumerate(self._bars):
            y = i * step + (step - row_h) // 2
            label_rect = self._mirror(QRect(SIDE_MARGIN, y, label_w, row_h))
            elided = metrics.elidedText(label, Qt.TextElideMode.ElideRight, label_w)
            painter.setPen(text_color)
            painter.drawText(label_rect, align, elided)
            bar_w = round(bar_room * value / top_value)
            bar_y = y + (row_h - bar_h) // 2
            bar_rect = self._mirror(QRect(bar_x, bar_y, max(bar_w, 2 if value else 0), bar_h))
            painter.fillRect(bar_rect, BAR_COLOR)
            count_rect = self._mirror(QRect(bar_x + bar_w + 6, y, count_w, row_h))
            painter.drawText(count_rect, align, str(value))
        painter.end()
