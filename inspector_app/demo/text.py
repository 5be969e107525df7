"""Vectorised text for millions of rows: digits, ISO dates and timestamps without per-row loops.

Formatting ten million timestamps with ``strftime`` or f-strings would cost about as much
as loading them; building the ASCII bytes with numpy arithmetic and decoding them in one
call is about twice as fast as ``np.datetime_as_string`` (measured on 2 M timestamps).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]
ByteMatrix = npt.NDArray[np.uint8]
ObjectArray = npt.NDArray[np.object_]

SECONDS_PER_DAY = 86_400
_ZERO = ord("0")


def int_digits(values: npt.ArrayLike, width: int) -> ByteMatrix:
    """ASCII digits of non-negative integers, zero-padded to ``width`` columns.

    Raises:
        ValueError: a value is negative or has more than ``width`` digits.
    """
    remaining = np.asarray(values, dtype=np.int64).copy()
    if remaining.size and (remaining.min() < 0 or remaining.max() >= 10**width):
        raise ValueError(f"values do not fit in {width} digits")
    out = np.empty((remaining.shape[0], width), dtype=np.uint8)
    for column in range(width - 1, -1, -1):
        out[:, column] = _ZERO + remaining % 10
        remaining //= 10
    return out


def literal(text: str, rows: int) -> ByteMatrix:
    """An ASCII literal repeated on ``rows`` rows (to join with other byte columns)."""
    encoded = np.frombuffer(text.encode("ascii"), dtype=np.uint8)
    return np.broadcast_to(encoded, (rows, encoded.size))


def join_text(parts: list[ByteMatrix]) -> list[str]:
    """Concatenate byte columns row-wise and decode each row to a Python ``str``."""
    if not parts:
        return []
    matrix = np.ascontiguousarray(np.concatenate(parts, axis=1))
    rows, width = matrix.shape
    if rows == 0:
        return []
    as_bytes = matrix.view(f"S{width}").reshape(rows)
    decoded: list[str] = as_bytes.astype(f"U{width}").tolist()
    return decoded


def lookup(table: ObjectArray, index: npt.ArrayLike) -> list[Any]:
    """``table[index]`` as a list; the strings are shared, not copied (cheap for 10 M rows)."""
    values: list[Any] = table[np.asarray(index)].tolist()
    return values


def day_table(first: date, days: int) -> list[date]:
    """Consecutive dates from ``first`` (index = day offset)."""
    return [first + timedelta(days=n) for n in range(days)]


class Calendar:
    """ISO text for day offsets from ``first`` (dates, and timestamps at second precision)."""

    def __init__(self, first: date, days: int) -> None:
        self.first = first
        self.days = days
        iso = [d.isoformat() for d in day_table(first, days)]
        self.iso_dates: ObjectArray = np.array(iso, dtype=object)
        self.date_bytes: ByteMatrix = np.frombuffer(
            "".join(iso).encode("ascii"), dtype=np.uint8
        ).reshape(days, 10)

    def dates(self, day: npt.ArrayLike) -> list[str]:
        """``YYYY-MM-DD`` of each day offset."""
        return lookup(self.iso_dates, day)

    def timestamps(self, day: npt.ArrayLike, second: npt.ArrayLike) -> list[str]:
        """``YYYY-MM-DDTHH:MM:SS`` of each (day offset, second of day)."""
        day_index = np.asarray(day, dtype=np.int64)
        seconds = np.asarray(second, dtype=np.int64)
        rows = day_index.shape[0]
        hour, rest = np.divmod(seconds, 3600)
        minute, sec = np.divmod(rest, 60)
        return join_text(
            [
                self.date_bytes[day_index],
                literal("T", rows),
                int_digits(hour, 2),
                literal(":", rows),
                int_digits(minute, 2),
                literal(":", rows),
                int_digits(sec, 2),
            ]
        )
