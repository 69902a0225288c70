"""Amiri, registered once with ReportLab: one font with both Arabic and Latin letters.

ReportLab does no font fallback, so the documents use a single family that covers both scripts
(the UI pairs Noto fonts instead). Amiri is OFL-licensed and bundled in ``resources/fonts``.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

FONTS_DIR = Path(__file__).resolve().parents[2] / "resources" / "fonts"
REGULAR = "Amiri"
BOLD = "Amiri-Bold"


@cache
def register_fonts() -> None:
    """Register Amiri Regular and Bold (and the family, so ``<b>`` works); done once."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont(REGULAR, str(FONTS_DIR / "Amiri-Regular.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(FONTS_DIR / "Amiri-Bold.ttf")))
    for bold, italic, name in ((0, 0, REGULAR), (1, 0, BOLD), (0, 1, REGULAR), (1, 1, BOLD)):
        addMapping(REGULAR, bold, italic, name)
