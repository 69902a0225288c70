"""Sample documents and the tools to read a PDF back (pypdfium2: text, fonts, pixels)."""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageDraw

from eskan_desk.domain.iban import make_iban
from eskan_desk.printing.data import (
    Address,
    Charity,
    DeclarationDoc,
    DocumentItem,
    Income,
    Member,
    Person,
    ReceiptDoc,
    RequestFormDoc,
    RequestInfo,
)
from eskan_desk.services.demo_catalog import CHARITY_LICENCE, CHARITY_NAME_AR, CHARITY_NAME_EN

NAME = "نورة محمد علي العسيري"
NATIONAL_ID = "1000000008"
REQUEST_NO = "KMS-REQ-2026-000007"
FILE_NO = "KMS-2026-000123"
ATTESTED_HASH = hashlib.sha256(b"the attested data").hexdigest()
PRINTED_AT = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
SUBMITTED_AT = datetime(2026, 11, 26, 7, 30, tzinfo=UTC)  # 10:30 in Riyadh
EARLIEST = date(2026, 12, 10)  # submitted + 14 days


def signature_png() -> bytes:
    """A pen stroke on a transparent background, as the on-screen pad gives it."""
    image = Image.new("RGBA", (300, 100), (255, 255, 255, 0))
    ImageDraw.Draw(image).line(
        [(10, 80), (80, 20), (150, 70), (220, 25), (290, 60)], fill=(20, 20, 120, 255), width=5
    )
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def charity() -> Charity:
    return Charity(CHARITY_NAME_AR, CHARITY_NAME_EN, CHARITY_LICENCE, "فرع خميس مشيط")


def person() -> Person:
    return Person(
        file_no=FILE_NO,
        full_name=NAME,
        national_id=NATIONAL_ID,
        id_kind="citizen",
        gender="أنثى",
        birth_date=date(1985, 3, 22),
        mobile="+966501234567",
        marital_status="أرملة",
        category="أرملة",
        need_tier="الفئة أ",
        address=Address(
            "2929", "طريق الملك فهد", "الموسى", "خميس مشيط", "62433", "7788", "RRRD2929"
        ),
        iban=make_iban("80", "000000608010167519"),
        housing="مستأجر",
        annual_rent=Decimal("18000"),
        ejar_no="20123456789",
        members=[
            Member("سارة محمد علي العسيري", "ابنة", "1000000016", date(2010, 5, 1)),
            Member("عبدالله محمد علي العسيري", "ابن", "1000000024", date(2012, 9, 14)),
            ("ريم محمد علي العسيري", "ابنة", None, date(2016, 1, 2)),  # a plain tuple works too
            Member("علي محمد علي العسيري", "ابن"),
        ],
        incomes=[
            Income("الضمان الاجتماعي", Decimal("1800")),
            Income("حساب المواطن", Decimal("950.5")),
        ],
    )


def request() -> RequestInfo:
    return RequestInfo(
        number=REQUEST_NO,
        type_label="دعم إيجار",
        amount=Decimal("9000"),
        description="دعم سداد دفعة الإيجار المستحقة (عقد موثق في إيجار).",
        submitted_at=SUBMITTED_AT,
        earliest_decision_date=EARLIEST,
    )


def declaration(*, signed: bool = True, lang: str | None = None) -> DeclarationDoc:
    return DeclarationDoc(
        charity(),
        person(),
        request(),
        PRINTED_AT,
        ATTESTED_HASH,
        "DECL-1",
        signature_png() if signed else None,
        lang,
    )


