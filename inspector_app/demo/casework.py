"""Demo inspection tasks at every stage, with teams, case files, answers, findings, interviews.

Dates are relative to the day the demo is built, so the on-site inspection is always
"now". Evidence items are left out on purpose: the evidence chain (hashes, signatures)
must be produced by its own service, never faked here. The sealed flying inspection is
sealed for real (its target never enters the register); each case file gets its arrival
record and the first entries of its history.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone

from sqlalchemy.orm import Session

from inspector_app.demo.checklist_answers import answer_demo_checklist
from inspector_app.demo.reference import InspectorRef, ReferenceData
from inspector_app.demo.task_specs import (
    DEMO_OPENING_CODE,
    SEALED_LEADS,
    SEALED_TARGET,
    SEALED_TITLE,
    TASKS,
    TaskSpec,
)
from inspector_app.legal import chinese_number, parse_violation_code
from inspector_app.sealing.payload import seal_task_payload
from inspector_app.security.key_wrap import KdfParams
from inspector_app.services.arrival import ENFORCEMENT_IDS, INSPECTION_NOTICE
from local_db.enums import CaseStatus, TaskStatus
from local_db.ids import new_id
from local_db.models import (
    ArrivalRecord,
    AuditLogEntry,
    CaseFile,
    Finding,
    InspectionTask,
    Institution,
    InterviewEntry,
    InterviewRecord,
    OnsiteRecord,
    TeamMembership,
)
from local_db.outbox import ACTOR_KEY

BEIJING = timezone(timedelta(hours=8))
REGULATION = "《医疗保障基金使用监督管理条例》"


def legal_basis(code: str) -> str:
    """``art38.1`` → 《医疗保障基金使用监督管理条例》第三十八条第一项 (empty for non-violations)."""
    # Written in Chinese whatever the UI language: the demo's case files are Chinese records.
    ref = parse_violation_code(code)
    if ref is None or ref.item is None:
        return ""
    return f"{REGULATION}第{chinese_number(ref.article)}条第{chinese_number(ref.item)}项"


@dataclass(frozen=True)
class CaseworkCounts:
    """How many rows :func:`add_casework` wrote."""

    tasks: int
    case_files: int
    findings: int
    on_site_case_id: str  # the case of the first task: the inspection in progress
    # Cases whose documents the demo seals (which closes them): (case id, closing time).
    to_seal: tuple[tuple[str, datetime], ...] = ()


def _member(reference: ReferenceData, who: str) -> InspectorRef:
    if who == "user":
        return reference.inspectors[0]
    name, _, skip = who.partition(":")
    if name == "expert":
        return reference.expert(skip)
    return reference.by_specialty(name, skip=int(skip or 0))


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=BEIJING).astimezone(UTC)


def _sealed_task(task: InspectionTask, kdf: KdfParams | None) -> None:
    """Seal the demo target into ``task`` under :data:`DEMO_OPENING_CODE`."""
    sealed = seal_task_payload(
        task_id=task.id,
        task_number=task.task_number,
        payload={"institution": SEALED_TARGET, "leads": list(SEALED_LEADS), "title": SEALED_TITLE},
        opening_code=DEMO_OPENING_CODE,
        kdf=kdf,
    )
    task.sealed_payload, task.seal_envelope = sealed.payload, sealed.envelope


def add_casework(
    session: Session,
    reference: ReferenceData,
    *,
    today: date,
    interviewees: list[str],
    kdf: KdfParams | None = None,
) -> CaseworkCounts:
    """Add the tasks of :data:`TASKS` with their teams and case files.

    Args:
        interviewees: synthetic names, one per case file, for the interview records.
        kdf: argon2id cost of the sealed task's opening code (tests pass a cheap one).
    """
    cases = findings = 0
    case_ids: dict[int, str] = {}
    to_seal: list[tuple[str, datetime]] = []
    for number, spec in enumerate(TASKS, start=1):
        start = today + timedelta(days=spec.start)
        institution = reference.institutions[spec.institution] if spec.institution else None
        task = InspectionTask(
            id=new_id(),  # known before the insert: the seal binds to it
            task_number=f"YBJC{today.year}{number:03d}",
            title=spec.title,
            task_type=spec.task_type,
            origin=spec.origin,
            status=spec.status,
            region_code=institution.region_code if institution else SEALED_TARGET["region_code"],
            institution_id=institution.id if institution else None,
            planned_start=start,
            planned_end=start + timedelta(days=spec.days - 1),
            sealed=spec.sealed,
            leads=json.dumps(list(spec.leads), ensure_ascii=False),
            follows_case_id=case_ids[spec.follows] if spec.follows is not None else None,
            notes=spec.notes,
        )
        if spec.sealed:
            _sealed_task(task, kdf)
        session.add(task)
        session.flush()
        team = [(_member(reference, who), role) for who, role in spec.team]
        session.add_all(
            TeamMembership(task_id=task.id, inspector_id=member.id, role=role)
            for member, role in team
        )
        if spec.case is None or institution is None:
            continue
        # A closed case is closed by sealing its documents (demo/documents.py): until then
        # it is a case being drafted, as it was on the leader's laptop.
        closing = spec.case is CaseStatus.CLOSED
        if closing:
            task.status = TaskStatus.DRAFTING
        case = CaseFile(
            task_id=task.id,
            case_number=f"AJ{today.year}{number:03d}",
            status=CaseStatus.OPEN if closing else spec.case,
            opened_at=_at(start, 9, 30),
            summary=spec.notes,
        )
        session.add(case)
        session.flush()
        case_ids[number - 1] = case.id
        leader = team[0][0].name
        interviewee = interviewees[cases]
        _fill_case(
            session, case, spec, start=start, leader=leader, interviewee=interviewee,
            team_ids=[m.id for m, _ in team], institution_name=institution.name,
        )  # fmt: skip
        _arrival(
            session, case, spec=spec, institution=institution, team=[m.id for m, _ in team],
            representative=interviewee, start=start,
        )  # fmt: skip
        _onsite_record(session, case, spec=spec, start=start, representative=interviewee)
        if closing:
            to_seal.append((case.id, _at(start + timedelta(days=spec.days + 20), 16)))
        cases += 1
        findings += len(spec.findings)
    return CaseworkCounts(
        tasks=len(TASKS), case_files=cases, findings=findings, on_site_case_id=case_ids[0],
        to_seal=tuple(to_seal),
    )  # fmt: skip


def _arrival(
    session: Session,
    case: CaseFile,
    *,
    spec: TaskSpec,
    institution: Institution,
    team: list[str],
    representative: str,
    start: date,
) -> None:
    """The arrival record and the first history entries of a demo case."""
    arrived = _at(start, 9, 0)
    session.add(ArrivalRecord(
        case_id=case.id, arrived_at=arrived, location=institution.address,
        team_present=json.dumps(team),
        representatives=json.dumps(
            [{"name": representative, "position": spec.interviewee_role}], ensure_ascii=False
        ),
        documents_shown=json.dumps([ENFORCEMENT_IDS, INSPECTION_NOTICE]),
    ))  # fmt: skip
    actor = str(session.info.get(ACTOR_KEY, "demo"))
    history = [
        (arrived, "case.opened", case.case_number),
        (arrived, "arrival.recorded", f"team={len(team)}; representatives=1"),
        (arrived, "task.on_site", "assigned->on_site"),
    ]
    if spec.status in (TaskStatus.DRAFTING, TaskStatus.CLOSED):
        history.append((_at(start + timedelta(days=spec.days - 1), 17), "task.drafting", ""))
    session.add_all(
        AuditLogEntry(at=at, actor=actor, action=action, case_id=case.id, detail=detail)
        for at, action, detail in history
    )


def _onsite_record(
    session: Session, case: CaseFile, *, spec: TaskSpec, start: date, representative: str
) -> None:
    """What the on-site record says beyond checklist and findings (finished cases only)."""
    if spec.status not in (TaskStatus.DRAFTING, TaskStatus.CLOSED):
        return
    session.add(OnsiteRecord(
        case_id=case.id, started_at=_at(start, 9, 0),
        ended_at=_at(start + timedelta(days=spec.days - 1), 16, 30),
        narrative=(
            "检查组按照“四不两直”要求进入现场，出示执法证件并送达检查通知书后，"
            "依据检查清单逐项核查了医保管理制度、收费与结算、药品耗材进销存及病历资料，"
            "调取了医保结算数据并进行了询问。"
        ),
        representative_name=representative, representative_position=spec.interviewee_role,
        representative_statement="对检查发现的问题无异议，将按要求整改。",
    ))  # fmt: skip


def _fill_case(
    session: Session,
    case: CaseFile,
    spec: TaskSpec,
    *,
    start: date,
    leader: str,
    interviewee: str,
    team_ids: list[str],
    institution_name: str,
) -> None:
    from inspector_app.findings.catalogue import violation

    finding_ids = []
    for finding in spec.findings:
        row = Finding(
            case_id=case.id, violation_code=finding.code, title=finding.title,
            description=finding.description, legal_basis=legal_basis(finding.code),
            amount_fen=finding.amount_fen, status=finding.status,
            handling=json.dumps(list(violation(finding.code).handling)),
        )  # fmt: skip
        session.add(row)
        session.flush()
        finding_ids.append((row.id, finding.code))
    answer_demo_checklist(
        session,
        case_id=case.id,
        template_code=spec.template,
        complete=spec.case is not CaseStatus.OPEN,
        findings=finding_ids,
    )
    interview = InterviewRecord(
        case_id=case.id, interviewee_name=interviewee, interviewee_role=spec.interviewee_role,
        interviewee_organisation=institution_name, location="被检查单位会议室",
        started_at=_at(start, 14), ended_at=_at(start, 15, 10),
        inspectors_present=json.dumps(team_ids[:2]), recorder_id=team_ids[1],
    )  # fmt: skip
    session.add(interview)
    session.flush()
    questions = (
        (f"我们是医疗保障部门检查人员{leader}等，已向你出示执法证件，你是否看清？", "看清了。"),
        ("你是否申请检查人员回避？", "不申请。"),
        ("请介绍本单位医保结算管理情况。", "由医保办统一负责，每月核对结算数据。"),
        ("以上记录是否与你所述一致？", "一致。"),
    )
    session.add_all(
        InterviewEntry(interview_id=interview.id, position=n, question=q, answer=a)
        for n, (q, a) in enumerate(questions, start=1)
    )
