"""A stray quotation mark swallows no row; real multi-line values still read as one row.

Files are written as exports write them (``csv.writer``: values quoted only when they need
it) and then a quotation mark is put where a HIS leaves one: at the start of a name,
``"张四``, with nothing to close it.
"""

from __future__ import annotations

import csv
import io
import random
from pathlib import Path

import pytest
from sqlalchemy import select

from inspector_app.profiles import OpenProfile
from inspector_app.progress import Progress
from inspector_app.settlement_import import (
    ImportSource,
    ProblemCode,
    import_settlement,
    list_problems,
    preview,
)
from inspector_app.settlement_import.csv_records import MAX_RECORD_LINES
from inspector_app.settlement_import.sources import open_table
from local_db.enums import ImportFileRole
from local_db.models import Claim, ClaimLine
from tests.unit.settlement_import.world import (
    CLAIM_HEADERS,
    LINE_HEADERS,
    World,
    claim_row,
    count,
    line_row,
    make_world,
    write_csv,
)

STRAY = "\x00STRAY\x00"  # replaced by an unclosed quotation mark after writing
BARE_COMMA = "\x00COMMA\x00"  # replaced by a comma the writer did not quote


@pytest.fixture
def world(profile: OpenProfile) -> World:
    return make_world(profile)


def _write(
    path: Path,
    headers: list[str],
    rows: list[list[str]],
    *,
    encoding: str = "gbk",
    final_newline: bool = True,
) -> Path:
    """``rows`` as an export writes them, each ``STRAY`` then made a bare ``"``."""
    write_csv(path, headers, rows, encoding=encoding)
    data = path.read_bytes().replace(STRAY.encode(encoding), b'"')
    data = data.replace(BARE_COMMA.encode(encoding), b",")
    path.write_bytes(data if final_newline else data.removesuffix(b"\r\n"))
    return path


def _read(path: Path) -> tuple[list[tuple[int, list[str]]], list[tuple[int, str]]]:
    """(rows, stray quotes as (row, value of the cell it opens))."""
    stray: list[tuple[int, str]] = []
    with open_table(ImportSource(path), ImportFileRole.CLAIMS) as table:
        rows = list(
            table.rows(
                lambda *_: pytest.fail("no undecodable row"),
                lambda row_no, cells, at: stray.append((row_no, cells[at])),
            )
        )
    return rows, stray


def _claims(n: int) -> list[list[str]]:
    """Claims 1..n (claim k on line k + 1)."""
    return [claim_row(k) for k in range(1, n + 1)]


def test_a_gbk_file_with_a_stray_quote_imports_every_row(
    profile: OpenProfile, world: World, tmp_path: Path
) -> None:
    rows = _claims(1000)
    rows[1][2] = STRAY + "张四"  # claim 2, line 3 of the file
    claims = _write(tmp_path / "结算.csv", CLAIM_HEADERS, rows)
    summary = import_settlement(
        profile, claims=ImportSource(claims), case_id=world.case_id, progress=Progress()
    )
    assert (summary.claims, summary.rejected, summary.warnings) == (1000, 0, 1)
    assert count(profile, Claim) == 1000
    problems = list_problems(profile=profile, batch_id=summary.batch_id)
    assert [(p.row_no, p.column, p.value, p.code) for _r, p in problems] == [
        (3, "姓名", '"张四', ProblemCode.UNBALANCED_QUOTE.value)
    ]
    with profile.read_session() as session:
        name = session.scalar(select(Claim.patient_name).where(Claim.settlement_no == "JS000002"))
    assert name == '"张四'  # kept as read: the quotation mark is the institution's record


def test_more_than_the_field_size_limit_after_a_stray_quote_loses_no_row(tmp_path: Path) -> None:
    # 17 MiB after the quote: the reader gives up on the value (csv.Error), not the import.
    line = ",".join(claim_row(0)) + "\r\n"
    path = tmp_path / "big.csv"
    with path.open("w", encoding="gbk", newline="") as handle:
        handle.write(",".join(CLAIM_HEADERS) + "\r\n")
        handle.write(line.replace("JS000000", "JS1").replace("张三", '"张四'))
        total = 0
        n = 2
        while total < 17 * 1024 * 1024:
            written = line.replace("JS000000", f"JS{n}")
            handle.write(written)
            total += len(written.encode("gbk"))
            n += 1
    rows, stray = _read(path)
    assert len(rows) == n - 1
    assert [cells[0] for _n, cells in rows[:3]] == ["JS1", "JS2", "JS3"]
    assert {len(cells) for _n, cells in rows} == {len(CLAIM_HEADERS)}
    assert [row_no for row_no, _cells in rows] == list(range(2, n + 1))
    assert stray == [(2, '"张四')]


