"""Blocks drawn with a :class:`~eskan_desk.printing.pen.Pen`, and their flow over pages.

The same geometry as the platypus flowables they stand for: a :class:`Grid` is a Table
(padding, vertical alignment, background, grid lines; split between rows, header rows
repeated), a :class:`Text` a Paragraph, a :class:`Gap` a Spacer, a :class:`Group` a
KeepTogether. Every block knows its height before it is drawn, so :func:`paginate` can place
them all first and the pages are then drawn knowing how many there are.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from reportlab.lib.colors import Color
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Flowable

from eskan_desk.printing.pen import Lines, Pen

_FUZZ = 1e-6


class Block:
    """Something with a size that draws itself from its top left corner."""

    width: float = 0.0
    height: float = 0.0
    keep_with_next = False

    def draw(self, pen: Pen, x: float, top: float) -> None:
        raise NotImplementedError

    def split(self, room: float, force: bool) -> tuple[Block, Block] | None:
        """A first part no taller than ``room`` and the rest, or None to move it whole.

        ``force``: the block stands at the top of an empty page and still does not fit; split
        it even where it would rather not be split.
        """
        return None

    @property
    def lead(self) -> float:
        """The least of it that must stand on the same page as a heading before it."""
        return self.height

    def texts(self) -> Iterator[Lines]:
        """The text it draws."""
        return iter(())


class Text(Block):
    """Wrapped lines in a box of a given width (a Paragraph)."""

    def __init__(self, lines: Lines, width: float) -> None:
        self.lines = lines
        self.width = width
        self.height = lines.height

    def draw(self, pen: Pen, x: float, top: float) -> None:
        pen.text(self.lines, x, top, self.width)

    def texts(self) -> Iterator[Lines]:
        yield self.lines

    def split(self, room: float, force: bool) -> tuple[Block, Block] | None:
        count = int((room + _FUZZ) // self.lines.style.leading)
        if count < 1 or count >= len(self.lines.lines):
            return None
        first, rest = self.lines.split(count)
        return Text(first, self.width), Text(rest, self.width)


class Gap(Block):
    """Vertical space (a Spacer); dropped where a page ends."""

    def __init__(self, height: float) -> None:
        self.height = height

    def draw(self, pen: Pen, x: float, top: float) -> None:
        pass


class Picture(Block):
    """An image scaled to a size, or to part of it: ``area`` is (left, top, width, height)
    within the block when the image covers only that part (the rest is blank paper)."""

    def __init__(
        self,
        image: ImageReader,
        width: float,
        height: float,
        area: tuple[float, float, float, float] | None = None,
    ) -> None:
        self.image = image
        self.width, self.height = width, height
        self.area = area or (0.0, 0.0, width, height)

    def draw(self, pen: Pen, x: float, top: float) -> None:
        left, down, width, height = self.area
        pen.image(self.image, x + left, top - down - height, width, height)


class FlowableBox(Block):
    """A fixed-size platypus flowable, drawn through the canvas."""

    def __init__(self, flowable: Flowable) -> None:
        self.flowable = flowable
        self.width, self.height = flowable.wrap(0, 0)

    def draw(self, pen: Pen, x: float, top: float) -> None:
        pen.flush()
        self.flowable.drawOn(pen.canvas, x, top - self.height)


class Stack(Block):
    """Blocks one under the other, each aligned in the stack's width (a list in a cell)."""

    def __init__(self, blocks: Sequence[Block], width: float, align: str = "center") -> None:
        self.blocks = list(blocks)
        self.width = width
        self.align = align
        self.height = sum(b.height for b in self.blocks)

    def draw(self, pen: Pen, x: float, top: float) -> None:
        for block in self.blocks:
            block.draw(pen, x + _offset(self.align, self.width - block.width), top)
            top -= block.height

    def texts(self) -> Iterator[Lines]:
        for block in self.blocks:
            yield from block.texts()


