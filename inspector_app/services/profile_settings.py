"""Read and write the profile-tier settings declared in ``inspector_app.settings``.

They live in the profile database (``app_setting``, JSON values) so they travel with the
profile; only declared keys of the profile tier are accepted, and every change is audited
by key (never by value: a value may name a server or a person).
"""

from __future__ import annotations

import json

from inspector_app.profiles import OpenProfile
from inspector_app.settings import Setting, T, Tier
from local_db.models import AppSetting


class SettingRejectedError(ValueError):
    """The value is not acceptable for the setting; ``str()`` is a translated message."""


def _check_tier(setting: Setting[T]) -> None:
    if setting.tier is not Tier.PROFILE:
        raise ValueError(f"{setting.key} is a {setting.tier} setting, not a profile setting")


def read_profile_setting(*, profile: OpenProfile, setting: Setting[T]) -> T:
    """The stored value of ``setting``, or its default."""
    _check_tier(setting)
    with profile.read_session() as session:
        row = session.get(AppSetting, setting.key)
        if row is None:
            return setting.default
        try:
            raw = json.loads(row.value_json)
        except ValueError:
            return setting.default
    return setting.coerce(raw)


def write_profile_setting(*, profile: OpenProfile, setting: Setting[T], value: T) -> bool:
    """Store ``value`` for ``setting``; returns False when it was already stored.

    Raises:
        SettingRejectedError: the setting's validator refuses the value.
    """
    _check_tier(setting)
    error = setting.error_for(value)
    if error is not None:
        raise SettingRejectedError(error)
    encoded = json.dumps(value, ensure_ascii=False)
    with profile.session() as session:
        row = session.get(AppSetting, setting.key)
        if row is not None and row.value_json == encoded:
            return False
        if row is None:
            session.add(AppSetting(key=setting.key, value_json=encoded))
        else:
            row.value_json = encoded
        profile.audit(session, "setting.changed", entity="app_setting", entity_id=setting.key)
    return True
