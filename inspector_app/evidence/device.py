"""This installation's signing key: one Ed25519 key pair per profile, made on first use.

The private key lives only in the encrypted database (``DeviceSecret``); the public key is a
synced ``Device`` row, so a reviewer on the server can tell which laptop recorded a piece of
evidence and check its signatures. A profile restored onto another laptop keeps its key: the
device id names an installation of a profile, not the hardware.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from sqlalchemy import select
from sqlalchemy.orm import Session

from local_db.ids import new_id
from local_db.models import Device, DeviceSecret

ALGORITHM = "ed25519"


@dataclass(frozen=True)
class DeviceIdentity:
    """The device id and key pair this profile signs with."""

    device_id: str
    public_key: str  # raw 32 bytes, hex
    _private: Ed25519PrivateKey

    def sign(self, message: bytes) -> str:
        """Ed25519 signature of ``message``, hex."""
        return self._private.sign(message).hex()


def device_identity(session: Session) -> DeviceIdentity:
    """This profile's device identity, created (in ``session``'s transaction) on first use."""
    secret = session.scalars(
        select(DeviceSecret).order_by(DeviceSecret.created_at, DeviceSecret.device_id).limit(1)
    ).first()
    if secret is not None:
        private = Ed25519PrivateKey.from_private_bytes(secret.private_key)
        device = session.get(Device, secret.device_id)
        public = _public_hex(private)
        if device is None:  # the synced half went missing: put it back
            session.add(Device(id=secret.device_id, label=_label(), public_key=public))
        return DeviceIdentity(secret.device_id, public, private)
    private = Ed25519PrivateKey.generate()
    device_id = new_id()
    public = _public_hex(private)
    session.add(Device(id=device_id, label=_label(), public_key=public, algorithm=ALGORITHM))
    session.flush()
    session.add(DeviceSecret(device_id=device_id, private_key=private.private_bytes_raw()))
    session.flush()
    return DeviceIdentity(device_id, public, private)


def _public_hex(private: Ed25519PrivateKey) -> str:
    return private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw).hex()


def _label() -> str:
    """A name a reviewer recognises the laptop by (its host name)."""
    return socket.gethostname()[:128]


def signature_valid(public_key_hex: str, signature_hex: str, message: bytes) -> bool:
    """True when ``signature_hex`` is a valid Ed25519 signature of ``message``."""
    try:
        key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_key_hex))
        key.verify(bytes.fromhex(signature_hex), message)
    except (InvalidSignature, ValueError):
        return False
    return True
