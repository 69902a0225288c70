"""A compiled gettext catalog (``.mo``) read on demand.

:class:`gettext.GNUTranslations` decodes every message of a catalog when it is opened: 4-5 ms
for this project's thousand Arabic messages, paid before the sign-in screen, which shows eight.
:class:`MoCatalog` keeps the file's bytes, finds a message id in them when it is first asked
for, and decodes only that translation (about a millisecond to open, microseconds a message).
It answers exactly as ``GNUTranslations`` does (a test compares the two on every message of
the catalog): plural forms from the header's ``Plural-Forms``, contexts as
``context\\x04message``, and the message itself when it has no translation.
"""

from __future__ import annotations

import struct
from bisect import bisect_left
from collections.abc import Callable
from gettext import NullTranslations, c2py

MAGIC_LE = 0x950412DE
MAGIC_BE = 0xDE120495
CONTEXT_SEP = "\x04"


def _germanic(n: int) -> int:
    return int(n != 1)


class MoCatalog(NullTranslations):
    """The translations in ``data``, the bytes of a ``.mo`` file.

    Raises:
        OSError: ``data`` is not a catalog (wrong magic number or a table out of bounds), as
            ``GNUTranslations`` raises.
    """

    def __init__(self, data: bytes) -> None:
        super().__init__()
        if len(data) < 20:
            raise OSError(0, "Bad magic number")
        (magic,) = struct.unpack_from("<I", data)
        if magic == MAGIC_LE:
            order = "<"
        elif magic == MAGIC_BE:
            order = ">"
        else:
            raise OSError(0, "Bad magic number")
        _revision, count, ids_at, strs_at = struct.unpack_from(f"{order}4I", data, 4)
        if ids_at + 8 * count > len(data) or strs_at + 8 * count > len(data):
            raise OSError(0, "File is corrupt")
        self._data = data
        self._order = order
        self._strs_at = strs_at
        # The message ids stay in the file. A lookup finds the id's bytes, NUL-terminated, at
        # the start of an id: the ids' offsets, sorted, tell which row starts there. A plural
        # message's id is "singular\0plural": it is found by its singular, as GNUTranslations
        # keys it, and its translation is split into its forms.
        table = struct.unpack_from(f"{order}{2 * count}I", data, ids_at)
        self._id_lengths = table[0::2]
        offsets = table[1::2]
        rows = sorted(range(count), key=offsets.__getitem__)
        self._rows = rows
        self._starts = [offsets[row] for row in rows]
        if self._starts and self._starts[-1] + self._id_lengths[rows[-1]] >= len(data):
            raise OSError(0, "File is corrupt")
        self._decoded: dict[str, str | tuple[str, ...] | None] = {}
        self._charset = "utf-8"
        self.plural: Callable[[int], int] = _germanic
        self._read_header()

    def _row(self, key: bytes) -> int | None:
        """The row whose message id is ``key`` (or whose singular is, for a plural message)."""
        starts, data = self._starts, self._data
        if not starts:
            return None
        wanted = key + b"\x00"
        end = starts[-1] + self._id_lengths[self._rows[-1]] + 1
        at = data.find(wanted, starts[0], end)
        while at != -1:
            i = bisect_left(starts, at)
            if i < len(starts) and starts[i] == at:
                return self._rows[i]
            at = data.find(wanted, at + 1, end)
        return None

    def _raw(self, key: bytes) -> tuple[bytes, bool] | None:
        """The translation of the message id ``key`` as stored, and whether it is plural."""
        row = self._row(key)
        if row is None:
            return None
        length, offset = struct.unpack_from(f"{self._order}2I", self._data, self._strs_at + 8 * row)
        if offset + length > len(self._data):
            raise OSError(0, "File is corrupt")
        return self._data[offset : offset + length], self._id_lengths[row] > len(key)

    def _read_header(self) -> None:
        found = self._raw(b"")
        if found is None:
            return
        for line in found[0].decode("ascii", "replace").splitlines():
            name, _sep, value = line.partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "content-type" and "charset=" in value:
                self._charset = value.split("charset=", 1)[1].strip() or "utf-8"
            elif name == "plural-forms":
                self.plural = c2py(value.split(";")[1].split("plural=", 1)[1])

    def _lookup(self, key: str) -> str | tuple[str, ...] | None:
        """The translation of ``key``: a string, the forms of a plural message, or None."""
        try:
            return self._decoded[key]
        except KeyError:
            pass
        found = self._raw(key.encode(self._charset))
        text: str | tuple[str, ...] | None = None
        if found is not None:
            raw, plural = found
            text = (
                tuple(raw.decode(self._charset).split("\x00"))
                if plural
                else raw.decode(self._charset)
            )
        self._decoded[key] = text
        return text

    def _singular(self, key: str) -> str | None:
        found = self._lookup(key)
        if isinstance(found, tuple):  # a plural message asked for by its singular: n = 1
            form = self.plural(1)
            return found[form] if form < len(found) else None
        return found

    def _plural(self, key: str, n: int) -> str | None:
        found = self._lookup(key)
        if isinstance(found, tuple):
            form = self.plural(n)
            if form < len(found):
                return found[form]
        return None

    def gettext(self, message: str) -> str:
        found = self._singular(message)
        return message if found is None else found

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        found = self._plural(msgid1, n)
        if found is None:
            return msgid1 if n == 1 else msgid2
        return found

    def pgettext(self, context: str, message: str) -> str:
        found = self._singular(f"{context}{CONTEXT_SEP}{message}")
        return message if found is None else found

    def npgettext(self, context: str, msgid1: str, msgid2: str, n: int) -> str:
        found = self._plural(f"{context}{CONTEXT_SEP}{msgid1}", n)
        if found is None:
            return msgid1 if n == 1 else msgid2
        return found