def large_declaration(*, members: int = 15, lang: str | None = None) -> DeclarationDoc:
    """A large household with long names, a long address and a long description."""
    doc = declaration(lang=lang)
    relations = ("ابن", "ابنة", "زوجة", "أم")
    household = [
        Member(
            f"عضو رقم {i} بن محمد بن عبدالرحمن بن سليمان آل مشيط القحطاني",
            relations[i % 4],
            f"2{i:09d}",
            date(2000 + i % 20, 1 + i % 12, 1 + i % 28),
        )
        for i in range(members)
    ]
    incomes = [Income(f"مصدر دخل رقم {i} من جهة حكومية", Decimal(1000 + 37 * i)) for i in range(6)]
    address = Address(
        "2929",
        "طريق الملك فهد الفرعي الشمالي المتفرع من شارع الأمير سلطان قرب المسجد الجامع الكبير",
        "حي الموسى الشمالي الممتد حتى الطريق الدائري الجنوبي",
        "خميس مشيط",
        "62433",
        "7788",
        "RRRD2929",
    )
    person_ = replace(doc.person, members=household, incomes=incomes, address=address)
    description = " ".join(
        f"دعم سداد دفعة الإيجار رقم {i} المستحقة لعام 1448 هـ." for i in range(12)
    )
    return replace(doc, person=person_, request=replace(doc.request, description=description))


def request_form(lang: str | None = None) -> RequestFormDoc:
    documents = [
        DocumentItem("هوية رب الأسرة الوطنية", True),
        DocumentItem("كرت العائلة", True),
        ("خطاب الآيبان", False),
    ]
    return RequestFormDoc(charity(), person(), request(), documents, PRINTED_AT, lang)


def receipt(lang: str | None = None) -> ReceiptDoc:
    return ReceiptDoc(charity(), person(), request(), PRINTED_AT, lang)


def pdf_text(pdf: bytes) -> str:
    """All the text pypdfium2 extracts, NFKC-normalised (Arabic presentation forms to letters)."""
    doc = pdfium.PdfDocument(pdf)
    try:
        text = "\n".join(page.get_textpage().get_text_range() for page in doc)
    finally:
        doc.close()
    return unicodedata.normalize("NFKC", text)


def page_texts(pdf: bytes) -> list[str]:
    """Each page's text, NFKC-normalised."""
    doc = pdfium.PdfDocument(pdf)
    try:
        return [unicodedata.normalize("NFKC", p.get_textpage().get_text_range()) for p in doc]
    finally:
        doc.close()


def text_boxes(pdf: bytes) -> list[tuple[float, float, list[tuple[float, float, float, float]]]]:
    """For each page: its width, its height and the boxes (left, bottom, right, top) of its
    runs of text."""
    doc = pdfium.PdfDocument(pdf)
    try:
        pages = []
        for page in doc:
            textpage = page.get_textpage()
            boxes = [textpage.get_rect(i) for i in range(textpage.count_rects())]
            pages.append((page.get_width(), page.get_height(), boxes))
        return pages
    finally:
        doc.close()


def page_count(pdf: bytes) -> int:
    doc = pdfium.PdfDocument(pdf)
    try:
        return len(doc)
    finally:
        doc.close()


def dark_fraction(pdf: bytes, page: int = 0) -> float:
    """Share of pixels darker than 128 on a page rendered at 72 dpi."""
    doc = pdfium.PdfDocument(pdf)
    try:
        image = doc[page].render(scale=1).to_pil().convert("L")
    finally:
        doc.close()
    histogram = image.histogram()
    return sum(histogram[:128]) / (image.width * image.height)


def text_centre_x(pdf: bytes, needle: str) -> tuple[float, float]:
    """Horizontal centre of the first occurrence of ASCII ``needle``, and the page width."""
    doc = pdfium.PdfDocument(pdf)
    try:
        page = doc[0]
        textpage = page.get_textpage()
        found = textpage.search(needle).get_next()
        assert found, f"{needle!r} not found"
        index, count = found
        boxes = [textpage.get_charbox(i) for i in range(index, index + count)]
        left, right = min(b[0] for b in boxes), max(b[2] for b in boxes)
        return (left + right) / 2, page.get_width()
    finally:
        doc.close()


def embedded_fonts(pdf: bytes) -> set[str]:
    """BaseFont names of the embedded TrueType fonts (subset prefixes removed)."""
    assert b"/FontFile2" in pdf
    return {m.decode() for m in re.findall(rb"/BaseFont\s*/(?:[A-Z]{6}\+)?([A-Za-z-]+)", pdf)}


@pytest.fixture
def english():
    from eskan_desk import i18n

    i18n.set_language("en")
    yield
    i18n.set_language("ar")
