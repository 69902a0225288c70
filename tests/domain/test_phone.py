import pytest
from hypothesis import given
from hypothesis import strategies as st

from eskan_desk.domain.digits import to_arabic_digits
from eskan_desk.domain.errors import ValidationError
from eskan_desk.domain.phone import format_mobile_local, mobile_search_key, normalize_mobile

E164 = "+966501234567"


@pytest.mark.parametrize(
    "raw",
    [
        "0501234567",
        "501234567",
        "+966501234567",
        "00966501234567",
        "966501234567",
        "+966 50-123-4567",
        "050 123 4567",
        "050-123-4567",
        "050.123.4567",
        "(050) 123 4567",
        "+966 (50) 123-4567",
        "٠٥٠١٢٣٤٥٦٧",
        "۰۵۰۱۲۳۴۵۶۷",
        "+٩٦٦٥٠١٢٣٤٥٦٧",
        "\u200f0501234567\u200e",
        "\u202b+966 50 123 4567\u202c",
        "  0501234567  ",
        "+966 0501234567",
    ],
)
def test_accepts_every_form_people_type(raw):
    assert normalize_mobile(raw) == E164


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "is required"),
        (None, "is required"),
        ("\u200f \u200e", "is required"),
        ("05O1234567", "may contain only digits, spaces, dashes and a leading +"),
        ("050 123 456x", "may contain only digits, spaces, dashes and a leading +"),
        ("050+1234567", "may contain only digits, spaces, dashes and a leading +"),
        ("جوال 0501234567", "may contain only digits, spaces, dashes and a leading +"),
        ("+971501234567", "must be a Saudi number (+966)"),
        ("00971501234567", "must be a Saudi number (+966)"),
        ("0112345678", "must be a mobile number starting with 05"),
        ("+966112345678", "must be a mobile number starting with 05"),
        ("050123456", "must have 10 digits in the form 05XXXXXXXX"),
        ("05012345678", "must have 10 digits in the form 05XXXXXXXX"),
        ("+9665012345678", "must have 10 digits in the form 05XXXXXXXX"),
        ("966", "must have 10 digits in the form 05XXXXXXXX"),
    ],
)
def test_refuses_each_wrong_form_with_its_rule(raw, message):
    with pytest.raises(ValidationError) as info:
        normalize_mobile(raw)
    assert info.value.field == "mobile"
    assert info.value.message == message


def test_format_local():
    assert format_mobile_local(E164) == "050 123 4567"
    assert format_mobile_local("0551112222") == "055 111 2222"


@pytest.mark.parametrize(
    ("raw", "key"),
    [("050 123 4567", E164), ("محمد", None), ("1000000008", None), ("", None), ("+97150", None)],
)
def test_search_key_never_raises(raw, key):
    assert mobile_search_key(raw) == key


forms = st.sampled_from(
    ["0{n}", "{n}", "+966{n}", "00966{n}", "966{n}", "+966 {a}-{b}-{c}", "0{a} {b} {c}"]
)


@given(st.text(alphabet="0123456789", min_size=8, max_size=8), forms, st.booleans())
def test_any_saudi_mobile_in_any_form_normalises_to_e164(rest, form, arabic):
    n = "5" + rest
    raw = form.format(n=n, a=n[:2], b=n[2:5], c=n[5:])
    raw = to_arabic_digits(raw) if arabic else raw
    assert normalize_mobile(raw) == "+966" + n
    assert format_mobile_local(normalize_mobile(raw)).replace(" ", "") == "0" + n
