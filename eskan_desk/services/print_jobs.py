"""Printed forms for a request: the data as recorded, handed to the PDF renderers.

Reading only: printing never changes the store. Labels are translated here, in the language in
force (or ``lang``), so the printing package stays free of codes and catalogs of the domain.
"""

from __future__ import annotations

import eskan_desk.printing  # noqa: F401 - ReportLab's bidi module first
from eskan_desk import i18n
from eskan_desk.app import AppContext
from eskan_desk.domain.address import ADDRESS_FIELDS
from eskan_desk.domain.dates import to_riyadh
from eskan_desk.domain.enums import (
    Category,
    Gender,
    HousingType,
    IncomeKind,
    Relation,
)
from eskan_desk.domain.errors import ValidationError
from eskan_desk.domain.markers import N_
from eskan_desk.domain.requests import DECLARATION_FORM_VERSION, RequestStatus, RequestType
from eskan_desk.models import SupportRequest
from eskan_desk.printing import data as pd
from eskan_desk.printing.declaration import render_declaration
from eskan_desk.printing.receipt import render_receipt
from eskan_desk.printing.request_form import render_request_form
from eskan_desk.services.attachments import read_attachment
from eskan_desk.services.beneficiaries import get_beneficiary
from eskan_desk.services.declarations import attested_hash, latest_declaration
from eskan_desk.services.demo_catalog import CHARITY_LICENCE, CHARITY_NAME_AR, CHARITY_NAME_EN
from eskan_desk.services.dto import BeneficiaryFile
from eskan_desk.services.request_dto import RequestView
from eskan_desk.services.requests import get_request
from eskan_desk.services.staff import current_branch

KINDS = ("declaration", "request-form", "receipt")


def _label(enum, code: str | None) -> str | None:
    return i18n.gettext(enum(code).label) if code else None


def charity(ctx: AppContext) -> pd.Charity:
    return pd.Charity(
        name_ar=CHARITY_NAME_AR,
        name_en=CHARITY_NAME_EN,
        licence=CHARITY_LICENCE,
        branch_name=current_branch(ctx).name,
    )


def person(f: BeneficiaryFile) -> pd.Person:
    """The applicant's data as recorded, with labels in the language in force."""
    a = f.address
    return pd.Person(
        file_no=f.file_no,
        full_name=f.full_name,
        national_id=f.national_id,
        id_kind=f.id_kind,
        gender=_label(Gender, f.gender),
        birth_date=f.birth_date,
        birth_precision=f.birth_precision or "day",
        birth_calendar=f.birth_calendar,
        mobile=f.mobile,
        marital_status=i18n.marital_label(f.marital_status, f.gender),
        category=_label(Category, f.category),
        need_tier=f.need_tier,
        address=pd.Address(**{k: a.get(k) for k in ADDRESS_FIELDS if k != "unit_no"}),
        iban=f.iban,
        housing=_label(HousingType, f.housing_type),
        annual_rent=f.rent_amount,
        ejar_no=f.ejar_no,
        members=[
            pd.Member(m.name, _label(Relation, m.relation) or "", m.national_id, m.birth_date)
            for m in f.members
        ],
        incomes=[pd.Income(_label(IncomeKind, i.kind) or "", i.monthly_amount) for i in f.incomes],
    )


def request_info(r: RequestView) -> pd.RequestInfo:
    return pd.RequestInfo(
        number=r.number,
        type_label=_label(RequestType, r.type) or r.type,
        amount=r.amount,
        description=r.description or "",
        submitted_at=r.submitted_at,
        earliest_decision_date=r.earliest_decision_date,
        decision_label=_label(RequestStatus, r.decision),
        decided_on=to_riyadh(r.decided_at).date() if r.decided_at else None,
    )


def render(ctx: AppContext, kind: str, request_key: str, *, lang: str | None = None) -> bytes:
    """The PDF of ``kind`` (declaration, request-form, receipt) for a request.

    Raises:
        NotFoundError: no such request.
        ValidationError: a receipt for a request not submitted yet; an unknown kind.
    """
    r = get_request(ctx, request_key)
    f = get_beneficiary(ctx, r.beneficiary_id, contacts_limit=0)
    now = ctx.now()
    common = {
        "charity": charity(ctx),
        "person": person(f),
        "request": request_info(r),
        "printed_at": now,
        "lang": lang,
    }
    if kind == "declaration":
        return render_declaration(
            pd.DeclarationDoc(
                **common,
                attested_hash=current_hash(ctx, r.id),
                form_version=DECLARATION_FORM_VERSION,
                signature_png=_signature(ctx, r),
            )
        )
    if kind == "request-form":
        docs = [pd.DocumentItem(i18n.gettext(d.label), d.received, d.required) for d in r.documents]
        return render_request_form(pd.RequestFormDoc(**common, documents=docs))
    if kind == "receipt":
        if r.submitted_at is None:
            raise ValidationError("request", N_("has not been submitted yet: no receipt"))
        return render_receipt(pd.ReceiptDoc(**common))
    raise ValidationError("kind", N_("must be one of: {choices}"), {"choices": ", ".join(KINDS)})


def current_hash(ctx: AppContext, request_id: str) -> str:
    """The hash of the applicant's data as it stands now (what a new signature attests)."""
    with ctx.store.read() as session:
        req = session.get(SupportRequest, request_id)
        return attested_hash(session, req.beneficiary_id, req)


def _signature(ctx: AppContext, r: RequestView) -> bytes | None:
    """The signature drawn on the pad, when the current declaration was signed that way."""
    if r.declaration_state != "signed" or r.declaration is None:
        return None
    if r.declaration.signature_attachment_id is None:
        return None
    return read_attachment(ctx, r.declaration.signature_attachment_id)


__all__ = ["KINDS", "charity", "current_hash", "latest_declaration", "person", "render"]
