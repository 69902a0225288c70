"""Amiri, registered once with ReportLab: one font with both Arabic and Latin letters.

ReportLab does no font fallback, so the documents use a single family that covers both scripts
(the UI pairs Noto fonts instead). Amiri is OFL-licensed and bundled in ``resources/fonts``.

Every PDF embeds the subset of glyphs it uses. ReportLab builds a subset by reading each glyph
and its components from the font file again, field by field; :class:`SubsettingFace` reads a
glyph once per process and builds the same subset, byte for byte, from what it read.

The bold face prints only the forms' own texts (titles, headings, labels, the declaration's
statement) and references made of ASCII, which every subset holds anyway: its subset is the
same on every form of a kind in a language, so :class:`Font` builds its PDF objects once
(``reuse_subsets``). The regular face prints the recorded values, a different subset on every
document: built each time, as ReportLab does.
"""

from __future__ import annotations

import threading
import zlib
from collections import OrderedDict
from functools import cache
from pathlib import Path
from struct import pack, unpack_from

from reportlab.pdfbase import pdfdoc
from reportlab.pdfbase.ttfonts import (
    FF_NONSYMBOLIC,
    FF_SYMBOLIC,
    GF_ARG_1_AND_2_ARE_WORDS,
    GF_MORE_COMPONENTS,
    GF_WE_HAVE_A_SCALE,
    GF_WE_HAVE_A_TWO_BY_TWO,
    GF_WE_HAVE_AN_X_AND_Y_SCALE,
    SUBSETN,
    TTFont,
    TTFontFace,
    TTFontMaker,
    makeToUnicodeCMap,
)

FONTS_DIR = Path(__file__).resolve().parents[2] / "resources" / "fonts"
REGULAR = "Amiri"
BOLD = "Amiri-Bold"


