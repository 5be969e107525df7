"""One translation catalog for the whole product: UI, CLI messages and documents.

Source strings are English and marked with ``_()`` (``ngettext`` for plurals, ``pgettext``
where a word needs context); Babel extracts them into ``resources/i18n/messages.pot`` and the
Chinese catalog ``zh_CN`` is the default language. The Qt shell calls the same functions,
so a string is translated once for every surface, and switching language at runtime only
swaps the active catalog and tells listeners (the UI re-renders its texts).

Module-level constants use ``N_()`` to be extracted without being translated at import
time; translate them where they are shown.
"""

from __future__ import annotations

import gettext as _gettext
import locale
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from inspector_app.resources import resource_path

DOMAIN = "fund_inspector"
DEFAULT_LANGUAGE = "zh_CN"


@dataclass(frozen=True)
class Language:
    """A language the product ships, with its name in that language."""

    code: str
    native_name: str


LANGUAGES = (Language("zh_CN", "简体中文"), Language("en", "English"))

_translations: _gettext.NullTranslations = _gettext.NullTranslations()
_current = "en"
_listeners: list[Callable[[str], None]] = []
# A per-thread language (documents in Chinese built while the screen is in English); it
# never notifies listeners and never changes what other threads see.
_thread = threading.local()


def catalog_dir() -> str:
    """Folder holding ``<lang>/LC_MESSAGES/fund_inspector.mo``."""
    return str(resource_path("i18n"))


def _load(code: str) -> _gettext.NullTranslations:
    if code == "en":
        return _gettext.NullTranslations()
    return _gettext.translation(DOMAIN, catalog_dir(), languages=[code])


def set_language(code: str) -> None:
    """Make ``code`` the active language and notify listeners.

    Raises:
        ValueError: the language is not shipped or its compiled catalog is missing.
    """
    global _translations, _current
    if code not in {language.code for language in LANGUAGES}:
        raise ValueError(f"unsupported language {code!r}")
    try:
        translations = _load(code)
    except OSError as exc:
        raise ValueError(f"no compiled catalog for {code!r}: run 'make i18n'") from exc
    _translations, _current = translations, code
    for listener in list(_listeners):
        listener(code)


def current_language() -> str:
    """Code of the active language (this thread's override, if one is in force)."""
    return getattr(_thread, "code", None) or _current


def _active() -> _gettext.NullTranslations:
    override: _gettext.NullTranslations | None = getattr(_thread, "translations", None)
    return override if override is not None else _translations


@contextmanager
def language_override(code: str) -> Iterator[None]:
    """Translate into ``code`` in this thread only, for the length of a ``with`` block.

    Documents have their own language (Chinese by default, whatever the screen shows);
    the UI's listeners are not told, and other threads keep the active language.

    Raises:
        ValueError: the language is not shipped or its compiled catalog is missing.
    """
    if code not in {language.code for language in LANGUAGES}:
        raise ValueError(f"unsupported language {code!r}")
    try:
        translations = _load(code)
    except OSError as exc:
        raise ValueError(f"no compiled catalog for {code!r}: run 'make i18n'") from exc
    previous = getattr(_thread, "translations", None), getattr(_thread, "code", None)
    _thread.translations, _thread.code = translations, code
    try:
        yield
    finally:
        _thread.translations, _thread.code = previous


def system_language() -> str:
    """Best guess from the environment: zh_CN unless an English locale is explicit."""
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable, "")
        if value and value not in {"C", "POSIX", "C.UTF-8"}:
            return "en" if value.startswith("en") else DEFAULT_LANGUAGE
    try:
        code = locale.getlocale()[0] or ""
    except ValueError:
        code = ""
    return "en" if code.startswith("en") else DEFAULT_LANGUAGE


def add_listener(callback: Callable[[str], None]) -> None:
    """Call ``callback(code)`` after every language change."""
    _listeners.append(callback)


def remove_listener(callback: Callable[[str], None]) -> None:
    """Stop notifying ``callback``."""
    if callback in _listeners:
        _listeners.remove(callback)


def _(message: str) -> str:
    """Translate ``message`` in the active language."""
    return _active().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate with the plural form the active language uses for ``n``."""
    return _active().ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """Translate ``message`` in ``context`` (the same English word, different meanings)."""
    return _active().pgettext(context, message)


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it now."""
    return message
