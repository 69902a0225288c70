"""The on-demand catalog answers exactly as the standard library's, on every message."""

from __future__ import annotations

import gettext
import io
import struct

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

from eskan_desk import i18n
from eskan_desk.mofile import MoCatalog
from tests.test_catalog import catalog

COUNTS = (*range(0, 30), 99, 100, 101, 102, 103, 110, 111, 200, 1000, 1002, 1011)


def arabic_mo() -> bytes:
    i18n._catalog("ar")  # compiles the .mo from the .po when it is older
    return (i18n.TRANSLATIONS_DIR / "ar" / "LC_MESSAGES" / f"{i18n.DOMAIN}.mo").read_bytes()


def asked(po) -> list[tuple[str | None, str, str | None]]:
    """(context, singular, plural) of every message, and a few that are not in the catalog."""
    found = []
    for m in po:
        singular, plural = (m.id[0], m.id[1]) if isinstance(m.id, tuple) else (m.id, None)
        found.append((m.context, singular, plural))
    found += [(None, "Not a message of this catalog", None), ("nowhere", "Save", None)]
    found += [(None, "{n} things nobody wrote", "{n} things nobody wrote, plural")]
    return found


def test_every_arabic_message_reads_as_the_standard_library_reads_it():
    data = arabic_mo()
    ours, theirs = MoCatalog(data), gettext.GNUTranslations(io.BytesIO(data))
    messages = asked(catalog())
    assert len(messages) > 500
    for context, singular, plural in messages:
        if context is None:
            assert ours.gettext(singular) == theirs.gettext(singular), singular
        else:
            assert ours.pgettext(context, singular) == theirs.pgettext(context, singular)
        if plural is None:
            continue
        for n in COUNTS:
            if context is None:
                assert ours.ngettext(singular, plural, n) == theirs.ngettext(singular, plural, n)
            else:
                assert ours.npgettext(context, singular, plural, n) == theirs.npgettext(
                    context, singular, plural, n
                )
    assert [ours.plural(n) for n in COUNTS] == [theirs.plural(n) for n in COUNTS]


def test_the_app_reads_arabic_through_it():
    assert isinstance(i18n._catalog("ar"), MoCatalog)
    previous = i18n.current_language()
    i18n.set_language("ar")
    try:
        assert i18n.gettext("Sign in") == "تسجيل الدخول"
    finally:
        i18n.set_language(previous)


def test_a_small_catalog_with_plurals_and_contexts():
    cat = Catalog(locale="ar")
    cat.add("Save", "احفظ")
    cat.add(("{n} file", "{n} files"), ("0", "1", "2", "3", "4", "5"))
    cat.add("Married", "متزوجة", context="of a woman")
    out = io.BytesIO()
    write_mo(out, cat)
    ours = MoCatalog(out.getvalue())
    assert ours.gettext("Save") == "احفظ"
    assert [ours.ngettext("{n} file", "{n} files", n) for n in (0, 1, 2, 5, 11, 100)] == [
        "0",
        "1",
        "2",
        "3",
        "4",
        "5",
    ]
    assert ours.gettext("{n} file") == "1"  # a plural message asked for by its singular
    assert ours.pgettext("of a woman", "Married") == "متزوجة"
    assert ours.pgettext("of a man", "Married") == "Married"
    assert ours.gettext("Married") == "Married"


def test_a_big_endian_catalog_reads_alike():
    data = arabic_mo()
    _magic, revision, count, ids_at, strs_at, hash_size, hash_at = struct.unpack_from("<7I", data)
    ids = list(struct.iter_unpack("<2I", data[ids_at : ids_at + 8 * count]))
    strs = list(struct.iter_unpack("<2I", data[strs_at : strs_at + 8 * count]))
    head = struct.pack(">7I", 0x950412DE, revision, count, ids_at, strs_at, hash_size, hash_at)
    big = bytearray(data)
    big[:28] = head
    for i, pair in enumerate(ids):
        struct.pack_into(">2I", big, ids_at + 8 * i, *pair)
    for i, pair in enumerate(strs):
        struct.pack_into(">2I", big, strs_at + 8 * i, *pair)
    ours, little = MoCatalog(bytes(big)), MoCatalog(data)
    for _context, singular, _plural in asked(catalog())[:200]:
        assert ours.gettext(singular) == little.gettext(singular)


@pytest.mark.parametrize(
    "data",
    [b"", b"not a catalog at all, just text", b"\xde\x12\x04\x95" + b"\x00" * 4],
    ids=["empty", "text", "cut short"],
)
def test_what_is_not_a_catalog_is_refused(data):
    with pytest.raises(OSError):
        MoCatalog(data)


def test_a_truncated_catalog_is_refused():
    data = arabic_mo()
    with pytest.raises(OSError):
        MoCatalog(data[:1000])