class Group(Block):
    """Blocks kept on one page (a KeepTogether); flowed one by one only when taller than a
    page."""

    def __init__(self, blocks: Sequence[Block]) -> None:
        self.blocks = list(blocks)
        self.width = max((b.width for b in self.blocks), default=0.0)
        self.height = sum(b.height for b in self.blocks)

    def draw(self, pen: Pen, x: float, top: float) -> None:
        for block in self.blocks:
            block.draw(pen, x, top)
            top -= block.height

    def texts(self) -> Iterator[Lines]:
        for block in self.blocks:
            yield from block.texts()


def _offset(align: str, spare: float) -> float:
    return {"center": spare / 2, "right": spare}.get(align, 0.0)


Rule = tuple[float, Color]  # line width, colour


class Cell(NamedTuple):
    content: Block | None = None
    fill: Color | None = None
    rule_below: Rule | None = None


@dataclass(frozen=True)
class GridStyle:
    """How a Grid draws its cells (a TableStyle for the whole table)."""

    padding: tuple[float, float, float, float] = (3, 6, 3, 6)  # top, right, bottom, left
    valign: str = "middle"  # "top", "middle", "bottom"
    align: str = "left"  # where content narrower than its cell sits (text aligns itself)
    grid: Rule | None = None  # every cell's border
    box: Rule | None = None  # the outline
    below: Rule | None = None  # under the last row

    def inner(self, width: float) -> float:
        """The width left for a cell's content."""
        return width - self.padding[1] - self.padding[3]


class Grid(Block):
    """Rows of cells in columns of fixed widths (a Table).

    Args:
        widths: Column widths, left to right on the page.
        rows: Cells left to right; ``None`` for an empty cell.
        style: Padding, alignment and lines.
        repeat: Header rows repeated at the top of every part when the grid is split.
        row_height: A fixed height for every row, instead of the tallest cell's.
    """

    def __init__(
        self,
        widths: Sequence[float],
        rows: Sequence[Sequence[Cell | None]],
        style: GridStyle,
        *,
        repeat: int = 0,
        row_height: float | None = None,
        keep_with_next: bool = False,
    ) -> None:
        self.widths = list(widths)
        self.rows = [[c or Cell() for c in row] for row in rows]
        self.style = style
        self.repeat = repeat
        self.row_height = row_height
        self.keep_with_next = keep_with_next
        pad = style.padding[0] + style.padding[2]
        self.heights = [
            row_height
            if row_height is not None
            else max((c.content.height for c in row if c.content), default=0.0) + pad
            for row in self.rows
        ]
        self.width = sum(self.widths)
        self.height = sum(self.heights)

    def _part(self, rows: list[list[Cell]]) -> Grid:
        return Grid(
            self.widths,
            rows,
            self.style,
            repeat=self.repeat,
            row_height=self.row_height,
            keep_with_next=self.keep_with_next,
        )

    @property
    def lead(self) -> float:
        return sum(self.heights[: self.repeat + 1])

    def texts(self) -> Iterator[Lines]:
        for row in self.rows:
            for cell in row:
                if cell.content is not None:
                    yield from cell.content.texts()

    def split(self, room: float, force: bool) -> tuple[Block, Block] | None:
        head = self.rows[: self.repeat]
        used = sum(self.heights[: self.repeat])
        count = 0
        for h in self.heights[self.repeat :]:
            if used + h > room + _FUZZ:
                break
            used += h
            count += 1
        body = self.rows[self.repeat :]
        if count == len(body):
            return None
        if count:
            return self._part(head + body[:count]), self._part(head + body[count:])
        if not force:
            return None
        # a single row taller than the page: its text runs on over the next page
        halves = self._split_row(body[0], room - used)
        if halves is None:
            return None
        first, rest = halves
        return self._part([*head, first]), self._part([*head, rest, *body[1:]])

    def _split_row(self, row: list[Cell], room: float) -> tuple[list[Cell], list[Cell]] | None:
        room -= self.style.padding[0] + self.style.padding[2]
        first, rest = [], []
        moved = False
        for cell in row:
            content = cell.content
            if isinstance(content, Text):
                parts = content.split(room, True)
                if parts:
                    first.append(cell._replace(content=parts[0]))
                    rest.append(cell._replace(content=parts[1]))
                    moved = True
                    continue
                if content.height > room:  # not a line fits: all of it goes on
                    first.append(cell._replace(content=None))
                    rest.append(cell)
                    continue
            first.append(cell)
            rest.append(cell._replace(content=None))
        return (first, rest) if moved else None

    def draw(self, pen: Pen, x: float, top: float) -> None:
        st = self.style
        pad_top, pad_right, pad_bottom, pad_left = st.padding
        xs = [x]
        for w in self.widths:
            xs.append(xs[-1] + w)
        tops = [top]
        for h in self.heights:
            tops.append(tops[-1] - h)

        fills: dict[Color, list[tuple[float, float, float, float]]] = {}
        for r, row in enumerate(self.rows):
            for c, cell in enumerate(row):
                if cell.fill is not None:
                    rect = (xs[c], tops[r + 1], self.widths[c], self.heights[r])
                    fills.setdefault(cell.fill, []).append(rect)
        for color, rects in fills.items():
            pen.fill(color, rects)

        for r, row in enumerate(self.rows):
            room = self.heights[r] - pad_top - pad_bottom
            for c, cell in enumerate(row):
                content = cell.content
                if content is None:
                    continue
                spare = room - content.height
                if st.valign == "top":
                    y = tops[r] - pad_top
                elif st.valign == "bottom":
                    y = tops[r] - pad_top - spare
                else:
                    y = tops[r] - pad_top - spare / 2
                inner = self.widths[c] - pad_left - pad_right
                content.draw(pen, xs[c] + pad_left + _offset(st.align, inner - content.width), y)

        right, bottom = xs[-1], tops[-1]
        if st.grid:
            segments = [(x, t, right, t) for t in tops] + [(v, top, v, bottom) for v in xs]
            pen.rules(*st.grid, segments)
        if st.box:
            corners = [(x, top), (right, top), (right, bottom), (x, bottom), (x, top)]
            pen.rules(*st.box, [(*a, *b) for a, b in itertools.pairwise(corners)])
        if st.below:
            pen.rules(*st.below, [(x, bottom, right, bottom)])
        for r, row in enumerate(self.rows):
            for c, cell in enumerate(row):
                if cell.rule_below:
                    pen.rules(*cell.rule_below, [(xs[c], tops[r + 1], xs[c + 1], tops[r + 1])])


