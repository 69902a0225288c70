"""Demo casework: support requests, referrals, surveys and feedback over the last 12 weeks.

Unlike the families and contacts of ``services.demo`` (written in bulk), every step here goes
through the real use cases, so each rule, history event, audit event and outbox change applies
exactly as at the desk. The work is planned first (who, what, when), then replayed in
chronological order on a copy of the context whose clock reads the moment of each step: a request
submitted six weeks ago is decided by the committee no earlier than its earliest decision date,
by a committee member, and told to the family afterwards. Versions still come from the one hybrid
logical clock, so they only grow.

Amounts scale with the families given and are capped, so 100,000 families take as long as 750:
about one request per 5 families (at most 150), surveys after ~30% of recent contacts (at most
300), one suggestion, complaint or thanks per 15 families (at most 60) and one referral per 30
families (at most 20).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import secrets
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import text

from eskan_desk.app import AppContext
from eskan_desk.domain.dates import RIYADH, riyadh_today
from eskan_desk.domain.enums import Role
from eskan_desk.domain.errors import NotFoundError
from eskan_desk.domain.markers import N_
from eskan_desk.domain.requests import earliest_decision_date
from eskan_desk.services import demo_catalog as cat
from eskan_desk.services.auth import add_staff
from eskan_desk.services.beneficiaries import verify_beneficiary_data
from eskan_desk.services.changes import ChangeRecorder
from eskan_desk.services.declarations import record_declaration
from eskan_desk.services.feedback import answer_feedback, close_feedback, record_feedback
from eskan_desk.services.referrals import (
    accept_referral,
    complete_referral,
    refer_to_researcher,
    reject_referral,
)
from eskan_desk.services.request_workflow import (
    move_request,
    record_communication,
    record_decision,
    submit_request,
)
from eskan_desk.services.requests import create_request, set_document
from eskan_desk.services.staff import Actor, resolve_actor
from eskan_desk.services.surveys import answer_survey, decline_survey, offer_survey

Progress = Callable[[int, int, str], None]
WINDOW = dt.timedelta(weeks=12)
MARGIN = dt.timedelta(minutes=10)  # the last step of a plan stays this far before "now"
MAX_REQUESTS, MAX_SURVEYS, MAX_FEEDBACK, MAX_REFERRALS = 150, 300, 60, 20
FAMILIES_PER_REQUEST, FAMILIES_PER_FEEDBACK, FAMILIES_PER_REFERRAL = 5, 15, 30
SURVEYED_SHARE = 0.3
PROGRESS_EVERY = 25

# username, role, full name: the demo staff the casework is done by (created when missing).
DEMO_STAFF: tuple[tuple[str, Role, str], ...] = (
    ("reception.demo", Role.RECEPTIONIST, "ريم سعيد العسيري"),
    ("researcher.demo", Role.RESEARCHER, "نورة محمد القحطاني"),
    ("supervisor.demo", Role.SUPERVISOR, "عبدالله علي الأسمري"),
    ("committee.demo", Role.COMMITTEE, "خالد عبدالرحمن الشهري"),
)

# Every status once first (so a small store shows them all), then by weight.
STATUS_DECK = (
    "submitted",
    "in_committee",
    "accepted",
    "rejected",
    "draft",
    "in_research",
    "needs_info",
    "delivered",
    "closed",
    "withdrawn",
)
STATUS_WEIGHTS = {
    "draft": 10,
    "submitted": 14,
    "in_research": 12,
    "in_committee": 12,
    "needs_info": 7,
    "accepted": 10,
    "rejected": 8,
    "delivered": 10,
    "closed": 13,
    "withdrawn": 4,
}
DECIDED = {"needs_info", "accepted", "rejected", "delivered", "closed"}
# Age in days of the plan's last status step (its anchor), per final status.
ANCHOR_AGE = {
    "draft": (0.05, 20),
    "submitted": (0.05, 11),
    "in_research": (0.05, 8),
    "in_committee": (0.5, 20),
    "decided": (0.05, 6),  # decided, not yet told: recent decisions
    "communicated": (0.5, 35),
    "delivered": (0.5, 30),
    "closed": (0.5, 35),
    "withdrawn": (0.5, 45),
}
# Request types: rent first, then repair, furnishing, a housing unit, utility bills ...
TYPE_WEIGHTS = {"rent": 45, "repair": 20, "furnishing": 16, "housing_unit": 11, "utilities": 8}
# ... each asked by a family it suits best: tenants for rent, owners for repair.
TYPE_HOUSING = {"rent": ("rented",), "repair": ("owned",), "housing_unit": ("relatives", "rented")}
AMOUNTS = {
    "repair": (8000, 45000, 500),
    "furnishing": (3000, 15000, 250),
    "utilities": (600, 3500, 50),
}
DESCRIPTIONS = {
    "rent": (
        "دعم سداد إيجار السنة الحالية عبر منصة إيجار",
        "سداد الدفعة المتأخرة من الإيجار بعد مطالبة المؤجر",
        "المساعدة في سداد إيجار نصف سنة لتعثر دخل الأسرة",
    ),
    "repair": (
        "ترميم السقف وإصلاح تسربات المياه في المنزل",
        "إصلاح التمديدات الكهربائية وتغيير الأبواب والنوافذ",
        "ترميم دورات المياه والمطبخ",
    ),
    "furnishing": (
        "توفير ثلاجة وغسالة للأسرة",
        "تأثيث غرف الأبناء (أسرّة وخزائن)",
        "توفير مكيفات للمنزل قبل الصيف",
    ),
    "housing_unit": (
        "طلب وحدة سكنية لأسرة تسكن لدى الأقارب",
        "طلب مسكن ملائم لأسرة كبيرة العدد",
    ),
    "utilities": (
        "سداد فواتير الكهرباء المتأخرة",
        "سداد فاتورة المياه وإعادة التوصيل",
    ),
}
DECISION_REASONS = {
    "accepted": (
        "الأسرة مستحقة وفق لائحة الدعم والمستندات مكتملة",
        "دخل الأسرة أقل من حد الاستحقاق، وثبتت الحاجة من الزيارة المنزلية",
        "الموافقة على المبلغ المطلوب بعد دراسة تقرير الباحث الاجتماعي",
        "الموافقة مع أولوية التنفيذ لوجود كبار سن في الأسرة",
    ),
    "rejected": (
        "دخل الأسرة يتجاوز حد الاستحقاق المعتمد",
        "سبق صرف الدعم نفسه للأسرة خلال الاثني عشر شهرًا الماضية",
        "الأسرة تتلقى الدعم نفسه من جهة أخرى",
        "المسكن غير مملوك للأسرة فلا ينطبق عليه شرط الترميم",
    ),
    "needs_info": (
        "يلزم تقديم عقد إيجار محدث موثق في منصة إيجار",
        "يلزم مشهد دخل حديث من الضمان الاجتماعي",
        "يلزم عرض سعر ثانٍ لأعمال الترميم",
        "يلزم تقرير طبي حديث لأحد أفراد الأسرة",
    ),
}
WITHDRAW_NOTES = (
    "طلبت الأسرة سحب الطلب بعد حصولها على دعم من جهة أخرى",
    "انتقلت الأسرة خارج نطاق خدمة الجمعية",
    "رغب المستفيد في إعادة التقديم بمستندات محدثة",
)
DELIVERY_NOTES = {
    "rent": "تم سداد الإيجار للمؤجر عبر منصة إيجار",
    "repair": "تم تنفيذ أعمال الترميم واستلامها من المقاول",
    "furnishing": "تم توريد الأجهزة والأثاث وتركيبها في المنزل",
    "housing_unit": "تم تسليم الأسرة الوحدة السكنية",
    "utilities": "تم سداد الفواتير المتأخرة",
}
REFERRAL_NOTES = (
    "الأسرة لم تفهم شروط الدعم والمستندات المطلوبة",
    "وضع الأسرة يحتاج إلى زيارة منزلية قبل التقديم",
    "تغيرت ظروف الأسرة بعد وفاة العائل",
)
REFERRAL_OTHER_NOTES = (
    "طلب المستفيد مقابلة الباحث شخصيًا لظرف خاص",
    "خلاف بين المستفيد والمؤجر يحتاج إلى متابعة",
)
REFERRAL_ACCEPT_NOTES = ("سيتم التواصل مع الأسرة لتحديد موعد الزيارة", "")
REFERRAL_DONE_NOTES = (
    "تمت الزيارة المنزلية وأُعد تقرير البحث الاجتماعي",
    "شُرحت الإجراءات للمستفيد واستُكملت المستندات",
)
REFERRAL_REJECT_REASONS = (
    "الحالة لا تحتاج إلى بحث اجتماعي؛ يكفي استكمال المستندات في الاستقبال",
    "سبق بحث الحالة خلال الشهر الماضي",
)
FEEDBACK_ANSWERS = {
    "complaint": (
        "تم الاعتذار للمستفيد ومعالجة سبب التأخير مع القسم المختص",
        "تمت مراجعة الطلب وإبلاغ المستفيد بالموعد الجديد",
        "أُبلغ المستفيد بالإجراء المتخذ وتمت المتابعة مع الموظف المعني",
    ),
    "suggestion": (
        "شكرنا المستفيد على المقترح ورُفع إلى الإدارة لدراسته",
        "المقترح مدرج في خطة التحسين للربع القادم",
        "أُبلغ المستفيد بأن المقترح قيد التنفيذ",
    ),
    "thanks": ("نُقل الشكر إلى الفريق",),
}
SURVEY_COMMENTS = {
    "good": (
        "تعامل راقٍ وسرعة في الإنجاز",
        "شكرًا على حسن الاستقبال",
        "الإجراءات واضحة والموظفون متعاونون",
    ),
    "mixed": (
        "الخدمة جيدة لكن الانتظار طويل",
        "نتمنى توضيح المستندات المطلوبة من البداية",
    ),
    "poor": ("تأخر الرد على طلبي كثيرًا", "صعوبة الوصول إلى الجمعية بالهاتف"),
}
OVERALL_WEIGHTS = {5: 48, 4: 34, 3: 11, 2: 4, 1: 3}


def _pick(rng: random.Random, weights: dict[Any, int]) -> Any:
    return rng.choices(tuple(weights), weights=tuple(weights.values()))[0]


def _days(value: float) -> dt.timedelta:
    return dt.timedelta(days=value)


def _minutes(value: float) -> dt.timedelta:
    return dt.timedelta(minutes=value)


def _snap(at: dt.datetime) -> dt.datetime:
    """The moment, or the next working moment (Sunday–Thursday, 8:00–16:00 Riyadh)."""
    local = at.astimezone(RIYADH)
    if local.weekday() not in (4, 5) and 8 <= local.hour < 16:
        return at
    day = local.date() + dt.timedelta(days=1 if local.hour >= 16 else 0)
    while day.weekday() in (4, 5):  # Friday, Saturday
        day += dt.timedelta(days=1)
    start = dt.datetime.combine(day, dt.time(8), RIYADH)
    # Spread over the morning, without drawing from the generator (plans are recomputed).
    return (start + dt.timedelta(seconds=int(at.timestamp()) % (3 * 3600))).astimezone(dt.UTC)


class _Clock:
    """The copied context's ``now``: the moment of the step being replayed."""

    def __init__(self, value: dt.datetime) -> None:
        self.value = value

    def __call__(self) -> dt.datetime:
        return self.value


