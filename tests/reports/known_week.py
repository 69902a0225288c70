"""A week built by hand, Sunday 15 - Saturday 21 November 2026, where every figure is known.

The store is built once per session (:func:`known_week_store`) through the services (surveys
and feedback through the models and the change recorder), then copied for each test.
``EXPECTED`` lists what the weekly summary must find, and why, next to the records that make it.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from eskan_desk.app import STORE_FILE, AppContext, open_context
from eskan_desk.domain.enums import Role
from eskan_desk.models import Feedback, SatisfactionSurvey, SurveyOffer
from eskan_desk.services import auth
from eskan_desk.services.beneficiaries import register_beneficiary, verify_beneficiary_data
from eskan_desk.services.contacts import ContactInput, log_contact
from eskan_desk.services.dashboard import mark_follow_up_done
from eskan_desk.services.referrals import (
    accept_referral,
    complete_referral,
    refer_to_researcher,
    reject_referral,
)
from eskan_desk.services.requests import (
    move_request,
    record_communication,
    record_decision,
    submit_paper_request,
    submit_request,
)
from eskan_desk.services.staff import Actor, resolve_actor

from ..conftest import FrozenClock
from ..services.helpers import VALID_IDS, applicant
from ..services.request_helpers import as_role, receive_all, signed_draft

WEEK = dt.date(2026, 11, 18)  # a Wednesday: the week is Sunday 15 - Saturday 21 November
SUNDAY, SATURDAY = dt.date(2026, 11, 15), dt.date(2026, 11, 21)
NOW = "2026-11-26T10:00"  # the tests' clock: the Thursday after
PASSWORD = "summary-pass-1"
ADMIN_NAME = "مدير النظام"
SARA = "سارة الشهري"  # sorts before مدير النظام, and logs fewer contacts: order is by name

EXPECTED = {
    # Sat 14 23:59 (out), Sun 15 00:00 (in), Sun 22 00:00 (out), paper ones on the 10th (out) and
    # the 17th (in, back-entered on the 26th), the decision told by phone on Thu 19.
    "contacts_total": 6,
    "contacts_by_channel": {
        "interview": 1,
        "phone": 4,
        "social": 0,
        "letter": 1,
        "help_request": 0,
        "volunteer": 0,
        "website": 0,
        "branch_rep": 0,
    },
    "by_direction": {"in": 3, "out": 3},
    "back_entered": 1,
    "new_beneficiaries": 2,  # B1 (Sara, Sun 15), B2 (admin, Wed 18); B0 and B5 before, B3 after
    "completed": 2,  # B5 (registered on the 5th, verified Mon 16) and B1 (verified Sun 15)
    "requests_submitted": 2,  # R3 (Sara, Mon 16) and R4 (paper, 18th, typed on the 26th)
    "decisions_made": 1,  # R1 accepted Tue 17
    "communicated": 1,  # R1 told Thu 19
    "overdue": 1,  # R2: before the committee since 1 Nov, earliest decision date 15 Nov
    "by_status": {"submitted": 1, "in_committee": 1, "accepted": 1},  # R4 typed after the week
    "referrals": {"opened": 2, "done": 1, "open_at_end": 2},
    "satisfaction": {
        "responses": 3,
        "offers": 3,
        "answered_offers": 2,
        "courtesy_avg": 13 / 3,
        "speed_avg": 11 / 3,
        "clarity_avg": 14 / 3,
        "overall_avg": 4.0,
        "trend": [5.0, 3.5, None, 2.0],  # weeks of 18 Oct, 25 Oct, 1 Nov, 8 Nov
    },
    "feedback": {"received": 3, "answered": 3, "open_at_end": 2},
    "follow_ups": {"due": 4, "done": 1, "missed": 3},
    # (name, contacts, files registered, requests submitted), by name
    "workload": [(SARA, 2, 1, 1), (ADMIN_NAME, 4, 1, 1)],
}


def riyadh(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text + "+03:00").astimezone(dt.UTC)


class Builder:
    """Writes the records of the known week, moving the clock to each moment."""

    def __init__(
        self, ctx: AppContext, clock: FrozenClock, admin: Actor, sara: Actor, noura: Actor
    ):
        self.ctx, self.clock = ctx, clock
        self.admin, self.sara, self.noura = admin, sara, noura
        self.committee = as_role(admin, Role.COMMITTEE)

    def at(self, text: str) -> Builder:
        self.clock.value = riyadh(text)
        return self

    def contact(self, actor: Actor, channel: str, **kw: str):
        data = ContactInput(channel=channel, summary="استفسار عن دعم الإيجار", **kw)
        return log_contact(self.ctx, actor, data)

    def beneficiary(self, actor: Actor, n: int, **kw: str):
        data = applicant(
            national_id=VALID_IDS[n], mobile=f"05512345{n:02d}", short_address="RRRD2929", **kw
        )
        return register_beneficiary(self.ctx, actor, data)

    def row(self, row, actor: Actor | None) -> None:
        with self.ctx.store.write() as session:
            self.ctx.recorder.stamp_new(
                row, branch_id=self.admin.branch_id, actor_id=actor.staff_id if actor else None
            )
            session.add(row)

    def survey(self, answered: str, scores: tuple[int, int, int, int], offer=None) -> None:
        courtesy, speed, clarity, overall = scores
        self.row(
            SatisfactionSurvey(
                offer_id=offer.id if offer else None,
                anonymous=offer is None,
                answered_at=riyadh(answered),
                courtesy=courtesy,
                speed=speed,
                clarity=clarity,
                overall=overall,
            ),
            None,
        )

    def offer(self, offered: str, status: str) -> SurveyOffer:
        offer = SurveyOffer(offered_at=riyadh(offered), status=status)
        self.row(offer, self.sara)
        return offer

    def feedback(self, kind: str, received: str, answered: str | None = None) -> None:
        row = Feedback(
            kind=kind,
            channel="interview",
            received_at=riyadh(received),
            text="ملاحظة من المستفيد",
            status="answered" if answered else "open",
            answer="شكرا لكم" if answered else None,
            answered_at=riyadh(answered) if answered else None,
        )
        self.row(row, self.sara)


def build_known_week(ctx: AppContext, clock: FrozenClock) -> None:
    admin = resolve_actor(ctx, "admin")
    for username, name, role in (
        ("sara", SARA, "receptionist"),
        ("noura", "نورة القحطاني", "researcher"),
    ):
        auth.add_staff(ctx, admin, username=username, full_name=name, role=role, password=PASSWORD)
    b = Builder(
        ctx, clock, admin, auth.sign_in(ctx, "sara", PASSWORD), auth.sign_in(ctx, "noura", PASSWORD)
    )

    # Before the week: B0, two requests before the committee, a referral, feedback, surveys.
    b.at("2026-10-20T10:00").survey("2026-10-20T10:00", (5, 5, 5, 5))
    b.survey("2026-10-27T10:00", (3, 3, 3, 3))
    b.survey("2026-10-29T10:00", (4, 4, 4, 4))
    b.survey("2026-11-14T23:59", (2, 2, 2, 2))  # Saturday 23:59: the week of 8 November
    b.at("2026-11-01T09:00")
    b0 = verify_beneficiary_data(ctx, admin, b.beneficiary(admin, 0).id)
    requests = []
    for _ in range(2):
        req = signed_draft(ctx, admin, b0.id)
        submit_request(ctx, admin, req.id)
        receive_all(ctx, admin, req)
        requests.append(move_request(ctx, admin, req.id, "in_committee"))
    r1, _r2 = requests
    b5 = b.at("2026-11-05T09:00").beneficiary(admin, 4, first_name="ريم")
    b.at("2026-11-09T09:00").feedback("complaint", "2026-11-09T09:00")
    b.feedback("suggestion", "2026-11-09T09:30")  # still open at the end of the week
    b.at("2026-11-10T09:00")
    refer_to_researcher(
        ctx, b.sara, beneficiary_id=b0.id, reason="unclear_procedures", researcher_id="noura"
    )
    b.at("2026-11-14T23:59").contact(admin, "phone", direction="out", follow_up_on="2026-11-20")

    # The week.
    b.at("2026-11-15T00:00").contact(admin, "interview", follow_up_on="2026-11-21")
    b1 = b.at("2026-11-15T10:00").beneficiary(b.sara, 1, first_name="نوال")
    b.at("2026-11-15T10:30")
    verify_beneficiary_data(ctx, b.sara, b1.id)
    b.at("2026-11-16T08:00")
    verify_beneficiary_data(ctx, admin, b5.id)  # registered on the 5th, completed this week
    b.at("2026-11-16T09:00").contact(b.sara, "phone", follow_up_on="2026-11-18")
    referral = refer_to_researcher(
        ctx, b.sara, beneficiary_id=b1.id, reason="needs_research", researcher_id="noura"
    )
    b.at("2026-11-16T11:00")
    r3 = signed_draft(ctx, b.sara, b1.id)
    submit_request(ctx, b.sara, r3.id)
    # the complaint of the 9th answered on Monday 16
    b.at("2026-11-16T12:00").feedback("suggestion", "2026-11-16T12:00")
    with ctx.store.write() as session:
        old = session.query(Feedback).filter(Feedback.kind == "complaint").one()
        old.status, old.answer, old.answered_at = (
            "answered",
            "تمت المعالجة",
            riyadh("2026-11-16T12:00"),
        )
    b.at("2026-11-17T10:00")
    followed = b.contact(b.sara, "phone", direction="out", follow_up_on="2026-11-19")
    record_decision(ctx, b.committee, r1.id, outcome="accepted", reason="الحالة مستحقة")
    accept_referral(ctx, b.noura, referral.id)
    b.feedback("complaint", "2026-11-17T10:00", answered="2026-11-18T09:00")
    o1 = b.offer("2026-11-17T10:05", "answered")
    o2 = b.offer("2026-11-17T10:10", "answered")
    b.offer("2026-11-17T10:15", "declined")
    b.survey("2026-11-17T10:06", (5, 4, 5, 5), o1)
    b.survey("2026-11-17T10:12", (4, 3, 5, 4), o2)
    b.survey("2026-11-20T13:00", (4, 4, 4, 3))  # the kiosk, anonymous, no offer
    b.at("2026-11-18T09:00")
    mark_follow_up_done(ctx, b.sara, followed.id)
    b2 = b.beneficiary(admin, 2, first_name="هيا")
    assert b2.registration_status == "incomplete"
    complete_referral(ctx, b.noura, referral.id, "تمت الزيارة")
    b.at("2026-11-19T12:00")
    record_communication(ctx, admin, r1.id, channel="phone")
    late = refer_to_researcher(
        ctx, b.sara, beneficiary_id=b2.id, reason="unclear_procedures", researcher_id="noura"
    )
    b.feedback("thanks", "2026-11-19T12:00", answered="2026-11-21T23:00")
    b.at("2026-11-21T23:59").contact(admin, "phone", direction="out")

    # After the week.
    b.at("2026-11-22T00:00").contact(admin, "website", direction="out")
    b.beneficiary(admin, 3, first_name="منى")
    b.survey("2026-11-22T00:00", (1, 1, 1, 1))
    b.at("2026-11-23T09:00")
    reject_referral(ctx, b.noura, late.id, "ليست من اختصاص البحث")
    b.at(NOW)  # the paper records, typed on Thursday 26

    b.contact(
        admin, "letter", at="2026-11-17T11:00", letter_ref="1448/77", letter_date="2026-11-16"
    )
    b.contact(admin, "phone", direction="out", at="2026-11-10T09:00")
    submit_paper_request(
        ctx,
        admin,
        beneficiary_id=b1.id,
        type="repair",
        signed_declaration=True,
        submitted_at="2026-11-18T09:00",
    )


_BUILT: dict[Path, Path] = {}


def known_week_store(template_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The known week's store, built once per session from the template store."""
    if template_store not in _BUILT:
        dest = tmp_path_factory.mktemp("known_week")
        shutil.copy(template_store / STORE_FILE, dest / STORE_FILE)
        clock = FrozenClock(riyadh(NOW))
        ctx = open_context(dest, create=False, now=clock)
        try:
            build_known_week(ctx, clock)
        finally:
            ctx.close()
        _BUILT[template_store] = dest
    return _BUILT[template_store]


def copy_known_week(template_store: Path, tmp_path_factory, dest: Path) -> Path:
    """A fresh copy of the known week's store in ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(known_week_store(template_store, tmp_path_factory) / STORE_FILE, dest / STORE_FILE)
    return dest
