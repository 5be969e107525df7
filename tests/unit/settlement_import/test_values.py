"""Cell text to stored values: money in fen, quantities, dates, sex, ID numbers."""

from __future__ import annotations

from typing import Any

import pytest

from inspector_app.settlement_import.fields import field_by_name
from inspector_app.settlement_import.problems import FieldError, ProblemCode
from inspector_app.settlement_import.values import (
    _Counted,
    id_check_character,
    id_facts,
    integer,
    iso_date,
    iso_datetime,
    make_parser,
    money_fen,
    quantity,
)
from local_db.enums import ImportFileRole


@pytest.mark.parametrize(
    ("text", "fen"),
    [
        ("12.34", 1234),
        ("12", 1200),
        ("12.5", 1250),
        ("0.07", 7),
        ("-12.34", -1234),
        ("1,234.56", 123456),
        ("1,234,567.89", 123456789),
        ("￥1,234.56", 123456),
        ("¥12.30", 1230),
        ("12.30元", 1230),
        ("RMB 5", 500),
        ("(12.34)", -1234),
        ("（12.34）", -1234),  # full-width parentheses
        ("１２.３４", 1234),  # full-width digits
        ("０.５", 50),
        (" 12.34 ", 1234),
        ("0.125", 13),  # four-decimal unit prices round half up to the fen
        ("0.124", 12),
        ("2.675", 268),  # no float error (2.675 is 2.67499… as a float)
        ("1e3", 100000),
    ],
)
def test_money_is_parsed_to_fen_without_float_error(text: str, fen: int) -> None:
    assert money_fen(text) == fen


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", ProblemCode.REQUIRED_MISSING),
        ("   ", ProblemCode.REQUIRED_MISSING),
        ("12,3a", ProblemCode.BAD_MONEY),
        ("abc", ProblemCode.BAD_MONEY),
        ("1.2.3", ProblemCode.BAD_MONEY),
        ("nan", ProblemCode.BAD_MONEY),
        ("inf", ProblemCode.BAD_MONEY),
        ("12.-5", ProblemCode.BAD_MONEY),
    ],
)
def test_bad_money_is_refused_with_its_code(text: str, code: ProblemCode) -> None:
    with pytest.raises(FieldError) as caught:
        money_fen(text)
    assert caught.value.code is code


def test_quantities_keep_decimals_and_refuse_non_numbers() -> None:
    assert quantity("2") == 2.0
    assert quantity("0.5") == 0.5
    assert quantity("-1") == -1.0
    assert quantity("1,000.25") == 1000.25
    assert quantity("３") == 3.0
    for text, code in (("", ProblemCode.REQUIRED_MISSING), ("x", ProblemCode.BAD_QUANTITY)):
        with pytest.raises(FieldError) as caught:
            quantity(text)
        assert caught.value.code is code
    with pytest.raises(FieldError):
        quantity("nan")
    assert integer("3") == 3
    assert integer("3.0") == 3
    with pytest.raises(FieldError):
        integer("3.5")


@pytest.mark.parametrize(
    "text",
    [
        "2025-03-01", "2025/3/1", "2025/03/01", "2025.3.1", "20250301", "2025年3月1日",
        "2025-03-01 08:30", "2025-03-01 08:30:15", "2025/3/1 8:30:15", "20250301083015",
        "2025年3月1日 8时30分", "2025年3月1日8时30分15秒", "45717", "45717.354",
        "２０２５-０３-０１",
    ],
)  # fmt: skip
def test_dates_in_every_export_form(text: str) -> None:
    assert iso_date(text) == "2025-03-01"


@pytest.mark.parametrize(
    ("text", "stored"),
    [
        ("2025-03-01 08:30:15", "2025-03-01T08:30:15"),
        ("2025-03-01T08:30:15", "2025-03-01T08:30:15"),
        ("2025/3/1 8:30", "2025-03-01T08:30:00"),
        ("20250301083015", "2025-03-01T08:30:15"),
        ("2025-03-01 08:30:15.250", "2025-03-01T08:30:15"),
        ("45717.5", "2025-03-01T12:00:00"),  # Excel serial with a time of day
        ("2025-03-01", "2025-03-01"),  # a bare date keeps no made-up time
    ],
)
def test_times_are_stored_as_iso_text(text: str, stored: str) -> None:
    assert iso_datetime(text) == stored


