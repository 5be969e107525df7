"""Switch the language of everything at once: our gettext catalog and Qt's own dialogs.

Qt's standard dialogs and buttons (file dialogs, "OK", "Cancel" in QDialogButtonBox) are
translated by the ``qtbase`` catalogs PySide6 ships; we switch the gettext catalog (whose
listeners make every window re-read its texts), then swap that QTranslator (Qt then sends
its own LanguageChange event, on which standard buttons retranslate themselves).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QObject, QTranslator

from inspector_app import i18n

_log = logging.getLogger(__name__)
_installed: list[QTranslator] = []

# Our language codes → Qt catalog suffixes (English needs none: Qt's source texts are English).
_QT_CATALOGS = {"zh_CN": "zh_CN"}


def _install_qt_catalog(code: str) -> None:
    app = QCoreApplication.instance()
    if app is None:
        return
    for translator in _installed:
        QCoreApplication.removeTranslator(translator)
    _installed.clear()
    suffix = _QT_CATALOGS.get(code)
    if suffix is None:
        return
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    translator = QTranslator(app)
    if translator.load(f"qtbase_{suffix}", folder):
        QCoreApplication.installTranslator(translator)
        _installed.append(translator)
    else:
        _log.warning("Qt catalog qtbase_%s not found in %s", suffix, folder)


def apply_language(code: str) -> str:
    """Make ``code`` the language of the whole shell; returns the language really applied.

    Falls back to English when the compiled catalog is missing (a checkout where
    ``make i18n`` has not run), rather than refusing to start.
    """
    try:
        i18n.set_language(code)
    except ValueError:
        _log.warning("language %s unavailable; using English", code)
        code = "en"
        i18n.set_language(code)
    _install_qt_catalog(code)
    QLocale.setDefault(QLocale("zh_CN" if code == "zh_CN" else "en_US"))
    return code


def follow_language(widget: QObject, retranslate: Callable[[], None]) -> Callable[[str], None]:
    """Call ``retranslate()`` after every language change while ``widget`` exists.

    The listener unregisters itself once the widget is gone, so a window that was closed
    and deleted without a clean hand-over can never be called back. Returns the listener
    (pass it to ``i18n.remove_listener`` to stop earlier).
    """

    def listener(_code: str) -> None:
        if shiboken6.isValid(widget):
            retranslate()
        else:
            i18n.remove_listener(listener)

    i18n.add_listener(listener)
    widget.destroyed.connect(lambda *_args: i18n.remove_listener(listener))
    return listener
