"""Reading export files: encodings, delimiters, header rows, damaged bytes, spreadsheets."""

from __future__ import annotations

import codecs
import datetime
import hashlib
from pathlib import Path

import openpyxl
import pytest

from inspector_app.settlement_import.encoding import detect_encoding
from inspector_app.settlement_import.sources import (
    ImportSource,
    SourceError,
    SourceFormat,
    open_table,
    sniff_delimiter,
)
from local_db.enums import ImportFileRole
from tests.unit.settlement_import.world import (
    CLAIM_HEADERS,
    LINE_HEADERS,
    claim_row,
    line_row,
    write_csv,
)


def _rows(path: Path, **options: object) -> tuple[list[tuple[int, list[str]]], list[int]]:
    bad: list[int] = []
    with open_table(ImportSource(path, **options), ImportFileRole.CLAIMS) as table:  # type: ignore[arg-type]
        rows = list(table.rows(lambda row_no, _cells: bad.append(row_no)))
    return rows, bad


@pytest.mark.parametrize(
    ("encoding", "detected"),
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8-sig"),
        ("gbk", "gb18030"),
        ("gb18030", "gb18030"),
        ("utf-16", "utf-16"),
    ],
)
def test_the_encoding_is_detected(tmp_path: Path, encoding: str, detected: str) -> None:
    path = write_csv(
        tmp_path / "claims.csv", CLAIM_HEADERS, [claim_row(n) for n in range(1, 40)],
        encoding=encoding,
    )  # fmt: skip
    with open_table(ImportSource(path), ImportFileRole.CLAIMS) as table:
        assert table.layout.encoding == detected
        assert table.layout.headers == tuple(CLAIM_HEADERS)  # no BOM left on the first header
        rows = list(table.rows(lambda *_: pytest.fail("no damaged row")))
        assert table.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert [cells[0] for _n, cells in rows] == [f"JS{n:06d}" for n in range(1, 40)]
    assert rows[0][1][2] == "张三"


def test_big5_is_told_from_gbk() -> None:
    text = "結算流水號,姓名,醫院,項目名稱\nJS1,張三,臺北,阿莫西林膠囊\n" * 50
    assert detect_encoding(text.encode("big5")) == "big5"
    assert detect_encoding(text.encode("gb18030")) == "gb18030"


