"""A marital status is said of the person: of a woman, of a man, or both when not recorded."""

from __future__ import annotations

import pytest

from eskan_desk import i18n
from eskan_desk.domain.enums import MaritalStatus


@pytest.fixture
def arabic():
    i18n.set_language("ar")
    yield
    i18n.set_language("ar")


@pytest.mark.parametrize(
    ("status", "gender", "said"),
    [
        ("divorced", "f", "مطلقة"),
        ("divorced", "m", "مطلق"),
        ("divorced", None, "مطلق/مطلقة"),
        ("widowed", "f", "أرملة"),
        ("single", "m", "أعزب"),
        (MaritalStatus.MARRIED, "f", "متزوجة"),
        (None, "f", None),
    ],
)
def test_in_arabic(arabic, status, gender, said):
    assert i18n.marital_label(status, gender) == said


def test_in_english_both_are_one_word(arabic):
    i18n.set_language("en")
    assert i18n.marital_label("divorced", "f") == i18n.marital_label("divorced", "m") == "Divorced"
