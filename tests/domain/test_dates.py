from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eskan_desk.domain.dates import (
    GREGORIAN_MONTHS_AR,
    HIJRI_GREGORIAN_RANGE,
    HIJRI_MONTHS_AR,
    HIJRI_MONTHS_EN,
    RIYADH,
    format_dual,
    format_gregorian,
    format_hijri,
    from_hijri,
    parse_birth_date,
    parse_iso_datetime,
    riyadh_today,
    to_hijri,
    to_riyadh,
    utc_now,
    week_bounds,
)
from eskan_desk.domain.errors import ValidationError

TODAY = date(2026, 11, 27)
NOT_A_DATE = "must be a date like 1985-03-14, 1405-06-20 (Hijri) or a year"
hijri_dates = st.dates(*HIJRI_GREGORIAN_RANGE)


def test_riyadh_zone():
    assert datetime(2026, 11, 27, 12, tzinfo=RIYADH).utcoffset() == timedelta(hours=3)


def test_clock_helpers():
    assert utc_now().tzinfo is UTC
    assert to_riyadh(datetime(2026, 11, 27, 21, 30, tzinfo=UTC)).hour == 0
    assert to_riyadh(datetime(2026, 11, 27, 21, 30)).day == 28  # naive means UTC
    assert riyadh_today(datetime(2026, 11, 27, 20, 59, tzinfo=UTC)) == date(2026, 11, 27)
    assert riyadh_today(datetime(2026, 11, 27, 21, 0, tzinfo=UTC)) == date(2026, 11, 28)


def test_known_hijri_date():
    assert to_hijri(date(2026, 11, 27)) == (1448, 6, 17)
    assert from_hijri(1448, 6, 17) == date(2026, 11, 27)
    assert type(from_hijri(1448, 6, 17)) is date


def test_formats():
    d = date(2026, 11, 27)
    assert format_hijri(d) == "17 جمادى الآخرة 1448 هـ"
    assert format_hijri(d, "en") == "17 Jumada al-Akhirah 1448 AH"
    assert format_hijri(d, "ar", "arab") == "١٧ جمادى الآخرة ١٤٤٨ هـ"
    assert format_gregorian(d) == "27 نوفمبر 2026"
    assert format_gregorian(d, "en") == "27 November 2026"
    assert format_dual(d) == "17 جمادى الآخرة 1448 هـ — 27 نوفمبر 2026"
    assert format_dual(d, "ar", "arab") == "١٧ جمادى الآخرة ١٤٤٨ هـ — ٢٧ نوفمبر ٢٠٢٦"


def test_month_name_tables():
    assert len(HIJRI_MONTHS_AR) == len(HIJRI_MONTHS_EN) == len(GREGORIAN_MONTHS_AR) == 12
    assert HIJRI_MONTHS_AR[3] == "ربيع الآخر" and HIJRI_MONTHS_AR[6] == "رجب"
    assert GREGORIAN_MONTHS_AR[3] == "أبريل"


def test_outside_umm_al_qura_range():
    old = date(1920, 5, 1)
    assert format_dual(old, "en") == "1 May 1920"
    with pytest.raises(ValueError):
        to_hijri(old)


def test_unknown_language_or_digits():
    with pytest.raises(ValueError):
        format_gregorian(TODAY, "fr")
    with pytest.raises(ValueError):
        format_hijri(TODAY, "ar", "roman")


@pytest.mark.parametrize(
    ("y", "m", "d"), [(1448, 3, 30), (1448, 13, 1), (1448, 1, 0), (1501, 1, 1)]
)
def test_invalid_hijri_dates(y, m, d):
    with pytest.raises(ValidationError) as info:
        from_hijri(y, m, d)
    assert (info.value.field, info.value.message) == ("birth_date", "is not a valid Hijri date")


@given(hijri_dates)
def test_hijri_round_trip(d):
    assert from_hijri(*to_hijri(d)) == d


@given(st.dates(HIJRI_GREGORIAN_RANGE[0], HIJRI_GREGORIAN_RANGE[1] - timedelta(days=1)))
def test_consecutive_days_cross_month_ends_correctly(d):
    y, m, day = to_hijri(d)
    ny, nm, nday = to_hijri(d + timedelta(days=1))
    if nday == 1:  # d was the last day of its month
        # 29 or 30 days; the historical Umm al-Qura tables before 1365 AH (1946) also have a few
        # months of 28 and 31 days.
        assert day in ((29, 30) if d >= date(1946, 1, 1) else (28, 29, 30, 31))
        assert (ny, nm) == ((y, m + 1) if m < 12 else (y + 1, 1))
        assert from_hijri(ny, nm, 1) == d + timedelta(days=1)
    else:
        assert (ny, nm, nday) == (y, m, day + 1)


@given(st.dates())
def test_week_is_sunday_to_saturday(d):
    start, end = (
        week_bounds(d) if date.min + timedelta(7) < d < date.max - timedelta(7) else (None, None)
    )
    if start is None:
        return
    assert start.weekday() == 6 and end.weekday() == 5  # Sunday, Saturday
    assert start <= d <= end and end - start == timedelta(days=6)


