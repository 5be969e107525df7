"""Amounts, dates and times as documents write them, in local time."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest

from inspector_app.documents.formats import (
    day,
    day_span,
    hash_markup,
    local,
    markup,
    moment_text,
    size_text,
    span_text,
    yuan,
)


@pytest.fixture(autouse=True)
def shanghai(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Documents show the machine's local time; make it China Standard Time."""
    import time

    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_amounts_are_yuan_with_separators_never_floats() -> None:
    assert yuan(123456) == "1,234.56 yuan"
    assert yuan(-5) == "-0.05 yuan"
    assert yuan(10**12 + 1) == "10,000,000,000.01 yuan"


def test_times_are_shown_in_local_time() -> None:
    moment = datetime(2026, 11, 24, 6, 5, tzinfo=UTC)
    assert local(moment).hour == 14
    assert moment_text(moment) == "2026-11-24 14:05"
    assert day(datetime(2026, 11, 24, 17, 0, tzinfo=UTC)) == "2026-11-25"  # after midnight there
    assert moment_text(None) == ""


def test_spans_drop_the_repeated_date() -> None:
    start = datetime(2026, 11, 24, 1, 30, tzinfo=UTC)
    assert span_text(start, datetime(2026, 11, 24, 4, 50, tzinfo=UTC)) == (
        "2026-11-24 09:30 to 12:50"
    )
    assert span_text(start, datetime(2026, 11, 25, 1, 0, tzinfo=UTC)).endswith("2026-11-25 09:00")
    assert span_text(None, start) == "2026-11-24 09:30"
    assert day_span(date(2026, 11, 24), date(2026, 11, 24)) == "2026-11-24"


def test_free_text_cannot_inject_markup() -> None:
    assert markup("a<b>&c\nd") == "a&lt;b&gt;&amp;c<br/>d"
    assert hash_markup("ab" * 32) == "ab" * 16 + "<br/>" + "ab" * 16
    assert size_text(512) == "512 B" and size_text(1536) == "1.5 KB"
