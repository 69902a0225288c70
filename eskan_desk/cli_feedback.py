"""``eskan feedback`` and ``eskan surveys``: suggestions, complaints and thanks, and surveys the
beneficiary filled in on paper.

::

    eskan feedback add --kind KIND --channel CHANNEL --text TEXT [--beneficiary ID]
                       [--assign USERNAME] [--due YYYY-MM-DD] [--json]
    eskan feedback list [--status open|answered|closed] [--overdue] [--json]
    eskan feedback answer ITEM --text TEXT [--json]
    eskan feedback close ITEM [--json]
    eskan surveys add --courtesy N --speed N --clarity N --overall N [--comment TEXT]
                      [--anonymous] [--contact ID] [--json]
    eskan surveys stats [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--json]

``ITEM`` is the item's id, or its first characters (at least 8) when no other item shares them.
An item in ``--json`` has the fields of ``services.feedback.FeedbackView``; a survey those of
``services.surveys.SurveyView`` (no employee on it).
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable
from typing import Any

from eskan_desk.cli import _actor, _context, _print_json, with_store
from eskan_desk.domain.dates import RIYADH, parse_iso_datetime, riyadh_today, to_riyadh
from eskan_desk.domain.enums import Channel
from eskan_desk.domain.feedback import FeedbackKind, FeedbackStatus
from eskan_desk.i18n import _

AddCommand = Callable[[Any, str, Callable[[argparse.Namespace], int], str], Any]


def feedback_line(v: Any) -> str:
    """One item on one line: id, kind, status, received, due, assignee, the start of the text."""
    return "\t".join(
        (
            v.id,
            _(FeedbackKind(v.kind).label),
            _(FeedbackStatus(v.status).label) + (" !" if v.overdue else ""),
            to_riyadh(v.received_at).strftime("%Y-%m-%d"),
            v.due_on.isoformat() if v.due_on else "-",
            v.assigned_to_name or "-",
            v.text.replace("\n", " ")[:60],
        )
    )


def _print_item(view: Any, args: argparse.Namespace) -> None:
    if args.json:
        _print_json(view.to_json())
    else:
        print(
            _("{kind} {id}: {status}.").format(
                kind=_(FeedbackKind(view.kind).label),
                id=view.id,
                status=_(FeedbackStatus(view.status).label),
            )
        )


def cmd_feedback_add(args: argparse.Namespace) -> int:
    from eskan_desk.services.feedback import record_feedback

    view = with_store(
        args,
        lambda ctx: record_feedback(
            ctx,
            _actor(ctx, args),
            kind=args.kind,
            channel=args.channel,
            text=args.text,
            beneficiary_id=args.beneficiary or "",
            assigned_to=args.assign or "",
            due_on=args.due or "",
        ),
    )
    _print_item(view, args)
    return 0


def cmd_feedback_list(args: argparse.Namespace) -> int:
    from eskan_desk.services.feedback import list_feedback

    rows = with_store(
        args, lambda ctx: list_feedback(ctx, status=args.status, overdue=args.overdue)
    )
    if args.json:
        _print_json([r.to_json() for r in rows])
        return 0
    for r in rows:
        print(feedback_line(r))
    if not rows:
        print(_("No suggestions or complaints."))
    return 0


def cmd_feedback_answer(args: argparse.Namespace) -> int:
    from eskan_desk.services.feedback import answer_feedback

    view = with_store(
        args, lambda ctx: answer_feedback(ctx, _actor(ctx, args), args.item, args.text)
    )
    _print_item(view, args)
    return 0


def cmd_feedback_close(args: argparse.Namespace) -> int:
    from eskan_desk.services.feedback import close_feedback

    view = with_store(args, lambda ctx: close_feedback(ctx, _actor(ctx, args), args.item))
    _print_item(view, args)
    return 0


def cmd_surveys_add(args: argparse.Namespace) -> int:
    from eskan_desk.services.surveys import record_paper_survey

    view = with_store(
        args,
        lambda ctx: record_paper_survey(
            ctx,
            _actor(ctx, args),
            courtesy=args.courtesy,
            speed=args.speed,
            clarity=args.clarity,
            overall=args.overall,
            comment=args.comment or "",
            anonymous=args.anonymous,
            contact_id=args.contact,
        ),
    )
    if args.json:
        _print_json(view.to_json())
    else:
        print(_("Survey {id} recorded.").format(id=view.id))
    return 0


def _day_start(raw: str) -> dt.datetime:
    return parse_iso_datetime(raw, "date")


def cmd_surveys_stats(args: argparse.Namespace) -> int:
    from eskan_desk.services.surveys import survey_stats

    ctx = _context(args)
    try:
        today = riyadh_today(ctx.now())
        start = (
            _day_start(args.start)
            if args.start
            else dt.datetime.combine(today.replace(day=1), dt.time(), tzinfo=RIYADH)
        )
        end = (
            _day_start(args.end) + dt.timedelta(days=1)
            if args.end
            else dt.datetime.combine(today, dt.time(), tzinfo=RIYADH) + dt.timedelta(days=1)
        )
        stats = survey_stats(ctx, start.astimezone(dt.UTC), end.astimezone(dt.UTC))
    finally:
        ctx.close()
    if args.json:
        _print_json(stats)
        return 0
    rate = stats["response_rate"]
    print(
        _("Offers: {offers}, answered: {answered}, declined: {declined}, responses: {n}.").format(
            offers=stats["offers"],
            answered=stats["answered_offers"],
            declined=stats["declined"],
            n=stats["responses"],
        )
    )
    print(_("Response rate: {rate}").format(rate="-" if rate is None else f"{rate:.0%}"))
    for dim, avg in stats["averages"].items():
        print(f"{dim}\t{'-' if avg is None else f'{avg:.2f}'}")
    return 0


def register(sub: Any, add: AddCommand) -> None:
    """Add ``eskan feedback ...`` and ``eskan surveys ...`` (called from ``cli.build_parser``)."""
    fb = sub.add_parser("feedback", help=_("suggestions, complaints and thanks")).add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    sp = add(fb, "add", cmd_feedback_add, _("record a suggestion, complaint or thanks"))
    sp.add_argument("--kind", required=True, help=", ".join(k.value for k in FeedbackKind))
    sp.add_argument("--channel", required=True, help=", ".join(c.value for c in Channel))
    sp.add_argument("--text", required=True, help=_("what the beneficiary said or wrote"))
    sp.add_argument("--beneficiary", help=_("id, file number or national ID; omit if unnamed"))
    sp.add_argument("--assign", metavar="USERNAME", help=_("the staff member who answers it"))
    sp.add_argument(
        "--due", metavar="DATE", help=_("YYYY-MM-DD (default: complaint 3 days, suggestion 7)")
    )
    sp = add(fb, "list", cmd_feedback_list, _("list suggestions, complaints and thanks"))
    sp.add_argument("--status", help=", ".join(s.value for s in FeedbackStatus))
    sp.add_argument("--overdue", action="store_true", help=_("only open ones past their due date"))
    sp = add(fb, "answer", cmd_feedback_answer, _("record the answer given to the beneficiary"))
    sp.add_argument("item", metavar="ITEM", help=_("id (or its first 8+ characters)"))
    sp.add_argument("--text", required=True, help=_("what the beneficiary was told"))
    sp = add(fb, "close", cmd_feedback_close, _("close an answered item (or thanks)"))
    sp.add_argument("item", metavar="ITEM", help=_("id (or its first 8+ characters)"))

    sv = sub.add_parser("surveys", help=_("satisfaction surveys")).add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    sp = add(sv, "add", cmd_surveys_add, _("type in a survey the beneficiary filled in on paper"))
    for dim in ("courtesy", "speed", "clarity", "overall"):
        sp.add_argument(f"--{dim}", required=True, metavar="N", help=_("1 (weak) to 5 (excellent)"))
    sp.add_argument("--comment", help=_("what the beneficiary wrote, if anything"))
    sp.add_argument("--anonymous", action="store_true", help=_("keep no link to the beneficiary"))
    sp.add_argument("--contact", metavar="ID", help=_("the contact the survey followed"))
    sp = add(sv, "stats", cmd_surveys_stats, _("satisfaction figures (default: this month)"))
    sp.add_argument("--from", dest="start", metavar="DATE", help=_("first day, YYYY-MM-DD"))
    sp.add_argument("--to", dest="end", metavar="DATE", help=_("last day, YYYY-MM-DD"))