def test_a_declared_encoding_wins_and_an_unknown_one_is_refused(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", CLAIM_HEADERS, [claim_row(1)], encoding="gbk")
    with open_table(ImportSource(path, encoding="GBK"), ImportFileRole.CLAIMS) as table:
        assert table.layout.encoding == "gb18030"  # GBK widened to its superset
    with pytest.raises(SourceError):
        open_table(ImportSource(path, encoding="no-such-codec"))


@pytest.mark.parametrize("delimiter", [",", "\t", ";", "|"])
def test_the_delimiter_is_sniffed(tmp_path: Path, delimiter: str) -> None:
    rows = [claim_row(n, 总费用="1,234.56") for n in range(1, 10)]
    path = write_csv(tmp_path / "c.txt", CLAIM_HEADERS, rows, delimiter=delimiter)
    with open_table(ImportSource(path), ImportFileRole.CLAIMS) as table:
        assert table.layout.delimiter == delimiter
        assert table.layout.headers == tuple(CLAIM_HEADERS)
        first = next(iter(table.rows(lambda *_: None)))[1]
    assert first[15] == "1,234.56"
    assert sniff_delimiter("a\tb\tc\n1\t2\t3\n") == "\t"


def test_title_lines_above_the_header_are_skipped(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "c.csv", CLAIM_HEADERS, [claim_row(n) for n in range(1, 6)],
        titles=["示范医院住院结算明细表", "导出时间：2026-03-02 10:00,,,", ""],
    )  # fmt: skip
    rows, bad = _rows(path)
    assert bad == []
    with open_table(ImportSource(path), ImportFileRole.CLAIMS) as table:
        assert table.layout.header_row == 4
    assert [n for n, _cells in rows] == [5, 6, 7, 8, 9]  # the numbers a spreadsheet shows
    forced, _bad = _rows(path, header_row=4)
    assert forced == rows


def test_rows_with_undecodable_bytes_go_to_the_callback_and_the_rest_is_read(
    tmp_path: Path,
) -> None:
    path = write_csv(
        tmp_path / "c.csv", CLAIM_HEADERS, [claim_row(n) for n in range(1, 200)], encoding="gbk"
    )
    data = path.read_bytes().split(b"\r\n")
    # Row 50 (line 51): the name's bytes replaced by bytes GB18030 does not have.
    data[50] = data[50].replace("张三".encode("gbk"), b"\xff\xfe\xff")
    path.write_bytes(b"\r\n".join(data))
    rows, bad = _rows(path)
    assert bad == [51]
    assert len(rows) == 198
    assert all("\udcff" not in cell for _n, cells in rows for cell in cells)


def test_a_utf8_file_with_a_damaged_row_is_still_utf8(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", CLAIM_HEADERS, [claim_row(n) for n in range(1, 300)])
    data = bytearray(path.read_bytes())
    at = data.index("张三".encode()) + 3000  # a name in a later row
    at = data.index("张三".encode(), at)
    data[at : at + 3] = b"\xe5\x00\xff"
    path.write_bytes(bytes(data))
    with open_table(ImportSource(path), ImportFileRole.CLAIMS) as table:
        assert table.layout.encoding == "utf-8"
    rows, bad = _rows(path)
    assert len(bad) == 1
    assert len(rows) == 298


def _workbook(path: Path) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "说明"
    sheet.append(["本文件含两张表"])
    lines = workbook.create_sheet("明细")
    lines.append(["示范医院费用明细"])
    lines.append([])
    lines.append(LINE_HEADERS)
    lines.append(
        ["JS000001", 1, "XA01001", "阿莫西林胶囊", "药品", "盒", 37.5, 2, 75,
         "甲", "D001", datetime.datetime(2025, 3, 2, 9, 15), None, 2]
    )  # fmt: skip
    lines.append(
        ["JS000001", 2.0, "00123", "血常规", "检查", "次", "20.00", 1, 20.0,
         "甲", "D001", 45718.5, "", ""]
    )  # fmt: skip
    lines.append(["合计", None, None, None, None, None, None, 3, 95])
    workbook.save(path)
    return path


def test_a_chosen_sheet_is_read_with_typed_cells_as_text(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "明细.xlsx")
    with open_table(ImportSource(path, sheet="明细"), ImportFileRole.LINES) as table:
        assert table.layout.format is SourceFormat.XLSX
        assert table.layout.sheet == "明细"
        assert table.layout.header_row == 3
        assert table.layout.headers == tuple(LINE_HEADERS)
        rows = list(table.rows(lambda *_: pytest.fail("no damaged row")))
        assert table.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert [n for n, _cells in rows] == [4, 5, 6]
    first, second = rows[0][1], rows[1][1]
    assert first[1] == "1" and first[6] == "37.5" and first[8] == "75"
    assert first[11] == "2025-03-02 09:15:00"
    assert second[1] == "2" and second[2] == "00123" and second[11] == "45718.5"
    with pytest.raises(SourceError):
        open_table(ImportSource(path, sheet="没有这张表"))


def test_the_first_sheet_is_the_default(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "明细.xlsx")
    with open_table(ImportSource(path)) as table:
        assert table.layout.sheet == "说明"


def test_a_file_that_is_no_workbook_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "fake.xlsx"
    path.write_bytes(codecs.BOM_UTF8 + "结算流水号\n".encode())
    with pytest.raises(SourceError):
        open_table(ImportSource(path))


def test_a_header_row_beyond_the_file_is_refused(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", CLAIM_HEADERS, [claim_row(1)])
    with pytest.raises(SourceError):
        open_table(ImportSource(path, header_row=9))
    lines = write_csv(tmp_path / "l.csv", LINE_HEADERS, [line_row(1, 1)])
    with open_table(ImportSource(lines)) as table:  # without a role, any role's headers count
        assert table.layout.header_row == 1


def test_excel_text_formulas_keep_their_leading_zeros(tmp_path: Path) -> None:
    rows = [claim_row(1, 身份证号='="11010519491231002X"', 医生编码='="00123"')]
    path = write_csv(tmp_path / "c.csv", CLAIM_HEADERS, rows)
    (_n, cells), *_rest = _rows(path)[0]
    assert cells[5] == "11010519491231002X" and cells[9] == "00123"


def test_a_byte_order_mark_never_sticks_to_the_first_header(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", CLAIM_HEADERS, [claim_row(1)], encoding="utf-8-sig")
    with open_table(ImportSource(path, encoding="utf-8"), ImportFileRole.CLAIMS) as table:
        assert table.layout.encoding == "utf-8-sig"
        assert table.layout.headers[0] == "结算流水号"
