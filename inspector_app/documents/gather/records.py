"""The notice, the on-site inspection record and the interview records of a case."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from inspector_app.casework.access import case_access
from inspector_app.checklists.service import read_view
from inspector_app.documents.gather.header import (
    case_header,
    document_meta,
    team_leader,
    team_members,
)
from inspector_app.documents.model import (
    CheckedItem,
    FindingBrief,
    InterviewRecordData,
    NoticeData,
    OnsiteRecordData,
    QuestionAnswer,
    SealSlot,
    SignatureMark,
)
from inspector_app.documents.numbering import (
    interview_caution,
    notice_demands,
    notice_legal_basis,
)
from inspector_app.documents.signatures import signature_marks
from inspector_app.findings.service import findings_of_case
from inspector_app.i18n import _, ngettext
from inspector_app.interviews.service import HIDDEN, id_type_label
from inspector_app.profiles import OpenProfile
from inspector_app.services.arrival import document_label
from inspector_app.vocabulary import checklist_answer_label
from local_db.enums import ChecklistAnswer, DocumentKind, SignerRole, TaskType
from local_db.models import (
    ArrivalRecord,
    CaseFile,
    InspectionTask,
    InterviewEntry,
    InterviewRecord,
    OnsiteRecord,
    SettlementBatch,
)


def leader_seal() -> SealSlot:
    """The box for the team leader's digital signature."""
    return SealSlot(field_name="LeaderSeal", label=_("Digital signature of the team leader"))


def reviewer_seal() -> SealSlot:
    """The box for the reviewing supervisor's approval signature."""
    return SealSlot(field_name="ReviewerSeal", label=_("Digital signature of the reviewer"))


def seal_slots() -> tuple[SealSlot, ...]:
    """Both boxes, on every document: the leader seals, the supervisor approves later."""
    return (leader_seal(), reviewer_seal())


def _period(
    session: Session, case: CaseFile, task: InspectionTask
) -> tuple[date | None, date | None]:
    """The settlement period under inspection: the case's batches, else the institution's."""
    query = select(func.min(SettlementBatch.period_start), func.max(SettlementBatch.period_end))
    start, end = session.execute(
        query.where(SettlementBatch.case_id == case.id, SettlementBatch.deleted_at.is_(None))
    ).one()
    if start is None and task.institution_id is not None:
        start, end = session.execute(
            query.where(
                SettlementBatch.institution_id == task.institution_id,
                SettlementBatch.deleted_at.is_(None),
            )
        ).one()
    return (
        date.fromisoformat(start) if start else None,
        date.fromisoformat(end) if end else None,
    )


def notice_data(session: Session, profile: OpenProfile, case: CaseFile) -> NoticeData:
    """检查通知书."""
    header = case_header(session, case)
    task = session.get(InspectionTask, case.task_id)
    assert task is not None
    period_start, period_end = _period(session, case, task)
    leader = team_leader(session, task.id)
    contact = (
        _("{name}, telephone {phone}").format(name=leader.name, phone=leader.phone)
        if leader and leader.phone
        else (leader.name if leader else "")
    )
    marks = signature_marks(session, profile, case, DocumentKind.NOTICE)
    # No block while a content digest is computed: the receipt is not part of the content.
    receiver = marks[0] if marks else SignatureMark(SignerRole.REPRESENTATIVE, "", "")
    return NoticeData(
        # Served at the door: the notice is dated the day the team arrived.
        meta=document_meta(header, DocumentKind.NOTICE, generated_at=header.arrived_at),
        header=header,
        legal_basis=notice_legal_basis(flying=task.task_type is TaskType.FLYING),
        period_start=period_start,
        period_end=period_end,
        scope=_("{kind}: {title}").format(kind=header.task_type_label, title=task.title),
        demands=notice_demands(),
        contact=contact,
        receiver=receiver,
        seals=seal_slots(),
    )


def _checked_items(session: Session, profile: OpenProfile, case: CaseFile) -> list[CheckedItem]:
    view = read_view(session, profile, case.id)
    items = []
    for pinned in view.checklists:
        for section in pinned.template.sections:
            for item in section.items:
                answer = view.answers.get(item.code, ChecklistAnswer.UNCHECKED)
                if answer is ChecklistAnswer.UNCHECKED and item.code not in view.notes:
                    continue
                items.append(
                    CheckedItem(
                        section=section.title.text(),
                        code=item.code,
                        text=item.question.text(),
                        answer_label=checklist_answer_label(answer),
                        non_compliant=answer is ChecklistAnswer.NON_COMPLIANT,
                        note=view.notes.get(item.code, ""),
                    )
                )
    return items


