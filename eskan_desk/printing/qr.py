"""QR codes in byte mode, fast enough to print on every declaration.

ReportLab's encoder (``reportlab.graphics.barcode.qrencoder``) is a line-by-line port of a
JavaScript library: it builds the Reed-Solomon generator polynomial afresh for every block and
writes the data a bit at a time, about 3 ms for the declaration's code. This module keeps its
tables and its function patterns (finder, timing, alignment, format and version information),
laid out once per version and mask, and does the per-code work with plain integers: the data
codewords, the error correction by table lookups, and the data bits flipped into a copy of the
template. The modules come out as ReportLab's encoder makes them for the same data and mask.
"""

from __future__ import annotations

from functools import cache
from itertools import compress

from reportlab.graphics.barcode.qrencoder import (
    EXP_TABLE,
    LOG_TABLE,
    QRCode,
    QRErrorCorrectLevel,
    QRRSBlock,
)

LEVEL_M = QRErrorCorrectLevel.M
_BYTE_MODE = 0b0100
_PADDING = (0xEC, 0x11)


def qr_modules(payload: str, level: int = LEVEL_M, mask: int = 0) -> list[bytes]:
    """The modules of ``payload`` (UTF-8, byte mode), row 0 on top: 1 dark, 0 light.

    Args:
        payload: The text to encode.
        level: Error correction level (:class:`QRErrorCorrectLevel`), M by default.
        mask: Mask pattern 0-7; every reader decodes any of them (it is written in the code).

    Returns:
        One ``bytes`` per row.

    Raises:
        ValueError: The payload does not fit in a version 40 code.
    """
    data = payload.encode("utf-8")
    version = _version(len(data), level)
    template, positions = _template(version, level, mask)
    modules = bytearray(template)  # row after row, 1 for dark
    codewords = _codewords(data, version, level)
    bits = f"{int.from_bytes(bytes(codewords), 'big'):0{8 * len(codewords)}b}".encode()
    for index in compress(positions, bits.replace(b"0", b"\0")):
        modules[index] ^= 1  # the template holds the mask: a dark data bit inverts it
    size = 4 * version + 17
    return [bytes(modules[r : r + size]) for r in range(0, size * size, size)]


@cache
def _capacity(version: int, level: int) -> int:
    """Data codewords of all blocks of a version at a level."""
    return sum(block.dataCount for block in QRRSBlock.getRSBlocks(version, level))


def _version(length: int, level: int) -> int:
    for version in range(1, 41):
        count_bits = 8 if version < 10 else 16
        if 4 + count_bits + 8 * length <= 8 * _capacity(version, level):
            return version
    raise ValueError(f"{length} bytes do not fit in a QR code")


@cache
def _template(version: int, level: int, mask: int) -> tuple[bytes, tuple[int, ...]]:
    """The function patterns and format information, the data area holding the bare mask,
    row after row; and the data modules' indices in placement order (ReportLab's own layout
    code, run once)."""
    code = QRCode(version, level)
    code.dataCache = []  # no data: every data module is set to the mask's value
    code.makeImpl(False, mask)
    size = code.moduleCount
    modules = bytes(bool(m) for row in code.modules for m in row)
    return modules, tuple(row * size + col for col, row in code.dataPosIterator())


def _codewords(data: bytes, version: int, level: int) -> list[int]:
    """Mode, length, data, terminator and padding, then the blocks interleaved with their
    error correction codewords."""
    capacity = _capacity(version, level)
    count_bits = 8 if version < 10 else 16
    value = (_BYTE_MODE << count_bits | len(data)) << 8 * len(data) | int.from_bytes(data, "big")
    length = 4 + count_bits + 8 * len(data)
    terminator = min(4, 8 * capacity - length)
    value <<= terminator
    length += terminator
    value <<= -length % 8  # to a byte boundary
    length += -length % 8
    stream = list(value.to_bytes(length // 8, "big"))
    stream += [_PADDING[i % 2] for i in range(capacity - len(stream))]

    data_blocks, ec_blocks = [], []
    offset = 0
    for block in QRRSBlock.getRSBlocks(version, level):
        chunk = stream[offset : offset + block.dataCount]
        offset += block.dataCount
        data_blocks.append(chunk)
        ec_blocks.append(_error_correction(chunk, block.totalCount - block.dataCount))
    return _interleave(data_blocks) + _interleave(ec_blocks)


def _interleave(blocks: list[list[int]]) -> list[int]:
    longest = max(len(b) for b in blocks)
    return [b[i] for i in range(longest) for b in blocks if i < len(b)]


@cache
def _products(degree: int) -> tuple[int, ...]:
    """For each byte value f, f times the generator polynomial (without its leading 1), its
    coefficients packed into one integer, highest degree first."""
    poly = [1]
    for i in range(degree):  # multiply by (x - a^i)
        poly = [a ^ _mul(b, EXP_TABLE[i]) for a, b in zip([*poly, 0], [0, *poly], strict=True)]
    return tuple(int.from_bytes(bytes(_mul(f, c) for c in poly[1:]), "big") for f in range(256))


def _mul(a: int, b: int) -> int:
    return EXP_TABLE[(LOG_TABLE[a] + LOG_TABLE[b]) % 255] if a and b else 0


def _error_correction(data: list[int], degree: int) -> list[int]:
    """The remainder of data * x^degree divided by the generator polynomial (long division,
    the remainder kept as one integer of ``degree`` bytes)."""
    products = _products(degree)
    shift = 8 * (degree - 1)
    keep = (1 << shift) - 1
    remainder = 0
    for byte in data:
        remainder = ((remainder & keep) << 8) ^ products[byte ^ (remainder >> shift)]
    return list(remainder.to_bytes(degree, "big"))
