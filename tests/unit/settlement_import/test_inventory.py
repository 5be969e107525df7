"""Importing 进销存 files: purchases, dispensing and stock counts as one inventory batch."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from inspector_app.profiles import OpenProfile
from inspector_app.progress import Cancelled, Progress
from inspector_app.settlement_import import (
    ImportSource,
    InventoryFile,
    import_inventory,
    list_problems,
)
from local_db.enums import ImportFileRole, InventoryMovementKind
from local_db.models import EvidenceItem, InventoryBatch, InventoryMovement, OutboxEntry
from tests.unit.settlement_import.world import World, count, make_world, write_csv

PURCHASE_HEADERS = ["入库单号", "药品编码", "药品名称", "单位", "入库日期", "入库数量", "采购金额"]
DISPENSING_HEADERS = ["处方号", "医保编码", "药品名称", "单位", "发药日期", "发药数量"]
COUNT_HEADERS = ["药品编码", "药品名称", "盘点日期", "实盘数量", "期初期末"]


@pytest.fixture
def world(profile: OpenProfile) -> World:
    return make_world(profile)


def _files(tmp_path: Path) -> list[InventoryFile]:
    purchases = write_csv(
        tmp_path / "采购入库.csv", PURCHASE_HEADERS,
        [["RK001", "XA01", "阿莫西林胶囊", "盒", "2025-01-05", "100", "3,750.00"],
         ["RK002", "XA01", "阿莫西林胶囊", "盒", "2025/2/5", "50", "1875"],
         ["RK003", "XB02", "头孢克肟片", "盒", "2025-02-30", "10", "300.00"]],
        encoding="gbk", titles=["示范医院药品入库明细"],
    )  # fmt: skip
    dispensing = write_csv(
        tmp_path / "发药.csv", DISPENSING_HEADERS,
        [["CF1", "XA01", "阿莫西林胶囊", "盒", "2025-01-20", "2"],
         ["CF2", "XA01", "阿莫西林胶囊", "盒", "2025-03-31", "1.5"],
         ["CF3", "", "阿莫西林胶囊", "盒", "2025-02-01", "1"]],
    )  # fmt: skip
    counts = write_csv(
        tmp_path / "盘点.csv", COUNT_HEADERS,
        [["XA01", "阿莫西林胶囊", "2025-01-01", "20", "期初"],
         ["XA01", "阿莫西林胶囊", "2025-03-31", "60", "期末"],
         ["XB02", "头孢克肟片", "2025-03-31", "5", "月中"]],
    )  # fmt: skip
    closing = write_csv(
        tmp_path / "期末盘点.csv", ["药品编码", "盘点日期", "库存数量"],
        [["XB02", "2025-03-31", "7"]],
    )  # fmt: skip
    return [
        InventoryFile(ImportFileRole.PURCHASES, ImportSource(purchases)),
        InventoryFile(ImportFileRole.DISPENSING, ImportSource(dispensing)),
        InventoryFile(ImportFileRole.STOCK_COUNTS, ImportSource(counts)),
        InventoryFile(
            ImportFileRole.STOCK_COUNTS, ImportSource(closing),
            count_kind=InventoryMovementKind.CLOSING_STOCK,
        ),
    ]  # fmt: skip


def test_inventory_files_load_as_one_batch_with_their_refused_rows(
    profile: OpenProfile, world: World, tmp_path: Path
) -> None:
    summary = import_inventory(
        profile, files=_files(tmp_path), case_id=world.case_id, progress=Progress()
    )
    assert (summary.movements, summary.rejected) == (7, 3)
    assert (summary.period_start, summary.period_end) == ("2025-01-01", "2025-03-31")
    with profile.read_session() as session:
        batch = session.get(InventoryBatch, summary.batch_id)
        assert batch is not None
        assert (batch.movement_count, batch.rejected_count) == (7, 3)
        assert batch.case_id == world.case_id and batch.institution_id == world.institution_id
        moves = session.execute(
            select(
                InventoryMovement.kind,
                InventoryMovement.item_code,
                InventoryMovement.movement_date,
                InventoryMovement.quantity,
                InventoryMovement.amount_fen,
                InventoryMovement.reference,
            ).order_by(InventoryMovement.id)
        ).all()
        sources = json.loads(batch.sources)
        evidence = session.scalars(select(EvidenceItem.original_name)).all()
        inserts = session.scalars(
            select(OutboxEntry.operation).where(OutboxEntry.entity_id == batch.id)
        ).all()
    kinds = InventoryMovementKind
    assert [tuple(m) for m in moves] == [
        (kinds.PURCHASE, "XA01", "2025-01-05", 100.0, 375000, "RK001"),
        (kinds.PURCHASE, "XA01", "2025-02-05", 50.0, 187500, "RK002"),
        (kinds.DISPENSED, "XA01", "2025-01-20", 2.0, None, "CF1"),
        (kinds.DISPENSED, "XA01", "2025-03-31", 1.5, None, "CF2"),
        (kinds.OPENING_STOCK, "XA01", "2025-01-01", 20.0, None, ""),
        (kinds.CLOSING_STOCK, "XA01", "2025-03-31", 60.0, None, ""),
        (kinds.CLOSING_STOCK, "XB02", "2025-03-31", 7.0, None, ""),
    ]
    assert [(s["role"], s["loaded"], s["rejected"]) for s in sources] == [
        ("purchases", 2, 1), ("dispensing", 2, 1), ("stock_counts", 2, 1), ("stock_counts", 1, 0),
    ]  # fmt: skip
    problems = list_problems(profile=profile, batch_id=summary.batch_id)
    assert [(role.value, p.code) for role, p in problems] == [
        ("dispensing", "required_missing"), ("purchases", "bad_date"),
        ("stock_counts", "count_kind_unknown"),
    ]  # fmt: skip
    assert sources[0]["encoding"] == "gb18030" and sources[0]["header_row"] == 2
    assert all(s["evidence_id"] for s in sources)
    assert sorted(evidence) == sorted(["采购入库.csv", "发药.csv", "盘点.csv", "期末盘点.csv"])
    assert [op.value for op in inserts] == ["insert"]


def test_a_cancelled_inventory_import_leaves_no_batch(
    profile: OpenProfile, world: World, tmp_path: Path
) -> None:
    rows = [["XA01", "阿莫西林", "2025-01-01", str(n), "期初"] for n in range(5000)]
    counts = write_csv(tmp_path / "盘点.csv", COUNT_HEADERS, rows)

    class CancelWhileImporting(Progress):
        def advance(self, amount: int = 1) -> None:
            self.cancel()
            super().advance(amount)

    with pytest.raises(Cancelled):
        import_inventory(
            profile, files=[InventoryFile(ImportFileRole.STOCK_COUNTS, ImportSource(counts))],
            institution_id=world.institution_id, progress=CancelWhileImporting(),
        )  # fmt: skip
    assert count(profile, InventoryBatch) == 0
    assert count(profile, InventoryMovement) == 0
