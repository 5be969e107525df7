"""A revoked user or device: destroy the profile's key material at the next contact.

The server answers a revoked account or device with ``user_revoked``/``device_revoked``.
The laptop may be lost or in the wrong hands, so the profile must stop opening at once,
whatever password is typed. Everything in it is encrypted under one database key (the
evidence key is derived from it), and that key is stored only wrapped in ``profile.json``
and, for the working day, in the keyring's session cache: forgetting those copies and the
sync tokens makes the folder unreadable (crypto-shredding) without wiping gigabytes.
"""

from __future__ import annotations

import logging

from inspector_app.profiles import OpenProfile, shred_profile_key
from inspector_app.sync import credentials

_log = logging.getLogger(__name__)


def destroy_key_material(profile: OpenProfile) -> None:
    """Forget every key that opens ``profile`` and close it; its data becomes unreadable.

    Order: the wrapped key first (the one copy that survives a reboot), then the tokens,
    then the in-memory keys, so an interruption leaves the profile refused, not half open.
    """
    shred_profile_key(profile.path)
    credentials.forget(profile.info.profile_id)
    profile.discard_keys()
    _log.warning("sync: revoked by the server; the profile's keys were destroyed")
