"""The canvas path against the ReportLab code it stands in for: same lines, QR modules, fonts."""

from __future__ import annotations

import hashlib
import random

import pytest
from reportlab import rl_config
from reportlab.graphics.barcode import qrencoder
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFontFace
from reportlab.platypus import Paragraph

from eskan_desk.printing.arabic import markup, style
from eskan_desk.printing.fonts import BOLD, REGULAR, SubsettingFace, register_fonts
from eskan_desk.printing.pen import set_text, text_style
from eskan_desk.printing.qr import qr_modules

SAMPLES = [
    "نورة محمد علي العسيري",
    "1000000008 (مواطن)",
    "16 جمادى الآخرة 1448 هـ — 26 نوفمبر 2026",
    "050 123 4567",  # digit groups in a right-to-left cell stay in reading order
    "SA03 8000 0000 6080 1016 7519",
    "دعم سداد دفعة الإيجار المستحقة (عقد موثق في إيجار).",
    " ".join(f"دعم سداد دفعة الإيجار رقم {i} المستحقة لعام 1448 هـ." for i in range(6)),
    "Mixed text with عربي inside, numbers 123 456 (brackets) and averyveryverylongwordindeed",
    "كلمة قصيرة " + "كلمةطويلةجدابدونمسافات" * 4 + " نهاية",
    "  spaces   collapsed\nand a newline  ",
    "مُحَمَّد عبدالله",
    "x" * 120,
    "",
]


@pytest.mark.parametrize("rtl", [True, False])
@pytest.mark.parametrize("width", [15, 40, 61.9, 124.3, 300, 507.9])
def test_text_is_set_as_a_paragraph_sets_it(rtl, width):
    """Line breaks, line widths and each line's visual order are ReportLab's own."""
    for text in SAMPLES:
        for size, bold in ((9, False), (8, True)):
            para = Paragraph(markup(text), style(rtl, size, bold=bold))
            para.wrap(width, 10_000)
            expected = [
                (" ".join(map(str, words)), round(width - spare, 3))
                for spare, words in para.blPara.lines
            ]
            lines = set_text(text, text_style(rtl, size, bold=bold), width)
            got = [(t, round(w, 3)) for t, w in zip(lines.lines, lines.widths, strict=True)]
            assert got == expected, text


@pytest.mark.parametrize("mask", [0, 5])
@pytest.mark.parametrize("level", [0, 1, 2, 3])
def test_qr_modules_are_reportlabs(mask, level):
    payloads = [f"KMS-REQ-2026-{i:06d}|{hashlib.sha256(bytes([i])).hexdigest()}" for i in range(3)]
    payloads += ["a", "x" * 300]  # version 1, and one past version 9 (16-bit length)
    for payload in payloads:
        code = qrencoder.QRCode(None, level)
        code.addData(qrencoder.QR8bitByte(payload))
        code.version = code.calculate_version()
        code.makeImpl(False, mask)
        expected = [list(map(bool, row)) for row in code.modules]
        assert [list(map(bool, row)) for row in qr_modules(payload, level, mask)] == expected


@pytest.mark.parametrize("name", [REGULAR, BOLD])
def test_font_subsets_are_reportlabs_byte_for_byte(name):
    register_fonts()
    face = pdfmetrics.getFont(name).face
    assert isinstance(face, SubsettingFace)
    codes = sorted(face.charToGlyph)
    rnd = random.Random(7)
    for n in (1, 40, 128):
        subset = [0, *range(1, 128), *rnd.sample(codes, n), 0x10FFFF]  # and one it lacks
        assert face.makeSubset(subset) == TTFontFace.makeSubset(face, subset)


def test_reused_bold_subsets_embed_what_reportlab_embeds(monkeypatch):
    """The bold face's subset objects, built once and reused, are byte for byte those
    ReportLab builds for every document."""
    from eskan_desk.printing.declaration import render_declaration

    from .conftest import declaration

    monkeypatch.setattr(rl_config, "invariant", 1)  # no dates or random ids in the file
    doc = declaration()
    first, again = render_declaration(doc), render_declaration(doc)
    monkeypatch.setattr(pdfmetrics.getFont(BOLD), "_built", None)  # ReportLab's own path
    assert first == again == render_declaration(doc)
