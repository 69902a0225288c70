"""The translation catalog: gettext over Babel-built catalogs in ``translations/``.

Source strings are English; Arabic is the default language and its catalog is complete (a test
checks it). Strings defined at import time are marked with ``N_`` and translated where shown,
so a language switch takes effect without restarting anything that holds them.
"""

from __future__ import annotations

import gettext as _gettext
from functools import cache
from pathlib import Path
from typing import Any

from eskan_desk.domain.errors import FIELD_LABELS, EskanError, ValidationError
from eskan_desk.domain.markers import N_, NP_

__all__ = ["N_", "_", "current_language", "gettext", "is_rtl", "render_error", "set_language"]

LANGUAGES = ("ar", "en")
DEFAULT_LANGUAGE = "ar"
TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "translations"
DOMAIN = "messages"

_language = DEFAULT_LANGUAGE


@cache
def _catalog(lang: str) -> _gettext.NullTranslations:
    if lang == "en":
        return _gettext.NullTranslations()
    po = TRANSLATIONS_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    mo = po.with_suffix(".mo")
    if not mo.exists() or (po.exists() and po.stat().st_mtime > mo.stat().st_mtime):
        _compile(po, mo)
    from eskan_desk.mofile import MoCatalog

    return MoCatalog(mo.read_bytes())  # read on demand: see eskan_desk.mofile


def _compile(po: Path, mo: Path) -> None:
    """Build the binary catalog from the .po file (Babel), written atomically."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as fh:
        catalog = read_po(fh, locale=po.parent.parent.name)
    tmp = mo.with_suffix(".mo.tmp")
    with tmp.open("wb") as fh:
        write_mo(fh, catalog)
    tmp.replace(mo)


def set_language(lang: str) -> None:
    """Switch the language used by :func:`gettext` (``ar`` or ``en``)."""
    global _language
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}; choose one of {LANGUAGES}")
    _language = lang


def current_language() -> str:
    """Return the language code in force."""
    return _language


def is_rtl(lang: str | None = None) -> bool:
    """Whether the language is written right to left."""
    return (lang or _language) == "ar"


def gettext(message: str) -> str:
    """Translate ``message`` into the current language."""
    return _catalog(_language).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate with plural forms (Arabic has six)."""
    return _catalog(_language).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """Translate ``message`` as meant in ``context`` (one English word, two Arabic ones)."""
    return _catalog(_language).pgettext(context, message)


_ = gettext


# Each marital status as said of a woman and of a man, for the catalog (English says them
# alike; :func:`marital_label` looks them up).
_GENDERED_MARITAL = (
    NP_("of a woman", "Single"),
    NP_("of a woman", "Married"),
    NP_("of a woman", "Divorced"),
    NP_("of a woman", "Widowed"),
    NP_("of a woman", "Abandoned"),
    NP_("of a man", "Single"),
    NP_("of a man", "Married"),
    NP_("of a man", "Divorced"),
    NP_("of a man", "Widowed"),
    NP_("of a man", "Abandoned"),
)


def marital_label(status: Any, gender: str | None) -> str | None:
    """A marital status as said of this person: «مطلقة» of a woman, «مطلق» of a man, and
    «مطلق/مطلقة» when the gender is not recorded. ``status`` is a MaritalStatus or its code."""
    if not status:
        return None
    from eskan_desk.domain.enums import MaritalStatus

    label = MaritalStatus(status).label
    if gender == "f":
        return pgettext("of a woman", label)
    if gender == "m":
        return pgettext("of a man", label)
    return gettext(label)


def _display(value: Any) -> Any:
    """A parameter as the user should read it: enum members by their translated label, dates in
    the Hijri and the Gregorian calendar."""
    import datetime as dt  # not at the top: nothing before the sign-in screen needs it

    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        # Here, not at the top: the calendars (zoneinfo, Hijri tables) would otherwise load
        # before the sign-in screen, which shows no date.
        from eskan_desk.domain.dates import format_dual

        return format_dual(value, _language)
    label = getattr(value, "label", None)
    return gettext(label) if isinstance(label, str) else value


def _rule(err: EskanError) -> str:
    text = gettext(err.message)
    if err.params:
        text = text.format(**{k: _display(v) for k, v in err.params.items()})
    return text


def render_error(err: EskanError) -> str:
    """The one-line message shown to a user: ``<field>: <rule>`` in the current language."""
    text = _rule(err)
    field = getattr(err, "field", None)
    if field:
        label = gettext(FIELD_LABELS.get(field, field))
        # Translators: a field label, then the rule it broke.
        return gettext("{field}: {rule}").format(field=label, rule=text)
    return text


def render_validation_field(err: ValidationError) -> tuple[str, str]:
    """The field code and the translated rule alone, for a message beside a form field."""
    return err.field, _rule(err)