def onsite_record_data(session: Session, profile: OpenProfile, case: CaseFile) -> OnsiteRecordData:
    """现场检查笔录."""
    header = case_header(session, case)
    arrival = session.scalar(select(ArrivalRecord).where(ArrivalRecord.case_id == case.id))
    record = session.scalar(select(OnsiteRecord).where(OnsiteRecord.case_id == case.id))
    people = json.loads(arrival.representatives or "[]") if arrival else []
    representatives = tuple(
        _("{name} ({position})").format(name=p["name"], position=p["position"])
        if p.get("position")
        else str(p.get("name", ""))
        for p in people
    )
    shown = tuple(
        document_label(d) for d in (json.loads(arrival.documents_shown or "[]") if arrival else [])
    )
    checked = _checked_items(session, profile, case)
    failing = sum(1 for item in checked if item.non_compliant)
    findings = [f for f in findings_of_case(profile=profile, case_id=case.id) if not f.withdrawn]
    briefs = tuple(
        FindingBrief(number=n, title=f.title, amount_fen=f.amount_fen)
        for n, f in enumerate(findings, start=1)
    )
    summary = ngettext(
        "{n} item checked, {failing} not compliant.",
        "{n} items checked, {failing} not compliant.",
        len(checked),
    ).format(n=len(checked), failing=failing)
    narrative = (record.narrative if record else "") or (arrival.notes if arrival else "")
    return OnsiteRecordData(
        meta=document_meta(header, DocumentKind.ONSITE_RECORD),
        header=header,
        started_at=(record.started_at if record else None) or header.arrived_at,
        ended_at=record.ended_at if record else None,
        representatives=representatives,
        documents_shown=shown,
        narrative=narrative,
        checked=tuple(checked),
        checked_summary=summary,
        findings=briefs,
        total_fen=sum(f.amount_fen for f in findings),
        representative_statement=record.representative_statement if record else "",
        signatures=signature_marks(session, profile, case, DocumentKind.ONSITE_RECORD),
        seals=seal_slots(),
    )


def interview_ids(session: Session, case: CaseFile) -> list[str]:
    """The case's interviews in time order (their position numbers the records)."""
    return list(
        session.scalars(
            select(InterviewRecord.id)
            .where(InterviewRecord.case_id == case.id, InterviewRecord.deleted_at.is_(None))
            .order_by(InterviewRecord.started_at, InterviewRecord.id)
        )
    )


def interview_data(
    session: Session, profile: OpenProfile, case: CaseFile, interview_id: str
) -> InterviewRecordData:
    """询问笔录 of one interview; identifiers in full for the team, masked for others."""
    record = session.get(InterviewRecord, interview_id)
    if record is None or record.case_id != case.id or record.deleted_at is not None:
        raise LookupError(interview_id)
    header = case_header(session, case)
    position = interview_ids(session, case).index(interview_id) + 1
    sees = case_access(session, profile, case.id).sees_identifiers
    # The team's own record shows identifiers in full; anyone else (a social supervisor)
    # sees none of them, as in the interview screens.
    number = record.interviewee_id_number
    id_label = ""
    if number:
        shown = number if sees else HIDDEN
        id_label = f"{id_type_label(record.interviewee_id_type)} {shown}".strip()
    present = [str(i) for i in json.loads(record.inspectors_present or "[]")]
    members = dict(team_members(session, case.task_id))
    recorder = members.get(record.recorder_id or "")
    entries = session.scalars(
        select(InterviewEntry)
        .where(InterviewEntry.interview_id == record.id, InterviewEntry.deleted_at.is_(None))
        .order_by(InterviewEntry.position)
    )
    return InterviewRecordData(
        meta=document_meta(
            header, DocumentKind.INTERVIEW_RECORD, subject_id=record.id, position=position
        ),
        header=header,
        interviewee_name=record.interviewee_name,
        interviewee_role=record.interviewee_role,
        interviewee_organisation=record.interviewee_organisation,
        interviewee_id_label=id_label,
        interviewee_phone=(
            record.interviewee_phone if sees or not record.interviewee_phone else HIDDEN
        ),
        inspectors=tuple(members[i] for i in present if i in members),
        recorder_name=recorder.name if recorder else "",
        location=record.location,
        started_at=record.started_at,
        ended_at=record.ended_at,
        opening_statement=interview_caution(),
        content=record.content,
        entries=tuple(QuestionAnswer(e.question, e.answer) for e in entries),
        signatures=signature_marks(
            session, profile, case, DocumentKind.INTERVIEW_RECORD, record.id
        ),
        seals=seal_slots(),
    )
