"""The machine tier of the settings declared in ``inspector_app.settings``, kept in QSettings.

An INI file in the user's configuration folder (the same format on every platform, readable
by support staff). Only declared machine-tier keys are read or written, and values go back
through the declaration's ``coerce`` so a hand-edited file cannot crash the shell.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, QStandardPaths

from inspector_app.settings import DATA_FOLDER, Setting, T, Tier

ORGANISATION = "FundInspector"
APPLICATION = "fund-inspector"
PROFILES_FOLDER = "profiles"


class MachineSettings:
    """Typed access to this computer's settings."""

    def __init__(self, store: QSettings | None = None) -> None:
        self._store = store or QSettings(
            QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANISATION, APPLICATION
        )

    @staticmethod
    def _check(setting: Setting[T]) -> None:
        if setting.tier is not Tier.MACHINE:
            raise ValueError(f"{setting.key} is not a machine setting")

    def get(self, setting: Setting[T]) -> T:
        """The stored value, or the declared default."""
        self._check(setting)
        raw = self._store.value(setting.key)
        if isinstance(raw, QByteArray):
            raw = raw.data()
        return setting.coerce(raw)

    def set(self, setting: Setting[T], value: T) -> None:
        """Store ``value`` (validated by the declaration).

        Raises:
            ValueError: the declaration refuses the value (message is translated).
        """
        self._check(setting)
        error = setting.error_for(value)
        if error is not None:
            raise ValueError(error)
        stored: object = QByteArray(value) if isinstance(value, bytes) else value
        self._store.setValue(setting.key, stored)

    def sync(self) -> None:
        """Write pending changes to disk now."""
        self._store.sync()

    def file_name(self) -> str:
        """The INI file behind the settings."""
        return self._store.fileName()


def default_data_folder() -> Path:
    """``<application data folder>/profiles`` of this user."""
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(base) / PROFILES_FOLDER


def data_folder(settings: MachineSettings) -> Path:
    """The folder holding profiles: the configured one, else the default."""
    configured = settings.get(DATA_FOLDER)
    return Path(configured).expanduser() if configured else default_data_folder()
