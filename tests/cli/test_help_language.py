"""``--help`` speaks the UI language: every option of the three commands is explained in it."""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator

import pytest

from eskan_desk import cli, cli_hq, i18n
from eskan_desk.cli_parser import start_language
from eskan_desk.ui import main as desk_main

# Help that is only codes the command takes (``whatsapp, x, ...``): the same in every language.
CODES_ONLY = re.compile(r"[a-z0-9_, .…]+")


def _parsers(build) -> Iterator[tuple[str, argparse.ArgumentParser]]:
    def walk(parser: argparse.ArgumentParser, path: str):
        yield path, parser
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    yield from walk(sub, f"{path} {name}")

    yield from walk(build(), build().prog)


def _helps(build, lang: str) -> dict[tuple[str, str], str]:
    start_language(["--lang", lang])
    out = {}
    for path, parser in _parsers(build):
        out[(path, "description")] = parser.description or ""
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for choice in action._choices_actions:
                    out[(path, f"command {choice.dest}")] = choice.help or ""
            else:
                out[(path, "/".join(action.option_strings) or action.dest)] = action.help or ""
    return out


@pytest.mark.parametrize("build", [cli.build_parser, cli_hq.build_parser, desk_main.build_parser])
def test_every_option_is_explained_in_arabic(build):
    try:
        english, arabic = _helps(build, "en"), _helps(build, "ar")
    finally:
        i18n.set_language("ar")
    assert english.keys() == arabic.keys()
    missing = [key for key, text in english.items() if not text and key[1] != "description"]
    assert not missing, missing  # every option and command says what it is for
    untranslated = [
        (key, text)
        for key, text in english.items()
        if text and arabic[key] == text and not CODES_ONLY.fullmatch(text)
    ]
    assert not untranslated, untranslated


def test_help_headings_are_arabic(capsys):
    start_language(["--lang", "ar"])
    parser = cli.build_parser()
    text = parser.format_help()
    assert text.startswith("الاستخدام: eskan")
    assert "\nالخيارات:\n" in text and "\nالمعاملات:\n" in text
    assert "عرض هذه المساعدة ثم الخروج" in text
    assert not re.search(r"\b(usage|options|positional arguments)\b", text)
