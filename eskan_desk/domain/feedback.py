"""Satisfaction surveys and suggestions, complaints and thanks (متطلباتهم ومقترحاتهم): their
states, the 1-5 scores, due dates, and who may answer.

POLICY.md: measuring satisfaction (قياس رضا المستفيد) raises quality; rating the service is the
beneficiary's right and a tool for improvement, *not* for punishment or shaming. So a survey names
no employee, may be anonymous, and an offer is tracked from the moment it is made, so the response
rate counts the beneficiaries who said no as well. Pure values and rules, no I/O.
"""

from __future__ import annotations

import datetime as dt

from eskan_desk.domain.digits import to_latin_digits
from eskan_desk.domain.enums import LabeledEnum, Role
from eskan_desk.domain.errors import FIELD_LABELS, PermissionDeniedError, ValidationError
from eskan_desk.domain.markers import N_
from eskan_desk.domain.permissions import Action, can
from eskan_desk.domain.text import remove_invisible

MIN_SCORE, MAX_SCORE = 1, 5
MAX_COMMENT = 2000
MAX_FEEDBACK_TEXT = 4000
MAX_ANSWER = 4000
# What a survey asks, in the order the kiosk asks it.
DIMENSIONS = ("courtesy", "speed", "clarity", "overall")


class _FeedbackEnum(LabeledEnum):
    @property
    def label(self) -> str:
        """The member's English label (a catalog msgid; translate it to show it)."""
        return FEEDBACK_LABELS[type(self)][self]


class SurveyStatus(_FeedbackEnum):
    """Where an offered survey stands."""

    OFFERED = "offered"
    DECLINED = "declined"
    ANSWERED = "answered"


class FeedbackKind(_FeedbackEnum):
    SUGGESTION = "suggestion"  # مقترح
    COMPLAINT = "complaint"  # شكوى
    THANKS = "thanks"  # شكر


class FeedbackStatus(_FeedbackEnum):
    OPEN = "open"
    ANSWERED = "answered"
    CLOSED = "closed"


FEEDBACK_LABELS: dict[type[LabeledEnum], dict[LabeledEnum, str]] = {
    SurveyStatus: {
        SurveyStatus.OFFERED: N_("Survey offered"),
        SurveyStatus.DECLINED: N_("Survey declined"),
        SurveyStatus.ANSWERED: N_("Survey answered"),
    },
    FeedbackKind: {
        FeedbackKind.SUGGESTION: N_("Suggestion"),
        FeedbackKind.COMPLAINT: N_("Complaint"),
        FeedbackKind.THANKS: N_("Thanks"),
    },
    FeedbackStatus: {
        FeedbackStatus.OPEN: N_("Awaiting an answer"),
        FeedbackStatus.ANSWERED: N_("Answered"),
        # Not the requests' "Closed": Arabic says it as a verb here (تم الإغلاق), whatever the kind.
        FeedbackStatus.CLOSED: N_("Feedback closed"),
    },
}

# The words under each score on the kiosk, best first: ممتاز، جيد جدًا، جيد، مقبول، ضعيف.
# Not "Good"/"Fair"/"Poor": those are a building's condition, feminine in Arabic (حالة جيدة).
SCORE_LABELS: dict[int, str] = {
    5: N_("Excellent"),
    4: N_("Very good"),
    3: N_("Satisfactory"),
    2: N_("Acceptable"),
    1: N_("Weak"),
}

# Days to answer, counted from the day it was received; None: no due date unless one is given.
# Calendar days, kept simple on purpose: a complaint received on a Thursday is due on Sunday.
DEFAULT_DUE_DAYS: dict[FeedbackKind, int | None] = {
    FeedbackKind.COMPLAINT: 3,
    FeedbackKind.SUGGESTION: 7,
    FeedbackKind.THANKS: None,
}

# Still waiting on someone: the dashboard and the overdue list show these.
WAITING = frozenset({FeedbackStatus.OPEN})


def validate_score(value: int | str | None, field: str) -> int:
    """Read one survey score, 1 (poor) to 5 (excellent).

    Args:
        value: An int, or text with Latin or Arabic-Indic digits (``"٤"``).
        field: Field code reported in a :class:`ValidationError` (``courtesy``, ``speed``, ...).

    Returns:
        The score as an int.

    Raises:
        ValidationError: Missing, not a whole number, or outside 1-5.
    """
    if isinstance(value, bool):  # True is an int to Python, not a score to anyone
        raise ValidationError(field, N_("must be a whole number from 1 to 5"))
    if isinstance(value, int):
        score = value
    else:
        text = to_latin_digits(remove_invisible(value or "")).strip()
        if not text:
            raise ValidationError(field, N_("is required"))
        if not text.isascii() or not text.isdigit():
            raise ValidationError(field, N_("must be a whole number from 1 to 5"))
        score = int(text)
    if not MIN_SCORE <= score <= MAX_SCORE:
        raise ValidationError(field, N_("must be a whole number from 1 to 5"))
    return score


