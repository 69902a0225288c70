"""Arabic text for ReportLab: letters joined, lines right to left, text searchable.

ReportLab lays out right-to-left paragraphs (``wordWrap='RTL'``) only when a module named
``rlbidi`` can be imported, and that module is not on PyPI. This module provides it, built on
python-bidi's pure-Python algorithm (which, unlike its Rust ``get_display``, mirrors brackets),
and registers it in :data:`sys.modules` *before* anything imports ReportLab: ReportLab checks
for it once, at import time. Every module of this package imports this one first.

Letters are joined by :func:`shape` (arabic-reshaper, to presentation forms, harakat kept);
ReportLab's own HarfBuzz shaping is left off, because it writes private-use code points that no
PDF reader can search.
"""

from __future__ import annotations

import sys
import types
from functools import lru_cache
from typing import Any
from unicodedata import bidirectional

from bidi import algorithm as _bidi

_PARAGRAPH_LEVELS = {"LTR": 0, "RTL": 1}


def log2vis(
    text: str,
    base_direction: str | None = None,
    clean: bool = True,
    positions_V_to_L: list[int] | None = None,  # noqa: N803 - rlbidi's keyword
) -> str:
    """Reorder ``text`` from logical to visual order (the ``rlbidi.log2vis`` ReportLab calls).

    Args:
        text: One paragraph in logical order.
        base_direction: ``"RTL"``, ``"LTR"`` or None (from the first strong character).
        clean: Accepted for ReportLab; explicit bidi controls are always dropped (rule X9).
        positions_V_to_L: If given, filled with the logical index of each visual character.

    Returns:
        The text in visual order, brackets mirrored.
    """
    visual, positions = _reorder(text, (base_direction or "").upper())
    if positions_V_to_L is not None:
        positions_V_to_L[:] = positions
    return visual


# Bidi classes of a text that, in a right-to-left paragraph, is simply read backwards: every
# character resolves to level 1 and nothing mirrors (most Arabic names, places and labels).
_PLAIN_RTL = frozenset({"AL", "R", "WS"})


@lru_cache(maxsize=8192)
def _reorder(text: str, direction: str) -> tuple[str, tuple[int, ...]]:
    """The pure-Python algorithm, cached: ReportLab asks again for every wrap of a cell."""
    if direction == "RTL" and all(bidirectional(ch) in _PLAIN_RTL for ch in text):
        return text[::-1], tuple(range(len(text) - 1, -1, -1))
    return _bidi_reorder(text, direction)


def _bidi_reorder(text: str, direction: str) -> tuple[str, tuple[int, ...]]:
    """python-bidi's pure-Python algorithm: the visual text, and each character's origin."""
    storage = _bidi.get_empty_storage()
    level = _PARAGRAPH_LEVELS.get(direction)
    storage["base_level"] = _bidi.get_base_level(text) if level is None else level
    storage["base_dir"] = ("L", "R")[storage["base_level"]]
    _bidi.get_embedding_levels(text, storage)
    for index, char in enumerate(storage["chars"]):
        char["index"] = index
    _bidi.explicit_embed_and_overrides(storage)
    _bidi.resolve_weak_types(storage)
    _bidi.resolve_neutral_types(storage, False)
    _bidi.resolve_implicit_levels(storage, False)
    _brackets_follow_their_words(storage["chars"], storage["base_level"])
    _bidi.reorder_resolved_levels(storage, False)
    _bidi.apply_mirroring(storage, False)
    chars = storage["chars"]
    return "".join(char["ch"] for char in chars), tuple(char["index"] for char in chars)


_OPENING = {"(": ")", "[": "]", "{": "}"}
_STRONG = {"L": "L", "R": "R", "AL": "R", "EN": "R", "AN": "R"}  # numbers count as R (N0)


def _brackets_follow_their_words(chars: list[dict[str, Any]], base_level: int) -> None:
    """Give a bracket pair around a run of the other direction that run's level.

    In an Arabic paragraph, ``(Ejar 2012)`` is a left-to-right island whose brackets resolve
    right to left (rule N0), so each bracket is drawn beside the *other* word: the mirrored
    ")" left of "Ejar", the "(" right of "2012". That is correct bidi, but ReportLab maps
    visual words back to logical ones by their first letter and so prints "2012) 2012)" once a
    bracketed run has two words. At the run's own level the brackets are drawn the same, each
    beside its own word, and ReportLab's mapping holds. Only pairs whose strong letters are
    all of the other direction change."""
    base = "R" if base_level % 2 else "L"
    stack: list[tuple[str, int]] = []
    for index, char in enumerate(chars):
        ch = char["ch"]
        if ch in _OPENING:
            stack.append((_OPENING[ch], index))
        elif stack and ch == stack[-1][0]:
            _, start = stack.pop()
            inner = chars[start + 1 : index]
            # Letters and numbers inside, as resolved (digits after Latin count as Latin).
            typed = [c for c in inner if c["orig"] in _STRONG]
            strong = {_STRONG.get(c["type"], "R") for c in typed}
            if strong and base not in strong:
                level = min(c["level"] for c in typed)
                chars[start]["level"] = chars[index]["level"] = level


