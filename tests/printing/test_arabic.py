"""The rlbidi shim and the shaping path: joined, right to left, searchable in logical order."""

from __future__ import annotations

import importlib
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reportlab.lib.pagesizes import A4

from eskan_desk.domain.iban import format_iban, make_iban
from eskan_desk.printing import arabic
from eskan_desk.printing.layout import Ctx, Ltr, build, content_width, fields

from .conftest import FILE_NO, charity, pdf_text

IBAN = format_iban(make_iban("80", "000000608010167519"))
HIJRI = "17 جمادى الآخرة 1448 هـ"


def test_reportlab_sees_the_shim():
    from reportlab.pdfgen import textobject

    assert textobject.rtlSupport
    assert sys.modules["rlbidi"].log2vis is arabic.log2vis


def test_importing_twice_is_safe():
    shim = sys.modules["rlbidi"]
    importlib.reload(arabic)
    assert sys.modules["rlbidi"] is shim


def test_log2vis_reverses_arabic_keeps_numbers_and_mirrors_brackets():
    positions: list[int] = []
    visual = arabic.log2vis("ملف (123)", "RTL", positions_V_to_L=positions)
    assert visual == "(123) فلم"  # brackets mirrored: the opening one is still on the right
    assert sorted(positions) == list(range(len("ملف (123)")))
    assert arabic.log2vis("abc 12", "LTR") == "abc 12"


def test_shape_joins_letters_and_keeps_harakat():
    shaped = arabic.shape("مُحَمَّد")
    assert "\u064f" in shaped and "\u0651" in shaped  # damma and shadda kept
    assert all(not "\u0621" <= ch <= "\u064a" for ch in shaped)  # letters became joined forms
    assert arabic.shape("عبدالله") != "عبد\ufdf2"  # no Allah ligature: stays searchable


def test_mixed_sample_reads_back_in_logical_order():
    """Arabic with digits and brackets, a Hijri date, an IBAN and a file number, read back by
    pypdfium2 in logical order, the numbers as written."""
    ctx = Ctx("ar")
    story = [
        ctx.p("الاسم الرباعي: نورة محمد علي العسيري (أرملة) ولها 4 أبناء"),
        ctx.p(f"تاريخ التقديم {HIJRI}"),
        ctx.ltr(Ltr(IBAN)),
        ctx.ltr(Ltr(FILE_NO)),
    ]
    pdf = build(ctx, story, charity=charity(), title="sample", form_version="T")
    text = pdf_text(pdf)
    for expected in (
        "الاسم الرباعي: نورة محمد علي العسيري (أرملة) ولها 4 أبناء",
        f"تاريخ التقديم {HIJRI}",
        IBAN,
        FILE_NO,
    ):
        assert expected in text, expected


LONG = (
    "سداد إيجار متأخر لمدة ستة أشهر بعد صدور حكم تنفيذي من محكمة التنفيذ بخميس مشيط، "
    "مع طلب المساعدة في تجديد العقد عبر منصة إيجار، والأسرة مكونة من أب وأم وخمسة أطفال "
)


@pytest.mark.parametrize(
    ("direction", "text"),
    [
        ("RTL", LONG + "(Ejar #20123456789)"),
        ("RTL", "عقد موثق (Ejar 2012 A) في المنصة"),
        ("RTL", "مرجع [SADAD 123 456] و(أ ب) و {x y}"),
        ("RTL", "ملف (123) و(رقم 55 و66)"),
        ("LTR", "Lease (عقد إيجار موثق) signed (a b)"),
        ("LTR", "Ref (رقم 55 و66) end"),
    ],
)
def test_bracketed_words_of_the_other_direction_keep_every_word(direction, text):
    """ReportLab maps each word through the bidi pass by its first letter. Brackets drawn
    beside the other word (correct bidi for "(ABC DEF)" in Arabic) made it print "DEF) DEF)":
    a word twice, one lost. Every logical word must come out once, whole."""
    from reportlab.pdfgen.textobject import bidiWordList

    def letters(word: str) -> list[str]:  # a bracket mirrored is still that bracket
        return sorted(word.translate(str.maketrans(")]}", "([{")))

    words = arabic.shape(text).split()
    visual = bidiWordList(words, direction=direction)
    assert sorted(v.__bidiV__ for v in visual) == list(range(len(words)))  # none twice
    for v in visual:  # and each drawn word is its own logical word's letters
        assert letters(v) == letters(words[v.__bidiL__]), (str(v), words[v.__bidiL__])


def test_a_wrapped_declaration_line_prints_its_reference_once():
    ctx = Ctx("ar")
    line = LONG + "(Ejar #20123456789)"
    pdf = build(ctx, [ctx.p(line)], charity=charity(), title="t", form_version="T")
    text = pdf_text(pdf)
    assert text.count("20123456789") == 1 and text.count("Ejar") == 1


def test_label_and_value_cells_read_back_in_logical_order():
    ctx = Ctx("ar")
    pairs = [("الاسم", "نورة محمد علي العسيري"), ("رقم الهوية", Ltr("1000000008"))]
    pdf = build(
        ctx, [fields(ctx, pairs, content_width(A4))], charity=charity(), title="t", form_version="T"
    )
    assert "الاسم نورة محمد علي العسيري رقم الهوية 1000000008" in pdf_text(pdf)


_LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهويءآأؤإئةى"


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=_LETTERS + "ًٌٍَُِّْ ()«»0123456789٠١٢abc-.\u00a0\t", max_size=40))
def test_the_plain_right_to_left_shortcut_agrees_with_the_bidi_algorithm(text):
    for candidate in (text, arabic.shape(text)):
        for direction in ("RTL", "LTR", ""):
            arabic._reorder.cache_clear()
            assert arabic._reorder(candidate, direction) == arabic._bidi_reorder(
                candidate, direction
            )


def test_the_settled_reshaper_shapes_as_a_fresh_one():
    import arabic_reshaper

    fresh = arabic_reshaper.ArabicReshaper(
        configuration={
            "delete_harakat": False,
            "shift_harakat_position": False,
            "support_ligatures": True,
            "ARABIC LIGATURE ALLAH": False,
        }
    )
    for text in ("لا إله إلا الله", "عبدالله", "مُحَمَّد", "ـــ", "نورة آل مشيط", "ﷺ"):
        assert arabic._RESHAPER.reshape(text) == fresh.reshape(text)
