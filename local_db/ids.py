"""Client-generated, time-ordered identifiers for synced rows (RFC 9562 UUIDv7).

Generated on the laptop so that records created offline never collide with records from
other devices, and time-ordered so that B-tree inserts stay local and ids sort by creation.
"""

from __future__ import annotations

import uuid

import uuid6


def new_id() -> str:
    """A new UUIDv7 as its canonical 36-character text form."""
    value: uuid.UUID = uuid6.uuid7()
    return str(value)
