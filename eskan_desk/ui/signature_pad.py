"""A signature pad: the applicant signs with a mouse, a pen or a finger."""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPainterPath, QPen, QTabletEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

INK = QColor("#10206b")
PAD_SIZE = QSize(600, 200)


class SignaturePad(QWidget):
    """Strokes are kept as paths in pad coordinates and drawn onto a white PNG."""

    changed = Signal()
    direction_neutral = True  # a drawing surface: never mirrored (tests skip it)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents)
        self.setMinimumSize(PAD_SIZE)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.strokes: list[QPainterPath] = []
        self._current: QPainterPath | None = None
        # A signature is drawn, not read: it must not be mirrored in a right-to-left window.
        self.setLayoutDirection(Qt.LayoutDirection.LeftToRight)

    def sizeHint(self) -> QSize:
        return PAD_SIZE

    # Input: mouse (and touch, which Qt synthesises into mouse events), and pen tablets.
    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.begin_stroke(event.position())

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if event.buttons() & Qt.MouseButton.LeftButton:
            self.extend_stroke(event.position())

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self.end_stroke()

    def tabletEvent(self, event: QTabletEvent) -> None:
        kind = event.type()
        if kind == QTabletEvent.Type.TabletPress:
            self.begin_stroke(event.position())
        elif kind == QTabletEvent.Type.TabletMove and self._current is not None:
            self.extend_stroke(event.position())
        elif kind == QTabletEvent.Type.TabletRelease:
            self.end_stroke()
        event.accept()

    def begin_stroke(self, at: QPointF) -> None:
        self._current = QPainterPath(at)
        self._current.lineTo(at + QPointF(0.1, 0.1))  # a dot is a stroke too
        self.strokes.append(self._current)
        self.update()

    def extend_stroke(self, at: QPointF) -> None:
        if self._current is not None:
            self._current.lineTo(at)
            self.update()

    def end_stroke(self) -> None:
        if self._current is not None:
            self._current = None
            self.changed.emit()

    def clear(self) -> None:
        self.strokes.clear()
        self._current = None
        self.update()
        self.changed.emit()

    def is_empty(self) -> bool:
        return not self.strokes

    # Output ------------------------------------------------------------------------------
    def _paint(self, painter: QPainter) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(
            QPen(
                INK, 2.6, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin
            )
        )
        for path in self.strokes:
            painter.drawPath(path)

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), Qt.GlobalColor.white)
        painter.setPen(QPen(QColor("#b0b0b0"), 1, Qt.PenStyle.DashLine))
        baseline = int(self.height() * 0.75)
        painter.drawLine(20, baseline, self.width() - 20, baseline)
        self._paint(painter)
        painter.end()

    def to_png(self) -> bytes:
        """The signature as a PNG on white (what the declaration PDF embeds)."""
        image = QImage(self.size(), QImage.Format.Format_RGB32)
        image.fill(Qt.GlobalColor.white)
        painter = QPainter(image)
        self._paint(painter)
        painter.end()
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")
        return bytes(data.data())
