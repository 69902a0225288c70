"""Digit conversion between Latin (0-9) and Arabic-Indic digits.

Input anywhere in the app accepts Latin, Arabic-Indic (٠١٢٣٤٥٦٧٨٩, U+0660..U+0669) and Extended
Arabic-Indic / Persian (۰۱۲۳۴۵۶۷۸۹, U+06F0..U+06F9) digits; values are stored with Latin digits.
Display uses Latin or Arabic-Indic digits, as the user's setting says.
"""

from __future__ import annotations

from typing import Literal

DigitStyle = Literal["latin", "arab"]

LATIN_DIGITS = "0123456789"
ARABIC_INDIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"
EXTENDED_ARABIC_INDIC_DIGITS = "۰۱۲۳۴۵۶۷۸۹"

_TO_LATIN = str.maketrans(
    ARABIC_INDIC_DIGITS + EXTENDED_ARABIC_INDIC_DIGITS, LATIN_DIGITS + LATIN_DIGITS
)
_TO_ARABIC = str.maketrans(LATIN_DIGITS, ARABIC_INDIC_DIGITS)


def to_latin_digits(s: str) -> str:
    """Replace Arabic-Indic and Extended Arabic-Indic digits by Latin digits.

    Args:
        s: Any text; characters other than those digits are kept as they are.

    Returns:
        The text with every Arabic-Indic or Persian digit replaced by 0-9.
    """
    return s.translate(_TO_LATIN)


def to_arabic_digits(s: str) -> str:
    """Replace Latin digits by Arabic-Indic digits (٠-٩), for display.

    Args:
        s: Any text; characters other than 0-9 are kept as they are.

    Returns:
        The text with every Latin digit replaced by its Arabic-Indic form.
    """
    return s.translate(_TO_ARABIC)


def localize_digits(s: str, digits: DigitStyle) -> str:
    """Render the digits of ``s`` in the display style the user chose.

    Args:
        s: Text whose digits are Latin (or Arabic-Indic).
        digits: ``"latin"`` for 0-9, ``"arab"`` for Arabic-Indic digits.

    Returns:
        The text with its digits in the requested style.

    Raises:
        ValueError: ``digits`` is neither ``"latin"`` nor ``"arab"``.
    """
    if digits == "latin":
        return to_latin_digits(s)
    if digits == "arab":
        return to_arabic_digits(to_latin_digits(s))
    raise ValueError(f"unknown digit style {digits!r}")