@cache
def register_fonts() -> None:
    """Register Amiri Regular and Bold (and the family, so ``<b>`` works); done once."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics

    pdfmetrics.registerFont(Font(REGULAR, FONTS_DIR / "Amiri-Regular.ttf"))
    pdfmetrics.registerFont(Font(BOLD, FONTS_DIR / "Amiri-Bold.ttf", reuse_subsets=True))
    for bold, italic, name in ((0, 0, REGULAR), (1, 0, BOLD), (0, 1, REGULAR), (1, 1, BOLD)):
        addMapping(REGULAR, bold, italic, name)


class Font(TTFont):
    """A TrueType font whose subsets are made by :class:`SubsettingFace`.

    Args:
        name: The name documents use.
        path: The font file.
        reuse_subsets: Keep the PDF objects of the last subsets embedded (font program,
            widths, ToUnicode map) and reuse them for a document that embeds the same subset.
    """

    REUSED = 32  # subsets kept a font

    def __init__(self, name: str, path: Path, *, reuse_subsets: bool = False) -> None:
        super().__init__(name, str(path))
        SubsettingFace.adopt(self.face)
        self._built: OrderedDict[tuple[int, ...], _Subset] | None = (
            OrderedDict() if reuse_subsets else None
        )
        self._lock = threading.Lock()  # documents may be made in more than one thread

    def addObjects(self, doc) -> None:  # noqa: N802 - ReportLab's name
        """Add the font's subsets to ``doc`` (ReportLab's method, objects built or reused)."""
        if self._built is None:
            super().addObjects(doc)
            return
        state = self._assignState(doc)
        state.frozen = 1
        fonts = doc.idToObject["BasicFonts"].dict
        for n, codes in enumerate(state.subsets):
            internal = self.getSubsetInternalName(n, doc)[1:]
            base = b"".join((SUBSETN(n), b"+", self.face.name, self.face.subfontNameX))
            built = self._subset(n, base.decode("pdfdoc"), tuple(codes), doc)
            font = pdfdoc.PDFTrueTypeFont()
            font.__Comment__ = f"Font {self.fontName} subset {n}"
            font.Name = internal
            font.BaseFont = built.base
            font.FirstChar = 0
            font.LastChar = len(codes) - 1
            font.Widths = built.widths
            font.ToUnicode = doc.Reference(built.to_unicode(doc), "toUnicodeCMap:" + built.base)
            font.FontDescriptor = self._descriptor(doc, built)
            doc.Reference(font, internal)
            fonts[internal] = font
        del self.state[doc]

    def _subset(self, n: int, base: str, codes: tuple[int, ...], doc) -> _Subset:
        key = (n, *codes)
        with self._lock:
            built = self._built.get(key)
            if built is not None:
                self._built.move_to_end(key)
                return built
        widths = pdfdoc.PDFArray(list(map(self.face.getCharWidth, codes))).format(doc)
        cmap = makeToUnicodeCMap(base, codes).encode("latin-1")
        built = _Subset(base, _Formatted(widths), cmap, self.face.makeSubset(codes))
        with self._lock:
            self._built[key] = built
            if len(self._built) > self.REUSED:
                self._built.popitem(last=False)
        return built

    def _descriptor(self, doc, built: _Subset) -> pdfdoc.PDFObjectReference:
        """The font descriptor and the embedded program (ReportLab's ``addSubsetObjects``)."""
        face = self.face
        program = built.font_program(doc)
        program.dictionary["Length1"] = len(built.program)
        program_ref = doc.Reference(program, f"fontFile:{face.filename}({built.base})")
        descriptor = pdfdoc.PDFDictionary(
            {
                "Type": "/FontDescriptor",
                "Ascent": face.ascent,
                "CapHeight": face.capHeight,
                "Descent": face.descent,
                "Flags": (face.flags & ~FF_NONSYMBOLIC) | FF_SYMBOLIC,
                "FontBBox": pdfdoc.PDFArray(face.bbox),
                "FontName": pdfdoc.PDFName(built.base),
                "ItalicAngle": face.italicAngle,
                "StemV": face.stemV,
                "FontFile2": program_ref,
                "MissingWidth": face.defaultWidth,
            }
        )
        return doc.Reference(descriptor, "fontDescriptor:" + built.base)


class _Formatted(pdfdoc.PDFObject):
    """A PDF value formatted once."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def format(self, document) -> bytes:
        return self.data


class _Subset:
    """A subset's PDF objects, kept for the next document that embeds the same subset; the
    streams deflated once, when first needed."""

    def __init__(self, base: str, widths: _Formatted, cmap: bytes, program: bytes) -> None:
        self.base, self.widths, self.cmap, self.program = base, widths, cmap, program
        self._deflated: dict[str, bytes] = {}

    def _stream(self, doc, which: str, raw: bytes) -> pdfdoc.PDFStream:
        stream = pdfdoc.PDFStream()
        if not doc.compression:
            stream.content = raw
            return stream
        if which not in self._deflated:
            self._deflated[which] = zlib.compress(raw)
        stream.content = self._deflated[which]
        stream.dictionary["Filter"] = pdfdoc.PDFArray([pdfdoc.PDFName("FlateDecode")])
        return stream

    def to_unicode(self, doc) -> pdfdoc.PDFStream:
        return self._stream(doc, "cmap", self.cmap)

    def font_program(self, doc) -> pdfdoc.PDFStream:
        return self._stream(doc, "program", self.program)


class SubsettingFace(TTFontFace):
    """A TrueType face whose :meth:`makeSubset` remembers each glyph it has read: its bytes
    and, for a composite glyph, where its components' indices are (ReportLab's own method
    seeks and parses them again for every document)."""

    _glyphs: dict[int, tuple[bytes, tuple[tuple[int, int], ...]]]
    _glyf: bytes

    @classmethod
    def adopt(cls, face: TTFontFace) -> SubsettingFace:
        """Turn a face ReportLab has loaded into one of these: the same object and data (the
        class adds no state of ReportLab's), so the font file is not parsed twice."""
        face.__class__ = cls
        face._glyphs = {}
        face._glyf = face.get_table("glyf")
        return face

    def _glyph(self, index: int) -> tuple[bytes, tuple[tuple[int, int], ...]]:
        """The glyph's data and its components as (offset of the index in the data, index)."""
        entry = self._glyphs.get(index)
        if entry is not None:
            return entry
        data = self._glyf[self.glyphPos[index] : self.glyphPos[index + 1]]
        components = []
        if len(data) > 2 and unpack_from(">h", data)[0] < 0:  # composite glyph
            pos = 10
            flags = GF_MORE_COMPONENTS
            while flags & GF_MORE_COMPONENTS:
                flags, component = unpack_from(">HH", data, pos)
                components.append((pos + 2, component))
                pos += 8 if flags & GF_ARG_1_AND_2_ARE_WORDS else 6
                if flags & GF_WE_HAVE_A_SCALE:
                    pos += 2
                elif flags & GF_WE_HAVE_AN_X_AND_Y_SCALE:
                    pos += 4
                elif flags & GF_WE_HAVE_A_TWO_BY_TWO:
                    pos += 8
        self._glyphs[index] = entry = (data, tuple(components))
        return entry

    def makeSubset(self, subset):  # noqa: N802 - ReportLab's name
        """The subset font (a TrueType file) for these code points, as ReportLab makes it."""
        char_to_glyph = self.charToGlyph
        glyph_map = [0]  # new glyph index -> original
        glyph_set = {0: 0}  # original -> new
        code_to_glyph = {}
        for code in subset:
            original = char_to_glyph.get(code, 0)
            if original not in glyph_set:
                glyph_set[original] = len(glyph_map)
                glyph_map.append(original)
            code_to_glyph[code] = glyph_set[original]
        n = 0
        while n < len(glyph_map):  # and the components of composite glyphs
            for _, component in self._glyph(glyph_map[n])[1]:
                if component not in glyph_set:
                    glyph_set[component] = len(glyph_map)
                    glyph_map.append(component)
            n += 1

        output = TTFontMaker()
        for tag in ("name", "OS/2", "cvt ", "fpgm", "prep"):
            if tag in self.table:
                output.add(tag, self.get_table(tag))
        output.add("post", b"\x00\x03\x00\x00" + self.get_table("post")[4:16] + b"\x00" * 16)

        glyph_count = len(glyph_map)
        hmtx = []
        for original in glyph_map:
            aw, lsb = self.hmetrics[original]
            hmtx += (int(aw), int(lsb))
        n = len(hmtx) - 2  # trailing glyphs of the same advance keep only their lsb
        while n and hmtx[n] == hmtx[n - 2]:
            n -= 2
        n += 2
        h_metrics = n >> 1
        hmtx = hmtx[:n] + hmtx[n + 1 :: 2]
        output.add("hmtx", pack(f">{len(hmtx)}H", *hmtx))
        output.add("hhea", _set_ushort(self.get_table("hhea"), 34, h_metrics))
        output.add("maxp", _set_ushort(self.get_table("maxp"), 4, glyph_count))

        cmap = [0, 1, 1, 0, 0, 12, 6, 10 + len(subset) * 2, 0, 0, len(subset)]
        cmap += map(code_to_glyph.get, subset)
        output.add("cmap", pack(f">{len(cmap)}H", *cmap))

        glyf = []
        offsets = []
        pos = 0
        for original in glyph_map:
            offsets.append(pos)
            data, components = self._glyph(original)
            if components:
                patched = bytearray(data)
                for at, component in components:
                    patched[at : at + 2] = glyph_set[component].to_bytes(2, "big")
                data = bytes(patched)
            glyf.append(data)
            pos += len(data)
            if pos % 4:
                glyf.append(b"\0" * (4 - pos % 4))
                pos += 4 - pos % 4
        offsets.append(pos)
        output.add("glyf", b"".join(glyf))

        long_offsets = (pos + 1) >> 1 > 0xFFFF
        if long_offsets:
            loca = pack(f">{len(offsets)}L", *offsets)
        else:
            loca = pack(f">{len(offsets)}H", *(o >> 1 for o in offsets))
        output.add("loca", loca)
        output.add("head", _set_ushort(self.get_table("head"), 50, int(long_offsets)))
        return output.makeStream()


def _set_ushort(data: bytes, offset: int, value: int) -> bytes:
    return data[:offset] + pack(">H", value) + data[offset + 2 :]