@pytest.mark.parametrize(
    "text", ["2025-13-01", "2025-02-30", "0001-01-01", "3/1/2025", "明天", "2025-03-01 25:00:00"]
)
def test_impossible_dates_are_refused(text: str) -> None:
    with pytest.raises(FieldError) as caught:
        iso_date(text)
    assert caught.value.code is ProblemCode.BAD_DATE
    with pytest.raises(FieldError) as caught:
        iso_datetime(text)
    assert caught.value.code is ProblemCode.BAD_DATETIME


def _parser(role: ImportFileRole, name: str) -> tuple[Any, list[Any], dict[str, _Counted]]:
    warnings: list[Any] = []
    unmapped: dict[str, _Counted] = {}
    target = field_by_name(role, name)
    return (
        make_parser(target, column="列", warnings=warnings, unmapped=unmapped),
        warnings,
        unmapped,
    )


def test_sex_codes_and_unknown_values() -> None:
    parse, warnings, _unmapped = _parser(ImportFileRole.CLAIMS, "patient_sex")
    assert [parse(v) for v in ("男", "女", "1", "2", "M", "f", "Female", " 男 ", "", "未知")] == [
        "M", "F", "M", "F", "M", "F", "F", "M", "", "",
    ]  # fmt: skip
    assert warnings == []
    assert parse("X") == ""
    assert [(w[1], w[2]) for w in warnings] == [("X", ProblemCode.UNKNOWN_SEX)]


def test_id_numbers_with_a_wrong_check_character_are_kept_with_a_warning() -> None:
    parse, warnings, _unmapped = _parser(ImportFileRole.CLAIMS, "patient_id_no")
    assert id_check_character("11010519491231002") == "X"  # GB 11643-1999's own example
    assert parse(" 11010519491231002x ") == "11010519491231002X"
    assert warnings == []
    assert parse("110105194912310021") == "110105194912310021"
    assert warnings == [("列", "110105194912310021", ProblemCode.ID_CHECK_DIGIT, {"expected": "X"})]
    warnings.clear()
    assert parse("A1234567") == "A1234567"  # another kind of identifier: not checked
    assert warnings == []
    with pytest.raises(FieldError):
        parse(" ")
    assert id_facts("11010519491231002X") == ("1949-12-31", "F")
    assert id_facts("440524188001010014") == ("1880-01-01", "M")
    assert id_facts("110105194912310021") is None


def test_vocabulary_values_are_coded_and_unknown_ones_kept_and_counted() -> None:
    parse, _warnings, unmapped = _parser(ImportFileRole.LINES, "item_category")
    assert [parse(v) for v in ("药品", "西药费", "检查费", "卫生材料", "Drug", "")] == [
        "drug", "drug", "service", "consumable", "drug", "",
    ]  # fmt: skip
    assert parse("其他费") == "其他费"
    assert parse("其他费") == "其他费"
    assert unmapped["item_category"].values == {"其他费": 1}  # remembered after the first
    coverage, _w, _u = _parser(ImportFileRole.LINES, "coverage_class")
    assert [coverage(v) for v in ("甲", "乙类", "丙", "自费", "01", "b")] == [
        "A", "B", "C", "C", "A", "B",
    ]  # fmt: skip


def test_optional_fields_take_their_default_when_blank() -> None:
    discharge, _w, _u = _parser(ImportFileRole.CLAIMS, "discharge_date")
    assert discharge("") is None
    assert discharge("  ") is None
    assert discharge("2025/3/5") == "2025-03-05"
    with pytest.raises(FieldError):
        discharge("2025-02-30")
    account, _w, _u = _parser(ImportFileRole.CLAIMS, "account_fen")
    assert account("") == 0
    trace, _w, _u = _parser(ImportFileRole.LINES, "trace_code")
    assert trace("") is None
    assert trace(" 8100 ") == "8100"
