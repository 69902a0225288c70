"""Closed sets of codes: channels, roles, categories, statuses and the like.

Every enum is a :class:`StrEnum` whose values are the stable codes used in the database, the CLI,
files and the sync protocol. Each member has an English label, marked with ``N_`` for the catalog
and kept in :data:`LABELS`; the UI translates it when it shows it.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Self

from eskan_desk.domain.errors import ValidationError
from eskan_desk.domain.markers import N_


class LabeledEnum(StrEnum):
    """Base of the domain enums: parsing user input and an English label per member."""

    @classmethod
    def parse(cls, value: str | None, field: str) -> Self:
        """Turn a code as typed (any case, surrounding spaces) into a member.

        Args:
            value: The code, e.g. ``"phone"``; a member is returned as it is.
            field: Field code reported in a :class:`ValidationError`.

        Returns:
            The member whose code matches, ignoring case.

        Raises:
            ValidationError: Empty ("is required") or not one of the codes.
        """
        if isinstance(value, cls):
            return value
        key = (value or "").strip().casefold()
        if not key:
            raise ValidationError(field, N_("is required"))
        for member in cls:
            if member.value.casefold() == key:
                return member
        choices = ", ".join(member.value for member in cls)
        raise ValidationError(field, N_("must be one of: {choices}"), {"choices": choices})

    @property
    def label(self) -> str:
        """The member's English label (a catalog msgid; translate it to show it)."""
        return LABELS[type(self)][self]


class Channel(LabeledEnum):
    """The eight channels the policy names (القنوات المستخدمة للتواصل مع المستفيدين)."""

    INTERVIEW = "interview"  # المقابلة
    PHONE = "phone"  # الاتصالات الهاتفية
    SOCIAL = "social"  # وسائل التواصل الاجتماعي
    LETTER = "letter"  # الخطابات
    HELP_REQUEST = "help_request"  # خدمات طلب المساعدة
    VOLUNTEER = "volunteer"  # خدمة التطوع
    WEBSITE = "website"  # الموقع الإلكتروني للجمعية
    BRANCH_REP = "branch_rep"  # مناديب المكاتب الفرعية


class Direction(LabeledEnum):
    IN = "in"
    OUT = "out"


class Gender(LabeledEnum):
    M = "m"
    F = "f"


class Role(LabeledEnum):
    RECEPTIONIST = "receptionist"
    REPRESENTATIVE = "representative"
    RESEARCHER = "researcher"
    SUPERVISOR = "supervisor"
    COMMITTEE = "committee"
    ADMIN = "admin"


class Category(LabeledEnum):
    WIDOW = "widow"
    DIVORCED = "divorced"
    ABANDONED = "abandoned"
    ORPHANS_FAMILY = "orphans_family"
    PRISONERS_FAMILY = "prisoners_family"
    DISABILITY = "disability"
    CHRONIC_ILLNESS = "chronic_illness"
    ELDERLY = "elderly"
    LOW_INCOME = "low_income"


class NeedTier(LabeledEnum):
    A = "A"
    B = "B"
    C = "C"


class MaritalStatus(LabeledEnum):
    SINGLE = "single"
    MARRIED = "married"
    DIVORCED = "divorced"
    WIDOWED = "widowed"
    ABANDONED = "abandoned"


class HousingType(LabeledEnum):
    OWNED = "owned"
    RENTED = "rented"
    RELATIVES = "relatives"
    OTHER = "other"


class BuildingCondition(LabeledEnum):
    GOOD = "good"
    FAIR = "fair"
    POOR = "poor"
    UNSAFE = "unsafe"


class IncomeKind(LabeledEnum):
    SOCIAL_SECURITY = "social_security"
    PENSION = "pension"
    GOSI = "gosi"
    SALARY = "salary"
    CITIZEN_ACCOUNT = "citizen_account"
    ALIMONY = "alimony"
    OTHER = "other"


