"""How documents write amounts, dates and times, and how free text enters paragraph markup.

The written forms are translatable patterns, so a Chinese document says "2026年11月24日 14:05"
and "1,234.56元" where an English one says "2026-11-24 14:05" and "1,234.56 yuan". Times
arrive in UTC and are shown in this machine's local time zone.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from xml.sax.saxutils import escape

from inspector_app.findings.amounts import format_amount_input
from inspector_app.i18n import _

HASH_LINE = 32  # a SHA-256 digest prints as two lines of 32 hex digits


def yuan(fen: int) -> str:
    """Integer fen as yuan with thousands separators and the unit: ``1,234.56元``."""
    return _("{amount} yuan").format(amount=format_amount_input(fen))


# Documents of record state China Standard Time whatever the laptop's clock zone is (a
# laptop set to UTC must not print 06:00 for a 14:00 interview); China keeps no summer time.
DOCUMENT_TIMEZONE = timezone(timedelta(hours=8), "CST")


def local(moment: datetime) -> datetime:
    """``moment`` in China Standard Time, the zone documents state (naive values are UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(DOCUMENT_TIMEZONE)


def day(value: date | datetime) -> str:
    """``2026年11月24日`` / ``2026-11-24`` (a datetime is first moved to local time)."""
    if isinstance(value, datetime):
        value = local(value).date()
    return _("{year}-{month:02d}-{day:02d}").format(
        year=value.year, month=value.month, day=value.day
    )


def clock(moment: datetime) -> str:
    """``14:05`` in local time."""
    shown = local(moment)
    return f"{shown.hour:02d}:{shown.minute:02d}"


def moment_text(moment: datetime | None) -> str:
    """``2026年11月24日 14:05`` / ``2026-11-24 14:05``; empty for no time."""
    if moment is None:
        return ""
    return _("{date} {time}").format(date=day(moment), time=clock(moment))


def span_text(start: datetime | None, end: datetime | None) -> str:
    """A start–end span; the end omits its date when it is the start's day."""
    if start is None:
        return moment_text(end)
    if end is None:
        return moment_text(start)
    end_text = clock(end) if local(start).date() == local(end).date() else moment_text(end)
    return _("{start} to {end}").format(start=moment_text(start), end=end_text)


def day_span(start: date, end: date) -> str:
    """``2026年11月24日至2026年11月28日``; one day when both are equal."""
    if start == end:
        return day(start)
    return _("{start} to {end}").format(start=day(start), end=day(end))


def size_text(size: int) -> str:
    """Bytes in a short human form (``1.2 MB``)."""
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{size} B" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"  # pragma: no cover - the loop always returns


def markup(text: str) -> str:
    """Free text made safe for paragraph markup; line breaks kept."""
    return escape(text).replace("\r\n", "\n").replace("\n", "<br/>")


def hash_markup(digest: str) -> str:
    """A hex digest broken into lines of :data:`HASH_LINE` digits."""
    lines = [digest[i : i + HASH_LINE] for i in range(0, len(digest), HASH_LINE)]
    return "<br/>".join(escape(line) for line in lines)
