"""How numbers, money and times look on screen: one place, the same everywhere.

Money is stored as integer fen; it is shown as yuan with a ¥ sign, thousands separators and
two decimals, computed with integers so no binary rounding creeps in. Times are stored in
UTC and shown in the computer's local time zone.
"""

from __future__ import annotations

from datetime import date, datetime

from inspector_app.i18n import _


def money(fen: int) -> str:
    """``123456789`` → ``¥1,234,567.89``."""
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), 100)
    return f"{sign}¥{yuan:,}.{cents:02d}"


def count(n: int) -> str:
    """``1234567`` → ``1,234,567``."""
    return f"{n:,}"


def day(value: date | None) -> str:
    """ISO date, the form inspectors and documents use (``2026-03-01``)."""
    return value.isoformat() if value is not None else ""


def period(start: str, end: str) -> str:
    """A settlement period from its stored ISO bounds."""
    if not start and not end:
        return ""
    return _("{start} to {end}").format(start=start, end=end)


def local_time(value: datetime | None) -> str:
    """An aware UTC time shown in local time, to the minute."""
    if value is None:
        return ""
    return value.astimezone().strftime("%Y-%m-%d %H:%M")


def file_size(size: int) -> str:
    """Bytes in the largest sensible binary unit."""
    amount = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if amount < 1024 or unit == "GB":
            return f"{amount:.0f} {unit}" if unit == "B" else f"{amount:.1f} {unit}"
        amount /= 1024
    return f"{amount:.1f} GB"  # pragma: no cover - loop always returns
