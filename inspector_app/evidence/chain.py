"""The chain of custody: canonical event bodies, their hashes, and what a device signs.

Each case has one lane per device (``custody_event.device_id``); a lane's events are numbered
from 1 and each hashes the previous one:
``chain_hash = SHA-256(bytes.fromhex(prev_hash) || body)``, with 64 zeros before the first.
The device signs the 32 raw bytes of ``chain_hash`` with Ed25519. ``body`` is canonical JSON
(sorted keys, no spaces, UTF-8), stored exactly as hashed.

Separately, each evidence item carries ``device_signature``: the device's signature of
:func:`evidence_message` (its id and the SHA-256 of its original), so one row suffices to
check which device vouched for which bytes.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

BODY_VERSION = 1
GENESIS_HASH = "0" * 64


def canonical_json(value: dict[str, Any]) -> str:
    """The one text form of ``value`` that is hashed and stored."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def timestamp(value: datetime) -> str:
    """An aware time in the chain's text form (UTC, microseconds), as the DB stores it."""
    if value.tzinfo is None:
        raise ValueError("naive datetimes are ambiguous; pass an aware UTC datetime")
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def chain_hash(prev_hash: str, body: str) -> str:
    """SHA-256 of the previous hash (raw bytes) followed by the body (UTF-8)."""
    return hashlib.sha256(bytes.fromhex(prev_hash) + body.encode("utf-8")).hexdigest()


def event_message(chain_hash_hex: str) -> bytes:
    """What a device signs for a custody event."""
    return bytes.fromhex(chain_hash_hex)


def evidence_message(evidence_id: str, sha256: str) -> bytes:
    """What a device signs for an evidence item (domain-separated from event signatures)."""
    return f"fund-inspector/evidence-sha256/v1\n{evidence_id}\n{sha256}".encode("ascii")
