"""SAMPLE.csv and STRATA.csv as Excel and HIS systems write them, and rows that must stop us."""

from __future__ import annotations

from pathlib import Path

import pytest

from inspector_app.statistics.sample_csv import (
    CsvInputError,
    parse_amount_fen,
    read_sample,
    read_strata,
    read_stratum_plans,
)
from inspector_app.statistics.variables import SampleRow, StratumFrame


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize(
    ("text", "fen"),
    [
        ("1,234.50", 123450),
        ("¥1,234.5", 123450),
        ("￥ 12 345", 1234500),
        ("0.01", 1),
        ("1，000", 100000),
        ("7", 700),
    ],
)
def test_amounts_become_exact_fen(text: str, fen: int) -> None:
    assert parse_amount_fen(text) == fen


@pytest.mark.parametrize("text", ["", "abc", "1.234", "1e400x", "NaN"])
def test_non_amounts_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match=r"."):
        parse_amount_fen(text)


def test_utf8_with_bom_thousands_separators_and_strata(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "SAMPLE.csv",
        '\ufeffID,Examined,Audited,Stratum\nJ001,"1,200.50",1000,住院\n\nJ002,300,300.00,门诊\n',
    )
    assert read_sample(path) == [
        SampleRow("J001", 120050, 100000, "住院"),
        SampleRow("J002", 30000, 30000, "门诊"),
    ]


def test_gb18030_files_are_read(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "STRATA.csv",
        'stratum,frame_size,frame_examined\n住院,"12,000","3,456,789.10"\n门诊,800,\n',
        encoding="gb18030",
    )
    assert read_strata(path) == [
        StratumFrame("住院", 12000, 345678910),
        StratumFrame("门诊", 800, None),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "id,examined,audited\n1,10,5\n2,abc,5\n",
            r"line 3, column examined: 'abc' is not an amount",
        ),
        (
            "id,examined,audited\n1,10.001,5\n",
            r"line 2, column examined: '10.001' has more than two",
        ),
        ("id,examined\n1,10\n", r"missing column\(s\) audited"),
        ("id,examined,audited\n1,10,5\n1,3,2\n", r"line 3: id 1 already appears on line 2"),
        ("id,examined,audited\n,10,5\n", r"line 2, column id: '' is empty"),
        ("id,examined,audited\n1,10,5,9\n", r"line 2: more cells than columns"),
        ("", r"empty"),
    ],
)
def test_bad_rows_name_the_line_and_column(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(CsvInputError, match=message):
        read_sample(_write(tmp_path / "SAMPLE.csv", text))


def test_bad_strata_and_undecodable_files(tmp_path: Path) -> None:
    with pytest.raises(CsvInputError, match=r"line 3, column frame_size: '1.5'"):
        read_strata(_write(tmp_path / "S.csv", "stratum,frame_size\nA,10\nB,1.5\n"))
    with pytest.raises(CsvInputError, match="repeated"):
        read_strata(_write(tmp_path / "S.csv", "stratum,frame_size\nA,10\nA,11\n"))
    (tmp_path / "X.csv").write_bytes(b"id,examined,audited\n\xff\xff,1,1\n")
    with pytest.raises(CsvInputError, match="neither UTF-8 nor GB18030"):
        read_sample(tmp_path / "X.csv")
    with pytest.raises(CsvInputError, match="cannot be read"):
        read_sample(tmp_path / "missing.csv")


def test_stratum_plans(tmp_path: Path) -> None:
    path = _write(tmp_path / "P.csv", 'stratum,frame_size,mean,sd\nA,"1,000",12.5,"1,300"\n')
    [plan] = read_stratum_plans(path)
    assert (plan.stratum, plan.size, plan.mean, plan.standard_deviation) == ("A", 1000, 12.5, 1300)


def test_negative_amounts_of_reversal_claims_are_read(tmp_path: Path) -> None:
    """冲销 (reversal) claims carry negative amounts; the import accepts them, so must the
    appraisal's reader (ASCII or full-width minus, with separators and currency sign)."""
    path = _write(
        tmp_path / "SAMPLE.csv",
        'id,examined,audited\nR1,-25.00,-25.00\nR2,"-1,234.50",0\nR3,－¥8.10,-8.1\n',
    )
    rows = read_sample(path)
    assert [(r.examined_fen, r.audited_fen) for r in rows] == [
        (-2_500, -2_500), (-123_450, 0), (-810, -810),
    ]  # fmt: skip
    strata = read_strata(
        _write(tmp_path / "S.csv", "stratum,frame_size,frame_examined\nA,10,-40.00\n")
    )
    assert strata == [StratumFrame("A", 10, -4_000)]
