"""Signature pad and print preview. Printing goes to QPrinter's PDF output: the one printer a
test can reach; the page it writes is read back."""

from __future__ import annotations

import io

import pypdfium2 as pdfium
from PIL import Image
from PySide6.QtCore import QPoint, Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtTest import QTest

from eskan_desk.printing import data as pd
from eskan_desk.printing.receipt import render_receipt
from eskan_desk.ui.pdf_preview import PdfPreview, print_pdf, render_pages
from eskan_desk.ui.signature_pad import SignaturePad


def sample_pdf() -> bytes:
    import datetime as dt

    return render_receipt(
        pd.ReceiptDoc(
            charity=pd.Charity("جمعية الإسكان والتنمية بخميس مشيط", "Housing", "2111", "فرع"),
            person=pd.Person(
                file_no="KMS-2026-000001",
                full_name="نورة محمد علي العسيري",
                national_id="1000000008",
            ),
            request=pd.RequestInfo(
                number="KMS-REQ-2026-000001",
                type_label="دعم إيجار",
                submitted_at=dt.datetime(2026, 11, 26, 7, tzinfo=dt.UTC),
                earliest_decision_date=dt.date(2026, 12, 10),
            ),
            printed_at=dt.datetime(2026, 11, 26, 7, tzinfo=dt.UTC),
        )
    )


def test_pad_draws_with_the_mouse_and_exports_a_png(arabic_app, qtbot):
    pad = SignaturePad()
    qtbot.addWidget(pad)
    pad.show()
    assert pad.is_empty()
    QTest.mousePress(pad, Qt.MouseButton.LeftButton, pos=QPoint(30, 100))
    for x in range(30, 300, 15):
        QTest.mouseMove(pad, QPoint(x, 60 + x % 80))
    QTest.mouseRelease(pad, Qt.MouseButton.LeftButton, pos=QPoint(300, 100))
    assert not pad.is_empty()
    image = Image.open(io.BytesIO(pad.to_png())).convert("L")
    dark = sum(image.histogram()[:128])
    assert dark > 200  # ink on white
    pad.clear()
    assert pad.is_empty()


def test_preview_shows_every_page(arabic_app, qtbot):
    dialog = PdfPreview(sample_pdf(), "receipt")
    qtbot.addWidget(dialog)
    assert len(dialog.page_labels) == 1
    assert dialog.page_labels[0].pixmap().width() > 300


def test_print_writes_the_pages_to_the_printer(arabic_app, tmp_path):
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    out = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(out))
    assert print_pdf(sample_pdf(), printer) == 1
    doc = pdfium.PdfDocument(out.read_bytes())
    assert len(doc) == 1
    bitmap = doc[0].render(scale=0.5).to_pil().convert("L")
    assert sum(bitmap.histogram()[:128]) > 500  # the page is not blank


def test_render_pages_matches_the_page_count(arabic_app):
    assert len(render_pages(sample_pdf(), 50)) == 1