class Relation(LabeledEnum):
    SPOUSE = "spouse"
    SON = "son"
    DAUGHTER = "daughter"
    FATHER = "father"
    MOTHER = "mother"
    BROTHER = "brother"
    SISTER = "sister"
    GRANDCHILD = "grandchild"
    OTHER = "other"


class Occupation(LabeledEnum):
    NONE = "none"
    STUDENT = "student"
    EMPLOYED = "employed"
    UNEMPLOYED = "unemployed"
    RETIRED = "retired"


class RegistrationStatus(LabeledEnum):
    INCOMPLETE = "incomplete"
    COMPLETE = "complete"


class ContactTopic(LabeledEnum):
    INQUIRY = "inquiry"
    FOLLOW_UP = "follow_up"
    COMPLAINT = "complaint"
    SUGGESTION = "suggestion"
    DOCUMENT_DELIVERY = "document_delivery"
    APPOINTMENT = "appointment"
    REQUEST_STATUS = "request_status"
    THANKS = "thanks"
    OTHER = "other"


class SocialPlatform(LabeledEnum):
    WHATSAPP = "whatsapp"
    X = "x"
    SNAPCHAT = "snapchat"
    INSTAGRAM = "instagram"
    TIKTOK = "tiktok"
    FACEBOOK = "facebook"
    OTHER = "other"


class BirthCalendar(LabeledEnum):
    HIJRI = "hijri"
    GREGORIAN = "gregorian"


class DatePrecision(LabeledEnum):
    DAY = "day"
    YEAR = "year"


class IdKind(LabeledEnum):
    CITIZEN = "citizen"
    RESIDENT = "resident"


