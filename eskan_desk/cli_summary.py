"""``eskan summary --week DATE --format pdf|xlsx|csv|json --out FILE``: the branch's weekly summary.

``--out -`` writes JSON to standard output (the only format that is text); any other path is
written whole or not at all, so a failed run leaves no half-written file behind.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from eskan_desk.domain.errors import ValidationError
from eskan_desk.domain.markers import N_
from eskan_desk.i18n import _

FORMATS = ("pdf", "xlsx", "csv", "json")  # same as reports.export.FORMATS


def cmd_summary(args: argparse.Namespace, context: Callable[..., Any]) -> int:
    from eskan_desk.domain.dates import riyadh_today
    from eskan_desk.reports.export import render_summary
    from eskan_desk.reports.summary import parse_week, summary_for
    from eskan_desk.services.files import check_destination, write_atomically
    from eskan_desk.services.staff import resolve_actor

    to_stdout = str(args.out) == "-"
    if to_stdout and args.format != "json":
        raise ValidationError("out", N_("'-' (standard output) is for --format json only"))
    if not to_stdout:
        check_destination(Path(args.out))
    ctx = context(args)
    try:
        week = parse_week(args.week, today=riyadh_today(ctx.now()))
        summary = summary_for(ctx, resolve_actor(ctx, args.user), week)
        data = render_summary(ctx, summary, args.format)
    finally:
        ctx.close()
    if to_stdout:
        sys.stdout.write(data.decode("utf-8"))
        return 0
    write_atomically(Path(args.out), data)
    if args.json:
        import json

        json.dump(
            {
                "week_start": summary.week_start.isoformat(),
                "week_end": summary.week_end.isoformat(),
                "format": args.format,
                "out": str(args.out),
                "bytes": len(data),
            },
            sys.stdout,
            ensure_ascii=False,
        )
        sys.stdout.write("\n")
    else:
        print(_("Written: {path}").format(path=args.out))
    return 0


def register(
    sub: Any, add: Callable[..., argparse.ArgumentParser], context: Callable[..., Any]
) -> None:
    """Add ``eskan summary --week DATE --format FORMAT --out FILE`` to the parser."""
    sp = add(
        sub,
        "summary",
        lambda args: cmd_summary(args, context),
        _("the branch's summary of the Sunday-Saturday week holding DATE, to a file"),
    )
    sp.add_argument(
        "--week", required=True, metavar="DATE", help=_("any date of the week, YYYY-MM-DD")
    )
    sp.add_argument("--format", required=True, choices=FORMATS, help=_("file format"))
    sp.add_argument(
        "--out", required=True, metavar="FILE", help=_("the file to write; '-' prints the JSON")
    )
