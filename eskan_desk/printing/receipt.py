"""The receipt handed to the applicant when the request is submitted.

Policy, "Handling a beneficiary" step 5: the request goes to the research committee, which
answers no sooner than two weeks after submission; the association tells the beneficiary the
answer without their having to ask. The receipt says both, with the earliest date in the Hijri
and the Gregorian calendar.
"""

from __future__ import annotations

from reportlab.lib.pagesizes import A5
from reportlab.platypus import Flowable

from eskan_desk.domain.markers import N_
from eskan_desk.printing.data import ReceiptDoc
from eskan_desk.printing.layout import (
    BODY,
    Ctx,
    build_for_request,
    content_width,
    fields,
    title_block,
)
from eskan_desk.printing.sections import gap, national_id_text, submitted_text

TITLE = N_("Request receipt")
FORM_VERSION = "RC-1"
ANSWER = N_("The research committee will answer on or after:")
CONTACT = N_("The association will contact you with the answer; you do not need to ask.")
DECIDED = N_("The committee's decision: {decision}, on {date}.")


def render_receipt(doc: ReceiptDoc) -> bytes:
    """Render the receipt (A5).

    Args:
        doc: The applicant and the submitted request, with its earliest decision date.

    Returns:
        The PDF.
    """
    ctx = Ctx.of(doc.lang)
    width = content_width(A5)
    p, r = doc.person, doc.request
    pairs = [
        (ctx.t(N_("Request type")), r.type_label),
        (ctx.t(N_("Submitted on")), submitted_text(ctx, r)),
        (ctx.t(N_("Full name")), p.full_name),
        (ctx.t(N_("National ID / iqama")), national_id_text(ctx, p)),
    ]
    story: list[Flowable] = [
        *title_block(ctx, ctx.t(TITLE), doc.printed_at, r.number),
        fields(ctx, pairs, width, per_row=1),
        gap(4),
    ]
    if r.earliest_decision_date:
        # the date on a line of its own: never broken across lines, read at a glance
        story += [
            ctx.p(ctx.t(ANSWER), BODY + 1),
            ctx.p(ctx.date(r.earliest_decision_date), BODY + 2, bold=True, align="center"),
            gap(2),
        ]
    if r.decision_label and r.decided_on:
        # A receipt printed again after the decision says it, instead of a wait long over.
        decided = ctx.t(DECIDED, decision=r.decision_label, date=ctx.date(r.decided_on))
        story.append(ctx.p(decided, BODY + 1, bold=True))
    else:
        story.append(ctx.p(ctx.t(CONTACT), BODY + 1))
    return build_for_request(
        ctx, story, doc, title=ctx.t(TITLE), form_version=FORM_VERSION, pagesize=A5
    )
