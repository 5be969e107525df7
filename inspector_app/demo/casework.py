"""Demo inspection tasks at every stage, with teams, case files, answers, findings, interviews.

Dates are relative to the day the demo is built, so the on-site inspection is always
"now". Evidence items are left out on purpose: the evidence chain (hashes, signatures)
must be produced by its own service, never faked here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone

from sqlalchemy.orm import Session

from inspector_app.demo.places import COUNTIES
from inspector_app.demo.reference import InspectorRef, ReferenceData
from inspector_app.demo.task_specs import CHECKLISTS, TASKS, TaskSpec
from local_db.enums import CaseStatus, ChecklistAnswer
from local_db.models import (
    CaseFile,
    ChecklistResponse,
    Finding,
    InspectionTask,
    InterviewRecord,
    TeamMembership,
)

BEIJING = timezone(timedelta(hours=8))
REGULATION = "《医疗保障基金使用监督管理条例》"
_ITEMS = ("一", "二", "三", "四", "五", "六", "七")
_ARTICLES = {"38": "第三十八条", "39": "第三十九条", "40": "第四十条"}


def legal_basis(code: str) -> str:
    """``art38.1`` → 《医疗保障基金使用监督管理条例》第三十八条第一项 (empty for non-violations)."""
    if not code.startswith("art"):
        return ""
    article, item = code[3:].split(".")
    return f"{REGULATION}{_ARTICLES[article]}第{_ITEMS[int(item) - 1]}项"


@dataclass(frozen=True)
class CaseworkCounts:
    """How many rows :func:`add_casework` wrote."""

    tasks: int
    case_files: int
    findings: int


def _member(reference: ReferenceData, who: str) -> InspectorRef:
    if who == "user":
        return reference.inspectors[0]
    name, _, skip = who.partition(":")
    if name == "expert":
        return reference.expert(skip)
    return reference.by_specialty(name, skip=int(skip or 0))


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=BEIJING).astimezone(UTC)


def add_casework(
    session: Session, reference: ReferenceData, *, today: date, interviewees: list[str]
) -> CaseworkCounts:
    """Add the tasks of :data:`TASKS` with their teams and case files.

    Args:
        interviewees: synthetic names, one per case file, for the interview records.
    """
    cases = findings = 0
    for number, spec in enumerate(TASKS, start=1):
        start = today + timedelta(days=spec.start)
        institution = reference.institutions[spec.institution] if spec.institution else None
        task = InspectionTask(
            task_number=f"YBJC{today.year}{number:03d}",
            title=spec.title,
            task_type=spec.task_type,
            origin=spec.origin,
            status=spec.status,
            region_code=institution.region_code if institution else COUNTIES[1][0],
            institution_id=institution.id if institution else None,
            planned_start=start,
            planned_end=start + timedelta(days=spec.days - 1),
            sealed=spec.sealed,
            notes=spec.notes,
        )
        session.add(task)
        session.flush()
        session.add_all(
            TeamMembership(task_id=task.id, inspector_id=_member(reference, who).id, role=role)
            for who, role in spec.team
        )
        if spec.case is None:
            continue
        case = CaseFile(
            task_id=task.id,
            case_number=f"AJ{today.year}{number:03d}",
            status=spec.case,
            opened_at=_at(start, 9, 30),
            closed_at=_at(start + timedelta(days=spec.days + 20), 16)
            if spec.case is CaseStatus.CLOSED
            else None,
            summary=spec.notes,
        )
        session.add(case)
        session.flush()
        leader = _member(reference, spec.team[0][0]).name
        _fill_case(session, case, spec, start=start, leader=leader, interviewee=interviewees[cases])
        cases += 1
        findings += len(spec.findings)
    return CaseworkCounts(tasks=len(TASKS), case_files=cases, findings=findings)


def _fill_case(
    session: Session,
    case: CaseFile,
    spec: TaskSpec,
    *,
    start: date,
    leader: str,
    interviewee: str,
) -> None:
    items = CHECKLISTS[spec.template]
    for position, (code, question) in enumerate(items):
        answer, note = ChecklistAnswer.COMPLIANT, f"{question}：符合"
        if position == 1:
            answer, note = ChecklistAnswer.NON_COMPLIANT, f"{question}：不符合，见问题清单"
        elif spec.case is CaseStatus.OPEN and position == len(items) - 1:
            answer, note = ChecklistAnswer.UNCHECKED, ""
        session.add(ChecklistResponse(
            case_id=case.id, template_code=spec.template, template_version="2026.1",
            item_code=code, answer=answer, note=note,
        ))  # fmt: skip
    for finding in spec.findings:
        session.add(Finding(
            case_id=case.id, violation_code=finding.code, title=finding.title,
            description=finding.description, legal_basis=legal_basis(finding.code),
            amount_fen=finding.amount_fen, status=finding.status,
        ))  # fmt: skip
    session.add(InterviewRecord(
        case_id=case.id, interviewee_name=interviewee, interviewee_role=spec.interviewee_role,
        location="被检查单位会议室", started_at=_at(start, 14), ended_at=_at(start, 15, 10),
        content=(
            f"问：我们是{leader}等检查人员，已出示执法证件，你是否看清？\n答：看清了。\n"
            "问：请介绍本单位医保结算管理情况。\n答：由医保办统一负责，每月核对结算数据。"
        ),
    ))  # fmt: skip
