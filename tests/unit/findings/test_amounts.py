"""Amounts typed by users become integer fen, through Decimal."""

from __future__ import annotations

import pytest

from inspector_app.findings.amounts import format_amount_input, parse_amount


@pytest.mark.parametrize(
    ("text", "fen"),
    [
        ("1,234.56", 123_456),
        ("1234.5", 123_450),
        ("¥1234", 123_400),
        ("￥1,234.00", 123_400),
        ("１２３４.５元", 123_450),
        ("0.1", 10),
        ("0.29", 29),
        ("  ", 0),
        ("12,345,678.90", 1_234_567_890),
    ],
)
def test_parse(text: str, fen: int) -> None:
    assert parse_amount(text) == fen


@pytest.mark.parametrize("text", ["1.234", "-5", "12,34", "abc", "1e3", "1,2345.00", "¥"])
def test_rejects(text: str) -> None:
    if text == "¥":
        assert parse_amount(text) == 0
        return
    with pytest.raises(ValueError, match="amount"):
        parse_amount(text)


def test_too_large() -> None:
    with pytest.raises(ValueError, match="too large"):
        parse_amount("110101199003071234")


def test_round_trip() -> None:
    for fen in (0, 1, 99, 123_456, 1_234_567_890):
        assert parse_amount(format_amount_input(fen)) == fen
