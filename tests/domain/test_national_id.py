import pytest
from hypothesis import given
from hypothesis import strategies as st

from eskan_desk.domain.enums import IdKind
from eskan_desk.domain.errors import ValidationError
from eskan_desk.domain.national_id import (
    check_digit,
    id_kind,
    is_valid_national_id,
    make_national_id,
    normalize_national_id,
)

BAD_CHECK = "check digit is wrong: this is not a valid ID number"
BAD_PREFIX = "must start with 1 (citizen) or 2 (resident)"

bodies = st.text(alphabet="0123456789", min_size=8, max_size=8)
kinds = st.sampled_from("12")


def luhn_ok(number: str) -> bool:
    """Textbook Luhn, written independently: double every second digit from the right."""
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d // 10 + d % 10
    return total % 10 == 0


def rule_of(raw):
    with pytest.raises(ValidationError) as info:
        normalize_national_id(raw)
    assert info.value.field == "national_id"
    return info.value


def test_worked_example_from_the_module_docstring():
    # 1*2 = 2, every other digit 0: total 2, check digit (10 - 2) % 10 = 8.
    assert check_digit("100000000") == "8"
    assert normalize_national_id("1000000008") == "1000000008"
    assert normalize_national_id("1010101010") == "1010101010"
    assert check_digit("200000000") == "6"


def test_accepts_arabic_digits_spaces_and_bidi_marks():
    assert normalize_national_id("\u200f١٠٠٠ ٠٠٠ ٠٠٨\u200e") == "1000000008"
    assert normalize_national_id(" ۱۰۱۰۱۰۱۰۱۰ ") == "1010101010"


@pytest.mark.parametrize(
    ("raw", "message", "params"),
    [
        ("", "is required", {}),
        (None, "is required", {}),
        ("  \u200f ", "is required", {}),
        ("10000-0008", "must contain digits only", {}),
        ("1O00000008", "must contain digits only", {}),
        ("100000008", "must be 10 digits, got {length}", {"length": 9}),
        ("10000000080", "must be 10 digits, got {length}", {"length": 11}),
        ("3000000002", BAD_PREFIX, {}),
        ("0000000000", BAD_PREFIX, {}),
        ("1000000007", BAD_CHECK, {}),
    ],
)
def test_each_rule_has_its_own_message(raw, message, params):
    err = rule_of(raw)
    assert err.message == message
    assert err.params == params


def test_kind_of_number():
    assert id_kind("1000000008") is IdKind.CITIZEN
    assert id_kind(make_national_id("2", "12345678")) is IdKind.RESIDENT
    with pytest.raises(ValidationError):
        id_kind("1000000007")


def test_is_valid_never_raises():
    assert is_valid_national_id("1000000008")
    assert not is_valid_national_id("1000000007")
    assert not is_valid_national_id("abc")
    assert not is_valid_national_id(None)


@pytest.mark.parametrize(("kind", "body"), [("3", "12345678"), ("1", "1234567"), ("1", "1234567x")])
def test_make_refuses_malformed_parts(kind, body):
    with pytest.raises(ValueError):
        make_national_id(kind, body)


@pytest.mark.parametrize("first9", ["12345678", "1234567890", "12345678a", "١٢٣٤٥٦٧٨٩"])
def test_check_digit_needs_nine_latin_digits(first9):
    with pytest.raises(ValueError):
        check_digit(first9)


@given(kinds, bodies)
def test_every_generated_id_is_valid(kind, body):
    nid = make_national_id(kind, body)
    assert len(nid) == 10 and nid.startswith(kind)
    assert luhn_ok(nid)
    assert normalize_national_id(nid) == nid


@given(st.text(alphabet="0123456789", min_size=10, max_size=10))
def test_agrees_with_textbook_luhn(number):
    expected = number[0] in "12" and luhn_ok(number)
    assert is_valid_national_id(number) == expected


@given(kinds, bodies)
def test_every_single_digit_change_fails(kind, body):
    nid = make_national_id(kind, body)
    for pos in range(10):
        for digit in "0123456789":
            if digit == nid[pos]:
                continue
            changed = nid[:pos] + digit + nid[pos + 1 :]
            err = rule_of(changed)
            wrong_prefix = pos == 0 and digit not in "12"
            assert err.message == (BAD_PREFIX if wrong_prefix else BAD_CHECK), changed