def test_a_quoted_value_over_several_lines_is_still_one_row(tmp_path: Path) -> None:
    rows = _claims(6)
    rows[2][14] = "肺炎\r\n伴高血压,糖尿病"  # quoted by the writer: a real two-line value
    path = _write(tmp_path / "c.csv", CLAIM_HEADERS, rows)
    read, stray = _read(path)
    assert stray == []
    assert [cells[0] for _n, cells in read] == [f"JS{k:06d}" for k in range(1, 7)]
    assert read[2][1][14] == "肺炎\r\n伴高血压,糖尿病"
    # Rows are numbered by the line they start on: claim 4 follows a two-line row.
    assert [row_no for row_no, _cells in read] == [2, 3, 4, 6, 7, 8]


def test_a_stray_quote_closed_by_a_later_quoted_value_in_the_same_column(tmp_path: Path) -> None:
    # Claim 5's name needs quoting ("王,五"): its opening quotation mark closes the stray
    # value, and the record then has exactly the header's number of fields. Only the
    # strict reading tells it from a real multi-line value.
    rows = _claims(8)
    rows[1][2] = STRAY + "张四"
    rows[4][2] = "王,五"
    path = _write(tmp_path / "c.csv", CLAIM_HEADERS, rows)
    read, stray = _read(path)
    assert [cells[0] for _n, cells in read] == [f"JS{k:06d}" for k in range(1, 9)]
    assert {len(cells) for _n, cells in read} == {len(CLAIM_HEADERS)}
    assert read[4][1][2] == "王,五"
    assert stray == [(3, '"张四')]


def test_two_stray_quotes_around_a_real_multi_line_value(tmp_path: Path) -> None:
    rows = _claims(40)
    rows[3][2] = STRAY + "张四"
    rows[20][14] = "肺炎\n伴高血压"
    rows[30][10] = STRAY + "李四"
    path = _write(tmp_path / "c.csv", CLAIM_HEADERS, rows)
    read, stray = _read(path)
    assert [cells[0] for _n, cells in read] == [f"JS{k:06d}" for k in range(1, 41)]
    assert {len(cells) for _n, cells in read} == {len(CLAIM_HEADERS)}
    assert read[20][1][14] == "肺炎\n伴高血压"
    assert stray == [(5, '"张四'), (33, '"李四')]


@pytest.mark.parametrize("final_newline", [True, False])
def test_a_stray_quote_on_the_last_line(tmp_path: Path, final_newline: bool) -> None:
    rows = _claims(4)
    rows[3][2] = STRAY + "张四"
    path = _write(tmp_path / "c.csv", CLAIM_HEADERS, rows, final_newline=final_newline)
    read, stray = _read(path)
    assert [len(cells) for _n, cells in read] == [len(CLAIM_HEADERS)] * 4
    assert stray == [(5, '"张四')]


def test_a_stray_quote_in_a_row_with_quoted_values_keeps_them(tmp_path: Path) -> None:
    # Quoted values before the stray quotation mark read as CSV; after it, the line is
    # split at the delimiter (a quoted value there would have closed the stray one).
    rows = _claims(3)
    rows[1][0] = "JS,000002"
    rows[1][14] = STRAY + "肺炎"
    path = _write(tmp_path / "c.csv", CLAIM_HEADERS, rows)
    read, stray = _read(path)
    assert read[1][1][0] == "JS,000002" and read[1][1][14] == '"肺炎'
    assert read[1][1][15:] == claim_row(2)[15:]
    assert stray == [(3, '"肺炎')]


def test_a_line_with_too_many_fields_after_a_stray_quote_is_refused_and_reported(
    profile: OpenProfile, world: World, tmp_path: Path
) -> None:
    rows = _claims(20)
    rows[5][14] = STRAY + "肺炎" + BARE_COMMA + "伴高血压"  # as text: one field too many
    claims = _write(tmp_path / "结算.csv", CLAIM_HEADERS, rows)
    summary = import_settlement(
        profile, claims=ImportSource(claims), case_id=world.case_id, progress=Progress()
    )
    assert (summary.claims, summary.rejected) == (19, 1)
    problems = [p for _r, p in list_problems(profile=profile, batch_id=summary.batch_id)]
    assert {p.row_no for p in problems} == {7}
    assert {"extra_fields", "unbalanced_quote"} <= {p.code for p in problems}


