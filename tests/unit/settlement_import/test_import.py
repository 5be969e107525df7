"""Importing claims and lines: every good row kept, every bad one reported, all or nothing."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from inspector_app.profiles import OpenProfile
from inspector_app.progress import Cancelled, Progress
from inspector_app.settlement_import import (
    ColumnMapping,
    ImportSource,
    MappingError,
    NothingImportedError,
    ProblemCode,
    SourceChangedError,
    import_settlement,
    list_problems,
)
from local_db.enums import EvidenceKind, ImportFileRole
from local_db.models import (
    AuditLogEntry,
    Claim,
    ClaimLine,
    EvidenceItem,
    ExtractionRecord,
    ImportProblem,
    OutboxEntry,
    SettlementBatch,
)
from tests.unit.settlement_import.world import (
    CLAIM_HEADERS,
    LINE_HEADERS,
    World,
    claim_row,
    count,
    line_row,
    make_world,
    nothing_loaded,
    write_csv,
)

CLAIMS = 500
LINES_PER_CLAIM = 10
UNDECODABLE = b"\xff\xfe\xff"


@pytest.fixture
def world(profile: OpenProfile) -> World:
    return make_world(profile)


def _damage(path: Path, line_index: int, text: str, encoding: str) -> None:
    """Replace ``text`` in one physical line with bytes the encoding does not have."""
    lines = path.read_bytes().split(b"\r\n")
    assert text.encode(encoding) in lines[line_index]
    lines[line_index] = lines[line_index].replace(text.encode(encoding), UNDECODABLE, 1)
    path.write_bytes(b"\r\n".join(lines))


def _problems(profile: OpenProfile, batch_id: str) -> dict[tuple[str, int], list[str]]:
    found: dict[tuple[str, int], list[str]] = {}
    for role, problem in list_problems(profile=profile, batch_id=batch_id, limit=100_000):
        found.setdefault((role.value, problem.row_no), []).append(problem.code)
    return found


def test_a_gbk_file_with_one_percent_bad_rows_keeps_every_good_row_and_reports_every_bad_one(
    profile: OpenProfile, world: World, tmp_path: Path
) -> None:
    # Claims: 1 % bad, one of each kind; row n + 1 holds claim n (row 1 is the header).
    bad_claims = {
        17: ("结算时间", "2025-02-30 10:00:00", ProblemCode.BAD_DATETIME),
        117: ("总费用", "12,3a", ProblemCode.BAD_MONEY),
        217: ("身份证号", "", ProblemCode.REQUIRED_MISSING),
        317: ("姓名", None, ProblemCode.UNDECODABLE),
        417: ("医保统筹支付", "", ProblemCode.REQUIRED_MISSING),
    }
    claim_rows = []
    for n in range(1, CLAIMS + 1):
        header, value, _code = bad_claims.get(n, ("", None, None))
        claim_rows.append(claim_row(n, **({header: value} if value is not None else {})))
    claims = write_csv(
        tmp_path / "结算.csv", CLAIM_HEADERS, claim_rows, encoding="gbk",
        trailer=[["合计", "", "", "", "", "", "", "", "", "", "", "", "", "", "",
                  "75000.00", "50000.00", "10000.00", "15000.00", ""]],
    )  # fmt: skip
    _damage(claims, 317, "张三", "gbk")
    # Lines: every 100th (1 %) is bad, cycling through five kinds of fault.
    kinds = [
        ("数量", "两盒", ProblemCode.BAD_QUANTITY),
        ("费用发生时间", "2025-03-32 09:00:00", ProblemCode.BAD_DATETIME),
        ("项目编码", "", ProblemCode.REQUIRED_MISSING),
        ("项目名称", None, ProblemCode.UNDECODABLE),
        ("结算流水号", "JS999999", ProblemCode.UNKNOWN_SETTLEMENT),
    ]
    line_rows, expected_lines = [], {}
    for k in range(CLAIMS * LINES_PER_CLAIM):
        n, line = k // LINES_PER_CLAIM + 1, k % LINES_PER_CLAIM + 1
        row_no = k + 2
        if k % 100 == 50:
            header, value, code = kinds[(k // 100) % len(kinds)]
            line_rows.append(line_row(n, line, **({header: value} if value is not None else {})))
            expected_lines[row_no] = code
        else:
            line_rows.append(line_row(n, line))
            if n in bad_claims:
                expected_lines[row_no] = ProblemCode.CLAIM_REFUSED
    lines = write_csv(tmp_path / "明细.csv", LINE_HEADERS, line_rows, encoding="gbk")
    for row_no, code in expected_lines.items():
        if code is ProblemCode.UNDECODABLE:
            _damage(lines, row_no - 1, "阿莫西林胶囊", "gbk")

    summary = import_settlement(
        profile, claims=ImportSource(claims), lines=ImportSource(lines), case_id=world.case_id,
        progress=Progress(),
    )  # fmt: skip

    good_claims = CLAIMS - len(bad_claims)
    good_lines = CLAIMS * LINES_PER_CLAIM - len(expected_lines)
    assert (summary.claims, summary.lines) == (good_claims, good_lines)
    assert summary.rejected == len(bad_claims) + len(expected_lines)
    assert summary.files[0].counts.skipped == 1  # the 合计 row: not data, not a problem
    assert summary.files[0].encoding == summary.files[1].encoding == "gb18030"
    assert count(profile, Claim) == good_claims
    assert count(profile, ClaimLine) == good_lines
    with profile.read_session() as session:
        batch = session.get(SettlementBatch, summary.batch_id)
        assert batch is not None
        assert batch.rejected_count == summary.rejected
        assert (batch.claim_count, batch.line_count) == (good_claims, good_lines)
        assert batch.total_fen == good_claims * 15000
        names = set(session.scalars(select(Claim.patient_name)))
        assert names == {"张三"}
    # Every bad row reported, exactly once, with its own reason; nothing else reported.
    reported = _problems(profile, summary.batch_id)
    expected = {("claims", n + 1): [code.value] for n, (_h, _v, code) in bad_claims.items()}
    expected |= {("lines", row_no): [code.value] for row_no, code in expected_lines.items()}
    assert reported == expected
    with profile.read_session() as session:
        refused_claim = session.scalars(
            select(ImportProblem).where(
                ImportProblem.row_no == 118, ImportProblem.file_role == ImportFileRole.CLAIMS
            )
        ).one()
        assert (refused_claim.column, refused_claim.value) == ("总费用", "12,3a")
        undecodable = session.scalars(
            select(ImportProblem).where(ImportProblem.problem == "undecodable")
        ).first()
        assert undecodable is not None and "\\xff" in undecodable.value
        orphan = session.scalars(
            select(ImportProblem).where(ImportProblem.problem == "claim_refused")
        ).first()
        assert orphan is not None and json.loads(orphan.detail)["claim_row"] in {
            18,
            118,
            218,
            318,
            418,
        }


def test_the_files_become_evidence_with_their_hash_and_an_extraction_record(
    profile: OpenProfile, world: World, tmp_path: Path
) -> None:
    claims = write_csv(tmp_path / "claims.csv", CLAIM_HEADERS, [claim_row(n) for n in (1, 2, 3)])
    lines = write_csv(tmp_path / "lines.csv", LINE_HEADERS, [line_row(n, 1) for n in (1, 2, 3)])
    summary = import_settlement(
        profile, claims=ImportSource(claims), lines=ImportSource(lines), case_id=world.case_id,
        progress=Progress(),
    )  # fmt: skip
    with profile.read_session() as session:
        batch = session.get(SettlementBatch, summary.batch_id)
        assert batch is not None and batch.case_id == world.case_id
        assert batch.source_sha256 == hashlib.sha256(claims.read_bytes()).hexdigest()
        detail = json.loads(batch.import_detail)
        for path, entry, each in zip((claims, lines), detail["files"], summary.files, strict=True):
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            item = session.get(EvidenceItem, entry["evidence_id"])
            assert item is not None and item.case_id == world.case_id
            assert item.kind is EvidenceKind.ELECTRONIC_DATA
            assert item.sha256 == entry["sha256"] == each.sha256 == digest
            assert item.original_name == path.name
            record = session.scalars(
                select(ExtractionRecord).where(ExtractionRecord.evidence_id == item.id)
            ).one()
            assert record.sha256 == digest and record.source_system
        assert batch.evidence_id == detail["files"][0]["evidence_id"]
        assert detail["files"][1]["mapping"]["columns"]["unit_price_fen"] == "单价"
        assert detail["files"][0]["header_row"] == 1
        audit = session.scalars(
            select(AuditLogEntry).where(AuditLogEntry.action == "settlement.imported")
        ).one()
        assert audit.case_id == world.case_id and "张三" not in audit.detail
        # The batch row is synced as one insert with its final values.
        outbox = session.scalars(
            select(OutboxEntry).where(OutboxEntry.entity_id == summary.batch_id)
        ).all()
        assert [entry.operation.value for entry in outbox] == ["insert"]
        assert json.loads(outbox[0].payload)["fields"]["claim_count"] == 3
    # A second import of the same files reuses the evidence items.
    again = import_settlement(
        profile, claims=ImportSource(claims), lines=ImportSource(lines), case_id=world.case_id,
        progress=Progress(),
    )  # fmt: skip
    assert [f.evidence_id for f in again.files] == [f.evidence_id for f in summary.files]
    assert count(profile, EvidenceItem) == 2


class CancelDuring(Progress):
    """Cancels once a phase whose label starts with ``label`` has advanced."""

    def __init__(self, label: str) -> None:
        super().__init__()
        self.label = label
        self.phase = ""

    def start(self, label: str, total: int | None = None) -> None:
        self.phase = label
        super().start(label, total)

    def advance(self, amount: int = 1) -> None:
        if self.phase.startswith(self.label):
            self.cancel()
        super().advance(amount)


@pytest.mark.parametrize("label", ["Importing claims", "Importing lines"])
def test_a_cancelled_import_leaves_no_batch_no_rows_and_no_problems(
    profile: OpenProfile, world: World, tmp_path: Path, label: str
) -> None:
    claims = write_csv(tmp_path / "c.csv", CLAIM_HEADERS, [claim_row(n) for n in range(1, 5001)])
    lines = write_csv(
        tmp_path / "l.csv", LINE_HEADERS,
        [line_row(n, 1, 数量="x" if n % 7 == 0 else "2") for n in range(1, 5001)],
    )  # fmt: skip
    outbox = count(profile, OutboxEntry)
    with pytest.raises(Cancelled):
        import_settlement(
            profile, claims=ImportSource(claims), lines=ImportSource(lines),
            case_id=world.case_id, progress=CancelDuring(label),
        )  # fmt: skip
    assert nothing_loaded(profile)
    # The files stay recorded as evidence (recorded before the load; see evidence_files).
    assert count(profile, EvidenceItem) == 2
    with profile.read_session() as session:
        entities = session.scalars(
            select(OutboxEntry.entity).where(OutboxEntry.entity == "settlement_batch")
        ).all()
    assert entities == []
    assert count(profile, OutboxEntry) > outbox  # only the evidence's rows were added


def test_a_file_changed_while_importing_is_refused(
    profile: OpenProfile, world: World, tmp_path: Path
) -> None:
    claims = write_csv(tmp_path / "c.csv", CLAIM_HEADERS, [claim_row(n) for n in range(1, 50)])

    class Tamper(Progress):
        def start(self, label: str, total: int | None = None) -> None:
            if label.startswith("Importing claims"):
                with claims.open("ab") as handle:
                    handle.write(",".join(claim_row(99)).encode() + b"\r\n")
            super().start(label, total)

    with pytest.raises(SourceChangedError):
        import_settlement(
            profile, claims=ImportSource(claims), case_id=world.case_id, progress=Tamper()
        )
    assert nothing_loaded(profile)


def test_headers_below_titles_totals_bom_and_thousands_separators(
    profile: OpenProfile, world: World, tmp_path: Path
) -> None:
    rows = [
        claim_row(1, 总费用="1,234.56", 医保统筹支付="1,000.00", 个人账户支付="", 个人自付=""),
        claim_row(2, 总费用="￥12,345.60", 结算时间="2025/3/6 8:05", 性别="", 出生日期=""),
        [""] * len(CLAIM_HEADERS),  # a blank row
        claim_row(3, 入院日期="2025年3月1日", 出院日期="", 险种="离休"),
    ]
    claims = write_csv(
        tmp_path / "claims.csv", CLAIM_HEADERS, rows, encoding="utf-8-sig",
        titles=["示范医院结算清单", "统计区间：2025-03-01 至 2025-03-31"],
        trailer=[["总计：3 条", *[""] * (len(CLAIM_HEADERS) - 1)]],
    )  # fmt: skip
    summary = import_settlement(
        profile, claims=ImportSource(claims), institution_id=world.institution_id,
        progress=Progress(),
    )  # fmt: skip
    assert (summary.claims, summary.rejected, summary.problems) == (3, 0, 0)
    assert summary.files[0].header_row == 3
    assert summary.files[0].counts.skipped == 2  # the blank row and the total
    assert summary.files[0].evidence_id is None  # no case: nothing recorded as evidence
    with profile.read_session() as session:
        loaded = {c.settlement_no: c for c in session.scalars(select(Claim))}
        batch = session.get(SettlementBatch, summary.batch_id)
        assert batch is not None
        detail = json.loads(batch.import_detail)
    first, second, third = loaded["JS000001"], loaded["JS000002"], loaded["JS000003"]
    assert (first.total_fen, first.fund_fen, first.account_fen) == (123456, 100000, 0)
    assert first.self_fen == 23456  # derived: total − fund − account
    assert second.total_fen == 1234560 and second.settled_at == "2025-03-06T08:05:00"
    assert (second.patient_sex, second.patient_birth_date) == ("F", "1980-01-01")  # from the ID
    assert third.admission_date == "2025-03-01" and third.discharge_date is None
    assert third.insurance_type == "离休" and first.insurance_type == "employee"
    assert first.visit_type == "inpatient" and first.patient_sex == "M"
    assert detail["files"][0]["unmapped_values"] == {"insurance_type": {"离休": 1}}
    assert (batch.period_start, batch.period_end) == ("2025-03-05", "2025-03-06")


def test_duplicates_amounts_and_line_numbers(
    profile: OpenProfile, world: World, tmp_path: Path
) -> None:
    claims = write_csv(
        tmp_path / "c.csv", CLAIM_HEADERS,
        [claim_row(1), claim_row(2), claim_row(1, 姓名="王五"),
         claim_row(3, 身份证号="110105194912310021")],
    )  # fmt: skip
    lines = write_csv(
        tmp_path / "l.csv", LINE_HEADERS,
        [line_row(1, 1), line_row(1, 1), line_row(1, 3), line_row(2, 2), line_row(1, 2),
         line_row(2, 1, 金额="80.00"), line_row(2, 5, 单价="0.3333", 数量="3", 金额="1.00")],
    )  # fmt: skip
    summary = import_settlement(
        profile, claims=ImportSource(claims), lines=ImportSource(lines),
        institution_id=world.institution_id, progress=Progress(),
    )  # fmt: skip
    assert (summary.claims, summary.lines, summary.rejected) == (3, 7, 1)
    assert summary.warnings == 4
    assert _problems(profile, summary.batch_id) == {
        ("claims", 4): ["duplicate_settlement_no"],
        ("claims", 5): ["id_check_digit"],
        ("lines", 3): ["line_no_renumbered"],  # 1 again: numbered 2
        ("lines", 6): ["line_no_renumbered"],  # 2 was taken by then: numbered 4
        ("lines", 7): ["amount_mismatch"],  # 80.00 for 2 × 37.50
    }
    with profile.read_session() as session:
        kept = session.scalars(select(Claim).where(Claim.settlement_no == "JS000003")).one()
        assert kept.patient_id_no == "110105194912310021"  # a warning keeps the row as read
        numbers = session.execute(
            select(Claim.settlement_no, ClaimLine.line_no, ClaimLine.amount_fen)
            .join(Claim, Claim.id == ClaimLine.claim_id)
            .order_by(ClaimLine.id)
        ).all()
        first = session.scalars(select(Claim).where(Claim.settlement_no == "JS000001")).one()
        assert first.patient_name == "张三"  # the first of the duplicates was kept
    assert [tuple(row) for row in numbers] == [
        ("JS000001", 1, 7500), ("JS000001", 2, 7500), ("JS000001", 3, 7500),
        ("JS000002", 2, 7500), ("JS000001", 4, 7500), ("JS000002", 1, 8000),
        ("JS000002", 5, 100),
    ]  # fmt: skip


def test_an_unusable_mapping_is_refused_before_anything_is_written(
    profile: OpenProfile, world: World, tmp_path: Path
) -> None:
    claims = write_csv(tmp_path / "c.csv", CLAIM_HEADERS, [claim_row(1)])
    mapping = ColumnMapping(role=ImportFileRole.CLAIMS, columns={"settlement_no": "结算流水号"})
    with pytest.raises(MappingError, match="not mapped"):
        import_settlement(
            profile, claims=ImportSource(claims), claims_mapping=mapping, case_id=world.case_id,
            progress=Progress(),
        )  # fmt: skip
    assert nothing_loaded(profile)
    assert count(profile, EvidenceItem) == 0


def test_a_file_with_no_usable_row_writes_nothing(
    profile: OpenProfile, world: World, tmp_path: Path
) -> None:
    claims = write_csv(
        tmp_path / "c.csv", CLAIM_HEADERS, [claim_row(n, 结算时间="昨天") for n in (1, 2)]
    )
    with pytest.raises(NothingImportedError):
        import_settlement(
            profile, claims=ImportSource(claims), institution_id=world.institution_id,
            progress=Progress(),
        )  # fmt: skip
    assert nothing_loaded(profile)


def test_xlsx_claims_and_lines(profile: OpenProfile, world: World, tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["示范医院结算数据"])
    sheet.append(["结算ID", "姓名", "证件号码", "就诊日期", "医疗总费用", "基金支付", "结算时间"])
    sheet.append(["S1", "张三", "11010519491231002X", 45717, 150.5, 100, "2025-03-05 10:00:00"])
    sheet.append(["S2", "李四", "440524188001010014", "2025/3/2", "99.00", 0, 45721.25])
    sheet.append(["合计", None, None, None, 249.5, 100, None])
    claims = tmp_path / "结算.xlsx"
    workbook.save(claims)
    lines_book = openpyxl.Workbook()
    first = lines_book.active
    assert first is not None
    first.title = "封面"
    detail = lines_book.create_sheet("费用明细")
    detail.append(
        [
            "结算ID",
            "医保目录编码",
            "医保目录名称",
            "单价",
            "数量",
            "明细项目费用总额",
            "费用发生时间",
        ]
    )
    detail.append(["S1", "001", "血常规", 20, 1, 20, 45717.5])
    detail.append(["S2", 123, "胸片", 79, 1, 79.0, "2025-03-02 11:00:00"])
    lines = tmp_path / "明细.xlsx"
    lines_book.save(lines)
    summary = import_settlement(
        profile, claims=ImportSource(claims), lines=ImportSource(lines, sheet="费用明细"),
        case_id=world.case_id, progress=Progress(),
    )  # fmt: skip
    assert (summary.claims, summary.lines, summary.rejected, summary.skipped) == (2, 2, 0, 1)
    with profile.read_session() as session:
        rows = {c.settlement_no: c for c in session.scalars(select(Claim))}
        items = session.execute(
            select(ClaimLine.item_code, ClaimLine.unit_price_fen, ClaimLine.service_time).order_by(
                ClaimLine.id
            )
        ).all()
    assert rows["S1"].admission_date == "2025-03-01" and rows["S1"].total_fen == 15050
    assert rows["S2"].settled_at == "2025-03-05T06:00:00"
    assert rows["S2"].self_fen == 9900
    assert [tuple(item) for item in items] == [
        ("001", 2000, "2025-03-01T12:00:00"), ("123", 7900, "2025-03-02T11:00:00"),
    ]  # fmt: skip
    assert summary.files[1].encoding is None