def test_week_bounds_examples():
    assert week_bounds(date(2026, 11, 27)) == (date(2026, 11, 22), date(2026, 11, 28))
    assert week_bounds(date(2026, 11, 22)) == (date(2026, 11, 22), date(2026, 11, 28))
    assert week_bounds(date(2026, 11, 28)) == (date(2026, 11, 22), date(2026, 11, 28))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1985-03-14", (date(1985, 3, 14), "gregorian", "day")),
        ("1985/3/4", (date(1985, 3, 4), "gregorian", "day")),
        ("14/03/1985", (date(1985, 3, 14), "gregorian", "day")),
        ("١٤/٠٣/١٩٨٥", (date(1985, 3, 14), "gregorian", "day")),
        ("1985", (date(1985, 1, 1), "gregorian", "year")),
        ("1405-06-20", (from_hijri(1405, 6, 20), "hijri", "day")),
        ("20/06/1405", (from_hijri(1405, 6, 20), "hijri", "day")),
        ("١٤٠٥/٠٦/٢٠", (from_hijri(1405, 6, 20), "hijri", "day")),
        ("1405", (from_hijri(1405, 7, 1), "hijri", "year")),  # 1 Rajab, the IDs' default
        ("1448", (from_hijri(1448, 1, 1), "hijri", "year")),  # 1 Rajab 1448 is still to come
        ("\u200f1990-12-31 ", (date(1990, 12, 31), "gregorian", "day")),
    ],
)
def test_parse_birth_date(raw, expected):
    assert parse_birth_date(raw, today=TODAY) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "is required"),
        ("yesterday", NOT_A_DATE),
        ("1985-02-30", NOT_A_DATE),
        ("85-03-14", NOT_A_DATE),
        ("2200", NOT_A_DATE),
        ("1250", NOT_A_DATE),
        ("1448-03-30", "is not a valid Hijri date"),
        ("1340", "is a Hijri date before {year}, which cannot be converted: enter it in Gregorian"),
        ("2026-11-28", "cannot be in the future"),
        ("1448-06-18", "cannot be in the future"),
        ("2027", "cannot be in the future"),
        ("1906-11-26", "is more than {years} years ago"),
        ("1906", "is more than {years} years ago"),
    ],
)
def test_birth_date_errors(raw, message):
    with pytest.raises(ValidationError) as info:
        parse_birth_date(raw, today=TODAY)
    assert (info.value.field, info.value.message) == ("birth_date", message)


def test_oldest_accepted_birth_date_is_exactly_120_years_ago():
    assert parse_birth_date("1906-11-27", today=TODAY)[0] == date(1906, 11, 27)
    leap_today = date(2020, 2, 29)  # 1900 is not a leap year: the limit is 28 February 1900
    assert parse_birth_date("1900-02-28", today=leap_today)[0] == date(1900, 2, 28)
    with pytest.raises(ValidationError):
        parse_birth_date("1900-02-27", today=leap_today)


def test_parse_iso_datetime():
    assert parse_iso_datetime("2026-11-20T10:30", "at") == datetime(2026, 11, 20, 7, 30, tzinfo=UTC)
    assert parse_iso_datetime("2026-11-20", "at") == datetime(2026, 11, 19, 21, 0, tzinfo=UTC)
    assert parse_iso_datetime("2026-11-20T10:30Z", "at") == datetime(
        2026, 11, 20, 10, 30, tzinfo=UTC
    )
    assert parse_iso_datetime("٢٠٢٦-١١-٢٠ 10:30+03:00", "at").hour == 7
    assert parse_iso_datetime("2026-11-20T10:30", "at").tzinfo is UTC


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "is required"),
        ("20/11/2026", "must be a date-time like 2026-11-20T10:30"),
        ("2026-11-31", "must be a date-time like 2026-11-20T10:30"),
    ],
)
def test_parse_iso_datetime_errors(raw, message):
    with pytest.raises(ValidationError) as info:
        parse_iso_datetime(raw, "at")
    assert (info.value.field, info.value.message) == ("at", message)


@pytest.mark.parametrize("raw", ["0001-01-01", "1899-12-31T23:00", "9999-12-31T23:59+14:00"])
def test_instants_far_in_the_past_or_future_are_refused_not_overflowed(raw):
    with pytest.raises(ValidationError) as err:
        parse_iso_datetime(raw, "at")
    assert err.value.field == "at" and err.value.params["low"] == "1900-01-01"


@pytest.mark.parametrize("day", [date(1, 1, 1), date(9999, 12, 31)])
def test_a_summary_week_at_the_ends_of_the_calendar_is_refused(day):
    from eskan_desk.reports.summary import check_week

    with pytest.raises(ValidationError) as err:
        check_week(day, today=date(2026, 11, 27))
    assert err.value.field == "week"


def test_a_hijri_birth_year_before_the_tables_asks_for_the_gregorian_date():
    with pytest.raises(ValidationError) as err:
        parse_birth_date("1330-05-01", today=date(2026, 11, 27))
    assert err.value.params == {"year": 1343}
    value, _calendar, _precision = parse_birth_date("1912-03-01", today=date(2026, 11, 27))
    assert value == date(1912, 3, 1)  # the same person, entered in Gregorian
