"""Registering, editing and verifying a beneficiary's family file."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from eskan_desk.app import AppContext
from eskan_desk.domain.address import ADDRESS_FIELDS
from eskan_desk.domain.dates import birth_year, riyadh_today, to_riyadh
from eskan_desk.domain.enums import RegistrationStatus
from eskan_desk.domain.errors import ConflictError, NotFoundError
from eskan_desk.domain.markers import N_
from eskan_desk.domain.national_id import id_kind
from eskan_desk.domain.permissions import Action, authorize
from eskan_desk.models import Beneficiary, Counter, HouseholdMember, IncomeSource
from eskan_desk.services import search_index_writer
from eskan_desk.services.beneficiary_input import BeneficiaryInput, clean_beneficiary
from eskan_desk.services.contacts import contact_views
from eskan_desk.services.dto import BeneficiaryFile, IncomeView, MemberView
from eskan_desk.services.lookup import find_beneficiary
from eskan_desk.services.serialize import row_dict
from eskan_desk.services.staff import Actor

# Changing any of these after verification means the data must be verified again.
ATTESTED_FIELDS = (
    "national_id",
    "first_name",
    "father_name",
    "grandfather_name",
    "family_name",
    "mobile",
    "birth_date",
    "marital_status",
    "iban",
    *ADDRESS_FIELDS,
    "housing_type",
    "rent_amount",
    "ejar_no",
    "rooms",
    "building_condition",
    "has_arrears",
    "category",
)


def next_number(session: Session, *, branch_id: str, branch_code: str, kind: str, year: int) -> str:
    """The next human number, e.g. ``KMS-2026-000123``: per branch, kind and year, never reused."""
    counter = session.get(Counter, (branch_id, kind, year))
    if counter is None:
        counter = Counter(branch_id=branch_id, kind=kind, year=year, last_value=0)
        session.add(counter)
    counter.last_value += 1
    return f"{branch_code}-{year}-{counter.last_value:06d}"


def register_beneficiary(ctx: AppContext, actor: Actor, data: BeneficiaryInput) -> BeneficiaryFile:
    """Open a new family file.

    Raises:
        ValidationError: a field breaks its rule (nothing is stored).
        ConflictError: the national ID already has a file in this branch (names the file).
    """
    authorize(actor.role, Action.REGISTER_BENEFICIARY)
    now = ctx.now()
    values, members, incomes = clean_beneficiary(data, today=riyadh_today(now))
    rec = ctx.recorder
    with ctx.store.write() as session:
        _refuse_duplicate(session, actor.branch_id, values["national_id"])
        ben = Beneficiary(**values)
        ben.file_no = next_number(
            session,
            branch_id=actor.branch_id,
            branch_code=actor.branch_code,
            kind="file",
            year=to_riyadh(now).year,
        )
        ben.registration_status = RegistrationStatus.INCOMPLETE.value
        rec.stamp_new(ben, branch_id=actor.branch_id, actor_id=actor.staff_id)
        session.add(ben)
        rec.record(
            session,
            ben,
            action="beneficiary.register",
            actor_id=actor.staff_id,
            details={"file_no": ben.file_no},
        )
        _add_children(session, ctx, actor, ben, members, incomes)
        search_index_writer.reindex(session, ben, members)
        return _file(session, ben.id)


def update_beneficiary(
    ctx: AppContext, actor: Actor, beneficiary_id: str, data: BeneficiaryInput
) -> BeneficiaryFile:
    """Save an edited family file: profile fields, and members and incomes replaced as a whole.

    A change to attested data clears the verification: it must be checked again.

    Raises:
        ValidationError, ConflictError, NotFoundError.
    """
    authorize(actor.role, Action.EDIT_BENEFICIARY)
    now = ctx.now()
    values, members, incomes = clean_beneficiary(data, today=riyadh_today(now))
    rec = ctx.recorder
    with ctx.store.write() as session:
        ben = _get_live(session, beneficiary_id)
        if values["national_id"] != ben.national_id:
            _refuse_duplicate(session, ben.branch_id, values["national_id"])
        changed = [k for k, v in values.items() if getattr(ben, k) != v]
        for key in changed:
            setattr(ben, key, values[key])
        if changed:
            if ben.verified_at and any(k in ATTESTED_FIELDS for k in changed):
                ben.verified_at = ben.verified_by = None
                ben.registration_status = RegistrationStatus.INCOMPLETE.value
                changed += ["verified_at", "verified_by"]
            base = rec.stamp_update(ben, actor_id=actor.staff_id)
            rec.record(
                session,
                ben,
                action="beneficiary.update",
                actor_id=actor.staff_id,
                details={"fields": sorted(changed)},
                base_version=base,
            )
        _replace_children(session, ctx, actor, ben, members, incomes)
        search_index_writer.reindex(session, ben, members)
        return _file(session, ben.id)


def verify_beneficiary_data(ctx: AppContext, actor: Actor, beneficiary_id: str) -> BeneficiaryFile:
    """Record that ``actor`` matched the file against the applicant's documents (who, when).

    Registration is complete once the data is verified and the core of the file is filled in.
    """
    authorize(actor.role, Action.VERIFY_BENEFICIARY)
    rec = ctx.recorder
    with ctx.store.write() as session:
        ben = _get_live(session, beneficiary_id)
        ben.verified_by = actor.staff_id
        ben.verified_at = ctx.now()
        ben.registration_status = (
            RegistrationStatus.COMPLETE.value
            if is_file_complete(ben)
            else RegistrationStatus.INCOMPLETE.value
        )
        base = rec.stamp_update(ben, actor_id=actor.staff_id)
        rec.record(
            session,
            ben,
            action="beneficiary.verify",
            actor_id=actor.staff_id,
            details={"registration_status": ben.registration_status},
            base_version=base,
        )
        return _file(session, ben.id)


def is_file_complete(ben: Beneficiary) -> bool:
    """The core of a family file: identity, contact, birth date, address, category, verified."""
    has_address = bool(ben.short_address or (ben.building_no and ben.postal_code))
    return bool(ben.mobile and ben.birth_date and ben.category and has_address and ben.verified_at)


def get_beneficiary(ctx: AppContext, key: str, *, contacts_limit: int = 200) -> BeneficiaryFile:
    """The family file by id, file number or national ID.

    Raises:
        NotFoundError: no such file.
    """
    with ctx.store.read() as session:
        ben_id = find_beneficiary(session, key).id
        return _file(session, ben_id, contacts_limit=contacts_limit)


def _refuse_duplicate(session: Session, branch_id: str, national_id: str) -> None:
    existing = session.execute(
        select(Beneficiary.id, Beneficiary.file_no).where(
            Beneficiary.branch_id == branch_id, Beneficiary.national_id == national_id
        )
    ).first()
    if existing:
        raise ConflictError(
            "national_id",
            N_("is already registered in file {file_no}"),
            {"file_no": existing.file_no, "beneficiary_id": existing.id},
        )


def _get_live(session: Session, beneficiary_id: str) -> Beneficiary:
    ben = session.get(Beneficiary, beneficiary_id)
    if ben is None or ben.deleted_at is not None:
        raise NotFoundError(
            N_("No beneficiary with ID or file number {key}"), {"key": beneficiary_id}
        )
    return ben


def _add_children(
    session: Session,
    ctx: AppContext,
    actor: Actor,
    ben: Beneficiary,
    members: list[dict[str, Any]],
    incomes: list[dict[str, Any]],
) -> None:
    rec = ctx.recorder
    for values in members:
        member = HouseholdMember(beneficiary_id=ben.id, **values)
        rec.stamp_new(member, branch_id=ben.branch_id, actor_id=actor.staff_id)
        session.add(member)
        rec.record(session, member, action="member.add", actor_id=actor.staff_id)
    for values in incomes:
        income = IncomeSource(beneficiary_id=ben.id, **values)
        rec.stamp_new(income, branch_id=ben.branch_id, actor_id=actor.staff_id)
        session.add(income)
        rec.record(session, income, action="income.add", actor_id=actor.staff_id)


def _replace_children(
    session: Session,
    ctx: AppContext,
    actor: Actor,
    ben: Beneficiary,
    members: list[dict[str, Any]],
    incomes: list[dict[str, Any]],
) -> None:
    """Keep rows that did not change; tombstone the rest and add the new ones."""
    rec = ctx.recorder
    for model, wanted, action in (
        (HouseholdMember, members, "member"),
        (IncomeSource, incomes, "income"),
    ):
        live = session.scalars(
            select(model).where(model.beneficiary_id == ben.id, model.deleted_at.is_(None))
        ).all()
        remaining = list(wanted)
        for row in live:
            current = {k: getattr(row, k) for k in (remaining[0] if remaining else {})}
            if remaining and current == remaining[0]:
                remaining.pop(0)
                continue
            row.deleted_at = ctx.now()
            base = rec.stamp_update(row, actor_id=actor.staff_id)
            rec.record(
                session, row, action=f"{action}.remove", actor_id=actor.staff_id, base_version=base
            )
        _add_children(
            session,
            ctx,
            actor,
            ben,
            remaining if model is HouseholdMember else [],
            remaining if model is IncomeSource else [],
        )


def _file(session: Session, ben_id: str, *, contacts_limit: int = 200) -> BeneficiaryFile:
    ben = session.execute(
        select(Beneficiary)
        .where(Beneficiary.id == ben_id)
        .options(selectinload(Beneficiary.members), selectinload(Beneficiary.incomes))
        .execution_options(populate_existing=True)
    ).scalar_one()
    data = row_dict(ben)
    address = {k: data.pop(k) for k in ADDRESS_FIELDS}
    for k in ("branch_id", "created_by", "updated_by", "deleted_at"):
        data.pop(k)
    return BeneficiaryFile(
        **data,
        id_kind=id_kind(ben.national_id).value,
        full_name=ben.full_name,
        address=address,
        members=[
            MemberView(
                id=m.id,
                name=m.name,
                relation=m.relation,
                national_id=m.national_id,
                gender=m.gender,
                birth_date=m.birth_date,
                occupation=m.occupation,
                has_disability=m.has_disability,
                has_chronic_illness=m.has_chronic_illness,
            )
            for m in ben.members
            if m.deleted_at is None
        ],
        incomes=[
            IncomeView(id=i.id, kind=i.kind, monthly_amount=i.monthly_amount)
            for i in ben.incomes
            if i.deleted_at is None
        ],
        contacts=contact_views(session, beneficiary_id=ben.id, limit=contacts_limit),
    )


def input_from_file(f: BeneficiaryFile) -> BeneficiaryInput:
    """The edit form's starting point: a saved file as typed values."""
    from eskan_desk.services.beneficiary_input import IncomeInput, MemberInput

    def s(v: object) -> str:
        return "" if v is None else str(v)

    return BeneficiaryInput(
        national_id=f.national_id,
        first_name=f.first_name,
        father_name=f.father_name,
        grandfather_name=f.grandfather_name,
        family_name=f.family_name,
        mobile=s(f.mobile),
        gender=s(f.gender),
        birth_date=(
            str(birth_year(f.birth_date, f.birth_calendar))  # typed again as it was given
            if f.birth_precision == "year" and f.birth_date
            else s(f.birth_date)
        ),
        marital_status=s(f.marital_status),
        category=s(f.category),
        need_tier=s(f.need_tier),
        **{k: s(v) for k, v in f.address.items()},
        iban=s(f.iban),
        housing_type=s(f.housing_type),
        rent_amount=s(f.rent_amount),
        ejar_no=s(f.ejar_no),
        rooms=s(f.rooms),
        building_condition=s(f.building_condition),
        has_arrears=f.has_arrears,
        notes=s(f.notes),
        members=[
            MemberInput(
                name=m.name,
                relation=m.relation,
                national_id=s(m.national_id),
                gender=s(m.gender),
                birth_date=s(m.birth_date),
                occupation=s(m.occupation),
                has_disability=m.has_disability,
                has_chronic_illness=m.has_chronic_illness,
            )
            for m in f.members
        ],
        incomes=[IncomeInput(kind=i.kind, monthly_amount=s(i.monthly_amount)) for i in f.incomes],
    )


__all__ = [
    "get_beneficiary",
    "input_from_file",
    "is_file_complete",
    "register_beneficiary",
    "update_beneficiary",
    "verify_beneficiary_data",
]
