"""A small world for import tests: one hospital with an open case, and export files.

Files are written byte by byte (so a test can put undecodable bytes exactly where it
wants them) with the headers a HIS export uses.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from inspector_app.profiles import OpenProfile
from local_db.base import Base
from local_db.enums import (
    CaseStatus,
    InstitutionKind,
    InstitutionLevel,
    TaskOrigin,
    TaskStatus,
    TaskType,
)
from local_db.models import (
    CaseFile,
    Claim,
    ClaimLine,
    ImportProblem,
    InspectionTask,
    Institution,
    Region,
    SettlementBatch,
)

CLAIM_HEADERS = [
    "结算流水号", "就诊流水号", "姓名", "性别", "出生日期", "身份证号", "险种", "医疗类别",
    "科室", "医生编码", "医生姓名", "入院日期", "出院日期", "诊断编码", "诊断名称",
    "总费用", "医保统筹支付", "个人账户支付", "个人自付", "结算时间",
]  # fmt: skip
LINE_HEADERS = [
    "结算流水号", "明细序号", "项目编码", "项目名称", "项目类别", "单位", "单价", "数量",
    "金额", "甲乙类", "开单医生", "费用发生时间", "追溯码", "医嘱数量",
]  # fmt: skip
# Valid check characters (GB 11643): 11010519491231002X is the standard's own example.
ID_NUMBERS = ["11010519491231002X", "440524188001010014", "110105198001010024"]


@dataclass(frozen=True)
class World:
    """The hospital and its open case."""

    institution_id: str
    institution_code: str
    case_id: str
    case_number: str


def make_world(profile: OpenProfile) -> World:
    """An institution with an opened task and an open case the user may record in."""
    with profile.session() as session:
        session.add(Region(code="990101", name="示范区"))
        session.flush()
        institution = Institution(
            code="H99010100001", name="示范医院", kind=InstitutionKind.HOSPITAL,
            level=InstitutionLevel.GRADE_2, region_code="990101",
        )  # fmt: skip
        session.add(institution)
        session.flush()
        task = InspectionTask(
            task_number="ZX-2026-001", title="住院结算专项检查", task_type=TaskType.THEMATIC,
            origin=TaskOrigin.PLAN, status=TaskStatus.ON_SITE, region_code="990101",
            institution_id=institution.id, planned_start=date(2026, 3, 2),
            planned_end=date(2026, 3, 6),
        )  # fmt: skip
        session.add(task)
        session.flush()
        case = CaseFile(task_id=task.id, case_number="AJ-2026-001", status=CaseStatus.OPEN)
        session.add(case)
        session.flush()
        return World(institution.id, institution.code, case.id, case.case_number)


def claim_row(n: int, **changes: str) -> list[str]:
    """Claim ``n`` (settlement JS000n), with fields replaced by header name."""
    row = {
        "结算流水号": f"JS{n:06d}", "就诊流水号": f"ZY{n:06d}", "姓名": "张三",
        "性别": "男" if n % 2 else "女", "出生日期": "1949-12-31",
        "身份证号": ID_NUMBERS[n % len(ID_NUMBERS)], "险种": "职工", "医疗类别": "住院",
        "科室": "内科", "医生编码": "D001", "医生姓名": "李四", "入院日期": "2025-03-01",
        "出院日期": "2025-03-05", "诊断编码": "J18.900", "诊断名称": "肺炎",
        "总费用": "150.00", "医保统筹支付": "100.00", "个人账户支付": "20.00",
        "个人自付": "30.00", "结算时间": "2025-03-05 10:00:00",
    }  # fmt: skip
    row.update(changes)
    return [row[header] for header in CLAIM_HEADERS]


def line_row(n: int, line: int, **changes: str) -> list[str]:
    """Line ``line`` of claim ``n``: 2 boxes at 37.50."""
    row = {
        "结算流水号": f"JS{n:06d}", "明细序号": str(line), "项目编码": f"XA01{line:03d}",
        "项目名称": "阿莫西林胶囊", "项目类别": "药品", "单位": "盒", "单价": "37.50",
        "数量": "2", "金额": "75.00", "甲乙类": "甲", "开单医生": "D001",
        "费用发生时间": "2025-03-02 09:15:00", "追溯码": "", "医嘱数量": "2",
    }  # fmt: skip
    row.update(changes)
    return [row[header] for header in LINE_HEADERS]


def csv_bytes(rows: Sequence[Sequence[str]], encoding: str, delimiter: str = ",") -> list[bytes]:
    """Each row as one encoded CSV line (CRLF, as Windows exports end them)."""
    lines = []
    for row in rows:
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerow(row)
        lines.append(buffer.getvalue().encode(encoding))
    return lines


def write_csv(
    path: Path,
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    encoding: str = "utf-8",
    titles: Sequence[str] = (),
    trailer: Sequence[Sequence[str]] = (),
    delimiter: str = ",",
) -> Path:
    """A CSV export: title lines, the header, the rows, trailing rows (e.g. 合计).

    Encoded as a whole, so a byte-order mark appears once, at the start.
    """
    buffer = io.StringIO()
    buffer.writelines(f"{title}\r\n" for title in titles)
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(
        [headers, *rows, *trailer]
    )
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def count(profile: OpenProfile, model: type[Base], *where: object) -> int:
    """Rows of ``model`` (matching ``where``)."""
    with profile.read_session() as session:
        return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def nothing_loaded(profile: OpenProfile) -> bool:
    """No batch, claim, line or problem row in the profile."""
    return all(
        count(profile, model) == 0 for model in (SettlementBatch, Claim, ClaimLine, ImportProblem)
    )
