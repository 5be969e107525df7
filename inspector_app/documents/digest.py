"""What a handwritten signature vouches for: a digest of the document's content, signatures aside.

A person signs what the document says at that moment. The digest of that content (in the
documents' own language, without the signature blocks, seal boxes, print date and the
chain-of-custody statement of the day) is kept with the signature; when the document later
says something else, the signature no longer counts and the person signs again.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from datetime import date, datetime
from enum import Enum
from typing import Any

# Fields that change without the content changing, or that are the signatures themselves.
_IGNORED = frozenset(
    {"meta", "signatures", "receiver", "seals", "chain_summary", "thumbnail_jpeg", "closed_at"}
)


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: _plain(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if f.name not in _IGNORED
        }
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, bytes):
        return hashlib.sha256(value).hexdigest()
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def content_digest(data: object) -> str:
    """SHA-256 of a gathered document's content (a dataclass of ``documents/model.py``)."""
    text = json.dumps(_plain(data), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