def test_lines_with_stray_quotes_and_multi_line_values_all_load(
    profile: OpenProfile, world: World, tmp_path: Path
) -> None:
    claims = write_csv(tmp_path / "结算.csv", CLAIM_HEADERS, _claims(50), encoding="gbk")
    lines = [line_row(k, j) for k in range(1, 51) for j in (1, 2, 3)]
    lines[10][3] = STRAY + "阿莫西林胶囊"
    lines[60][3] = "阿莫西林\r\n胶囊"
    lines[149][3] = STRAY + "阿莫西林胶囊"  # the last line of the file
    path = _write(tmp_path / "明细.csv", LINE_HEADERS, lines)
    summary = import_settlement(
        profile, claims=ImportSource(claims), lines=ImportSource(path), case_id=world.case_id,
        progress=Progress(),
    )  # fmt: skip
    assert (summary.lines, summary.rejected, summary.warnings) == (150, 0, 2)
    assert count(profile, ClaimLine) == 150
    problems = list_problems(profile=profile, batch_id=summary.batch_id)
    assert [(p.row_no, p.code) for _r, p in problems] == [
        (12, "unbalanced_quote"),
        (152, "unbalanced_quote"),  # line 61's value took two lines
    ]


def test_the_preview_shows_the_stray_quote(tmp_path: Path) -> None:
    rows = _claims(5)
    rows[1][2] = STRAY + "张四"
    path = _write(tmp_path / "c.csv", CLAIM_HEADERS, rows)
    shown = preview(ImportSource(path), role=ImportFileRole.CLAIMS)
    assert len(shown.rows) == 5
    assert [p.code for p in shown.rows[1].problems] == ["unbalanced_quote"]
    assert shown.rows[1].values is not None and shown.rows[1].values["patient_name"] == '"张四'


def test_a_value_over_more_lines_than_the_limit_is_read_line_by_line(tmp_path: Path) -> None:
    # The documented limit of telling the two apart: such a value is taken for a stray quote.
    rows = _claims(3)
    rows[1][14] = "\n".join(["肺炎"] * (MAX_RECORD_LINES + 1))
    path = _write(tmp_path / "c.csv", CLAIM_HEADERS, rows)
    read, stray = _read(path)
    assert [cells[0] for _n, cells in read if cells and cells[0].startswith("JS")] == [
        "JS000001", "JS000002", "JS000003",
    ]  # fmt: skip
    assert stray == [(3, '"肺炎')]


def test_csv_module_reads_a_stray_quote_as_we_assume(tmp_path: Path) -> None:
    """The premise: Python's reader takes the rest of the file into the open value."""
    text = 'a,b\r\n1,"x\r\n2,y\r\n'
    assert list(csv.reader(text.splitlines(keepends=True), strict=False)) == [
        ["a", "b"], ["1", "x\r\n2,y\r\n"],
    ]  # fmt: skip


def _random_file(seed: int) -> tuple[str, list[list[str]], list[int]]:
    """A file of random rows with quoted, doubled-quote and multi-line values, and stray
    quotation marks opening plain values: (text, the rows as meant, the stray cells)."""
    rng = random.Random(seed)
    plain = ["张三", "abc", "12.50", "", "x y"]
    pool = [*plain, "a,b", 'say "hi"', "l1\nl2", "m1\r\nm2\r\nm3"]
    rows = [[rng.choice(pool) for _ in range(6)] for _ in range(rng.randint(1, 25))]
    strays: dict[int, int] = {}
    for index, row in enumerate(rows):
        candidates = [at for at, cell in enumerate(row) if cell in plain and cell]
        if candidates and rng.random() < 0.2:
            at = strays[index] = rng.choice(candidates)
            # Plain values after it, so the quotation mark does not close on its own line.
            row[at + 1 :] = [rng.choice(plain) for _ in row[at + 1 :]]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([f"h{n}" for n in range(6)])
    for index, row in enumerate(rows):
        if index not in strays:
            writer.writerow(row)
            continue
        at = strays[index]
        lead = ""
        if at:  # the values before it as the writer quotes them
            before = io.StringIO()
            csv.writer(before, lineterminator="\r\n").writerow(row[:at])
            lead = before.getvalue()[:-2] + ","
        buffer.write(lead + '"' + ",".join(row[at:]) + "\r\n")
        row[at] = '"' + row[at]
    text = buffer.getvalue()
    return (text.removesuffix("\r\n") if rng.random() < 0.3 else text), rows, list(strays.values())


def _read_plain(path: Path) -> tuple[list[list[str]], list[int]]:
    """A UTF-8, comma-separated file with its header on line 1: (rows, stray cells)."""
    found: list[int] = []
    source = ImportSource(path, encoding="utf-8", delimiter=",", header_row=1)
    with open_table(source) as table:
        rows = table.rows(
            lambda *_: pytest.fail("no undecodable row"), lambda _n, _c, at: found.append(at)
        )
        return [cells for _n, cells in rows], found


@pytest.mark.parametrize("first_seed", range(0, 400, 100))
def test_random_files_with_stray_quotes_read_every_row_as_meant(
    tmp_path: Path, first_seed: int
) -> None:
    for seed in range(first_seed, first_seed + 100):
        text, meant, strays = _random_file(seed)
        path = tmp_path / f"{seed}.csv"
        path.write_bytes(text.encode())
        read, found = _read_plain(path)
        assert (read, found) == (meant, strays), f"seed {seed}"