def default_due_on(kind: FeedbackKind | str, received_on: dt.date) -> dt.date | None:
    """The day an answer is due when nobody chose one.

    Args:
        kind: The feedback's kind.
        received_on: The Riyadh date it was received.

    Returns:
        ``received_on`` plus :data:`DEFAULT_DUE_DAYS` of the kind, or None (thanks).
    """
    days = DEFAULT_DUE_DAYS[FeedbackKind(kind)]
    return None if days is None else received_on + dt.timedelta(days=days)


def check_survey_open(status: SurveyStatus | str) -> None:
    """An offer is answered or declined once, and only while it is still offered.

    Raises:
        ValidationError: On field ``survey_offer``: already answered or declined.
    """
    current = SurveyStatus(status)
    if current is SurveyStatus.ANSWERED:
        raise ValidationError("survey_offer", N_("has already been answered"))
    if current is SurveyStatus.DECLINED:
        raise ValidationError("survey_offer", N_("was declined by the beneficiary"))


def may_answer(role: Role | str, *, actor_id: str, assigned_to: str | None) -> bool:
    """Whether a staff member may answer or close a feedback item.

    The roles of ``Action.ANSWER_FEEDBACK`` (supervisors, administrators) may answer any;
    anyone else only what is assigned to them.
    """
    return can(role, Action.ANSWER_FEEDBACK) or bool(actor_id and actor_id == assigned_to)


def check_may_answer(role: Role | str, *, actor_id: str, assigned_to: str | None) -> None:
    """Refuse a staff member who is neither the assignee nor a supervisor or administrator.

    Raises:
        PermissionDeniedError: They may not answer or close it.
    """
    if not may_answer(role, actor_id=actor_id, assigned_to=assigned_to):
        raise PermissionDeniedError(
            N_(
                "Only the staff member it is assigned to, a supervisor or an administrator "
                "may answer or close it."
            )
        )


def check_answerable(status: FeedbackStatus | str) -> None:
    """Only open feedback is answered; an answer, once given, is not rewritten.

    Raises:
        ValidationError: On field ``feedback_status``: already answered or closed.
    """
    if FeedbackStatus(status) is not FeedbackStatus.OPEN:
        raise ValidationError(
            "feedback_status",
            N_("is {status}: only open feedback can be answered"),
            {"status": FeedbackStatus(status)},
        )


def check_closable(kind: FeedbackKind | str, status: FeedbackStatus | str) -> None:
    """Suggestions and complaints are answered before they are closed (the policy answers
    them); thanks may be closed as they are.

    Raises:
        ValidationError: On field ``feedback_status``: already closed, or not answered yet.
    """
    current = FeedbackStatus(status)
    if current is FeedbackStatus.CLOSED:
        raise ValidationError("feedback_status", N_("is already closed"))
    if current is FeedbackStatus.OPEN and FeedbackKind(kind) is not FeedbackKind.THANKS:
        raise ValidationError("feedback_status", N_("must be answered before it is closed"))


def is_overdue(status: FeedbackStatus | str, due_on: dt.date | None, today: dt.date) -> bool:
    """Open, with a due date before ``today``."""
    return FeedbackStatus(status) in WAITING and due_on is not None and due_on < today


# Field codes these rules report; registered beside the others so errors name them.
FEEDBACK_FIELD_LABELS: dict[str, str] = {
    "courtesy": N_("Courtesy"),
    "speed": N_("Speed"),
    "clarity": N_("Clarity"),
    "overall": N_("Overall satisfaction"),
    "comment": N_("Comment"),
    "survey_offer": N_("Survey"),
    "contact": N_("Contact"),
    "feedback": N_("Suggestion or complaint"),
    "feedback_kind": N_("Type"),
    "feedback_status": N_("Status"),
    "feedback_text": N_("Text"),
    "assigned_to": N_("Assigned to"),
    "due_on": N_("Due date"),
    "answer": N_("Answer"),
    "kiosk_pin": N_("Kiosk PIN"),
    "date": N_("Date"),
}
for _code, _label in FEEDBACK_FIELD_LABELS.items():
    FIELD_LABELS.setdefault(_code, _label)
