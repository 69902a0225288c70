"""A small line chart of overall satisfaction over five weeks, drawn with QPainter.

Points run in the reading direction (the oldest week first: on the right in Arabic); a week
without answers leaves a gap in the line and a dash on the axis. The scale is fixed at 1 to 5.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from eskan_desk.ui.look import ui_font

LINE_COLOR = QColor("#2e7d6b")
GRID_COLOR = QColor("#c9d3ce")
AXIS_WIDTH = 22
LABEL_ROWS = 2  # the week under each point, then its number of answers


class TrendChart(QWidget):
    """:meth:`set_points` takes ``(label, average or None, caption)`` per week, oldest first."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFont(ui_font(9))
        self._points: list[tuple[str, float | None, str]] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_points(self, points: list[tuple[str, float | None, str]]) -> None:
        self._points = list(points)
        self.update()

    def points(self) -> list[tuple[str, float | None, str]]:
        return list(self._points)

    def sizeHint(self) -> QSize:
        return QSize(320, 180)

    def minimumSizeHint(self) -> QSize:
        return QSize(220, 140)

    def paintEvent(self, event: QPaintEvent) -> None:
        if not self._points:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = self.fontMetrics()
        line_h = metrics.height()
        rtl = self.isRightToLeft()
        top, bottom = line_h, self.height() - LABEL_ROWS * line_h - 6
        left, right = (8, self.width() - AXIS_WIDTH) if rtl else (AXIS_WIDTH, self.width() - 8)
        text = self.palette().color(QPalette.ColorRole.WindowText)

        def y(score: float) -> float:
            return bottom - (bottom - top) * (score - 1) / 4

        def x(i: int) -> float:
            pos = (i + 0.5) / len(self._points) * (right - left)
            return right - pos if rtl else left + pos

        axis_x = right + 4 if rtl else 0
        for score in range(1, 6):
            painter.setPen(QPen(GRID_COLOR, 1))
            painter.drawLine(QPointF(left, y(score)), QPointF(right, y(score)))
            painter.setPen(text)
            box = QRectF(axis_x, y(score) - line_h / 2, AXIS_WIDTH - 6, line_h)
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, str(score))
        path, pen_down = QPainterPath(), False
        slot = (right - left) / len(self._points)
        for i, (label, value, caption) in enumerate(self._points):
            cx = x(i)
            painter.setPen(text)
            for row, line in enumerate((label, caption)):
                box = QRectF(cx - slot / 2, bottom + 4 + row * line_h, slot, line_h)
                painter.drawText(box, Qt.AlignmentFlag.AlignCenter, line)
            if value is None:
                painter.drawText(
                    QRectF(cx - 10, y(1) - line_h, 20, line_h), Qt.AlignmentFlag.AlignCenter, "—"
                )
                pen_down = False
                continue
            point = QPointF(cx, y(value))
            if pen_down:
                path.lineTo(point)
            else:
                path.moveTo(point)
            pen_down = True
            painter.setBrush(LINE_COLOR)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.drawEllipse(point, 3.5, 3.5)
            painter.setPen(text)
            box = QRectF(cx - slot / 2, point.y() - line_h - 4, slot, line_h)
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, f"{value:.2f}")
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(LINE_COLOR, 2))
        painter.drawPath(path)
        painter.end()
