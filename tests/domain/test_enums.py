import pytest

from eskan_desk.domain import enums
from eskan_desk.domain.enums import (
    LABELS,
    Channel,
    ContactTopic,
    LabeledEnum,
    NeedTier,
    Relation,
)
from eskan_desk.domain.errors import ValidationError

ALL_ENUMS = [
    obj
    for obj in vars(enums).values()
    if isinstance(obj, type) and issubclass(obj, LabeledEnum) and obj is not LabeledEnum
]


def test_the_eight_channel_codes():
    assert [c.value for c in Channel] == [
        "interview",
        "phone",
        "social",
        "letter",
        "help_request",
        "volunteer",
        "website",
        "branch_rep",
    ]


@pytest.mark.parametrize(
    ("name", "codes"),
    [
        ("Direction", ["in", "out"]),
        ("Gender", ["m", "f"]),
        (
            "Role",
            ["receptionist", "representative", "researcher", "supervisor", "committee", "admin"],
        ),
        ("NeedTier", ["A", "B", "C"]),
        ("MaritalStatus", ["single", "married", "divorced", "widowed", "abandoned"]),
        ("HousingType", ["owned", "rented", "relatives", "other"]),
        ("BuildingCondition", ["good", "fair", "poor", "unsafe"]),
        ("Occupation", ["none", "student", "employed", "unemployed", "retired"]),
        ("RegistrationStatus", ["incomplete", "complete"]),
        ("BirthCalendar", ["hijri", "gregorian"]),
        ("DatePrecision", ["day", "year"]),
        ("IdKind", ["citizen", "resident"]),
    ],
)
def test_codes(name, codes):
    assert [m.value for m in getattr(enums, name)] == codes


def test_every_member_of_every_enum_has_a_label():
    assert len(ALL_ENUMS) == 18
    for enum_cls in ALL_ENUMS:
        assert set(LABELS[enum_cls]) == set(enum_cls), enum_cls
        labels = [member.label for member in enum_cls]
        assert all(labels) and len(set(labels)) == len(labels), enum_cls


def test_same_code_in_two_enums_keeps_its_own_label():
    assert Relation.OTHER == ContactTopic.OTHER  # both are the string "other"
    assert Relation.OTHER.label == "Other relative"
    assert ContactTopic.OTHER.label == "Other topic"


def test_parse_ignores_case_and_spaces():
    assert Channel.parse(" Phone ", "channel") is Channel.PHONE
    assert NeedTier.parse("b", "need_tier") is NeedTier.B
    assert Channel.parse(Channel.LETTER, "channel") is Channel.LETTER


def test_parse_refuses_unknown_codes_listing_the_choices():
    with pytest.raises(ValidationError) as info:
        Channel.parse("fax", "channel")
    assert info.value.field == "channel"
    assert info.value.message == "must be one of: {choices}"
    assert info.value.params["choices"].startswith("interview, phone, social, letter")


@pytest.mark.parametrize("raw", ["", "  ", None])
def test_parse_empty_is_required(raw):
    with pytest.raises(ValidationError) as info:
        Relation.parse(raw, "relation")
    assert (info.value.field, info.value.message) == ("relation", "is required")
