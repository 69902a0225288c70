"""Translation markers usable in the pure layers.

`N_` marks a string for extraction into the catalog without translating it: the domain has no
I/O and does not know the user's language. The layer that shows the text translates it with
`eskan_desk.i18n.gettext` at the moment it is shown, so a language switch takes effect.
"""


def N_(message: str) -> str:  # noqa: N802 - gettext convention
    """Return ``message`` unchanged; marks it for the translation catalog."""
    return message


def NP_(context: str, message: str) -> str:  # noqa: N802 - gettext convention
    """Return ``message`` unchanged; marks it for the catalog as meant in ``context``
    (translated with ``eskan_desk.i18n.pgettext``)."""
    return message