Placement = list[tuple[Block, float]]  # a page: each block and its distance from the top


def paginate(blocks: Sequence[Block], height: float) -> list[Placement]:
    """Place blocks down pages of a frame ``height`` tall, splitting those that allow it.

    A block that does not fit goes to the next page, split first if it can be (a Grid between
    rows); a heading (``keep_with_next``) goes along with the start of what follows it; a
    Group that is taller than a whole page is flowed block by block.
    """
    pages: list[Placement] = [[]]
    used = 0.0
    todo = list(reversed(blocks))
    while todo:
        block = todo.pop()
        room = height - used
        need = block.height + (todo[-1].lead if block.keep_with_next and todo else 0.0)
        fresh = not pages[-1]
        if need <= room + _FUZZ or (fresh and block.keep_with_next):
            pages[-1].append((block, used))
            used += block.height
            continue
        if isinstance(block, Gap):
            if not fresh:
                pages.append([])
                used = 0.0
            continue
        if fresh and isinstance(block, Group):
            todo.extend(reversed(block.blocks))
            continue
        parts = None if block.keep_with_next else block.split(room, fresh)
        if parts:
            first, rest = parts
            pages[-1].append((first, used))
            todo.append(rest)
        elif fresh:  # cannot be split and taller than a page: it is drawn all the same
            pages[-1].append((block, used))
            continue
        else:
            todo.append(block)
        pages.append([])
        used = 0.0
    return pages
