import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eskan_desk.domain.arabic import normalize_for_search, search_tokens


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("أحمد", "احمد"),
        ("إبراهيم", "ابراهيم"),
        ("آمنة", "امنه"),
        ("ٱلله", "الله"),
        ("فاطمة", "فاطمه"),
        ("مصطفى", "مصطفي"),
        ("مؤمن", "مومن"),
        ("هيئة", "هييه"),
        ("مُحَمَّد", "محمد"),
        ("الرَّحْمٰن", "الرحمن"),
        ("محـــمد", "محمد"),
        ("\u200fمحمد\u200e", "محمد"),
        ("مح\u200cمد", "محمد"),
        ("جزء", "جزء"),
        ("عبد الله", "عبدالله"),
        ("عبدالله", "عبدالله"),
        ("عَبْدُ الرَّحْمَن", "عبدالرحمن"),
        ("سعد بن عبد العزيز آل سعود", "سعد بن عبدالعزيز ال سعود"),
        ("ابو بكر", "ابو بكر"),
        ("عبد", "عبد"),
        ("  محمد   ،  علي. ", "محمد علي"),
        ("رقم ١٢٣ و ۴۵۶", "رقم 123 و 456"),
        ("José O'BRIEN", "jose o brien"),
        ("ﻣﺤﻤﺪ", "محمد"),  # presentation forms, as pdftotext returns them
        ("ﻻ", "لا"),
        ("ﷲ", "الله"),
        ("یاسر کریم", "ياسر كريم"),  # Persian yeh and keheh
        ("", ""),
    ],
)
def test_folding_rules(raw, expected):
    assert normalize_for_search(raw) == expected


def test_every_spelling_of_a_name_meets():
    spellings = ["عبدالله إبراهيم", "عبد الله ابراهيم", "عَبْدُ اللَّهِ إِبْرَاهِيم", "عبد الله إبراهيـــم"]
    assert len({normalize_for_search(s) for s in spellings}) == 1


def test_search_tokens():
    assert search_tokens("عبد الرحمن  محمد-علي") == ["عبدالرحمن", "محمد", "علي"]


arabic = st.text(
    alphabet=st.characters(min_codepoint=0x0600, max_codepoint=0x06FF) | st.sampled_from(" \u200f"),
    max_size=60,
)
presentation = st.text(
    alphabet=st.characters(min_codepoint=0xFB50, max_codepoint=0xFEFF), max_size=30
)


@settings(max_examples=500)
@given(st.text(max_size=80) | arabic | presentation)
def test_normalisation_is_idempotent(text):
    once = normalize_for_search(text)
    assert normalize_for_search(once) == once


@given(st.lists(st.sampled_from(["عبد", "الله", "محمد", "عبدالله", " ", "ة"]), max_size=12))
def test_idempotent_on_runs_of_abd(words):
    once = normalize_for_search(" ".join(words))
    assert normalize_for_search(once) == once
    assert once == once.strip() and "  " not in once
