"""Print preview and printing of our PDFs: pages rendered with PDFium, printed with QPrinter."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPainter, QPixmap
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from eskan_desk.i18n import _
from eskan_desk.ui.look import name_buttons

PREVIEW_DPI = 90
PRINT_DPI = 300


def render_pages(pdf: bytes, dpi: int) -> list[QImage]:
    """Every page of ``pdf`` as an image at ``dpi``."""
    doc = pdfium.PdfDocument(pdf)
    try:
        images = []
        for index in range(len(doc)):
            pil = doc[index].render(scale=dpi / 72).to_pil().convert("RGB")
            raw = pil.tobytes("raw", "RGB")
            image = QImage(raw, pil.width, pil.height, 3 * pil.width, QImage.Format.Format_RGB888)
            images.append(image.copy())  # own the pixels: `raw` goes away
        return images
    finally:
        doc.close()


def print_pdf(pdf: bytes, printer: QPrinter) -> int:
    """Paint each page onto ``printer``, scaled to its page; returns the pages printed."""
    pages = render_pages(pdf, PRINT_DPI)
    painter = QPainter()
    if not painter.begin(printer):
        return 0
    try:
        for index, image in enumerate(pages):
            if index:
                printer.newPage()
            area = painter.viewport()
            size = image.size().scaled(area.size(), Qt.AspectRatioMode.KeepAspectRatio)
            painter.setViewport(area.x(), area.y(), size.width(), size.height())
            painter.setWindow(image.rect())
            painter.drawImage(0, 0, image)
            painter.setViewport(area)
    finally:
        painter.end()
    return len(pages)


class PdfPreview(QDialog):
    """Shows the pages as the applicant will get them; print or save from here."""

    def __init__(
        self,
        pdf: bytes,
        title: str,
        *,
        file_name: str = "document.pdf",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.pdf = pdf
        self.file_name = file_name
        self.printer = QPrinter(QPrinter.PrinterMode.HighResolution)  # kept alive with us
        self.setWindowTitle(title)
        self.resize(820, 900)
        layout = QVBoxLayout(self)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        body = QWidget(scroll)
        pages = QVBoxLayout(body)
        self.page_labels: list[QLabel] = []
        for image in render_pages(pdf, PREVIEW_DPI):
            label = QLabel(body)
            label.setPixmap(QPixmap.fromImage(image))
            label.setAlignment(Qt.AlignmentFlag.AlignHCenter)
            label.setStyleSheet("border: 1px solid #999; background: white;")
            pages.addWidget(label)
            self.page_labels.append(label)
        scroll.setWidget(body)
        layout.addWidget(scroll, 1)
        buttons = name_buttons(QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self))
        self.print_button = QPushButton(_("Print"), self)
        self.save_button = QPushButton(_("Save as PDF"), self)
        buttons.addButton(self.print_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.print_button.clicked.connect(self.print_document)
        self.save_button.clicked.connect(self.save_document)
        layout.addWidget(buttons)

    def print_document(self) -> None:
        dialog = QPrintDialog(self.printer, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            print_pdf(self.pdf, self.printer)

    def save_document(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(
            self, _("Save as PDF"), self.file_name, "PDF (*.pdf)"
        )
        if not path:
            return
        from eskan_desk.domain.errors import EskanError
        from eskan_desk.services.files import write_atomically

        try:
            write_atomically(Path(path), self.pdf)
        except EskanError as err:
            from eskan_desk import i18n

            QMessageBox.warning(self, _("Not saved"), i18n.render_error(err))