# Labels per enum. Keyed by the enum class first: StrEnum members of different enums with the
# same code ("other") compare equal, so one flat dict would mix them up.
LABELS: dict[type[LabeledEnum], dict[LabeledEnum, str]] = {
    Channel: {
        Channel.INTERVIEW: N_("In-person interview"),  # المقابلة
        Channel.PHONE: N_("Phone call"),  # الاتصالات الهاتفية
        Channel.SOCIAL: N_("Social media"),  # وسائل التواصل الاجتماعي
        Channel.LETTER: N_("Letter"),  # الخطابات
        Channel.HELP_REQUEST: N_("Help-request services"),  # خدمات طلب المساعدة
        Channel.VOLUNTEER: N_("Volunteer service"),  # خدمة التطوع
        Channel.WEBSITE: N_("The association's website"),  # الموقع الإلكتروني للجمعية
        Channel.BRANCH_REP: N_("Branch-office representative"),  # مناديب المكاتب الفرعية
    },
    Direction: {Direction.IN: N_("Incoming"), Direction.OUT: N_("Outgoing")},
    Gender: {Gender.M: N_("Male"), Gender.F: N_("Female")},
    Role: {
        Role.RECEPTIONIST: N_("Receptionist"),
        Role.REPRESENTATIVE: N_("Branch representative"),
        Role.RESEARCHER: N_("Social research officer"),  # مسؤول البحث الاجتماعي
        Role.SUPERVISOR: N_("Supervisor"),
        Role.COMMITTEE: N_("Research committee"),  # لجنة البحث
        Role.ADMIN: N_("Administrator"),
    },
    Category: {
        Category.WIDOW: N_("Widow"),
        Category.DIVORCED: N_("Divorced woman"),
        Category.ABANDONED: N_("Abandoned wife"),  # مهجورة
        Category.ORPHANS_FAMILY: N_("Orphans' family"),
        Category.PRISONERS_FAMILY: N_("Prisoner's family"),
        Category.DISABILITY: N_("Disability"),
        Category.CHRONIC_ILLNESS: N_("Chronic illness"),
        Category.ELDERLY: N_("Elderly"),
        Category.LOW_INCOME: N_("Low-income family"),  # ضعف القدرة المادية
    },
    NeedTier: {NeedTier.A: N_("Tier A"), NeedTier.B: N_("Tier B"), NeedTier.C: N_("Tier C")},
    MaritalStatus: {
        MaritalStatus.SINGLE: N_("Single"),
        MaritalStatus.MARRIED: N_("Married"),
        MaritalStatus.DIVORCED: N_("Divorced"),
        MaritalStatus.WIDOWED: N_("Widowed"),
        MaritalStatus.ABANDONED: N_("Abandoned"),
    },
    HousingType: {
        HousingType.OWNED: N_("Owned"),
        HousingType.RENTED: N_("Rented"),
        HousingType.RELATIVES: N_("Living with relatives"),
        HousingType.OTHER: N_("Other housing"),
    },
    BuildingCondition: {
        BuildingCondition.GOOD: N_("Good"),
        BuildingCondition.FAIR: N_("Fair"),
        BuildingCondition.POOR: N_("Poor"),
        BuildingCondition.UNSAFE: N_("Unsafe"),
    },
    IncomeKind: {
        IncomeKind.SOCIAL_SECURITY: N_("Social security"),  # الضمان الاجتماعي
        IncomeKind.PENSION: N_("Pension"),
        IncomeKind.GOSI: N_("GOSI"),
        IncomeKind.SALARY: N_("Salary"),
        IncomeKind.CITIZEN_ACCOUNT: N_("Citizen Account"),  # حساب المواطن
        IncomeKind.ALIMONY: N_("Alimony"),  # نفقة
        IncomeKind.OTHER: N_("Other income"),
    },
    Relation: {
        Relation.SPOUSE: N_("Spouse"),
        Relation.SON: N_("Son"),
        Relation.DAUGHTER: N_("Daughter"),
        Relation.FATHER: N_("Father"),
        Relation.MOTHER: N_("Mother"),
        Relation.BROTHER: N_("Brother"),
        Relation.SISTER: N_("Sister"),
        Relation.GRANDCHILD: N_("Grandchild"),
        Relation.OTHER: N_("Other relative"),
    },
    Occupation: {
        Occupation.NONE: N_("None"),
        Occupation.STUDENT: N_("Student"),
        Occupation.EMPLOYED: N_("Employed"),
        Occupation.UNEMPLOYED: N_("Unemployed"),
        Occupation.RETIRED: N_("Retired"),
    },
    RegistrationStatus: {
        RegistrationStatus.INCOMPLETE: N_("Incomplete"),
        RegistrationStatus.COMPLETE: N_("Complete"),
    },
    ContactTopic: {
        ContactTopic.INQUIRY: N_("Inquiry"),
        ContactTopic.FOLLOW_UP: N_("Follow-up"),
        ContactTopic.COMPLAINT: N_("Complaint"),
        ContactTopic.SUGGESTION: N_("Suggestion"),
        ContactTopic.DOCUMENT_DELIVERY: N_("Document delivery"),
        ContactTopic.APPOINTMENT: N_("Appointment"),
        ContactTopic.REQUEST_STATUS: N_("Request status"),
        ContactTopic.THANKS: N_("Thanks"),
        ContactTopic.OTHER: N_("Other topic"),
    },
    SocialPlatform: {
        SocialPlatform.WHATSAPP: N_("WhatsApp"),
        SocialPlatform.X: N_("X (Twitter)"),
        SocialPlatform.SNAPCHAT: N_("Snapchat"),
        SocialPlatform.INSTAGRAM: N_("Instagram"),
        SocialPlatform.TIKTOK: N_("TikTok"),
        SocialPlatform.FACEBOOK: N_("Facebook"),
        SocialPlatform.OTHER: N_("Other platform"),
    },
    BirthCalendar: {BirthCalendar.HIJRI: N_("Hijri"), BirthCalendar.GREGORIAN: N_("Gregorian")},
    DatePrecision: {DatePrecision.DAY: N_("Exact day"), DatePrecision.YEAR: N_("Year only")},
    IdKind: {IdKind.CITIZEN: N_("Citizen"), IdKind.RESIDENT: N_("Resident (iqama)")},
}
