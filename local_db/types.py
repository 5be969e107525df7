"""Column types that keep SQLite honest about time zones and ids."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """An aware UTC timestamp stored as ISO-8601 text.

    SQLite has no time-zone type; SQLAlchemy's ``DateTime`` silently drops ``tzinfo``, which
    would make device-clock and server-receipt times ambiguous once records travel between
    machines. Storing ``2026-11-23T16:30:15.123456+00:00`` sorts lexically and is unambiguous.
    """

    impl = String(32)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"expected datetime, got {type(value).__name__}")
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous; pass an aware UTC datetime")
        return value.astimezone(UTC).isoformat(timespec="microseconds")

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return datetime.fromisoformat(str(value))


def utc_now() -> datetime:
    """The current time as an aware UTC datetime (the only clock the models use)."""
    return datetime.now(UTC)
