"""Every setting of the product declared once: key, type, default, description and tier.

Two tiers (house style §4): *machine* settings belong to this computer (language, where the
profiles live, window layout) and are stored by the Qt shell in QSettings; *profile* settings
travel with the inspector's profile (the sync server's address) and are stored in the
profile database's ``app_setting`` table through ``inspector_app.services.profile_settings``.
Neither store invents keys: both read the declarations below, so a setting's type, default
and meaning live in exactly one place.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar
from urllib.parse import urlsplit

from inspector_app.i18n import LANGUAGES, N_, _

T = TypeVar("T", str, int, bool, bytes)


class Tier(StrEnum):
    """Where a setting is stored."""

    MACHINE = "machine"
    PROFILE = "profile"


@dataclass(frozen=True)
class Setting(Generic[T]):
    """The declaration of one setting.

    ``description`` is the English source text, marked with ``N_`` so it is extracted;
    :meth:`describe` translates it in the active language. ``validate`` returns a translated
    message for an unacceptable value, or None.
    """

    key: str
    kind: type[T]
    default: T
    description: str
    tier: Tier
    validate: Callable[[T], str | None] | None = None

    def describe(self) -> str:
        """The description in the active language."""
        return _(self.description)

    def coerce(self, raw: object) -> T:
        """Turn a stored value back into the declared type; the default when impossible."""
        if raw is None:
            return self.default
        value: object
        try:
            if self.kind is bool:
                value = raw if isinstance(raw, bool) else str(raw).strip().lower() == "true"
            elif self.kind is int:
                value = int(raw)  # type: ignore[call-overload]
            elif self.kind is bytes:
                value = bytes(raw) if isinstance(raw, bytes | bytearray | memoryview) else b""
            else:
                value = str(raw)
        except (TypeError, ValueError):
            return self.default
        return value  # type: ignore[return-value]

    def error_for(self, value: T) -> str | None:
        """The translated reason ``value`` is refused, or None when it is acceptable."""
        return self.validate(value) if self.validate is not None else None


def _language_error(code: str) -> str | None:
    if code in {language.code for language in LANGUAGES}:
        return None
    return _("Unknown language “{code}”.").format(code=code)


def server_url_error(url: str) -> str | None:
    """Why ``url`` is not a usable server address (empty is fine: no server)."""
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        return _("The server address must start with https:// or http:// and name a host.")
    if parts.query or parts.fragment:
        return _("The server address must not contain “?” or “#”.")
    return None


LANGUAGE: Setting[str] = Setting(
    "ui/language",
    str,
    "zh_CN",
    N_("Language of the user interface and of the documents it produces."),
    Tier.MACHINE,
    _language_error,
)
DATA_FOLDER: Setting[str] = Setting(
    "storage/data_folder",
    str,
    "",
    N_("Folder holding the profiles; empty means the system's application data folder."),
    Tier.MACHINE,
)
LAST_PROFILE: Setting[str] = Setting(
    "session/last_profile",
    str,
    "",
    N_("The profile folder opened last; it is preselected at login."),
    Tier.MACHINE,
)
WINDOW_GEOMETRY: Setting[bytes] = Setting(
    "window/geometry",
    bytes,
    b"",
    N_("Size and position of the main window."),
    Tier.MACHINE,
)
WINDOW_STATE: Setting[bytes] = Setting(
    "window/state",
    bytes,
    b"",
    N_("Layout of the main window's toolbars and panels."),
    Tier.MACHINE,
)
SERVER_URL: Setting[str] = Setting(
    "sync/server_url",
    str,
    "",
    N_(
        "Address of the central sync server, e.g. https://fund.example.gov.cn; "
        "leave empty to work offline only."
    ),
    Tier.PROFILE,
    server_url_error,
)

ALL_SETTINGS: tuple[Setting[str] | Setting[bytes] | Setting[int] | Setting[bool], ...] = (
    LANGUAGE,
    DATA_FOLDER,
    LAST_PROFILE,
    WINDOW_GEOMETRY,
    WINDOW_STATE,
    SERVER_URL,
)


def by_key(key: str) -> Setting[str] | Setting[bytes] | Setting[int] | Setting[bool]:
    """The declaration with ``key``.

    Raises:
        KeyError: no setting has that key.
    """
    for setting in ALL_SETTINGS:
        if setting.key == key:
            return setting
    raise KeyError(key)
