"""The Arabic catalog is complete and covers every string the code marks for translation."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "translations" / "ar" / "LC_MESSAGES" / "messages.po"
PLACEHOLDER = re.compile(r"\{[^}]*\}")


KEYWORDS = {
    "_": None,
    "N_": None,
    "gettext": None,
    "pgettext": ((1, "c"), 2),
    "NP_": ((1, "c"), 2),
}


def source_entries() -> set[tuple[str | None, str]]:
    """(context, message) of every string the code marks; the context is None for most."""
    found = set()
    for _file, _line, message, _comments, context in extract_from_dir(
        str(ROOT / "eskan_desk"), keywords=KEYWORDS
    ):
        found.add((context, message if isinstance(message, str) else message[0]))
    return found


def source_messages() -> set[str]:
    return {message for _context, message in source_entries()}


def catalog():
    with PO.open("rb") as fh:
        return read_po(fh, locale="ar")


def test_every_marked_string_is_in_the_arabic_catalog():
    ids = {(m.context, m.id) for m in catalog() if m.id}
    missing = sorted(source_entries() - ids, key=str)
    assert missing == [], "run 'make translations' and translate: " + repr(missing[:10])


def test_every_message_is_translated_with_its_placeholders():
    problems = []
    for m in catalog():
        if not m.id:
            continue
        if not m.string or m.fuzzy:
            problems.append(("untranslated", m.id))
        elif set(PLACEHOLDER.findall(m.id)) != set(PLACEHOLDER.findall(m.string)):
            problems.append(("placeholders", m.id))
        elif not re.search(r"[\u0600-\u06FF]", m.string) and m.id != "{field}: {rule}":
            problems.append(("not Arabic", m.id))
    assert problems == []


def test_the_extraction_itself_finds_known_strings():
    assert "must be 10 digits, got {length}" in source_messages()
    assert ("of a woman", "Divorced") in source_entries()
