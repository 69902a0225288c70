"""The command lines' parser: a mistake in a command is one line in the UI language.

argparse words its own messages in English and prints the whole usage before them. The
command-line contract asks for one line naming the option and the rule, in the UI language,
so :class:`Parser` prints that line alone, and :func:`use_catalog` has argparse look its
messages up in the app's catalog (argparse translates through its module's ``_``).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any, NoReturn

from eskan_desk import i18n
from eskan_desk.i18n import N_

EXIT_USAGE = 2

# argparse's messages for a mistaken command line and --help's headings (CPython 3.11's
# texts, placeholders as argparse fills them), marked for the catalog. Messages for a mistake
# in the parser itself stay argparse's own.
ARGPARSE_MESSAGES = (
    N_("argument %(argument_name)s: %(message)s"),
    N_("invalid %(type)s value: %(value)r"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("the following arguments are required: %s"),
    N_("unrecognized arguments: %s"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("ignored explicit argument %r"),
    N_("one of the arguments %s is required"),
    N_("not allowed with argument %s"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("can't open '%(filename)s': %(error)s"),
    N_("unknown parser %(parser_name)r (choices: %(choices)s)"),
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
)


def use_catalog() -> None:
    """Have argparse word its messages from the app's catalog, in the current language."""
    argparse._ = i18n.gettext  # type: ignore[attr-defined]


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose error is one line (its subcommands' parsers are too)."""

    def error(self, message: str) -> NoReturn:
        # Translators: the command, argparse's message (option and rule), then a hint.
        line = i18n.gettext("{prog}: {message} (see: {prog} --help)")
        print(line.format(prog=self.prog, message=message), file=sys.stderr)
        sys.exit(EXIT_USAGE)


def add_language(parser: argparse.ArgumentParser) -> None:
    """``--lang ar|en``, as every command takes it."""
    parser.add_argument(
        "--lang",
        choices=i18n.LANGUAGES,
        default=argparse.SUPPRESS,
        help=i18n.gettext("language of messages (default: ESKAN_LANG or ar)"),
    )


def program(prog: str, description: str, common: argparse.ArgumentParser) -> tuple[Parser, Any]:
    """A command's top parser with ``--version``, and its subcommands' parser."""
    from eskan_desk import __version__

    p = Parser(prog=prog, parents=[common], description=description)
    p.add_argument(
        "--version",
        action="version",
        version=f"{prog} {__version__}",
        help=i18n.gettext("show the version and exit"),
    )
    return p, p.add_subparsers(dest="command", required=True, metavar="COMMAND")


def start_language(argv: list[str]) -> None:
    """The UI language before the command line is parsed, so that a mistake in it is told in
    that language: ``--lang X`` or ``--lang=X`` if given, else ``ESKAN_LANG``, else Arabic."""
    import os

    lang = os.environ.get("ESKAN_LANG") or i18n.DEFAULT_LANGUAGE
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            lang = argv[i + 1]
        elif arg.startswith("--lang="):
            lang = arg.split("=", 1)[1]
    i18n.set_language(lang if lang in i18n.LANGUAGES else i18n.DEFAULT_LANGUAGE)
    use_catalog()
