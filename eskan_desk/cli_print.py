"""``eskan print declaration|request-form|receipt REQUEST --out FILE.pdf``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from eskan_desk.i18n import _
from eskan_desk.services.files import write_atomically

KINDS = ("declaration", "request-form", "receipt")  # same as services.print_jobs.KINDS


def cmd_print(args: argparse.Namespace, context: Callable[..., Any]) -> int:
    from eskan_desk.services.print_jobs import render

    ctx = context(args)
    try:
        pdf = render(ctx, args.kind, args.request)
    finally:
        ctx.close()
    write_atomically(args.out, pdf)
    if args.json:
        import json

        json.dump(
            {"kind": args.kind, "request": args.request, "out": str(args.out), "bytes": len(pdf)},
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
    """Add ``eskan print KIND REQUEST --out FILE`` to the parser."""
    sp = add(
        sub,
        "print",
        lambda args: cmd_print(args, context),
        _("print a request's declaration, support request form or receipt to a PDF file"),
    )
    sp.add_argument("kind", choices=KINDS, help=_("which document"))
    sp.add_argument("request", metavar="REQUEST", help=_("request id or number"))
    sp.add_argument(
        "--out", type=Path, required=True, metavar="FILE.pdf", help=_("the PDF file to write")
    )
