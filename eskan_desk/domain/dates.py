"""Clocks, the Riyadh time zone, the Sunday-Saturday week, Hijri dates and birth dates.

Times are stored in UTC and shown in Asia/Riyadh (UTC+3, no daylight saving). Dates are stored
Gregorian and shown in both calendars; the Hijri calendar is Umm al-Qura (``hijridate``), which
covers 1343-01-01..1500-12-30 AH = 1924-08-01..2077-11-16.
"""

from __future__ import annotations

import re
import time
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hijridate import Gregorian, Hijri

from eskan_desk.domain.digits import DigitStyle, localize_digits, to_latin_digits
from eskan_desk.domain.enums import BirthCalendar, DatePrecision
from eskan_desk.domain.errors import ValidationError
from eskan_desk.domain.markers import N_
from eskan_desk.domain.text import remove_invisible

RIYADH = ZoneInfo("Asia/Riyadh")
HIJRI_GREGORIAN_RANGE = (date(1924, 8, 1), date(2077, 11, 16))
HIJRI_YEARS = range(1300, 1501)  # a 4-digit year in this range is read as Hijri
FIRST_TABLE_YEAR = 1343  # the first Hijri year of the Umm al-Qura tables
GREGORIAN_YEARS = range(1900, 2101)
MAX_AGE_YEARS = 120
HIJRI_YEAR_ONLY_MONTH = 7  # IDs without a known birthday carry 1 Rajab

HIJRI_MONTHS_AR = (
    "محرم", "صفر", "ربيع الأول", "ربيع الآخر", "جمادى الأولى", "جمادى الآخرة",
    "رجب", "شعبان", "رمضان", "شوال", "ذو القعدة", "ذو الحجة",
)  # fmt: skip
HIJRI_MONTHS_EN = (
    "Muharram", "Safar", "Rabi' al-Awwal", "Rabi' al-Akhir", "Jumada al-Ula",
    "Jumada al-Akhirah", "Rajab", "Sha'ban", "Ramadan", "Shawwal", "Dhu al-Qa'dah",
    "Dhu al-Hijjah",
)  # fmt: skip
GREGORIAN_MONTHS_AR = (
    "يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو",
    "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر",
)  # fmt: skip
GREGORIAN_MONTHS_EN = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_HIJRI_ERA = {"ar": "هـ", "en": "AH"}

_YMD = re.compile(r"([0-9]{4})[-/.]([0-9]{1,2})[-/.]([0-9]{1,2})")
_DMY = re.compile(r"([0-9]{1,2})[-/.]([0-9]{1,2})[-/.]([0-9]{4})")
_YEAR = re.compile(r"[0-9]{4}")
_NOT_A_DATE = N_("must be a date like 1985-03-14, 1405-06-20 (Hijri) or a year")


def ms_now() -> int:
    """Milliseconds since the Unix epoch, from the wall clock."""
    return time.time_ns() // 1_000_000


def utc_now() -> datetime:
    """The current time as an aware UTC datetime."""
    return datetime.now(UTC)


def to_riyadh(dt: datetime) -> datetime:
    """Convert a datetime to Riyadh local time.

    Args:
        dt: An aware datetime; a naive one is taken to be UTC (as the store keeps it).

    Returns:
        The same instant, with the Asia/Riyadh time zone.
    """
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(RIYADH)


def riyadh_today(now: datetime | None = None) -> date:
    """The calendar date in Riyadh.

    Args:
        now: The current time (injected by tests); defaults to :func:`utc_now`.

    Returns:
        Today's date in Asia/Riyadh.
    """
    return to_riyadh(now or utc_now()).date()


def week_bounds(d: date) -> tuple[date, date]:
    """The Sunday-Saturday week holding ``d`` (the Saudi working week starts on Sunday).

    Args:
        d: Any date.

    Returns:
        ``(sunday, saturday)``, both inclusive.
    """
    sunday = d - timedelta(days=(d.weekday() + 1) % 7)
    return sunday, sunday + timedelta(days=6)


def has_hijri(d: date) -> bool:
    """Tell whether ``d`` lies in the range the Umm al-Qura tables cover."""
    return HIJRI_GREGORIAN_RANGE[0] <= d <= HIJRI_GREGORIAN_RANGE[1]


def to_hijri(d: date) -> tuple[int, int, int]:
    """Convert a Gregorian date to Umm al-Qura Hijri.

    Args:
        d: A date between 1924-08-01 and 2077-11-16.

    Returns:
        ``(year, month, day)`` in the Hijri calendar.

    Raises:
        ValueError: ``d`` lies outside the Umm al-Qura range (check with :func:`has_hijri`).
    """
    try:
        h = Gregorian(d.year, d.month, d.day).to_hijri()
    except OverflowError as exc:
        raise ValueError(f"{d} is outside the Umm al-Qura range") from exc
    return h.year, h.month, h.day


