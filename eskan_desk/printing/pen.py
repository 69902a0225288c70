"""Text set once and written straight into a page's content stream.

A platypus Table of Paragraphs parses, wraps and measures every cell several times, and
ReportLab's canvas formats each number through a pure-Python routine; a form of a few hundred
short texts spends most of its time there. Here a text is shaped, wrapped and measured once
(:func:`set_text`, the same line breaks and bidi as a ``Paragraph`` with ``wordWrap='RTL'``
or ``'LTR'``) and a :class:`Pen` writes the PDF operators for text, fills and rules as plain
strings.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache, lru_cache
from itertools import repeat
from operator import itemgetter
from typing import NamedTuple

from reportlab import rl_config
from reportlab.lib.colors import Color
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import getFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.textobject import bidiWordList
from reportlab.platypus.paragraph import split, strip

from eskan_desk.printing.arabic import log2vis, shape
from eskan_desk.printing.fonts import BOLD, REGULAR, register_fonts


class TextStyle(NamedTuple):
    """Font, size, line height, the direction lines are laid out in, and their alignment."""

    font: str
    size: float
    leading: float
    rtl: bool
    align: str  # "left", "right" or "center"


@cache
def text_style(
    rtl: bool = True, size: float = 10, *, bold: bool = False, align: str | None = None
) -> TextStyle:
    """The :class:`TextStyle` matching :func:`eskan_desk.printing.arabic.style`."""
    register_fonts()
    return TextStyle(
        BOLD if bold else REGULAR, size, size * 1.4, rtl, align or ("right" if rtl else "left")
    )


class Lines(NamedTuple):
    """A text wrapped to a width: each line shaped, in visual order, with its width."""

    style: TextStyle
    lines: tuple[str, ...]
    widths: tuple[float, ...]

    @property
    def height(self) -> float:
        return len(self.lines) * self.style.leading

    def split(self, count: int) -> tuple[Lines, Lines]:
        """The first ``count`` lines and the rest."""
        s = self.style
        return (
            Lines(s, self.lines[:count], self.widths[:count]),
            Lines(s, self.lines[count:], self.widths[count:]),
        )


def set_text(text: str, style: TextStyle, width: float) -> Lines:
    """Shape ``text`` and break it into lines no wider than ``width``, each in visual order,
    as a ReportLab ``Paragraph`` with ``wordWrap`` 'RTL' or 'LTR' lays it out:

    - whitespace collapsed, lines filled in reading order; a line may run over by 5 % of a
      space per space (:data:`rl_config.spaceShrinkage`), its spaces then narrowed to fit;
    - a word wider than a line cut by its letters, the first piece ending the current line;
    - the words ordered by the bidi algorithm run over the whole paragraph in the style's
      direction, each line's words in that order; when that changes no word (digit groups,
      Latin words), they stay in reading order.
    """
    words = split(strip(shape(text)))
    if not words:
        return Lines(style, (), ())
    font, size = style.font, style.size
    direction = "RTL" if style.rtl else "LTR"
    joined = " ".join(words)
    visual = log2vis(joined, direction)
    # ReportLab sorts words into visual order only when the bidi pass changed one of them
    reordered = visual != joined and sorted(visual.split(" ")) != sorted(words)
    space = text_width(" ", font, size)
    shrink = space * rl_config.spaceShrinkage
    total = text_width(joined, font, size)
    if total <= width + shrink * (len(words) - 1):  # the common case: one line
        return Lines(style, (visual if reordered else joined,), (total,))

    if reordered:  # each word as shown, with its place in the paragraph's visual order
        items = [(str(w), w.__bidiV__) for w in bidiWordList(words, direction)]
    else:
        items = [(w, i) for i, w in enumerate(words)]
    lines: list[list[tuple[str, int]]] = []
    line_widths: list[float] = []
    line: list[tuple[str, int]] = []
    used = -space  # no space before the first word of a line
    pending: list[tuple[str, int, bool]] = [(w, rank, False) for w, rank in reversed(items)]
    while pending:
        word, rank, ends_line = pending.pop()
        w = text_width(word, font, size)
        fits = used + space + w <= width + shrink * len(line)
        if ends_line:  # the first piece of a cut word: it ends the line
            if word:
                line.append((word, rank))
            lines.append(line)
            line_widths.append(used + space + w)
            line, used = [], -space
        elif fits:
            line.append((word, rank))
            used += space + w
        elif w > width:  # longer than a line: cut it by its letters
            pieces = _split_word(word, used + space, width, font, size)
            pending += [(p, rank, i == 0) for i, p in enumerate(pieces)][::-1]
        else:
            lines.append(line)
            line_widths.append(used)
            line, used = [(word, rank)], w
    if line:
        lines.append(line)
        line_widths.append(used)
    shown = tuple(" ".join(w for w, _ in sorted(ln, key=itemgetter(1))) for ln in lines)
    return Lines(style, shown, tuple(line_widths))


# The forms' own texts (labels, headings, the statement) are the same on every form.
set_fixed_text = lru_cache(maxsize=2048)(set_text)


def _split_word(word: str, offset: float, width: float, font: str, size: float) -> list[str]:
    """Pieces of ``word``: the first fills the line from ``offset`` (it may be empty), the
    others whole lines, the last what is left (ReportLab's ``_splitWord``)."""
    pieces: list[str] = []
    piece, used = "", offset
    for char in word:
        cw = text_width(char, font, size)
        if used + cw > width:
            pieces.append(piece)
            piece, used = "", 0.0
        piece += char
        used += cw
    pieces.append(piece)
    return pieces


def text_width(text: str, font: str, size: float) -> float:
    """The width of ``text`` in points, as ``pdfmetrics.stringWidth`` gives it."""
    advances, missing = _advances(font)
    return 0.001 * size * sum(map(advances.get, text, repeat(missing, len(text))))


@cache
def _advances(font: str) -> tuple[dict[str, float], float]:
    """A TrueType font's advance widths (per 1000 units) by character, and the width of a
    character the font lacks."""
    face = getFont(font).face
    return {chr(code): w for code, w in face.charWidths.items()}, face.defaultWidth


def _color(color: Color) -> str:
    return f"{color.red:.4g} {color.green:.4g} {color.blue:.4g}"


class Pen:
    """Writes text, fills and rules into the current page of a canvas.

    Operators collect in a list and go into the page, inside ``q``/``Q``, on :meth:`flush`
    (done before anything is drawn through the canvas itself, and at the end of a page).
    """

    def __init__(self, canvas: Canvas) -> None:
        self.canvas = canvas
        self._doc = canvas._doc
        self._ops: list[str] = []
        self._font: tuple[str, int, float] | None = None  # font, subset, size selected last
        self._codes: dict[str, dict[str, int]] = {}  # by font: characters' codes so far
        self._names: dict[tuple[str, int], str] = {}  # by font and subset: its resource name

    def text(self, lines: Lines, x: float, top: float, width: float) -> None:
        """Draw ``lines`` aligned in [x, x + width], the first baseline a font size below top.

        A line slightly wider than the box (ReportLab lets a line run over by a little per
        space) starts at x, its spaces narrowed to fit, as a ``Paragraph`` draws it.
        """
        if not lines.lines:
            return
        style = lines.style
        font, size, align = style.font, style.size, style.align
        ops = self._ops
        ops.append("BT")
        y = top - size
        for text, w in zip(lines.lines, lines.widths, strict=True):
            over = w - width
            if over > 1e-8 and (spaces := text.count(" ") + text.count("\xa0")):
                ops.append(f"1 0 0 1 {x:.3f} {y:.3f} Tm {-over / spaces:.4f} Tw")
                self._show(font, size, text)
                ops.append("0 Tw")
            else:
                lx = x if align == "left" else x - over if align == "right" else x - over / 2
                ops.append(f"1 0 0 1 {lx:.3f} {y:.3f} Tm")
                self._show(font, size, text)
            y -= style.leading
        ops.append("ET")

    def _show(self, font_name: str, size: float, text: str) -> None:
        """Select the font if needed and show ``text`` at the current point, written as the
        codes the font's subsets give its characters in this document."""
        codes = self._codes.setdefault(font_name, {})
        try:
            try:
                data = bytes(map(codes.__getitem__, text))
            except KeyError:  # characters not seen before in this document
                self._learn(font_name, text, codes)
                data = bytes(map(codes.__getitem__, text))
        except ValueError:  # a code past the first subset (a document of many scripts)
            for subset, part in getFont(font_name).splitString(text, self._doc):
                self._select(font_name, subset, size)
                self._ops.append(f"<{part.hex()}> Tj")
            return
        self._select(font_name, 0, size)
        self._ops.append(f"<{data.hex()}> Tj")

    def _select(self, font_name: str, subset: int, size: float) -> None:
        """Make a subset of the font at this size the current font, unless it is."""
        key = (font_name, subset, size)
        if self._font != key:
            name = self._names.get((font_name, subset))
            if name is None:
                name = getFont(font_name).getSubsetInternalName(subset, self._doc)
                self._names[font_name, subset] = name
            self._ops.append(f"{name} {size:g} Tf")
            self._font = key

    def prepare(self, texts: Iterable[Lines]) -> None:
        """Have the characters of all these texts given their codes at once, rather than a
        few at a time as each text is drawn."""
        by_font: dict[str, list[str]] = {}
        for lines in texts:
            by_font.setdefault(lines.style.font, []).extend(lines.lines)
        for font_name, strings in by_font.items():
            self._learn(font_name, "".join(strings), self._codes.setdefault(font_name, {}))

    def _learn(self, font_name: str, text: str, codes: dict[str, int]) -> None:
        """Have ReportLab give codes to the characters of ``text`` it has not given one yet
        (each new character once, in order of appearance) and note them in ``codes``."""
        new = "".join(c for c in dict.fromkeys(text) if c not in codes)
        font = getFont(font_name)
        font.splitString(new, self._doc)
        given = font.state[self._doc].assignments
        for char in new:
            code = ord(char)
            # no-break space is written as a space; a character the font lacks as .notdef
            codes[char] = given.get(32 if code == 0xA0 else code, 0)

    def fill(self, color: Color, rects: Iterable[tuple[float, float, float, float]]) -> None:
        """Fill rectangles (x, y, width, height) with one colour."""
        ops = [f"{x:.2f} {y:.2f} {w:.2f} {h:.2f} re" for x, y, w, h in rects]
        if ops:
            self._ops += [f"q {_color(color)} rg", *ops, "f Q"]

    def rules(
        self,
        width: float,
        color: Color,
        segments: Iterable[tuple[float, float, float, float]],
    ) -> None:
        """Stroke straight lines (x0, y0, x1, y1) with round caps and joins, as Tables do."""
        ops = [f"{x0:.2f} {y0:.2f} m {x1:.2f} {y1:.2f} l" for x0, y0, x1, y1 in segments]
        if ops:
            self._ops += [f"q 1 J 1 j {_color(color)} RG {width:g} w", *ops, "S Q"]

    def image(self, image: ImageReader, x: float, y: float, width: float, height: float) -> None:
        """An image, its transparency kept if it has any (as a platypus ``Image`` draws it)."""
        self.flush()
        self.canvas.drawImage(image, x, y, width, height, mask="auto")

    def flush(self) -> None:
        """Hand the collected operators to the canvas."""
        if self._ops:
            self.canvas.addLiteral("q 0 g\n" + "\n".join(self._ops) + "\nQ")
            self._ops.clear()
        self._font = None
