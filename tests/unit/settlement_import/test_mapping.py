"""Column mappings: automatic from headers, saved per role, and the preview built on them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from inspector_app.profiles import OpenProfile
from inspector_app.settlement_import import (
    ColumnMapping,
    ImportSource,
    MappingError,
    MappingOptions,
    auto_map,
    delete_mapping,
    list_mappings,
    load_mapping,
    preview,
    save_mapping,
)
from inspector_app.settlement_import.fields import role_fields
from inspector_app.settlement_import.rows import RowKind
from local_db.enums import ImportFileRole
from local_db.models import MappingProfile, OutboxEntry
from tests.unit.settlement_import.world import CLAIM_HEADERS, LINE_HEADERS, claim_row, write_csv


def test_the_headers_of_typical_exports_map_automatically() -> None:
    his = auto_map(ImportFileRole.CLAIMS, CLAIM_HEADERS)
    assert set(his) == {target.name for target in role_fields(ImportFileRole.CLAIMS)}
    platform = auto_map(
        ImportFileRole.CLAIMS,
        ["序号", " 结算ID ", "人员姓名", "证件号码", "医疗类别", "医疗费总额(元)",
         "医保统筹支付金额（元）", "个人账户支付", "个人现金支付", "结算时间", "备注"],
    )  # fmt: skip
    assert platform == {
        "settlement_no": " 结算ID ", "patient_name": "人员姓名", "patient_id_no": "证件号码",
        "visit_type": "医疗类别", "total_fen": "医疗费总额(元)",
        "fund_fen": "医保统筹支付金额（元）", "account_fen": "个人账户支付",
        "self_fen": "个人现金支付", "settled_at": "结算时间",
    }  # fmt: skip
    lines = auto_map(ImportFileRole.LINES, LINE_HEADERS)
    assert lines["amount_fen"] == "金额" and lines["unit_price_fen"] == "单价"
    assert lines["line_no"] == "明细序号" and lines["ordered_quantity"] == "医嘱数量"
    stock = auto_map(
        ImportFileRole.STOCK_COUNTS, ["药品编码", "药品名称", "盘点日期", "实盘数量", "期初期末"]
    )
    assert stock == {
        "item_code": "药品编码", "item_name": "药品名称", "movement_date": "盘点日期",
        "quantity": "实盘数量", "count_type": "期初期末",
    }  # fmt: skip


def test_a_saved_mapping_round_trips_and_is_synced(profile: OpenProfile) -> None:
    mapping = ColumnMapping(
        role=ImportFileRole.LINES,
        columns={"settlement_no": "JSLSH", "item_code": "XMBM", "unit_price_fen": "DJ",
                 "quantity": "SL", "amount_fen": "JE", "service_time": "FSSJ", "unit": ""},
        options=MappingOptions(encoding="gbk", header_row=3, delimiter="|"),
    )  # fmt: skip
    saved = save_mapping(profile=profile, name="  某HIS  住院明细 ", mapping=mapping)
    assert saved.mapping.name == "某HIS 住院明细"
    loaded = load_mapping(profile=profile, role=ImportFileRole.LINES, name="某HIS 住院明细")
    assert loaded is not None
    assert dict(loaded.columns) == {k: v for k, v in mapping.columns.items() if v}
    assert loaded.options == mapping.options
    assert load_mapping(profile=profile, role=ImportFileRole.CLAIMS, name="某HIS 住院明细") is None
    # Saving again under the name replaces it; the outbox holds the insert and the update.
    changed = ColumnMapping(role=ImportFileRole.LINES, columns={**mapping.columns, "unit": "DW"})
    save_mapping(profile=profile, name="某HIS 住院明细", mapping=changed)
    listed = list_mappings(profile=profile)
    assert [(m.mapping.name, m.mapping.columns.get("unit")) for m in listed] == [
        ("某HIS 住院明细", "DW")
    ]
    assert listed[0].mapping.options == MappingOptions()
    with profile.read_session() as session:
        operations = session.scalars(
            select(OutboxEntry.operation).where(OutboxEntry.entity == "mapping_profile")
        ).all()
    assert [op.value for op in operations] == ["insert", "update"]
    # Deleting leaves a tombstone; saving the name again revives the same row.
    assert delete_mapping(profile=profile, role=ImportFileRole.LINES, name="某HIS 住院明细")
    assert not delete_mapping(profile=profile, role=ImportFileRole.LINES, name="某HIS 住院明细")
    assert list_mappings(profile=profile) == []
    assert load_mapping(profile=profile, role=ImportFileRole.LINES, name="某HIS 住院明细") is None
    again = save_mapping(profile=profile, name="某HIS 住院明细", mapping=mapping)
    assert again.id == saved.id
    with profile.read_session() as session:
        assert len(session.scalars(select(MappingProfile)).all()) == 1
        payloads = session.scalars(
            select(OutboxEntry.payload).where(OutboxEntry.entity == "mapping_profile")
        ).all()
    assert json.loads(payloads[-1])["fields"]["deleted_at"] is None


def test_bad_mappings_are_refused(profile: OpenProfile) -> None:
    with pytest.raises(MappingError):
        save_mapping(profile=profile, name=" ", mapping=ColumnMapping(ImportFileRole.CLAIMS, {}))
    with pytest.raises(MappingError):
        save_mapping(
            profile=profile, name="x", mapping=ColumnMapping(ImportFileRole.CLAIMS, {"nope": "A"})
        )


def test_the_preview_shows_layout_mapping_parsed_rows_and_problems(tmp_path: Path) -> None:
    rows = [claim_row(1), claim_row(2, 总费用="一百"), claim_row(3, 身份证号="110105194912310021")]
    path = write_csv(
        tmp_path / "c.csv", CLAIM_HEADERS, rows, encoding="gbk", titles=["示范医院结算清单"]
    )
    shown = preview(ImportSource(path), role=ImportFileRole.CLAIMS)
    assert shown.layout.encoding == "gb18030" and shown.layout.header_row == 2
    assert shown.missing == () and shown.mapping_error is None
    first, second, third = shown.rows
    assert first.kind is RowKind.OK and first.values is not None
    assert (
        first.values["total_fen"] == 15000 and first.values["settled_at"] == "2025-03-05T10:00:00"
    )
    assert second.kind is RowKind.REFUSED and second.values is None
    assert [(p.column, p.value, p.code) for p in second.problems] == [
        ("总费用", "一百", "bad_money")
    ]
    assert third.kind is RowKind.OK and [p.code for p in third.problems] == ["id_check_digit"]
    assert [row.row_no for row in shown.rows] == [3, 4, 5]


def test_the_preview_names_what_a_mapping_leaves_open(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", ["流水", "金额"], [["1", "2.00"]])
    shown = preview(ImportSource(path), role=ImportFileRole.CLAIMS, limit=5)
    assert "settlement_no" in shown.missing and "settled_at" in shown.missing
    assert shown.mapping_error is not None
    assert shown.rows[0].kind is RowKind.REFUSED  # it could not be imported like this
    full = write_csv(tmp_path / "full.csv", CLAIM_HEADERS, [claim_row(1)])
    columns = auto_map(ImportFileRole.CLAIMS, CLAIM_HEADERS) | {"total_fen": "没有这一列"}
    shown = preview(
        ImportSource(full), role=ImportFileRole.CLAIMS,
        mapping=ColumnMapping(ImportFileRole.CLAIMS, columns),
    )  # fmt: skip
    assert shown.mapping_error is not None and "没有这一列" in shown.mapping_error
    assert shown.rows[0].kind is RowKind.REFUSED
    assert [p.code for p in shown.rows[0].problems] == ["required_missing"]