def from_hijri(year: int, month: int, day: int, *, field: str = "birth_date") -> date:
    """Convert an Umm al-Qura Hijri date to Gregorian.

    Args:
        year: Hijri year (1343..1500).
        month: Hijri month (1..12).
        day: Day of the month (1..29 or 30, as the month has).
        field: Field code reported in a :class:`ValidationError`.

    Returns:
        The Gregorian date.

    Raises:
        ValidationError: The date does not exist or lies outside the tables.
    """
    if year < FIRST_TABLE_YEAR:  # 1300-1342 read as Hijri, before the Umm al-Qura tables
        raise ValidationError(
            field,
            N_("is a Hijri date before {year}, which cannot be converted: enter it in Gregorian"),
            {"year": FIRST_TABLE_YEAR},
        )
    try:
        g = Hijri(year, month, day).to_gregorian()
    except (ValueError, OverflowError) as exc:
        raise ValidationError(field, N_("is not a valid Hijri date")) from exc
    return date(g.year, g.month, g.day)  # a plain date, not hijridate's subclass


def _check_lang(lang: str) -> None:
    if lang not in _HIJRI_ERA:
        raise ValueError(f"unknown language {lang!r}")


def format_hijri(d: date, lang: str = "ar", digits: DigitStyle = "latin") -> str:
    """Format a date in the Hijri calendar, e.g. ``"17 جمادى الآخرة 1448 هـ"``.

    Args:
        d: A Gregorian date within the Umm al-Qura range.
        lang: ``"ar"`` or ``"en"`` (``"17 Jumada al-Akhirah 1448 AH"``).
        digits: ``"latin"`` or ``"arab"`` (Arabic-Indic).

    Returns:
        The formatted Hijri date.

    Raises:
        ValueError: Unknown language or digit style, or ``d`` outside the Umm al-Qura range.
    """
    _check_lang(lang)
    year, month, day = to_hijri(d)
    months = HIJRI_MONTHS_AR if lang == "ar" else HIJRI_MONTHS_EN
    return localize_digits(f"{day} {months[month - 1]} {year} {_HIJRI_ERA[lang]}", digits)


def format_gregorian(d: date, lang: str = "ar", digits: DigitStyle = "latin") -> str:
    """Format a Gregorian date with the month's name, e.g. ``"27 نوفمبر 2026"``.

    Args:
        d: The date.
        lang: ``"ar"`` (month names as used in Saudi Arabia) or ``"en"``.
        digits: ``"latin"`` or ``"arab"`` (Arabic-Indic).

    Returns:
        The formatted date.

    Raises:
        ValueError: Unknown language or digit style.
    """
    _check_lang(lang)
    months = GREGORIAN_MONTHS_AR if lang == "ar" else GREGORIAN_MONTHS_EN
    return localize_digits(f"{d.day} {months[d.month - 1]} {d.year}", digits)


def birth_year(born: date, calendar: str | None) -> int:
    """The year a birth date known only by its year was given in: the Hijri year when it was
    typed as one (``1388`` stays 1388, not the Gregorian 1968 it is stored as)."""
    if calendar == BirthCalendar.HIJRI:
        return to_hijri(born)[0]
    return born.year


def format_birth_year(
    born: date, calendar: str | None, lang: str = "ar", digits: DigitStyle = "latin"
) -> str:
    """A year-only birth date as the ID card writes it: ``"1388 هـ"``, or ``"1968"``."""
    _check_lang(lang)
    year = birth_year(born, calendar)
    text = f"{year} {_HIJRI_ERA[lang]}" if calendar == BirthCalendar.HIJRI else str(year)
    return localize_digits(text, digits)


def format_dual(d: date, lang: str = "ar", digits: DigitStyle = "latin") -> str:
    """Format a date in both calendars: ``"17 جمادى الآخرة 1448 هـ — 27 نوفمبر 2026"``.

    Outside the Umm al-Qura range only the Gregorian date is given.

    Args:
        d: The date.
        lang: ``"ar"`` or ``"en"``.
        digits: ``"latin"`` or ``"arab"`` (Arabic-Indic).

    Returns:
        The Hijri and the Gregorian date, separated by an em dash.

    Raises:
        ValueError: Unknown language or digit style.
    """
    gregorian = format_gregorian(d, lang, digits)
    if not has_hijri(d):
        return gregorian
    return f"{format_hijri(d, lang, digits)} — {gregorian}"


