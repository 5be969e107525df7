"""A batch written out as a HIS export reads back identical; error reports and batch lists."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import func, select

from inspector_app.demo import build_demo
from inspector_app.demo.places import INSPECTED_HOSPITAL
from inspector_app.profiles import OpenProfile
from inspector_app.progress import Progress
from inspector_app.settlement_import import (
    ImportSource,
    export_problems,
    import_settlement,
    list_batches,
)
from inspector_app.settlement_import.export_csv import export_batch, yuan
from inspector_app.settlement_import.report import count_problems, import_detail
from local_db.models import Claim, ClaimLine, Institution, SettlementBatch
from tests.unit.settlement_import.world import (
    CLAIM_HEADERS,
    World,
    claim_row,
    make_world,
    write_csv,
)


def _rows(profile: OpenProfile, batch_id: str) -> tuple[list[Any], list[Any]]:
    claim_columns = [c for c in Claim.__table__.columns if c.name not in {"id", "batch_id"}]
    line_columns = [c for c in ClaimLine.__table__.columns if c.name not in {"id", "claim_id"}]
    with profile.read_session() as session:
        claims = session.execute(
            select(*claim_columns).where(Claim.batch_id == batch_id).order_by(Claim.id)
        ).all()
        lines = session.execute(
            select(Claim.settlement_no, *line_columns)
            .join(Claim, Claim.id == ClaimLine.claim_id)
            .where(Claim.batch_id == batch_id)
            .order_by(ClaimLine.claim_id, ClaimLine.line_no)
        ).all()
    return [tuple(r) for r in claims], [tuple(r) for r in lines]


@pytest.mark.parametrize("encoding", ["gbk", "utf-8"])
def test_a_demo_batch_exported_and_imported_again_is_the_same_data(
    profile: OpenProfile, tmp_path: Path, encoding: str
) -> None:
    demo = build_demo(profile, claims=500, seed=31, progress=Progress(), seal=False)
    exported = export_batch(
        profile=profile, batch_id=demo.settlement.batch_id, folder=tmp_path, encoding=encoding
    )
    assert exported.claims == demo.settlement.claims
    assert exported.lines == demo.settlement.lines
    header = exported.claims_path.read_bytes().split(b"\r\n")[0]
    assert header.decode("gb18030" if encoding == "gbk" else "utf-8").startswith("结算流水号,")
    with profile.read_session() as session:
        institution_id = session.scalar(
            select(Institution.id).where(Institution.code == INSPECTED_HOSPITAL)
        )
    assert institution_id is not None
    summary = import_settlement(
        profile, claims=ImportSource(exported.claims_path),
        lines=ImportSource(exported.lines_path), institution_id=institution_id,
        progress=Progress(),
    )  # fmt: skip
    assert (summary.rejected, summary.problems) == (0, 0)
    assert summary.total_fen == demo.settlement.total_fen
    assert _rows(profile, summary.batch_id) == _rows(profile, demo.settlement.batch_id)
    with profile.read_session() as session:
        imported = session.get(SettlementBatch, summary.batch_id)
        days = session.execute(
            select(func.min(Claim.settled_at), func.max(Claim.settled_at)).where(
                Claim.batch_id == demo.settlement.batch_id
            )
        ).one()
    assert imported is not None
    assert (imported.period_start, imported.period_end) == (days[0][:10], days[1][:10])


def test_money_is_written_as_yuan() -> None:
    assert [yuan(v) for v in (0, 7, 1234, -1234, 100, None)] == [
        "0.00", "0.07", "12.34", "-12.34", "1.00", "",
    ]  # fmt: skip


@pytest.fixture
def world(profile: OpenProfile) -> World:
    return make_world(profile)


def test_the_error_report_exports_to_csv_and_xlsx(
    profile: OpenProfile, world: World, tmp_path: Path
) -> None:
    rows = [claim_row(n, 总费用="bad" if n % 3 == 0 else "150.00") for n in range(1, 10)]
    claims = write_csv(tmp_path / "c.csv", CLAIM_HEADERS, rows)
    summary = import_settlement(
        profile, claims=ImportSource(claims), case_id=world.case_id, progress=Progress()
    )
    assert count_problems(profile=profile, batch_id=summary.batch_id) == 3
    assert export_problems(profile=profile, batch_id=summary.batch_id, dest=tmp_path / "p.csv") == 3
    with (tmp_path / "p.csv").open(encoding="utf-8-sig", newline="") as handle:
        table = list(csv.reader(handle))
    assert table[0] == ["File", "Row", "Column", "Value", "Severity", "Problem", "Code"]
    assert [row[1] for row in table[1:]] == ["4", "7", "10"]
    assert {row[3] for row in table[1:]} == {"bad"} and table[1][6] == "bad_money"
    assert (
        export_problems(profile=profile, batch_id=summary.batch_id, dest=tmp_path / "p.xlsx") == 3
    )
    sheet = openpyxl.load_workbook(tmp_path / "p.xlsx").active
    assert sheet is not None
    assert [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)] == [4, 7, 10]
    listed = list_batches(profile=profile)
    assert [(b.id, b.claims, b.rejected, b.imported) for b in listed] == [
        (summary.batch_id, 6, 3, True)
    ]
    detail = import_detail(profile=profile, batch_id=summary.batch_id)
    assert detail["files"][0]["counts"]["refused"] == 3
