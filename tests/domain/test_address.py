import pytest

from eskan_desk.domain.address import NationalAddress, validate_national_address
from eskan_desk.domain.errors import ValidationError

FULL = {
    "building_no": "8228",
    "street": "طريق الملك عبدالعزيز",
    "district": "الموسى",
    "city": "خميس مشيط",
    "postal_code": "62461",
    "additional_no": "2121",
}

SHORT_RULE = "must be 4 Latin letters and 4 digits, like RRRD2929"


def rule_of(**kwargs):
    with pytest.raises(ValidationError) as info:
        validate_national_address(**kwargs)
    return info.value.field, info.value.message


def test_full_address():
    address = validate_national_address(**FULL, unit_no="12")
    assert address == NationalAddress(**FULL, unit_no="12")
    assert not address.is_empty


def test_short_address_alone_is_enough_and_is_normalised():
    address = validate_national_address(short_address=" rrrd ٢٩٢٩\u200f")
    assert address.short_address == "RRRD2929"
    assert address.building_no is None


def test_both_forms_together():
    address = validate_national_address(**FULL, short_address="KMSA1234")
    assert address.short_address == "KMSA1234" and address.postal_code == "62461"


def test_all_empty_is_an_empty_address():
    address = validate_national_address(building_no="  ", street="", short_address=None)
    assert address.is_empty
    assert validate_national_address() == NationalAddress()


def test_arabic_digits_and_spaces_in_numbers():
    address = validate_national_address(**{**FULL, "building_no": "٨٢٢٨", "postal_code": "624 61"})
    assert address.building_no == "8228" and address.postal_code == "62461"


def test_street_is_optional_in_a_full_address():
    address = validate_national_address(**{**FULL, "street": None})
    assert address.street is None


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"building_no": "822"}, "building_no", "must be exactly {count} digits"),
        ({"building_no": "82281"}, "building_no", "must be exactly {count} digits"),
        ({"building_no": "82a8"}, "building_no", "must be exactly {count} digits"),
        ({"postal_code": "6246"}, "postal_code", "must be exactly {count} digits"),
        ({"additional_no": "21-21"}, "additional_no", "must be exactly {count} digits"),
        ({"unit_no": "12345"}, "unit_no", "must be 1 to 4 digits"),
        ({"unit_no": "A1"}, "unit_no", "must be 1 to 4 digits"),
        ({"short_address": "RRR2929"}, "short_address", SHORT_RULE),
        ({"short_address": "رررد2929"}, "short_address", SHORT_RULE),
        ({"street": "ش" * 81}, "street", "must be at most {max} characters"),
        ({"city": "م" * 81}, "city", "must be at most {max} characters"),
        ({"district": None}, "district", "is required"),
        ({"city": " "}, "city", "is required"),
        ({"postal_code": None}, "postal_code", "is required"),
        ({"building_no": ""}, "building_no", "is required"),
    ],
)
def test_each_error_names_its_field(change, field, message):
    assert rule_of(**{**FULL, **change}) == (field, message)


def test_digit_count_is_in_the_params():
    with pytest.raises(ValidationError) as info:
        validate_national_address(**{**FULL, "postal_code": "1"})
    assert info.value.params == {"count": 5}


@pytest.mark.parametrize(
    ("given", "field"),
    [
        ({"city": "أبها"}, "building_no"),
        ({"street": "شارع الأمير سلطان"}, "building_no"),
        ({"building_no": "1234", "city": "أبها", "postal_code": "62521"}, "district"),
        ({"additional_no": "1234"}, "building_no"),
        ({"unit_no": "3"}, "building_no"),
    ],
)
def test_a_partial_full_address_is_refused(given, field):
    assert rule_of(**given) == (field, "is required")


def test_partial_full_address_is_refused_even_with_a_short_address():
    assert rule_of(city="أبها", short_address="RRRD2929") == ("building_no", "is required")


def test_additional_number_with_short_address_is_fine():
    address = validate_national_address(additional_no="1234", short_address="RRRD2929")
    assert address.additional_no == "1234"