def _years_before(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year - years)
    except ValueError:  # 29 February in a non-leap year
        return d.replace(year=d.year - years, day=28)


def _birth_date_parts(text: str) -> tuple[int, int | None, int | None]:
    """Split ``text`` into (year, month, day); month and day are None for a year alone."""
    if m := _YMD.fullmatch(text):
        return int(m[1]), int(m[2]), int(m[3])
    if m := _DMY.fullmatch(text):
        return int(m[3]), int(m[2]), int(m[1])
    if _YEAR.fullmatch(text):
        return int(text), None, None
    raise ValidationError("birth_date", _NOT_A_DATE)


def _birth_date_value(year: int, month: int | None, day: int | None) -> tuple[date, BirthCalendar]:
    if year in HIJRI_YEARS:
        return from_hijri(year, month or HIJRI_YEAR_ONLY_MONTH, day or 1), BirthCalendar.HIJRI
    if year in GREGORIAN_YEARS:
        try:
            return date(year, month or 1, day or 1), BirthCalendar.GREGORIAN
        except ValueError:
            pass
    raise ValidationError("birth_date", _NOT_A_DATE)


def parse_birth_date(raw: str | None, *, today: date) -> tuple[date, BirthCalendar, DatePrecision]:
    """Read a birth date as people write it, in either calendar, possibly as a year alone.

    Years 1300-1500 are Hijri (a Hijri year alone means 1 Rajab, the default printed on IDs, or
    1 Muharram when 1 Rajab of the current year is still to come);
    years 1900-2100 are Gregorian (a year alone means 1 January). Forms: ``YYYY-MM-DD``,
    ``YYYY/MM/DD``, ``DD/MM/YYYY`` (``-``, ``/`` or ``.`` between parts), ``YYYY``; Arabic-Indic
    digits are accepted.

    Args:
        raw: The date as typed.
        today: Today's date in Riyadh (injected, so tests do not depend on the clock).

    Returns:
        ``(gregorian_date, calendar, precision)``; calendar is ``"hijri"`` or ``"gregorian"``,
        precision ``"day"`` or ``"year"``.

    Raises:
        ValidationError: On field ``birth_date``: required, not a date, not a valid Hijri date,
            in the future, or more than 120 years ago.
    """
    text = to_latin_digits(remove_invisible(raw or "")).strip()
    if not text:
        raise ValidationError("birth_date", N_("is required"))
    year, month, day = _birth_date_parts(text)
    value, calendar = _birth_date_value(year, month, day)
    if month is None and value > today and calendar is BirthCalendar.HIJRI:
        value = from_hijri(year, 1, 1)  # the current Hijri year, before its 1 Rajab
    if value > today:
        raise ValidationError("birth_date", N_("cannot be in the future"))
    if value < _years_before(today, MAX_AGE_YEARS):
        raise ValidationError(
            "birth_date", N_("is more than {years} years ago"), {"years": MAX_AGE_YEARS}
        )
    precision = DatePrecision.YEAR if month is None else DatePrecision.DAY
    return value, calendar, precision


DATETIME_YEARS = (1900, 2200)  # the instants a record may carry


def parse_iso_datetime(raw: str | None, field: str) -> datetime:
    """Read an ISO 8601 date or date-time, e.g. for a contact entered from paper.

    Args:
        raw: ``"2026-11-20"``, ``"2026-11-20T10:30"``, ``"2026-11-20 10:30+03:00"``, ...;
            without an offset the time is Riyadh local time (a date alone is its midnight).
        field: Field code reported in a :class:`ValidationError`.

    Returns:
        The instant as an aware UTC datetime.

    Raises:
        ValidationError: Empty, or not an ISO date-time.
    """
    text = to_latin_digits(remove_invisible(raw or "")).strip()
    if not text:
        raise ValidationError(field, N_("is required"))
    try:
        value = datetime.fromisoformat(text)
    except ValueError as exc:
        raise ValidationError(field, N_("must be a date-time like 2026-11-20T10:30")) from exc
    if not DATETIME_YEARS[0] <= value.year <= DATETIME_YEARS[1]:  # 0001-01-01 overflows in UTC
        raise ValidationError(
            field,
            N_("must be between {low} and {high}"),
            {"low": f"{DATETIME_YEARS[0]}-01-01", "high": f"{DATETIME_YEARS[1]}-12-31"},
        )
    if value.tzinfo is None:
        value = value.replace(tzinfo=RIYADH)
    return value.astimezone(UTC)