@dataclass
class _Step:
    at: dt.datetime
    order: int
    run: Callable[[], None]


@dataclass
class _Family:
    id: str
    created: dt.datetime
    verified: bool
    housing: str
    rent: Any


@dataclass
class _Request:
    status: str
    communicated: bool
    lags: dict[str, float]
    flags: dict[str, bool]
    rng: random.Random  # for what is decided when the checklist is known
    family: _Family | None = None
    docs: list[tuple[str, bool]] = field(default_factory=list)  # (code, required)
    received: set[str] = field(default_factory=set)
    type: str = "rent"
    amount: str = ""
    description: str = ""
    id: str = ""
    offer_id: str = ""
    times: list[tuple[str, dt.datetime]] = field(default_factory=list)


def generate_casework(
    ctx: AppContext,
    actor: Actor,
    *,
    families: list[str],
    seed: int,
    now: dt.datetime,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Create believable casework on ``families`` over the 12 weeks before ``now``.

    Args:
        ctx: The application context (its clock is left alone: a copy is used).
        actor: An administrator (creates the demo staff when missing).
        families: Beneficiary ids the casework may concern.
        seed: The same seed on the same data gives the same casework.
        now: The end of the 12 weeks (aware UTC); nothing happens after it.
        progress: Called as ``progress(done, total, "casework")``.

    Returns:
        Counts by kind and status, the demo staff usernames and the seconds taken.
    """
    started = time.perf_counter()
    work = _Casework(ctx, actor, families, random.Random(seed), now)
    steps = work.plan()
    if steps:
        work.staff()
    total = len(steps)
    for done, step in enumerate(sorted(steps, key=lambda s: (s.at, s.order)), 1):
        work.clock.value = step.at
        step.run()
        if progress and (done % PROGRESS_EVERY == 0 or done == total):
            progress(done, total, "casework")
    result = work.summary()
    result["steps"] = total
    result["seconds"] = round(time.perf_counter() - started, 2)
    return result


class _Casework:
    def __init__(
        self,
        ctx: AppContext,
        admin: Actor,
        families: list[str],
        rng: random.Random,
        now: dt.datetime,
    ) -> None:
        self.ctx, self.admin, self.rng, self.now = ctx, admin, rng, now
        self.families = families
        self.start = now - WINDOW
        self.clock = _Clock(self.start)
        self.past = dataclasses.replace(
            ctx, now=self.clock, recorder=ChangeRecorder(ctx.recorder.clock, now=self.clock)
        )
        self.actors: dict[Role, Actor] = {}
        self.steps: list[_Step] = []
        self.requests: list[_Request] = []
        self.surveys = 0
        self.used: set[str] = set()

    # Staff -------------------------------------------------------------------------------------
    def staff(self) -> None:
        """The demo staff: reused when present, else created (random passwords, never shown)."""
        self.clock.value = self.start - _days(1)
        for username, role, full_name in DEMO_STAFF:
            self.actors[role] = self._staff_member(username, role, full_name)

    def _staff_member(self, username: str, role: Role, full_name: str) -> Actor:
        for suffix in ("", *map(str, range(2, 10))):
            name = f"{username}{suffix}"
            try:
                found = resolve_actor(self.ctx, name)
            except NotFoundError:
                if self._username_taken(name):  # an inactive account: leave it be
                    continue
                add_staff(
                    self.past,
                    self.admin,
                    username=name,
                    full_name=full_name,
                    role=role,
                    password=secrets.token_urlsafe(18),
                )
                return resolve_actor(self.ctx, name)
            if found.role is role:
                return found
        raise NotFoundError(N_("No active staff member named {username}"), {"username": username})

    def _username_taken(self, name: str) -> bool:
        with self.ctx.store.read() as session:
            row = session.execute(
                text("SELECT 1 FROM staff WHERE username = :u"), {"u": name}
            ).first()
        return row is not None

    # Planning ------------------------------------------------------------------------------------
    def plan(self) -> list[_Step]:
        n = len(self.families)
        pool = self._family_pool(n)
        self._plan_requests(min(MAX_REQUESTS, n // FAMILIES_PER_REQUEST), pool)
        self._plan_referrals(min(MAX_REFERRALS, n // FAMILIES_PER_REFERRAL), pool)
        self._plan_feedback(min(MAX_FEEDBACK, n // FAMILIES_PER_FEEDBACK), pool)
        self._plan_contact_surveys()
        return self.steps

    def add(self, at: dt.datetime, run: Callable[[], None]) -> None:
        self.steps.append(_Step(at, len(self.steps), run))

    def role(self, role: Role) -> Actor:
        return self.actors[role]

    def _family_pool(self, n: int) -> list[_Family]:
        """Enough families, in a random order, with what the plans need to know about them."""
        need = MAX_REQUESTS + MAX_REFERRALS + MAX_FEEDBACK
        picked = self.rng.sample(self.families, min(n, need * 3))
        info: dict[str, _Family] = {}
        with self.ctx.store.read() as session:
            for i in range(0, len(picked), 500):
                rows = session.execute(
                    text(
                        "SELECT id, created_at, verified_at, housing_type, rent_amount "
                        "FROM beneficiaries WHERE deleted_at IS NULL AND id IN "
                        f"({', '.join(f':p{j}' for j in range(len(picked[i : i + 500])))})"
                    ),
                    {f"p{j}": v for j, v in enumerate(picked[i : i + 500])},
                )
                for r in rows:
                    created = dt.datetime.fromisoformat(str(r.created_at)).replace(tzinfo=dt.UTC)
                    info[r.id] = _Family(
                        r.id,
                        created,
                        r.verified_at is not None,
                        r.housing_type or "",
                        r.rent_amount,
                    )
        return [info[i] for i in picked if i in info]

    def _take_family(
        self, pool: list[_Family], before: dt.datetime, housing: tuple[str, ...] = ()
    ) -> _Family | None:
        """The next unused family registered at least a day before ``before``, housed as
        ``housing`` says if one is."""
        fits = [f for f in pool if f.id not in self.used and f.created < before - _days(1)]
        fam = next((f for f in fits if f.housing in housing), fits[0] if fits else None)
        if fam is not None:
            self.used.add(fam.id)
        return fam

    def _any_family(self, pool: list[_Family], before: dt.datetime) -> _Family | None:
        fits = [f for f in pool[:200] if f.created < before - _days(1)]
        return self.rng.choice(fits) if fits else None

    # Requests -----------------------------------------------------------------------------------
    def _plan_requests(self, n: int, pool: list[_Family]) -> None:
        rng = self.rng
        statuses = list(STATUS_DECK[:n]) + [
            _pick(rng, STATUS_WEIGHTS) for _ in range(n - len(STATUS_DECK))
        ]
        told: Counter[str] = Counter()
        for status in statuses:
            # Alternate told / not told, first not told: some decisions wait on the dashboard.
            communicated = status in ("delivered", "closed") or (
                status in DECIDED and told[status] % 2 == 1
            )
            told[status] += 1
            req = _Request(
                status=status,
                communicated=communicated,
                lags=self._request_lags(),
                flags={
                    "same_visit": rng.random() < 0.6,
                    "back_entered": rng.random() < 0.1,
                    "direct": rng.random() < 0.15,  # the supervisor sends it straight on
                    "declared": rng.random() < 0.5,  # a draft already signed
                    "from_research": rng.random() < 0.5,  # withdrawn after research began
                    "closed_rejected": rng.random() < 0.3,
                    "overdue": rng.random() < 0.25,  # in research past day 14
                    "survey": rng.random() < 0.6,
                },
                rng=random.Random(rng.getrandbits(32)),
            )
            kind = "decided" if status in ("needs_info", "accepted", "rejected") else status
            if kind == "decided" and communicated:
                kind = "communicated"
            low, high = ANCHOR_AGE[kind]
            if status == "in_research" and req.flags["overdue"]:
                low, high = 16, 25
            req.times = self._place(req, rng.uniform(low, high))
            req.type = _pick(rng, TYPE_WEIGHTS)
            fam = self._take_family(pool, req.times[0][1], TYPE_HOUSING.get(req.type, ()))
            if fam is None:
                continue
            req.family = fam
            req.amount = self._amount(req.type, fam)
            req.description = rng.choice(DESCRIPTIONS[req.type])
            if not fam.verified:
                req.times.insert(1, ("verify", req.times[0][1] + _minutes(2)))
            self.requests.append(req)
            for name, at in req.times:
                self.add(at, self._request_step(req, name))

    def _request_lags(self) -> dict[str, float]:
        u = self.rng.uniform
        return {
            "docs": u(3, 15),  # minutes
            "declare": u(5, 15),  # minutes
            "visit": u(10, 40),  # minutes: submitted on the same visit
            "return": u(1, 4),  # days: came back with the rest of the papers
            "paper": u(1, 4),  # days: a paper request entered after the fact
            "research": u(1, 4),
            "committee": u(2, 8),
            "decide": u(0, 6),
            "tell": u(0.1, 3),
            "deliver": u(3, 14),
            "close": u(1, 7),
            "withdraw": u(1, 6),
            "offer": u(0.02, 1),
            "answer": u(2, 30),  # minutes
        }

    def _amount(self, kind: str, fam: _Family) -> str:
        if kind == "rent":
            return str(int(fam.rent)) if fam.rent else str(self.rng.randrange(9000, 24000, 500))
        if kind in AMOUNTS:
            return str(self.rng.randrange(*AMOUNTS[kind]))
        return ""

    def _place(self, req: _Request, age: float) -> list[tuple[str, dt.datetime]]:
        """The plan's steps, its last status step about ``age`` days ago, all before now."""
        probe = self._timeline(req, self.now - _days(200))
        span = probe[-1][1] - probe[0][1]
        created = max(self.now - _days(age) - span, self.start)
        latest = self.now - MARGIN
        for _ in range(8):
            steps = self._timeline(req, created)
            over = steps[-1][1] - latest
            if req.status == "in_committee":  # before the committee past its 14 days
                wait = (self._earliest(req, steps) - riyadh_today(self.now)).days
                over = max(over, _days(wait))
            if over <= dt.timedelta(0):
                break
            created -= over + _days(0.5)
        else:
            steps = [s for s in steps if s[1] <= latest] or steps[:1]
        return steps + self._survey_times(req, steps[-1][1])

    def _earliest(self, req: _Request, steps: list[tuple[str, dt.datetime]]) -> dt.date:
        return earliest_decision_date(_submitted_at(req, dict(steps)["submit"]))

    def _timeline(self, req: _Request, created: dt.datetime) -> list[tuple[str, dt.datetime]]:
        lags, flags, status = req.lags, req.flags, req.status
        out: list[tuple[str, dt.datetime]] = []

        def step(name: str, at: dt.datetime) -> dt.datetime:
            at = _snap(at)
            if out and at <= out[-1][1]:
                at = out[-1][1] + _minutes(2)
            out.append((name, at))
            return at

        t = step("create", created)
        t = step("docs", t + _minutes(lags["docs"]))
        if status == "draft":
            if flags["declared"]:
                step("declare", t + _minutes(lags["declare"]))
            return out
        if _returns(req):
            t = step("docs_rest", t + _days(lags["return"]))
        t = step("declare", t + _minutes(lags["declare"]))
        t = step("submit", t + _minutes(5))
        submitted = _submitted_at(req, t)
        if status == "submitted" or (status == "withdrawn" and not flags["from_research"]):
            if status == "withdrawn":
                step("withdraw", t + _days(lags["withdraw"]))
            return out
        if not flags["direct"] or status in ("in_research", "withdrawn"):
            t = step("research", t + _days(lags["research"]))
        if status in ("in_research", "withdrawn"):
            if status == "withdrawn":
                step("withdraw", t + _days(lags["withdraw"]))
            return out
        t = step("committee", t + _days(lags["committee"]))
        if status == "in_committee":
            return out
        first_day = dt.datetime.combine(earliest_decision_date(submitted), dt.time(9), RIYADH)
        t = step("decide", max(first_day, t + _days(0.2)) + _days(lags["decide"]))
        if not req.communicated:
            return out
        t = step("tell", t + _days(lags["tell"]))
        if status == "delivered" or (status == "closed" and not flags["closed_rejected"]):
            t = step("deliver", t + _days(lags["deliver"]))
        if status == "closed":
            step("close", t + _days(lags["close"]))
        return out

    def _survey_times(self, req: _Request, last: dt.datetime) -> list[tuple[str, dt.datetime]]:
        if req.status not in ("delivered", "closed") or not req.flags["survey"]:
            return []
        if req.status == "closed" and req.flags["closed_rejected"]:
            return []
        offer = last + _days(req.lags["offer"])
        answer = offer + _minutes(req.lags["answer"])
        return [(n, at) for n, at in (("offer", offer), ("answer", answer)) if at <= self.now]

    def _decision(self, req: _Request) -> str:
        if req.status == "closed" and req.flags["closed_rejected"]:
            return "rejected"
        return "accepted" if req.status in ("delivered", "closed") else req.status

    def _request_step(self, req: _Request, name: str) -> Callable[[], None]:
        def run() -> None:
            self._run_request_step(req, name)

        return run

    def _run_request_step(self, req: _Request, name: str) -> None:
        ctx, rng = self.past, req.rng
        front, research = self.role(Role.RECEPTIONIST), self.role(Role.RESEARCHER)
        supervisor, committee = self.role(Role.SUPERVISOR), self.role(Role.COMMITTEE)
        assert req.family is not None
        if name == "create":
            view = create_request(
                ctx,
                front,
                beneficiary_id=req.family.id,
                type=req.type,
                amount=req.amount,
                description=req.description,
            )
            req.id = view.id
            req.docs = [(d.code, d.required) for d in view.documents]
        elif name == "verify":
            verify_beneficiary_data(ctx, front, req.family.id)
        elif name in ("docs", "docs_rest"):
            self._documents(req, final=name == "docs_rest" or not _returns(req))
        elif name == "declare":
            record_declaration(ctx, front, req.id, method="paper")
        elif name == "submit":
            at = _submitted_at(req, self.clock.value)
            back = at.isoformat() if at != self.clock.value else ""
            submit_request(ctx, front, req.id, submitted_at=back)
        elif name == "research":
            move_request(ctx, research, req.id, "in_research")
        elif name == "committee":
            who = supervisor if req.flags["direct"] else research
            move_request(ctx, who, req.id, "in_committee", "اكتمل البحث الاجتماعي والمستندات")
        elif name == "decide":
            outcome = self._decision(req)
            reason = rng.choice(DECISION_REASONS[outcome])
            record_decision(ctx, committee, req.id, outcome=outcome, reason=reason)
        elif name == "tell":
            channel = "phone" if rng.random() < 0.8 else "interview"
            record_communication(ctx, front, req.id, channel=channel)
        elif name == "deliver":
            move_request(ctx, supervisor, req.id, "delivered", DELIVERY_NOTES[req.type])
        elif name == "close":
            move_request(ctx, supervisor, req.id, "closed")
        elif name == "withdraw":
            move_request(ctx, front, req.id, "withdrawn", rng.choice(WITHDRAW_NOTES))
        elif name == "offer":
            req.offer_id = offer_survey(ctx, front, request_id=req.id).id
        elif name == "answer":
            self._answer(req.offer_id, rng)

    def _documents(self, req: _Request, *, final: bool) -> None:
        """Mark the papers brought: on the last visit before submission, every required one."""
        rng, front = req.rng, self.role(Role.RECEPTIONIST)
        committee = req.status == "in_committee" or req.status in DECIDED
        for code, required in req.docs:
            if code in req.received:
                continue
            if req.status == "draft":
                take = required and rng.random() < 0.6
            elif final and required:
                # Before the committee every required paper is in; earlier, one may still lack.
                take = committee or rng.random() < 0.85
            else:
                take = rng.random() < (0.55 if required else 0.3)
            if take:
                self.clock.value += dt.timedelta(seconds=20)
                set_document(self.past, front, req.id, code, received=True)
                req.received.add(code)

    # Surveys -------------------------------------------------------------------------------------
    def _plan_contact_surveys(self) -> None:
        with self.ctx.store.read() as session:
            rows = session.execute(
                text(
                    "SELECT c.id, c.at FROM contacts c WHERE c.deleted_at IS NULL "
                    "AND c.beneficiary_id IS NOT NULL AND c.at >= :start AND c.at <= :end "
                    "AND NOT EXISTS (SELECT 1 FROM survey_offers o WHERE o.contact_id = c.id) "
                    "ORDER BY c.at, c.id"
                ),
                {"start": _db_time(self.start), "end": _db_time(self.now)},
            ).all()
        k = min(MAX_SURVEYS, round(len(rows) * SURVEYED_SHARE))
        for contact_id, at in sorted(self.rng.sample(rows, k), key=lambda r: (r[1], r[0])):
            when = dt.datetime.fromisoformat(str(at)).replace(tzinfo=dt.UTC)
            offered = when + _minutes(self.rng.uniform(3, 15))
            outcome = _pick(self.rng, {"answered": 70, "declined": 15, "offered": 15})
            answered = offered + _minutes(self.rng.uniform(1, 10))
            if offered > self.now:
                continue
            state: dict[str, str] = {}
            sub = random.Random(self.rng.getrandbits(32))
            self.add(offered, self._offer_contact(contact_id, state))
            if outcome == "declined":
                self.add(offered + _minutes(1), self._decline(state))
            elif outcome == "answered" and answered <= self.now:
                self.add(answered, lambda state=state, sub=sub: self._answer(state["id"], sub))

    def _offer_contact(self, contact_id: str, state: dict[str, str]) -> Callable[[], None]:
        def run() -> None:
            state["id"] = offer_survey(
                self.past, self.role(Role.RECEPTIONIST), contact_id=contact_id
            ).id

        return run

    def _decline(self, state: dict[str, str]) -> Callable[[], None]:
        def run() -> None:
            decline_survey(self.past, None, state["id"])

        return run

    def _answer(self, offer_id: str, rng: random.Random) -> None:
        overall = _pick(rng, OVERALL_WEIGHTS)

        def near() -> int:
            return min(5, max(1, overall + rng.choice((-1, 0, 0, 0, 1))))

        mood = "good" if overall >= 4 else "mixed" if overall == 3 else "poor"
        comment = rng.choice(SURVEY_COMMENTS[mood]) if rng.random() < 0.3 else ""
        answer_survey(
            self.past,
            offer_id=offer_id,
            courtesy=near(),
            speed=near(),
            clarity=near(),
            overall=overall,
            comment=comment,
            anonymous=rng.random() < 0.15,
        )
        self.surveys += 1

    # Referrals -----------------------------------------------------------------------------------
    def _plan_referrals(self, n: int, pool: list[_Family]) -> None:
        rng = self.rng
        deck = ("open", "accepted", "done", "rejected")
        weights = {"open": 30, "accepted": 25, "done": 35, "rejected": 10}
        open_requests = {
            r.family.id: r
            for r in self.requests
            if r.family and r.status in ("submitted", "in_research", "in_committee")
        }
        for i in range(n):
            status = deck[i] if i < len(deck) else _pick(rng, weights)
            age = {
                "open": (0.1, 6),
                "accepted": (3, 20),
                "done": (8, 70),
                "rejected": (3, 40),
            }[status]
            created = _snap(self.now - _days(rng.uniform(*age)))
            moved = _snap(created + _days(rng.uniform(0.2, 2)))
            finished = _snap(moved + _days(rng.uniform(2, 10)))
            if created > self.now - MARGIN:
                created = self.now - MARGIN - _days(rng.uniform(0.05, 0.5))
            reason = _pick(rng, {"unclear_procedures": 45, "needs_research": 45, "other": 10})
            note = rng.choice(REFERRAL_OTHER_NOTES if reason == "other" else REFERRAL_NOTES)
            linked = [
                r
                for r in open_requests.values()
                if r.times[0][1] < created - _minutes(30) and rng.random() < 0.5
            ][:1]
            fam = linked[0].family if linked else self._take_family(pool, created)
            if fam is None:
                continue
            state: dict[str, str] = {}
            self.add(created, self._refer(fam.id, reason, note, linked, state))
            sub = random.Random(rng.getrandbits(32))
            if status in ("accepted", "done") and moved <= self.now:
                self.add(moved, self._referral_move(state, "accept", sub))
                if status == "done" and finished <= self.now:
                    self.add(finished, self._referral_move(state, "done", sub))
            elif status == "rejected" and moved <= self.now:
                self.add(moved, self._referral_move(state, "reject", sub))
            if linked:
                open_requests.pop(fam.id, None)

    def _refer(
        self, ben_id: str, reason: str, note: str, linked: list[_Request], state: dict[str, str]
    ) -> Callable[[], None]:
        def run() -> None:
            request_id = linked[0].id if linked and linked[0].id else None
            view = refer_to_researcher(
                self.past,
                self.role(Role.RECEPTIONIST),
                beneficiary_id=ben_id,
                reason=reason,
                researcher_id=self.role(Role.RESEARCHER).staff_id,
                note=note,
                request_id=request_id,
            )
            state["id"], state["status"] = view.id, view.status

        return run

    def _referral_move(
        self, state: dict[str, str], move: str, rng: random.Random
    ) -> Callable[[], None]:
        def run() -> None:
            who = self.role(Role.RESEARCHER)
            if move == "accept":
                view = accept_referral(
                    self.past, who, state["id"], rng.choice(REFERRAL_ACCEPT_NOTES)
                )
            elif move == "done":
                view = complete_referral(
                    self.past, who, state["id"], rng.choice(REFERRAL_DONE_NOTES)
                )
            else:
                view = reject_referral(
                    self.past, who, state["id"], rng.choice(REFERRAL_REJECT_REASONS)
                )
            state["status"] = view.status

        return run

    # Feedback ------------------------------------------------------------------------------------
    def _plan_feedback(self, n: int, pool: list[_Family]) -> None:
        rng = self.rng
        deck = (
            ("complaint", "overdue"),
            ("suggestion", "answered"),
            ("thanks", "closed"),
            ("complaint", "answered"),
            ("suggestion", "open"),
        )
        for i in range(n):
            if i < len(deck):
                kind, status = deck[i]
            else:
                kind = _pick(rng, {"complaint": 35, "suggestion": 35, "thanks": 30})
                status = _pick(
                    rng,
                    {"closed": 70, "open": 30}
                    if kind == "thanks"
                    else {"answered": 50, "closed": 20, "open": 15, "overdue": 15},
                )
            due_days = 3 if kind == "complaint" else 7
            if status == "open":
                age = rng.uniform(0.05, 2) if kind != "thanks" else rng.uniform(0.05, 60)
            elif status == "overdue":
                age = rng.uniform(due_days + 2, 30)
            else:
                age = rng.uniform(2, 80)
            received = _snap(self.now - _days(age))
            if received > self.now - MARGIN:
                received = self.now - MARGIN - _days(rng.uniform(0.05, 0.5))
            answered = _snap(received + _days(rng.uniform(0.2, due_days - 0.5)))
            closed = _snap(answered + _days(rng.uniform(0.1, 3)))
            if kind == "thanks":
                closed = _snap(received + _days(rng.uniform(0.05, 2)))
            assignee = None
            if kind != "thanks" or rng.random() < 0.2:
                assignee = _pick(
                    rng,
                    {Role.SUPERVISOR: 55, Role.RECEPTIONIST: 25, Role.RESEARCHER: 20, None: 10},
                )
            fam = self._any_family(pool, received) if rng.random() < 0.85 else None
            channel = _pick(rng, {"phone": 35, "interview": 30, "website": 12, "help_request": 13})
            body = rng.choice(cat.CONTACT_SUMMARIES[kind])
            answer = rng.choice(FEEDBACK_ANSWERS[kind])
            state: dict[str, str] = {}
            self.add(
                received,
                self._record_feedback(kind, channel, body, fam, assignee, status, state),
            )
            if status in ("answered", "closed") and kind != "thanks" and answered <= self.now:
                self.add(answered, self._feedback_move(state, "answer", assignee, answer))
            if status == "closed" and closed <= self.now:
                self.add(closed, self._feedback_move(state, "close", assignee, ""))

    def _record_feedback(
        self,
        kind: str,
        channel: str,
        body: str,
        fam: _Family | None,
        assignee: Role | None,
        status: str,
        state: dict[str, str],
    ) -> Callable[[], None]:
        def run() -> None:
            view = record_feedback(
                self.past,
                self.role(Role.RECEPTIONIST),
                kind=kind,
                channel=channel,
                text=body,
                beneficiary_id=fam.id if fam else "",
                assigned_to=self.role(assignee).staff_id if assignee else "",
            )
            state["id"], state["status"] = view.id, view.status

        return run

    def _feedback_move(
        self, state: dict[str, str], move: str, assignee: Role | None, answer: str
    ) -> Callable[[], None]:
        def run() -> None:
            who = self.role(assignee or Role.SUPERVISOR)
            if move == "answer":
                view = answer_feedback(self.past, who, state["id"], answer)
            else:
                view = close_feedback(self.past, who, state["id"])
            state["status"] = view.status

        return run

    # Summary ------------------------------------------------------------------------------------
    def summary(self) -> dict[str, Any]:
        ids = [r.id for r in self.requests if r.id]
        statuses: Counter[str] = Counter()
        types: Counter[str] = Counter()
        uncommunicated = 0
        if ids:
            with self.ctx.store.read() as session:
                for i in range(0, len(ids), 500):
                    part = ids[i : i + 500]
                    rows = session.execute(
                        text(
                            "SELECT type, status, decision, communicated_at FROM support_requests "
                            f"WHERE id IN ({', '.join(f':p{j}' for j in range(len(part)))})"
                        ),
                        {f"p{j}": v for j, v in enumerate(part)},
                    )
                    for r in rows:
                        statuses[r.status] += 1
                        types[r.type] += 1
                        uncommunicated += r.decision is not None and r.communicated_at is None
        return {
            "requests": dict(sorted(statuses.items())),
            "request_types": dict(sorted(types.items())),
            "decisions_not_communicated": uncommunicated,
            "referrals": self._table_counts("referrals", "status"),
            "survey_offers": self._table_counts("survey_offers", "status"),
            "surveys": self.surveys,
            "feedback": self._table_counts("feedback", "status"),
            "staff": sorted(a.username for a in self.actors.values()),
        }

    def _table_counts(self, table: str, column: str) -> dict[str, int]:
        with self.ctx.store.read() as session:
            rows = session.execute(
                text(
                    f"SELECT {column}, count(*) FROM {table} WHERE deleted_at IS NULL "
                    f"GROUP BY {column} ORDER BY {column}"
                )
            ).all()
        return {r[0]: r[1] for r in rows}


def _submitted_at(req: _Request, entered: dt.datetime) -> dt.datetime:
    """When the request was submitted: when entered, or, for a paper request typed in after
    the fact, a working moment some days before."""
    if not req.flags["back_entered"]:
        return entered
    at = _snap(entered - _days(req.lags["paper"]))
    return at if at < entered - _days(0.5) else entered - _days(req.lags["paper"])


def _returns(req: _Request) -> bool:
    """The applicant comes back another day with the rest of the papers, then submits."""
    return req.status != "draft" and not req.flags["same_visit"] and not req.flags["back_entered"]


def _db_time(value: dt.datetime) -> str:
    """SQLAlchemy's SQLite storage format for a UTC datetime."""
    return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ", "microseconds")
