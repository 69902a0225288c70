"""Plain-text rendering of records for the ``eskan`` command line."""

from __future__ import annotations

from eskan_desk.domain.dates import format_dual, to_riyadh
from eskan_desk.domain.enums import Category, Channel, RegistrationStatus, Relation
from eskan_desk.i18n import _, current_language
from eskan_desk.services.dto import BeneficiaryFile


def _label(enum: type, code: str | None) -> str:
    return _(enum(code).label) if code else "-"


def print_file(f: BeneficiaryFile) -> None:
    lang = current_language()
    rows = [
        (_("File number"), f.file_no),
        (_("Name"), f.full_name),
        (_("National ID"), f.national_id),
        (_("Mobile number"), f.mobile or "-"),
        (_("Birth date"), format_dual(f.birth_date, lang) if f.birth_date else "-"),
        (_("Category"), _label(Category, f.category)),
        (_("District"), f.address.get("district") or "-"),
        (_("City"), f.address.get("city") or "-"),
        (_("Registration"), _label(RegistrationStatus, f.registration_status)),
    ]
    for label, value in rows:
        print(f"{label}: {value}")
    if f.members:
        print(_("Household members") + ":")
        for m in f.members:
            print(f"  - {m.name} ({_label(Relation, m.relation)})")
    print(_("Contacts") + f": {len(f.contacts)}")
    for c in f.contacts[:20]:
        when = to_riyadh(c.at).strftime("%Y-%m-%d %H:%M")
        print(f"  {when}  {_label(Channel, c.channel)}  {c.summary}")