def _register_rlbidi() -> None:
    """Make ``import rlbidi`` find :func:`log2vis`; harmless when done twice."""
    if "reportlab.pdfgen.textobject" in sys.modules and "rlbidi" not in sys.modules:
        raise RuntimeError("eskan_desk.printing must be imported before reportlab")
    if "rlbidi" not in sys.modules:
        module = types.ModuleType("rlbidi", "python-bidi behind ReportLab's rlbidi interface")
        module.log2vis = log2vis  # type: ignore[attr-defined]
        sys.modules["rlbidi"] = module


_register_rlbidi()

# ReportLab is imported only now, after rlbidi is in place.
import arabic_reshaper  # noqa: E402
from reportlab import rl_config  # noqa: E402
from reportlab.lib.enums import TA_LEFT, TA_RIGHT  # noqa: E402
from reportlab.lib.styles import ParagraphStyle  # noqa: E402

from eskan_desk.printing.fonts import BOLD, REGULAR, register_fonts  # noqa: E402

# Binary streams instead of ASCII85 text: a quarter smaller and faster to write; nothing
# here needs 7-bit-clean PDFs.
rl_config.useA85 = 0


class _SettledConfig:
    """The reshaper's settings, each read once: ``reshape`` asks configparser for six of them
    on every call, which was a third of its time."""

    def __init__(self, section: Any) -> None:
        self._section = section
        self._flags: dict[str, bool] = {}

    def getboolean(self, key: str) -> bool:
        flag = self._flags.get(key)
        if flag is None:
            flag = self._flags[key] = self._section.getboolean(key)
        return flag

    def __getattr__(self, name: str) -> Any:
        return getattr(self._section, name)


_RESHAPER = arabic_reshaper.ArabicReshaper(
    configuration={
        "delete_harakat": False,  # a name written with a shadda keeps it
        "shift_harakat_position": False,
        "support_ligatures": True,  # lam-alef must be one glyph
        "ARABIC LIGATURE ALLAH": False,  # keep عبدالله as letters: searchable as typed
    }
)
_RESHAPER.configuration = _SettledConfig(_RESHAPER.configuration)


@lru_cache(maxsize=4096)
def shape(text: str) -> str:
    """Join Arabic letters (presentation forms) in logical order, ready for an RTL paragraph.

    Args:
        text: Any text; Latin letters, digits and punctuation pass through unchanged.

    Returns:
        The shaped text, still in logical order (ReportLab's bidi pass reorders it per line).
    """
    return _RESHAPER.reshape(text) if text else text


def escape(text: str) -> str:
    """Escape ``&``, ``<`` and ``>`` for ReportLab's paragraph markup."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def markup(text: str) -> str:
    """Shaped and escaped: what goes into a :class:`~reportlab.platypus.Paragraph`."""
    return escape(shape(text))


@lru_cache(maxsize=64)
def style(
    rtl: bool = True, size: float = 10, *, bold: bool = False, align: str | None = None
) -> ParagraphStyle:
    """A paragraph style in Amiri, right to left or left to right (cached: styles are shared).

    Args:
        rtl: Right-to-left layout (Arabic) or left-to-right (English).
        size: Font size in points; leading is 1.4 times it (Arabic needs the height).
        bold: Amiri Bold.
        align: ``"left"``, ``"right"``, ``"center"``; default is where lines start.

    Returns:
        A :class:`ParagraphStyle`.
    """
    register_fonts()
    alignment = {"left": TA_LEFT, "right": TA_RIGHT, "center": 1}.get(
        align or "", TA_RIGHT if rtl else TA_LEFT
    )
    return ParagraphStyle(
        name=f"eskan-{'rtl' if rtl else 'ltr'}-{size}-{bold}-{alignment}",
        fontName=BOLD if bold else REGULAR,
        fontSize=size,
        leading=size * 1.4,
        alignment=alignment,
        wordWrap="RTL" if rtl else "LTR",
    )
