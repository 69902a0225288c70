"""Normalising Arabic (and Latin) text for search.

Names are spelled many ways: with or without hamza on the alef, taa marbuta or haa, alef maqsura
or yaa, with harakat, tatweel, or "عبد الله" in two words. The search index stores
:func:`normalize_for_search` of each name and queries are normalised the same way, so every
spelling finds every other.

What the normalisation does, per character:

* compatibility-decomposes (NFKD), so Arabic presentation forms pasted from PDFs become plain
  letters and the hamza/madda of أ إ آ ؤ ئ becomes a separate combining mark;
* drops every combining mark -- harakat (U+064B..U+065F), superscript alef (U+0670), the hamza and
  madda just split off (so أ إ آ -> ا, ؤ -> و, ئ -> ي) and Latin accents (é -> e);
* drops tatweel (U+0640), Quranic annotation marks (U+06D6..U+06ED) and invisible format
  characters (bidi marks, zero-width joiners);
* folds ٱ -> ا, ة -> ه, ى -> ي, and the Persian forms ی -> ي, ک -> ك; Arabic-Indic digits -> 0-9;
* case-folds Latin (and every cased script);
* turns anything that is neither a letter nor a digit into a space.

Decision: a standalone hamza (ء) is *kept*: "جزء" and "جز" are different words, and the written
hamza is stable across spellings of a name.

Then runs of spaces collapse, and "عبد" followed by another word is joined to it, so "عبد الله"
and "عبدالله" both become "عبدالله" (only "عبد"; "ابو بكر" and the like stay two words).

The function is idempotent: normalising a normalised text changes nothing.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from eskan_desk.domain.digits import ARABIC_INDIC_DIGITS, EXTENDED_ARABIC_INDIC_DIGITS

ABD = "عبد"

_FOLD = {
    "ٱ": "ا",  # alef wasla
    "ة": "ه",
    "ى": "ي",
    "ی": "ي",  # Farsi yeh
    "ک": "ك",  # keheh
    "\u0640": "",  # tatweel
    **{chr(cp): "" for cp in range(0x06D6, 0x06EE)},  # Quranic annotation marks
    **{d: str(i) for i, d in enumerate(ARABIC_INDIC_DIGITS)},
    **{d: str(i) for i, d in enumerate(EXTENDED_ARABIC_INDIC_DIGITS)},
}


def _decompose(text: str) -> str:
    """Case-fold, NFKD, drop combining marks, repeated until nothing changes."""
    for _ in range(8):
        folded = unicodedata.normalize("NFKD", text.casefold())
        folded = "".join(ch for ch in folded if not unicodedata.category(ch).startswith("M"))
        if folded == text:
            break
        text = folded
    return text


@lru_cache(maxsize=8192)
def _fold_char(ch: str) -> str:
    """The search form of one character: letters/digits, ``""`` (dropped) or ``" "``."""
    out: list[str] = []
    for c in _decompose(ch):
        c = _FOLD.get(c, c)
        if not c or unicodedata.category(c) == "Cf":
            continue
        out.append(c if c.isalnum() else " ")
    return "".join(out)


def _join_abd(words: list[str]) -> list[str]:
    joined: list[str] = []
    i = 0
    while i < len(words):
        if words[i] == ABD and i + 1 < len(words):
            joined.append(ABD + words[i + 1])
            i += 2
        else:
            joined.append(words[i])
            i += 1
    return joined


def normalize_for_search(text: str) -> str:
    """Return the search form of ``text`` (see the module docstring for the rules).

    Args:
        text: A name, a query, any text.

    Returns:
        Space-separated words, e.g. ``normalize_for_search("عَبْدُ اللّٰه")`` is ``"عبدالله"``.
    """
    folded = "".join(_fold_char(ch) for ch in text)
    return " ".join(_join_abd(folded.split()))


def search_tokens(text: str) -> list[str]:
    """Split the search form of ``text`` into words.

    Args:
        text: A name, a query, any text.

    Returns:
        The words of :func:`normalize_for_search` of ``text``.
    """
    return normalize_for_search(text).split()
