"""Cleaning free text and validating the parts of a person's name.

Decision: invisible characters are *stripped silently*, not refused. Names and numbers copied out
of WhatsApp, web pages or Word carry bidi marks (U+200F RIGHT-TO-LEFT MARK above all), zero-width
joiners and BOMs that the user cannot see and could not remove; refusing them would leave the user
staring at a correct-looking value. What is stripped: every format (Cf) and control (Cc) character
-- this covers the bidi controls U+200E, U+200F, U+202A..U+202E, U+2066..U+2069, U+061C, the
zero-width characters U+200B..U+200D, U+2060, U+FEFF and the soft hyphen -- and lone surrogates
(Cs), which cannot be stored as UTF-8. Newline and tab survive only in multi-line text. All other
white space (no-break space, thin space, ...) becomes a plain space and runs of spaces collapse to
one. The result is NFC-normalised, so the same name typed twice compares equal.
"""

from __future__ import annotations

import re
import unicodedata
from typing import cast

from eskan_desk.domain.errors import ValidationError
from eskan_desk.domain.markers import N_

NAME_MAX_LEN = 40
NAME_MIN_LETTERS = 2
# Joiners allowed inside a name: hyphen, ASCII apostrophe, right single quotation mark.
NAME_JOINERS = frozenset("-'\u2019")

_DROPPED_CATEGORIES = frozenset({"Cf", "Cc", "Cs"})
_LINE_BREAKS = re.compile(r"\r\n|[\r\u2028\u2029\x0b\x0c\x85]")
_SPACE_RUNS = re.compile(r" {2,}")


def remove_invisible(value: str, *, multiline: bool = False) -> str:
    """Drop format/control characters and turn every other white space into a plain space.

    Args:
        value: Raw text as typed or pasted.
        multiline: Keep newlines (``\\r\\n`` and other line breaks become ``\\n``) and tabs.

    Returns:
        The text without bidi marks, zero-width characters or control characters. Nothing is
        stripped from the ends and spaces are not collapsed.
    """
    if multiline:
        value = _LINE_BREAKS.sub("\n", value)
    kept = "\n\t" if multiline else ""
    out: list[str] = []
    for ch in value:
        if ch in kept:
            out.append(ch)
        elif ch.isspace():
            out.append(" ")
        elif unicodedata.category(ch) not in _DROPPED_CATEGORIES:
            out.append(ch)
    return "".join(out)


def clean_text(
    value: str | None,
    field: str,
    *,
    max_len: int,
    required: bool = False,
    multiline: bool = False,
) -> str | None:
    """Clean a free-text value the way every text field of the app is cleaned.

    Invisible characters are removed (see the module docstring), the text is NFC-normalised,
    runs of spaces collapse to one and the ends are stripped.

    Args:
        value: Raw text, or ``None``.
        field: Field code reported in a :class:`ValidationError`.
        max_len: Largest number of characters allowed after cleaning.
        required: Refuse an empty value instead of returning ``None``.
        multiline: Keep newlines and tabs (notes, summaries).

    Returns:
        The cleaned text, or ``None`` when nothing is left and the field is optional.

    Raises:
        ValidationError: The value is required but empty ("is required"), or too long.
    """
    text = unicodedata.normalize("NFC", remove_invisible(value or "", multiline=multiline))
    text = _SPACE_RUNS.sub(" ", text)
    if multiline:
        text = "\n".join(line.strip(" ") for line in text.split("\n"))
    text = text.strip()
    if not text:
        if required:
            raise ValidationError(field, N_("is required"))
        return None
    if len(text) > max_len:
        raise ValidationError(
            field, N_("must be at most {max} characters"), {"max": max_len, "length": len(text)}
        )
    return text


def _is_name_char(ch: str) -> bool:
    # Combining marks (Arabic harakat, Latin accents left decomposed) belong to the letter before.
    return ch.isalpha() or ch == " " or ch in NAME_JOINERS or unicodedata.category(ch)[0] == "M"


def validate_name_part(value: str | None, field: str) -> str:
    """Validate one part of a four-part name (first, father, grandfather or family name).

    Args:
        value: Raw text of the name part.
        field: Field code, e.g. ``"first_name"``.

    Returns:
        The cleaned name part.

    Raises:
        ValidationError: Empty, longer than 40 characters, containing anything but letters,
            spaces, hyphens and apostrophes, or with fewer than two letters.
    """
    name = cast(str, clean_text(value, field, max_len=NAME_MAX_LEN, required=True))
    if not all(_is_name_char(ch) for ch in name):
        raise ValidationError(field, N_("must contain letters only"))
    if sum(ch.isalpha() for ch in name) < NAME_MIN_LETTERS:
        raise ValidationError(
            field, N_("must have at least {min} letters"), {"min": NAME_MIN_LETTERS}
        )
    return name


def validate_full_name_parts(
    first: str | None, father: str | None, grandfather: str | None, family: str | None
) -> tuple[str, str, str, str]:
    """Validate the four parts of a name: first, father's, grandfather's and family name.

    Args:
        first: First name.
        father: Father's name.
        grandfather: Grandfather's name.
        family: Family name.

    Returns:
        The four cleaned parts, in the same order.

    Raises:
        ValidationError: The first part that breaks a rule, named by its field code
            (``first_name``, ``father_name``, ``grandfather_name`` or ``family_name``).
    """
    return (
        validate_name_part(first, "first_name"),
        validate_name_part(father, "father_name"),
        validate_name_part(grandfather, "grandfather_name"),
        validate_name_part(family, "family_name"),
    )
