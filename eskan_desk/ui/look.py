"""Fonts, language direction and Qt's own translations, set once at start-up."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QLibraryInfo, QLocale, QObject, QTranslator
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from eskan_desk import i18n

if TYPE_CHECKING:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QDialogButtonBox

FONTS_DIR = Path(__file__).resolve().parents[2] / "resources" / "fonts"
UI_FAMILIES = ["Noto Sans Arabic", "Noto Sans"]  # Arabic first; Latin, digits, @ from Noto Sans
UI_FONT_FILES = ("NotoSansArabic-*.ttf", "NotoSans-*.ttf")  # Amiri is for printed forms only
UI_POINT_SIZE = 11

# Qt's values for the few enum properties set before the sign-in screen is on show. PySide6
# builds the whole ``Qt`` namespace, about a hundred enums (17-20 ms), the first time any
# ``Qt.*`` name is used; code on the way to the sign-in screen sets these through the property
# system instead, and :mod:`eskan_desk.ui.warm_up` builds the namespace once the screen is up.
# A test holds them equal to the enums.
LEFT_TO_RIGHT, RIGHT_TO_LEFT = 0, 1  # Qt::LayoutDirection
ALIGN_CENTER = 0x0084  # Qt::AlignCenter


def set_direction(obj: QObject, *, rtl: bool) -> None:
    """``obj.setLayoutDirection`` (a widget or the application) without the ``Qt`` namespace."""
    obj.setProperty("layoutDirection", RIGHT_TO_LEFT if rtl else LEFT_TO_RIGHT)


def name_buttons(box: QDialogButtonBox) -> QDialogButtonBox:
    """Name ``box``'s Save, Cancel and Close buttons from the app's catalog, as the app's own
    buttons are: Qt's Arabic catalog words them differently («احفظ», «ألغِ»)."""
    from PySide6.QtWidgets import QDialogButtonBox  # its type: not on the way to sign-in

    texts = (
        (QDialogButtonBox.StandardButton.Save, i18n.gettext("Save")),
        (QDialogButtonBox.StandardButton.Cancel, i18n.gettext("Cancel")),
        (QDialogButtonBox.StandardButton.Close, i18n.gettext("Close")),
    )
    for which, text in texts:
        button = box.button(which)
        if button is not None:
            button.setText(text)
    return box


def load_fonts() -> list[str]:
    """Register the bundled screen fonts; returns the families Qt now knows from them."""
    families: list[str] = []
    paths = {path for pattern in UI_FONT_FILES for path in FONTS_DIR.glob(pattern)}
    for path in sorted(paths):
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id >= 0:
            families += QFontDatabase.applicationFontFamilies(font_id)
    return sorted(set(families))


def ui_font(point_size: int = UI_POINT_SIZE, *, bold: bool = False) -> QFont:
    font = QFont()
    font.setFamilies(UI_FAMILIES)
    font.setPointSize(point_size)
    font.setBold(bold)
    return font


def leading_alignment() -> Qt.AlignmentFlag:
    """Text aligned to where lines start in the UI language (right in Arabic), whatever the
    direction of the text itself; numbers and codes no longer jump to the other side."""
    from PySide6.QtCore import Qt

    side = Qt.AlignmentFlag.AlignRight if i18n.is_rtl() else Qt.AlignmentFlag.AlignLeft
    return side | Qt.AlignmentFlag.AlignAbsolute | Qt.AlignmentFlag.AlignVCenter


def apply_language(app: QApplication, lang: str, digits: str = "latin") -> None:
    """Language, direction, the digits Qt's own widgets write, and Qt's button texts."""
    i18n.set_language(lang)
    set_direction(app, rtl=i18n.is_rtl(lang))
    # Spin boxes and date edits format numbers through the default locale: Arabic (Saudi)
    # writes Arabic-Indic digits, so Latin digits come from the English (Saudi) locale.
    language = QLocale.Language.Arabic if digits == "arab" else QLocale.Language.English
    QLocale.setDefault(QLocale(language, QLocale.Country.SaudiArabia))
    old = getattr(app, "_eskan_qt_translator", None)
    if old is not None:
        app.removeTranslator(old)
        app._eskan_qt_translator = None
    if lang != "en":
        translator = QTranslator(app)
        qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        if translator.load(f"qtbase_{lang}", qt_dir):
            app.installTranslator(translator)
            app._eskan_qt_translator = translator  # keep it alive with the app


STYLE = "fusion"  # the same look on every platform
_STYLED = "eskan_style_at_start"  # a dynamic property of an application made by new_application


def new_application(argv0: str) -> QApplication:
    """The application, in :data:`STYLE` from its construction: the style is named on the
    command line Qt reads then. ``setStyle`` afterwards would also make PySide build its Python
    type for the ``QStyle`` it returns, hundreds of enum values (7-10 ms on the way to the
    sign-in screen)."""
    app = QApplication([argv0, "-style", STYLE])
    app.setProperty(_STYLED, True)
    return app


def style_app(app: QApplication) -> None:
    load_fonts()
    app.setFont(ui_font())
    if not app.property(_STYLED):  # made elsewhere (tests): the style is set now
        app.setStyle(STYLE)
