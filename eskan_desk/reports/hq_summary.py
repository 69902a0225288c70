"""The weekly summary of all branches, computed at HQ over every branch's rows.

HQ keeps each branch's rows in the branch tables themselves (``eskan_desk.sync.hq``), so the
branch's own computation (:func:`eskan_desk.reports.summary.compute_figures`) runs unchanged on
HQ's engine, SQLite or PostgreSQL: once over every row for the totals, then once per branch,
narrowed to its rows, for the per-branch lines. Everything is read in one read-only transaction
(a consistent snapshot: REPEATABLE READ on PostgreSQL, a deferred transaction under WAL on SQLite),
so the branches' lines add up to the totals even while batches are being applied.

No role is checked here: ``eskan-hq`` is run by HQ's administrators on the server itself.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from eskan_desk.domain.arabic import normalize_for_search
from eskan_desk.domain.markers import N_
from eskan_desk.models import Branch, Staff
from eskan_desk.reports import summary_queries as q
from eskan_desk.reports.rows import translator
from eskan_desk.reports.summary import (
    BranchFigures,
    StaffWorkload,
    WeeklySummary,
    compute_figures,
    summary_window,
)
from eskan_desk.sync.hq_models import Device

if TYPE_CHECKING:
    from eskan_desk.printing.data import Charity

HEADQUARTERS = N_("Headquarters")  # the letterhead's line where a branch's name goes


def compute_hq_summary(
    engine: Engine,
    week_of: dt.date,
    *,
    now: dt.datetime | None = None,
    today: dt.date | None = None,
) -> WeeklySummary:
    """The summary of the Sunday-Saturday week holding ``week_of``, over every branch.

    Args:
        engine: HQ's database (``HQ.engine``).
        week_of: Any date of the week.
        now: The moment it is computed (aware UTC; default: now).
        today: The Riyadh date it is taken on (default: today by ``now``).

    Returns:
        The figures of all branches together, with :attr:`WeeklySummary.branches` holding one
        line per branch (every branch HQ has rows of, by code). An empty HQ gets zeros.

    Raises:
        ValidationError: On field ``week``: the week starts after ``today``.
    """
    now = now or dt.datetime.now(dt.UTC)
    window = summary_window(week_of, now=now, today=today)
    with Session(_reader(engine)) as session, session.begin():
        figures = compute_figures(session, window)
        branches = _branches(session)
        lines = tuple(_line(session, window, *branch) for branch in branches)
        by_id = {branch_id: code for branch_id, code, _name in branches}
        codes = _staff_branch_codes(session, figures["workload"], by_id)
    figures["workload"] = _with_branch_codes(figures["workload"], codes)
    return WeeklySummary(
        branch_code="",
        branch_name="",
        week_start=window.sunday,
        week_end=window.saturday,
        as_of=window.as_of,
        generated_at=now,
        branches=lines,
        **figures,
    )


def hq_letterhead(lang: str | None = None) -> Charity:
    """The association's letterhead, issued by headquarters rather than a branch."""
    from eskan_desk.printing.data import Charity
    from eskan_desk.services.demo_catalog import (
        CHARITY_LICENCE,
        CHARITY_NAME_AR,
        CHARITY_NAME_EN,
    )

    return Charity(
        CHARITY_NAME_AR, CHARITY_NAME_EN, CHARITY_LICENCE, translator(lang)(HEADQUARTERS)
    )


def _reader(engine: Engine) -> Engine:
    if engine.dialect.name == "postgresql":
        return engine.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
    return engine  # SQLite: a deferred BEGIN, a snapshot from the first read under WAL


def _branches(session: Session) -> list[tuple[str, str, str]]:
    """(id, code, name) of every branch HQ knows, by code: the branches table, which every
    branch's first batch fills, and the devices enrolled that have sent nothing yet."""
    found = {
        r.id: (r.id, r.code, r.name)
        for r in session.execute(
            select(Branch.id, Branch.code, Branch.name).where(Branch.deleted_at.is_(None))
        )
    }
    for r in session.execute(
        select(Device.branch_id, Device.branch_code, Device.branch_name).where(
            Device.revoked_at.is_(None)
        )
    ):
        found.setdefault(r.branch_id, (r.branch_id, r.branch_code, r.branch_name))
    return sorted(found.values(), key=lambda b: (b[1], b[0]))


def _line(session: Session, window: q.Window, branch_id: str, code: str, name: str):
    w = window.only(branch_id)
    contacts, _ = q.contact_figures(session, w)
    registrations, _ = q.registration_figures(session, w)
    requests, _ = q.request_figures(session, w)
    return BranchFigures(
        branch_id=branch_id,
        code=code,
        name=name,
        contacts_total=contacts.total,
        new_beneficiaries=registrations.new_files,
        requests_submitted=requests.submitted,
        decisions_made=requests.decisions,
    )


def _staff_branch_codes(
    session: Session, workload: tuple[StaffWorkload, ...], codes: dict[str, str]
) -> dict[str, str]:
    ids = [w.staff_id for w in workload if w.staff_id]
    if not ids:
        return {}
    rows = session.execute(select(Staff.id, Staff.branch_id).where(Staff.id.in_(ids)))
    return {staff_id: codes.get(branch_id, "") for staff_id, branch_id in rows}


def _with_branch_codes(
    workload: tuple[StaffWorkload, ...], codes: dict[str, str]
) -> tuple[StaffWorkload, ...]:
    """Every branch has its own "admin": each name is followed by its branch's code."""
    named = [
        dataclasses.replace(w, name=f"{w.name} · {codes[w.staff_id]}")
        if w.staff_id and w.name and codes.get(w.staff_id)
        else w
        for w in workload
    ]
    people = sorted(
        (w for w in named if w.staff_id),
        key=lambda s: (normalize_for_search(s.name), s.name, s.staff_id or ""),
    )
    return (*people, *(w for w in named if not w.staff_id))
