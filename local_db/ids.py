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


# Fixed forever: changing it would give existing natural keys new ids on other laptops.
_NATURAL_NAMESPACE = uuid.UUID("5d1e0f8a-6c1b-4b59-9d1e-3a7f2c4e9b10")


def natural_id(entity: str, parts: tuple[object, ...]) -> str:
    """The id of the one row of ``entity`` with this natural key (RFC 9562 UUIDv5).

    A row that a unique key allows only once (one answer per checklist item, one link per
    pair, one membership per task and inspector) may still be created offline on two laptops.
    With random ids the server would keep two records and each laptop would refuse the
    other's on its unique key, for ever; with the id derived from the key both laptops
    create the same record and the server merges the two inserts field by field.
    """
    text = "\x1f".join([entity, *(str(getattr(part, "value", part)) for part in parts)])
    return str(uuid.uuid5(_NATURAL_NAMESPACE, text))
