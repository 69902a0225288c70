"""Blocks more than one document prints: the applicant's data, the request, signature lines.

The applicant's record and the request are described as :class:`Section` values (a heading
over label | value fields or a listing); :func:`flowables` lays one out as platypus Tables,
:mod:`eskan_desk.printing.sheet` draws the same on the canvas.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import NamedTuple

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table, TableStyle

from eskan_desk.domain.dates import format_birth_year, to_riyadh
from eskan_desk.domain.errors import ValidationError
from eskan_desk.domain.iban import format_iban
from eskan_desk.domain.markers import N_
from eskan_desk.domain.phone import format_mobile_local
from eskan_desk.printing.data import Person, RequestInfo
from eskan_desk.printing.layout import SMALL, Cell, Ctx, Ltr, fields, grid, heading, money

_CITIZEN = N_("Citizen")
_RESIDENT = N_("Resident (iqama)")
_REQUEST = N_("Support request")
_AMOUNT = N_("Amount (riyals)")
_DESCRIPTION = N_("Description")
SIGNATURE = N_("Signature")
DATE = N_("Date")


def _checked(fmt: Callable[[str], str], value: str | None) -> Ltr | None:
    """A number formatted for paper, or as recorded if it no longer passes its check."""
    if not value:
        return None
    try:
        return Ltr(fmt(value))
    except ValidationError:
        return Ltr(value)


def _birth(ctx: Ctx, born: date | None, precision: str, calendar: str | None) -> Cell:
    if born is None:
        return None
    if precision != "year":
        return ctx.date(born)
    if calendar == "hijri":  # as the ID card gives it: "1388 هـ", never the Gregorian 1968
        return format_birth_year(born, calendar, ctx.lang)
    return Ltr(str(born.year))


def national_id_text(ctx: Ctx, p: Person) -> str:
    """``1000000008 — مواطن``: the number and whether it is an ID or an iqama (a dash, not
    brackets: the resident's label has its own, "مقيم (إقامة)")."""
    kind = ctx.t(_RESIDENT if p.id_kind == "resident" else _CITIZEN)
    return f"{p.national_id} — {kind}"


def applicant_summary(ctx: Ctx, p: Person, width: float) -> list[Flowable]:
    """Who is asking: name, numbers, category and where they live."""
    place = "، ".join(x for x in (p.address.district, p.address.city) if x)
    pairs: list[tuple[str, Cell]] = [
        (ctx.t(N_("Full name")), p.full_name),
        (ctx.t(N_("File number")), Ltr(p.file_no)),
        (ctx.t(N_("National ID / iqama")), national_id_text(ctx, p)),
        (ctx.t(N_("Mobile number")), _checked(format_mobile_local, p.mobile)),
        (ctx.t(N_("Category")), p.category),
        (ctx.t(N_("Need tier")), p.need_tier),
        (ctx.t(N_("National address")), place if ctx.rtl else place.replace("، ", ", ")),
        (ctx.t(N_("Housing")), p.housing),
    ]
    return [heading(ctx, ctx.t(N_("Applicant"))), fields(ctx, pairs, width)]


class Fields(NamedTuple):
    """Label | value pairs, ``per_row`` pairs a row."""

    pairs: list[tuple[str, Cell]]
    per_row: int = 2


class Listing(NamedTuple):
    """A table with a header row; column widths as fractions of the width, in reading order."""

    header: list[str]
    rows: list[list[Cell]]
    fractions: tuple[float, ...]


class Section(NamedTuple):
    """A heading over its parts."""

    title: str
    parts: list[Fields | Listing]


def flowables(ctx: Ctx, section: Section, width: float) -> list[Flowable]:
    """A section as platypus Tables: the heading, then each part."""
    story: list[Flowable] = [heading(ctx, section.title)]
    for part in section.parts:
        if isinstance(part, Fields):
            story.append(fields(ctx, part.pairs, width, per_row=part.per_row))
        else:
            story.append(grid(ctx, part.header, part.rows, [width * f for f in part.fractions]))
    return story


def applicant_record(ctx: Ctx, p: Person) -> list[Section]:
    """Everything the file holds about the applicant, as recorded, section by section."""
    a = p.address
    identity: list[tuple[str, Cell]] = [
        (ctx.t(N_("Full name")), p.full_name),
        (ctx.t(N_("File number")), Ltr(p.file_no)),
        (ctx.t(N_("National ID / iqama")), national_id_text(ctx, p)),
        (ctx.t(N_("Gender")), p.gender),
        (ctx.t(N_("Birth date")), _birth(ctx, p.birth_date, p.birth_precision, p.birth_calendar)),
        (ctx.t(N_("Mobile number")), _checked(format_mobile_local, p.mobile)),
        (ctx.t(N_("Marital status")), p.marital_status),
        (ctx.t(N_("Category")), p.category),
        (ctx.t(N_("Need tier")), p.need_tier),
    ]
    address: list[tuple[str, Cell]] = [
        (ctx.t(N_("City")), a.city),
        (ctx.t(N_("District")), a.district),
        (ctx.t(N_("Street")), a.street),
        (ctx.t(N_("Building number")), _ltr(a.building_no)),
        (ctx.t(N_("Postal code")), _ltr(a.postal_code)),
        (ctx.t(N_("Additional number")), _ltr(a.additional_no)),
        (ctx.t(N_("Short address")), _ltr(a.short_address)),
    ]
    bank: list[tuple[str, Cell]] = [
        (ctx.t(N_("IBAN")), _checked(format_iban, p.iban)),
        (ctx.t(N_("Housing")), p.housing),
        (ctx.t(N_("Annual rent (riyals)")), money(p.annual_rent)),
        (ctx.t(N_("Ejar contract number")), _ltr(p.ejar_no)),
    ]
    sections = [
        Section(ctx.t(N_("Profile")), [Fields(identity, 3)]),
        Section(ctx.t(N_("National address")), [Fields(address, 3)]),
        Section(ctx.t(N_("Bank and housing")), [Fields(bank)]),
    ]
    # Printed even when empty: the applicant attests that there are none, too.
    members = ctx.t(N_("Household members"))
    sections.append(
        Section(members, [_members(ctx, p)])
        if p.members
        else Section(members, [Fields([(members, ctx.t(N_("No household members recorded")))], 1)])
    )
    incomes = ctx.t(N_("Income sources"))
    sections.append(
        Section(incomes, [_incomes(ctx, p)])
        if p.incomes
        else Section(incomes, [Fields([(incomes, ctx.t(N_("No income recorded")))], 1)])
    )
    return sections


def _ltr(value: str | None) -> Ltr | None:
    return Ltr(value) if value else None


def _members(ctx: Ctx, p: Person) -> Listing:
    header = [
        ctx.t(N_("Name")),
        ctx.t(N_("Relation")),
        ctx.t(N_("National ID")),
        ctx.t(N_("Birth date")),
    ]
    rows = [
        [name, relation, _ltr(nid), ctx.date(born) if born else None]
        for name, relation, nid, born in p.members
    ]
    return Listing(header, rows, (0.34, 0.14, 0.16, 0.36))


def _incomes(ctx: Ctx, p: Person) -> Listing:
    header = [ctx.t(N_("Income source")), ctx.t(N_("Monthly amount (riyals)"))]
    rows: list[list[Cell]] = [[kind, money(amount)] for kind, amount in p.incomes]
    return Listing(header, rows, (0.5, 0.5))


def submitted_text(ctx: Ctx, r: RequestInfo) -> str | None:
    """The submission date (Riyadh) in both calendars."""
    return ctx.date(to_riyadh(r.submitted_at).date()) if r.submitted_at else None


def request_section(ctx: Ctx, r: RequestInfo) -> Section:
    """The request's type, amount, submission date and description."""
    pairs: list[tuple[str, Cell]] = [
        (ctx.t(N_("Request type")), r.type_label),
        (ctx.t(_AMOUNT), money(r.amount)),
        (ctx.t(N_("Submitted on")), submitted_text(ctx, r)),
    ]
    parts: list[Fields | Listing] = [Fields(pairs)]
    if r.description:
        parts.append(Fields([(ctx.t(_DESCRIPTION), r.description)], 1))
    return Section(ctx.t(_REQUEST), parts)


def request_block(ctx: Ctx, r: RequestInfo, width: float) -> list[Flowable]:
    """:func:`request_section` as platypus Tables."""
    return flowables(ctx, request_section(ctx, r), width)


def blank_lines(ctx: Ctx, labels: Sequence[str], width: float, height: float = 12 * mm) -> Table:
    """Labels followed by lines to write on by hand, side by side."""
    n = len(labels)
    label_w = width / n * 0.3
    cells: list = []
    for label in labels:
        cells += [ctx.p(label, SMALL, bold=True), ""]
    cells = ctx.row(cells)
    t = Table([cells], colWidths=ctx.row([label_w, width / n - label_w] * n), rowHeights=[height])
    lines = [
        ("LINEBELOW", (c, 0), (c, 0), 0.6, "black")
        for c in range(2 * n)
        if (c % 2 == 0) == ctx.rtl  # the blank after each label
    ]
    t.setStyle(
        TableStyle(
            [("VALIGN", (0, 0), (-1, -1), "BOTTOM"), *lines, ("RIGHTPADDING", (0, 0), (-1, -1), 6)]
        )
    )
    return t


def gap(height_mm: float = 3) -> Spacer:
    return Spacer(1, height_mm * mm)
