"""The three documents, read back as an applicant and a PDF viewer would read them."""

from __future__ import annotations

import pytest

from eskan_desk.domain.dates import format_gregorian, format_hijri
from eskan_desk.i18n import gettext
from eskan_desk.printing.declaration import qr_payload, render_declaration
from eskan_desk.printing.receipt import render_receipt
from eskan_desk.printing.request_form import render_request_form

from .conftest import (
    ATTESTED_HASH,
    EARLIEST,
    NAME,
    NATIONAL_ID,
    REQUEST_NO,
    dark_fraction,
    declaration,
    embedded_fonts,
    page_count,
    pdf_text,
    receipt,
    request_form,
    text_centre_x,
)

DOCUMENTS = {
    "declaration": lambda lang=None: render_declaration(declaration(lang=lang)),
    "request-form": lambda lang=None: render_request_form(request_form(lang)),
    "receipt": lambda lang=None: render_receipt(receipt(lang)),
}
TITLES = {
    "declaration": "Declaration",
    "request-form": "Beneficiary support request",
    "receipt": "Request receipt",
}


@pytest.fixture(params=sorted(DOCUMENTS))
def kind(request) -> str:
    return request.param


def test_name_in_logical_order_and_numbers_unreversed(kind):
    text = pdf_text(DOCUMENTS[kind]())
    assert NAME in text
    assert NATIONAL_ID in text
    assert REQUEST_NO in text
    assert NATIONAL_ID[::-1] not in text and REQUEST_NO[::-1] not in text


def test_amiri_is_embedded(kind):
    assert {"Amiri-Regular", "Amiri-Bold"} <= embedded_fonts(DOCUMENTS[kind]())


def test_first_page_is_not_blank(kind):
    assert dark_fraction(DOCUMENTS[kind]()) > 0.005  # the sparse request form has ~0.9 %


@pytest.mark.parametrize("kind", ["request-form", "receipt"])  # ID in the first column there
def test_values_sit_on_the_start_side(kind, english):
    """Arabic: labels on the right, values aligned to them; English: the mirror image."""
    x_en, width = text_centre_x(DOCUMENTS[kind](), NATIONAL_ID)
    x_ar, _ = text_centre_x(DOCUMENTS[kind]("ar"), NATIONAL_ID)
    assert x_ar > width / 2 > x_en


def test_title_follows_the_language_in_force(kind, english):
    text = pdf_text(DOCUMENTS[kind]())
    assert TITLES[kind] in text
    assert "Housing and Development Association in Khamis Mushait" in text


def test_arabic_is_the_default_language(kind):
    text = pdf_text(DOCUMENTS[kind]())
    assert gettext(TITLES[kind]) in text
    assert "جمعية الإسكان والتنمية بخميس مشيط" in text


def test_declaration_embeds_the_signature_image():
    assert b"/Subtype /Image" in render_declaration(declaration(signed=True))


def test_declaration_without_signature_has_no_image():
    assert b"/Subtype /Image" not in render_declaration(declaration(signed=False))


def test_declaration_carries_the_hash_and_fits_one_page():
    doc = declaration()
    pdf = render_declaration(doc)
    assert qr_payload(doc) == f"{REQUEST_NO}|{ATTESTED_HASH}"
    assert ATTESTED_HASH[:16] in pdf_text(pdf)
    assert page_count(pdf) == 1  # data and signature on the same sheet


def test_declaration_shows_the_household_and_incomes():
    text = pdf_text(render_declaration(declaration()))
    assert "عبدالله محمد علي العسيري" in text
    assert "1000000024" in text
    assert "SA" in text and "950.50" in text and "18,000" in text


def test_receipt_gives_the_earliest_answer_date_in_both_calendars():
    text = pdf_text(render_receipt(receipt()))
    assert format_hijri(EARLIEST, "ar") in text
    assert format_gregorian(EARLIEST, "ar") in text


def test_receipt_in_english(english):
    text = pdf_text(render_receipt(receipt()))
    assert format_hijri(EARLIEST, "en") in text
    assert format_gregorian(EARLIEST, "en") in text
    assert "will answer on or after" in text and "will contact you" in text


def test_a_document_may_be_printed_in_another_language_than_the_ui(english):
    text = pdf_text(render_receipt(receipt(lang="ar")))
    assert format_hijri(EARLIEST, "ar") in text


def test_request_form_lists_the_documents():
    text = pdf_text(render_request_form(request_form()))
    assert "كرت العائلة" in text and "خطاب الآيبان" in text


def test_qr_picture_matches_the_encoded_modules():
    """Each module of the QR code is drawn where the encoder put it (row 0 on top)."""
    import io

    import pypdfium2 as pdfium
    from reportlab.pdfgen.canvas import Canvas

    from eskan_desk.printing.declaration import QrFlowable

    qr = QrFlowable(qr_payload(declaration()))
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=(qr.width, qr.height))
    qr.drawOn(canvas, 0, 0)
    canvas.save()
    doc = pdfium.PdfDocument(out.getvalue())
    try:
        image = doc[0].render(scale=8).to_pil().convert("L")
    finally:
        doc.close()
    n = len(qr.modules)
    box = image.width / (n + 2 * qr.border)
    for r, row in enumerate(qr.modules):
        for c, dark in enumerate(row):
            x, y = int((c + qr.border + 0.5) * box), int((r + qr.border + 0.5) * box)
            assert (image.getpixel((x, y)) < 128) == dark, (r, c)
