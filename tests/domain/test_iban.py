import pytest
from hypothesis import given
from hypothesis import strategies as st

from eskan_desk.domain.errors import ValidationError
from eskan_desk.domain.iban import format_iban, make_iban, normalize_iban

SAMPLE = "SA0380000000608010167519"


def rule_of(raw):
    with pytest.raises(ValidationError) as info:
        normalize_iban(raw)
    assert info.value.field == "iban"
    return info.value.message


def test_sample_passes_in_every_typed_form():
    assert normalize_iban(SAMPLE) == SAMPLE
    assert normalize_iban("sa03 8000 0000 6080 1016 7519") == SAMPLE
    assert normalize_iban("\u200fSA٠٣ ٨٠٠٠ ٠٠٠٠ ٦٠٨٠ ١٠١٦ ٧٥١٩") == SAMPLE


def test_format_in_groups_of_four():
    assert format_iban(SAMPLE) == "SA03 8000 0000 6080 1016 7519"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "is required"),
        ("SA03-8000-0000-6080-1016-7519", "may contain only Latin letters and digits"),
        ("AE070331234567890123456", "must be a Saudi IBAN starting with SA"),
        ("SA038000000060801016751", "must be 24 characters: SA and 22 digits/letters"),
        ("SA03800000006080101675190", "must be 24 characters: SA and 22 digits/letters"),
        ("SA03X0000000608010167519", "the bank code (characters 5 and 6) must be digits"),
        ("SA0480000000608010167519", "check digits are wrong (mod-97)"),
        ("SAXX80000000608010167519", "check digits are wrong (mod-97)"),
    ],
)
def test_each_rule_has_its_own_message(raw, message):
    assert rule_of(raw) == message


def test_every_single_digit_change_fails():
    for pos in range(2, 24):
        for digit in "0123456789":
            if digit != SAMPLE[pos]:
                changed = SAMPLE[:pos] + digit + SAMPLE[pos + 1 :]
                assert rule_of(changed) == "check digits are wrong (mod-97)", changed


def test_changing_the_country_fails():
    assert rule_of("SB" + SAMPLE[2:]) == "must be a Saudi IBAN starting with SA"


def test_make_builds_the_sample():
    assert make_iban("80", "000000608010167519") == SAMPLE


@pytest.mark.parametrize(("bank", "account"), [("8", "0" * 18), ("8A", "0" * 18), ("80", "0" * 17)])
def test_make_refuses_malformed_parts(bank, account):
    with pytest.raises(ValueError):
        make_iban(bank, account)


@given(
    st.text(alphabet="0123456789", min_size=2, max_size=2),
    st.text(alphabet="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=18, max_size=18),
)
def test_made_ibans_are_valid_and_transpositions_of_check_digits_fail(bank, account):
    iban = make_iban(bank, account)
    assert normalize_iban(format_iban(iban).lower()) == iban
    if iban[2] != iban[3]:
        with pytest.raises(ValidationError):
            normalize_iban(iban[:2] + iban[3] + iban[2] + iban[4:])
