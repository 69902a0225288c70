"""A birth date known only by its year keeps the calendar it was given in: an ID card's
"1388" is shown, printed and offered for editing as 1388 هـ, never as the Gregorian 1968."""

from __future__ import annotations

import datetime as dt

from eskan_desk.domain.dates import birth_year, format_birth_year
from eskan_desk.services.beneficiaries import (
    get_beneficiary,
    input_from_file,
    register_beneficiary,
)
from eskan_desk.services.print_jobs import person

from ..printing.conftest import pdf_text
from .helpers import applicant


def test_the_year_alone_in_either_calendar():
    rajab_1388 = dt.date(1968, 9, 24)
    assert birth_year(rajab_1388, "hijri") == 1388
    assert format_birth_year(rajab_1388, "hijri") == "1388 هـ"
    assert format_birth_year(rajab_1388, "hijri", "en") == "1388 AH"
    assert format_birth_year(rajab_1388, "hijri", "ar", "arab") == "١٣٨٨ هـ"
    assert format_birth_year(dt.date(1968, 1, 1), "gregorian") == "1968"


def test_a_hijri_year_is_edited_and_printed_as_given(ctx, admin):
    from eskan_desk.printing.data import DeclarationDoc, RequestInfo
    from eskan_desk.printing.declaration import render_declaration
    from eskan_desk.services.print_jobs import charity

    ben = register_beneficiary(ctx, admin, applicant(birth_date="1388"))
    f = get_beneficiary(ctx, ben.id)
    assert (f.birth_calendar, f.birth_precision) == ("hijri", "year")
    assert input_from_file(f).birth_date == "1388"  # saved again unchanged, not as 1968
    doc = DeclarationDoc(
        charity=charity(ctx),
        person=person(f),
        request=RequestInfo(number="KMS-REQ-1", type_label="دعم الإيجار"),
        printed_at=dt.datetime(2026, 11, 27, tzinfo=dt.UTC),
        attested_hash="0" * 64,
        form_version="T",
    )
    text = pdf_text(render_declaration(doc))
    assert "1388 هـ" in text and "1968" not in text
