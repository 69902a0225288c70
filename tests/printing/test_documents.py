"""The three documents, read back as an applicant and a PDF viewer would read them."""

from __future__ import annotations

import unicodedata
from dataclasses import replace

import pytest

from eskan_desk.domain.dates import format_gregorian, format_hijri
from eskan_desk.i18n import gettext
from eskan_desk.printing.data import DocumentItem
from eskan_desk.printing.declaration import qr_payload, render_declaration
from eskan_desk.printing.receipt import render_receipt
from eskan_desk.printing.request_form import render_request_form

from .conftest import (
    ATTESTED_HASH,
    EARLIEST,
    FILE_NO,
    NAME,
    NATIONAL_ID,
    REQUEST_NO,
    dark_fraction,
    declaration,
    embedded_fonts,
    large_declaration,
    page_count,
    page_texts,
    pdf_text,
    receipt,
    request_form,
    signature_png,
    text_boxes,
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


@pytest.mark.parametrize("mode", ["RGBA", "RGB"])  # a transparent stroke; the pad's PNG on white
def test_the_signature_is_one_opaque_image_on_the_page(mode):
    import io

    from PIL import Image

    png = io.BytesIO()
    Image.open(io.BytesIO(signature_png())).convert(mode).save(png, "PNG")
    signed = replace(declaration(), signature_png=png.getvalue())
    pdf = render_declaration(signed)
    assert pdf.count(b"/Subtype /Image") == 1 and b"/SMask" not in pdf
    unsigned = render_declaration(declaration(signed=False))
    assert dark_fraction(pdf) > dark_fraction(unsigned)  # the stroke is drawn


@pytest.mark.parametrize("mode", ["RGBA", "RGB"])
def test_a_blank_signature_still_renders(mode):
    import io

    from PIL import Image

    png = io.BytesIO()
    Image.new(mode, (300, 100), (255, 255, 255, 0) if mode == "RGBA" else "white").save(png, "PNG")
    pdf = render_declaration(replace(declaration(), signature_png=png.getvalue()))
    assert pdf.count(b"/Subtype /Image") == 1


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


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_a_large_household_runs_on_to_the_next_page(lang):
    """15 members, a long address and a long description: every line is printed, once, in
    reading order; the members' header is repeated where the table continues; the statement,
    the signature and the QR code stay together after the data."""
    doc = large_declaration(lang=lang)
    pdf = render_declaration(doc)
    pages = page_texts(pdf)
    assert len(pages) >= 2
    words = " ".join(pages).split()
    for name, _, national_id, _ in doc.person.members:
        # on an English page pdfium reads the words of a wrapped Arabic cell's later lines
        # left to right: there, only the first line is read back in order
        shown = name if lang == "ar" else " ".join(name.split()[:4])
        assert _in_reading_order(shown, words) and words.count(national_id) == 1
    if lang == "ar":
        assert _in_reading_order(doc.person.address.street, words)
        assert _in_reading_order(doc.request.description, words)
    relation = gettext("Relation") if lang == "ar" else "Relation"
    last = doc.person.members[-1].national_id
    continued = next(p for p in pages if last in p)
    assert relation in continued  # the header row, repeated
    assert ATTESTED_HASH[:16] in pages[-1] and b"/Subtype /Image" in pdf
    initials = gettext("Applicant's initials: ..........") if lang == "ar" else "initials"
    for i, page in enumerate(pages, start=1):
        assert f"{i}" in page and f"{len(pages)}" in page  # "page i of n" on every page
        # no page can pass for another file's: each names the request and the file
        assert REQUEST_NO in page and FILE_NO in page
        assert (initials in page) == (i < len(pages))  # initials until the signed page
    # the signed page says what is asked for: never the statement and signature alone
    asked = gettext("Request type") if lang == "ar" else "Request type"
    assert asked in pages[-1]


def _in_reading_order(text: str, words: list[str]) -> bool:
    """Every word of ``text`` in ``words``, in order (a wrapped cell's lines are read back
    between its neighbours' lines)."""
    remaining = iter(words)
    return all(word in remaining for word in text.split())


@pytest.mark.parametrize("make", [lambda: large_declaration(), lambda: declaration()])
def test_declaration_text_stays_on_the_page_and_apart(make):
    """No text outside the margins, and no two runs of text on top of each other (lines of
    one paragraph may touch by their accents and dots)."""
    for width, height, boxes in text_boxes(render_declaration(make())):
        for left, bottom, right, top in boxes:
            assert left >= 39 and right <= width - 39 and bottom >= 20 and top <= height - 25
        for i, a in enumerate(boxes):
            for b in boxes[i + 1 :]:
                overlap_w = min(a[2], b[2]) - max(a[0], b[0])
                overlap_h = min(a[3], b[3]) - max(a[1], b[1])
                assert overlap_w <= 1 or overlap_h <= 3, (a, b)


def test_a_row_taller_than_a_page_runs_on():
    """A description longer than a page is split between pages, not cut off."""
    doc = declaration()
    words = " ".join(f"كلمة{i}" for i in range(1500))
    pdf = render_declaration(replace(doc, request=replace(doc.request, description=words)))
    text = pdf_text(pdf)
    assert page_count(pdf) >= 3
    assert all(f"كلمة{i}" in text for i in (0, 1, 750, 1499))


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


def test_request_form_says_which_documents_are_required_and_how_many_are_missing():
    doc = request_form()
    docs = [*doc.documents, DocumentItem("حكم تنفيذي", False, required=False)]
    text = pdf_text(render_request_form(replace(doc, documents=docs)))
    assert text.count("مطلوب") >= 3 and "اختياري" in text
    assert "مستندات مطلوبة لم تُستلم بعد: 1" in text  # the IBAN letter; not the optional one
    done = [DocumentItem(label, True) for label, *_ in doc.documents]
    assert "لم تُستلم" not in pdf_text(render_request_form(replace(doc, documents=done)))


def test_a_receipt_printed_after_the_decision_says_it():
    decided = replace(
        receipt(),
        request=replace(receipt().request, decision_label="مقبول", decided_on=EARLIEST),
    )
    text = pdf_text(render_receipt(decided))
    assert f"قرار اللجنة: مقبول، بتاريخ {format_hijri(EARLIEST, 'ar')}" in text
    assert "دون حاجة" not in text  # no longer "we will contact you"
    assert "دون حاجة" in pdf_text(render_receipt(receipt()))


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


def test_many_distinct_characters_fill_a_second_font_subset():
    """Past the first 256 codes of a font, text goes on in a second subset, still readable."""
    doc = declaration()
    latin = "".join(chr(c) for c in range(0xC0, 0x100) if c not in (0xD7, 0xF7))
    extended = "".join(chr(c) for c in range(0x100, 0x180))  # Latin Extended-A
    description = f"{doc.request.description} {latin} {extended}"
    pdf = render_declaration(replace(doc, request=replace(doc.request, description=description)))
    assert pdf.count(b"/FontFile2") == 3  # Bold, and Regular in two subsets
    text = "".join(pdf_text(pdf).split())
    assert latin in text and unicodedata.normalize("NFKC", extended) in text


def test_a_declaration_says_when_there_are_no_members_and_no_income():
    """The applicant attests to the absence too: the sections stay, saying there are none."""
    doc = declaration()
    alone = replace(doc, person=replace(doc.person, members=[], incomes=[]))
    text = pdf_text(render_declaration(alone))
    assert "أفراد الأسرة" in text and "لا يوجد أفراد أسرة مسجَّلون" in text
    assert "مصادر الدخل" in text and "لا يوجد دخل مسجَّل" in text
