"""Random cases driven by random staff never break a rule of the request workflow.

A Hypothesis state machine opens requests, ticks documents, signs declarations, edits and
verifies the family file, submits, moves, decides, tells the family and lets days pass, as staff
of every role. A model of each request predicts whether each step must be accepted or refused;
the store must agree, a refused step must store nothing, and an accepted transition must leave
exactly one new event.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    multiple,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import func, select

from eskan_desk.app import STORE_FILE, open_context
from eskan_desk.domain.dates import riyadh_today, to_riyadh
from eskan_desk.domain.enums import Role
from eskan_desk.domain.errors import EskanError
from eskan_desk.domain.permissions import ALLOWED, Action
from eskan_desk.domain.requests import (
    FINAL_DECISIONS,
    OPEN_FOR_PAPERWORK,
    TRANSITIONS,
    RequestStatus,
    RequestType,
)
from eskan_desk.models import RequestEvent, SupportRequest
from eskan_desk.services.auth import add_staff
from eskan_desk.services.beneficiaries import (
    get_beneficiary,
    input_from_file,
    register_beneficiary,
    update_beneficiary,
    verify_beneficiary_data,
)
from eskan_desk.services.requests import (
    create_request,
    move_request,
    record_communication,
    record_decision,
    record_declaration,
    set_document,
    submit_request,
)
from eskan_desk.services.staff import resolve_actor
from tests.conftest import FrozenClock

from .helpers import VALID_IDS, applicant
from .request_helpers import png, stored

S = RequestStatus
START = dt.datetime(2026, 11, 26, 7, 0, tzinfo=dt.UTC)
MAX_REQUESTS = 2  # per run: few cases, carried far, rather than many drafts
MAX_EDITS = 3  # per run: each edit outdates declarations and clears verification
SIGNATURE = png(size=24, seed=5)


@pytest.fixture(scope="module")
def staffed_store(tmp_path_factory, template_store) -> Path:
    """A store with one staff member of every role and two families (one verified)."""
    path = tmp_path_factory.mktemp("staffed")
    shutil.copy(template_store / STORE_FILE, path / STORE_FILE)
    ctx = open_context(path, create=False, now=lambda: START)
    admin = resolve_actor(ctx, "admin")
    for role in Role:
        if role is not Role.ADMIN:
            add_staff(
                ctx, admin, username=role.value, full_name=role.value, role=role, password="x" * 8
            )
    first = register_beneficiary(ctx, admin, applicant())
    verify_beneficiary_data(ctx, admin, first.id)
    register_beneficiary(ctx, admin, applicant(national_id=VALID_IDS[1], mobile="0551112222"))
    ctx.close()
    return path


class RequestMachine(RuleBasedStateMachine):
    template: Path  # set by the test before running

    requests = Bundle("requests")

    def __init__(self) -> None:
        super().__init__()
        self.dir = Path(tempfile.mkdtemp(prefix="eskan-sm-"))
        shutil.copy(self.template / STORE_FILE, self.dir / STORE_FILE)
        self.clock = FrozenClock(START)
        self.ctx = open_context(self.dir, create=False, now=self.clock)
        self.actors = {
            role: resolve_actor(self.ctx, "admin" if role is Role.ADMIN else role.value)
            for role in Role
        }
        self.admin = self.actors[Role.ADMIN]
        with self.ctx.store.read() as s:
            from eskan_desk.models import Beneficiary

            rows = s.execute(
                select(Beneficiary.id, Beneficiary.verified_at).order_by(Beneficiary.file_no)
            ).all()
        self.families = [r.id for r in rows]
        self.verified = {r.id: r.verified_at is not None for r in rows}
        self.edits = dict.fromkeys(self.families, 0)  # attested edits of each file so far
        self.mobile_seq = 0
        self.model: dict[str, dict] = {}

    def teardown(self) -> None:
        self.ctx.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    # -- the oracle's bookkeeping --------------------------------------------------------------
    def _attempt(self, expected: bool, fn, *args, req: str | None = None, moves: bool = False):
        before = stored(self.ctx)
        events = self._events(req) if req else 0
        try:
            result = fn(*args)
        except EskanError as err:
            assert not expected, f"refused but should pass: {err!r}"
            assert stored(self.ctx) == before, "a refused step stored something"
            return None
        assert expected, f"accepted but should be refused: {fn.__name__}{args[2:]}"
        if req is not None:
            assert self._events(req) == events + (1 if moves else 0)
        return result

    def _events(self, req: str) -> int:
        with self.ctx.store.read() as s:
            return s.execute(
                select(func.count()).select_from(RequestEvent).where(RequestEvent.request_id == req)
            ).scalar_one()

    def _today(self) -> dt.date:
        return riyadh_today(self.clock())

    # -- rules ---------------------------------------------------------------------------------
    @precondition(lambda self: len(self.model) < MAX_REQUESTS)
    @rule(
        target=requests,
        role=st.sampled_from(list(Role)),
        family=st.integers(0, 1),
        kind=st.sampled_from(list(RequestType)),
    )
    def open_request(self, role, family, kind):
        ben = self.families[family]
        expected = role in ALLOWED[Action.CREATE_REQUEST]
        view = self._attempt(
            expected,
            lambda: create_request(self.ctx, self.actors[role], beneficiary_id=ben, type=kind),
        )
        if view is None:
            return multiple()
        assert [e.to_status for e in view.events] == ["draft"]
        self.model[view.id] = {
            "status": S.DRAFT,
            "ben": ben,
            "docs": {d.code: [d.required, False] for d in view.documents},
            "declared": None,  # the file's edit count when last signed
            "decision": None,
            "communicated": False,
            "earliest": None,
            "events": 1,
        }
        return view.id

    @rule(req=requests, role=st.sampled_from(list(Role)), pick=st.integers(0, 9), got=st.booleans())
    def tick_document(self, req, role, pick, got):
        m = self.model[req]
        if not m["docs"]:
            return
        code = sorted(m["docs"])[pick % len(m["docs"])]
        expected = role in ALLOWED[Action.MANAGE_DOCUMENTS] and m["status"] in OPEN_FOR_PAPERWORK
        call = lambda: set_document(self.ctx, self.actors[role], req, code, received=got)  # noqa: E731
        if self._attempt(expected, call, req=req) is not None:
            m["docs"][code][1] = got

    @rule(req=requests, role=st.sampled_from(list(Role)), pad=st.booleans())
    def sign_declaration(self, req, role, pad):
        m = self.model[req]
        expected = role in ALLOWED[Action.SUBMIT_REQUEST] and m["status"] in OPEN_FOR_PAPERWORK
        sig = SIGNATURE if pad else None
        call = lambda: record_declaration(  # noqa: E731
            self.ctx, self.actors[role], req, method="pad" if pad else "paper", signature_png=sig
        )
        if self._attempt(expected, call, req=req) is not None:
            m["declared"] = self.edits[m["ben"]]

    @precondition(lambda self: sum(self.edits.values()) < MAX_EDITS)
    @rule(family=st.integers(0, 1))
    def edit_family_file(self, family):
        ben = self.families[family]
        self.mobile_seq += 1
        data = input_from_file(get_beneficiary(self.ctx, ben))
        data.mobile = f"0553{self.mobile_seq:06d}"
        update_beneficiary(self.ctx, self.admin, ben, data)
        self.verified[ben] = False
        self.edits[ben] += 1

    @rule(family=st.integers(0, 1))
    def verify_family_file(self, family):
        ben = self.families[family]
        verify_beneficiary_data(self.ctx, self.admin, ben)
        self.verified[ben] = True

    @rule(req=requests, role=st.sampled_from(list(Role)))
    def submit(self, req, role):
        m = self.model[req]
        expected = (
            m["status"] is S.DRAFT
            and role in TRANSITIONS[(S.DRAFT, S.SUBMITTED)]
            and self.verified[m["ben"]]
            and m["declared"] == self.edits[m["ben"]]
        )
        call = lambda: submit_request(self.ctx, self.actors[role], req)  # noqa: E731
        view = self._attempt(expected, call, req=req, moves=True)
        if view is not None:
            m["status"], m["events"] = S.SUBMITTED, m["events"] + 1
            m["earliest"] = view.earliest_decision_date
            assert view.earliest_decision_date == to_riyadh(self.clock()).date() + dt.timedelta(14)

    @rule(
        req=requests,
        role=st.sampled_from(list(Role)),
        to=st.sampled_from([S.IN_RESEARCH, S.IN_COMMITTEE, S.DELIVERED, S.CLOSED, S.WITHDRAWN]),
    )
    def move(self, req, role, to):
        m = self.model[req]
        docs_in = all(got for required, got in m["docs"].values() if required)
        told = m["decision"] not in FINAL_DECISIONS or m["communicated"]
        expected = (
            role in TRANSITIONS.get((m["status"], to), ())
            and (to is not S.IN_COMMITTEE or docs_in)
            and (to is not S.CLOSED or told)
        )
        call = lambda: move_request(self.ctx, self.actors[role], req, to.value)  # noqa: E731
        if self._attempt(expected, call, req=req, moves=True) is not None:
            assert to is not S.IN_COMMITTEE or docs_in  # never before the documents are in
            assert to is not S.CLOSED or told  # never closed before the family is told
            m["status"], m["events"] = to, m["events"] + 1

    @rule(
        req=requests,
        role=st.sampled_from(list(Role)),
        outcome=st.sampled_from([S.ACCEPTED, S.REJECTED, S.NEEDS_INFO]),
    )
    def decide(self, req, role, outcome):
        m = self.model[req]
        expected = (
            role is Role.COMMITTEE
            and m["status"] is S.IN_COMMITTEE
            and self._today() >= m["earliest"]
        )
        call = lambda: record_decision(  # noqa: E731
            self.ctx, self.actors[role], req, outcome=outcome.value, reason="قرار اللجنة"
        )
        if self._attempt(expected, call, req=req, moves=True) is not None:
            assert self._today() >= m["earliest"]  # never before day 14
            m.update(status=outcome, decision=outcome, communicated=False)
            m["events"] += 1

    @rule(req=requests, role=st.sampled_from(list(Role)))
    def tell_the_family(self, req, role):
        m = self.model[req]
        expected = (
            role in ALLOWED[Action.COMMUNICATE_DECISION]
            and m["decision"] is not None
            and not m["communicated"]
        )
        call = lambda: record_communication(self.ctx, self.actors[role], req, channel="phone")  # noqa: E731
        if self._attempt(expected, call, req=req) is not None:
            m["communicated"] = True

    @rule(req=requests, steps=st.integers(1, 12), data=st.data())
    def take_the_next_steps(self, req, steps, data):
        """Steps a sensible member of staff would take next, by roles allowed to take them.

        Random roles alone rarely carry a case through submission, the committee and closing;
        this rule gets there, and the other rules keep trying everything else on the way.
        """
        for _ in range(steps):
            self._next_step(req, data)

    def _next_step(self, req, data):
        m = self.model[req]
        status, ben = m["status"], m["ben"]

        def role(allowed):
            return data.draw(st.sampled_from(sorted(allowed)))

        # Now and then staff try the shortcut first: it must be refused whenever a rule forbids it.
        shortcut = data.draw(st.booleans())
        missing = [code for code, (required, got) in m["docs"].items() if required and not got]
        told = m["decision"] is None or m["communicated"]
        if status is S.DRAFT:
            ready = m["declared"] == self.edits[ben] and self.verified[ben]
            if ready or shortcut:
                self.submit(req, role(TRANSITIONS[(S.DRAFT, S.SUBMITTED)]))
            elif m["declared"] != self.edits[ben]:
                self.sign_declaration(
                    req, role(ALLOWED[Action.SUBMIT_REQUEST]), data.draw(st.booleans())
                )
            else:
                self.verify_family_file(self.families.index(ben))
        elif status in (S.SUBMITTED, S.IN_RESEARCH, S.NEEDS_INFO):
            if missing and not shortcut:
                for code in missing:
                    self.tick_document(req, Role.RECEPTIONIST, sorted(m["docs"]).index(code), True)
                return
            to = (
                S.IN_COMMITTEE
                if shortcut
                else data.draw(st.sampled_from([S.IN_RESEARCH, S.IN_COMMITTEE]))
            )
            if (status, to) in TRANSITIONS:
                self.move(req, role(TRANSITIONS[(status, to)]), to)
        elif status is S.IN_COMMITTEE:  # before day 14 this must be refused: then wait a while
            outcome = data.draw(st.sampled_from([S.ACCEPTED, S.REJECTED, S.NEEDS_INFO]))
            self.decide(req, Role.COMMITTEE, outcome)
            if m["status"] is S.IN_COMMITTEE:
                self.time_passes(data.draw(st.integers(1, 8)), 0)
        elif status in (S.DELIVERED, S.REJECTED) and (told or shortcut):
            self.move(req, role(TRANSITIONS[(status, S.CLOSED)]), S.CLOSED)
        elif status is S.ACCEPTED and (told or shortcut):
            self.move(req, role(TRANSITIONS[(S.ACCEPTED, S.DELIVERED)]), S.DELIVERED)
        elif not told:
            self.tell_the_family(req, role(ALLOWED[Action.COMMUNICATE_DECISION]))

    @rule(days=st.integers(0, 16), hours=st.integers(0, 23))
    def time_passes(self, days, hours):
        self.clock.advance(days=days, hours=hours)

    # -- what must always hold -----------------------------------------------------------------
    @invariant()
    def the_store_agrees_with_the_model(self):
        with self.ctx.store.read() as s:
            rows = s.execute(select(SupportRequest)).scalars().all()
            events = dict(
                s.execute(
                    select(RequestEvent.request_id, func.count()).group_by(RequestEvent.request_id)
                ).all()
            )
        assert {r.id for r in rows} == set(self.model)
        for r in rows:
            m = self.model[r.id]
            assert r.status == m["status"].value
            assert events[r.id] == m["events"]
            if r.decided_at is not None:
                assert to_riyadh(r.decided_at).date() >= r.earliest_decision_date
            if r.status == S.CLOSED and r.decision in FINAL_DECISIONS:
                assert r.communicated_at is not None


def test_random_cases_never_break_a_rule(staffed_store):
    RequestMachine.template = staffed_store
    run_state_machine_as_test(
        RequestMachine,
        settings=settings(
            max_examples=20,
            stateful_step_count=40,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
