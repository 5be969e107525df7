"""Interview records (询问笔录): the interviewee, the inspectors present, and ordered Q&A.

A record is saved as a whole: the entries handed in are the new transcript in order, so an
entry that is missing is tombstoned, one with an id is updated (and moved), one without is
added. Drafts are never blocked for what a finished record needs (two inspectors present per
Order 735 Art. 29 and NHSA Order 4; an end time; questions); those come back as warnings.

Identity numbers and phones are personal information: they are masked in every listing, shown
in full only to the editor of a team member, never to a social supervisor, and never written
to the case history.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from inspector_app.casework.access import case_access, record_case_event, require_recording
from inspector_app.i18n import _, pgettext
from inspector_app.privacy import mask_identifier
from inspector_app.profiles import OpenProfile
from local_db.enums import TeamRole
from local_db.models import (
    Inspector,
    InterviewEntry,
    InterviewRecord,
    LocalUser,
    TeamMembership,
)
from local_db.outbox import tombstone

MIN_INSPECTORS = 2
RESIDENT_ID = "resident_id"
ID_TYPES = ("resident_id", "passport", "hk_macao_permit", "taiwan_permit", "other")
HIDDEN = "******"
_CHECKSUM_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECKSUM_CHARS = "10X98765432"


class InterviewNotFoundError(LookupError):
    """No interview record with that id in this profile."""


def id_type_label(code: str) -> str:
    """An identity document type in the active language (unknown codes as stored)."""
    labels = {
        "resident_id": pgettext("identity document", "Resident identity card"),
        "passport": pgettext("identity document", "Passport"),
        "hk_macao_permit": pgettext("identity document", "Mainland travel permit (HK/Macao)"),
        "taiwan_permit": pgettext("identity document", "Mainland travel permit (Taiwan)"),
        "other": pgettext("identity document", "Other document"),
    }
    return labels.get(code, code)


def resident_id_valid(number: str) -> bool:
    """Whether an 18-character resident ID number has a correct GB 11643 check character."""
    value = number.strip().upper()
    if len(value) != 18 or not value[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(value[:17], _CHECKSUM_WEIGHTS, strict=True))
    return _CHECKSUM_CHARS[total % 11] == value[17]


@dataclass(frozen=True)
class QA:
    """One question and its answer; ``id`` is None for an entry not yet saved."""

    question: str
    answer: str = ""
    id: str | None = None


@dataclass(frozen=True)
class InterviewInput:
    """Everything the editor saves for one interview."""

    interviewee_name: str
    started_at: datetime
    interviewee_role: str = ""
    interviewee_organisation: str = ""
    interviewee_id_type: str = ""
    interviewee_id_number: str = ""
    interviewee_phone: str = ""
    inspectors_present: tuple[str, ...] = ()
    recorder_id: str | None = None
    location: str = ""
    ended_at: datetime | None = None
    content: str = ""
    entries: tuple[QA, ...] = ()


@dataclass(frozen=True)
class TeamChoice:
    """A member of the task's team who can be present at an interview."""

    inspector_id: str
    name: str
    role: TeamRole
    enforcement_id: str


@dataclass(frozen=True)
class InterviewSummary:
    """One interview in the case's list (identifiers masked)."""

    id: str
    interviewee_name: str
    interviewee_role: str
    interviewee_organisation: str
    id_number_masked: str
    location: str
    started_at: datetime
    ended_at: datetime | None
    inspector_names: tuple[str, ...]
    question_count: int
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class InterviewDetail:
    """One interview record in full; ``revealed`` says whether identifiers are clear text."""

    id: str
    case_id: str
    interviewee_name: str
    interviewee_role: str
    interviewee_organisation: str
    interviewee_id_type: str
    interviewee_id_number: str
    interviewee_phone: str
    revealed: bool
    inspectors_present: tuple[str, ...]
    inspector_names: tuple[str, ...]
    recorder_id: str | None
    location: str
    started_at: datetime
    ended_at: datetime | None
    content: str
    entries: tuple[QA, ...]
    warnings: tuple[str, ...]
    can_record: bool

    def transcript(self) -> str:
        """The Q&A as the paper record prints it (问：… / 答：…)."""
        return transcript(self.entries)


@dataclass(frozen=True)
class InterviewEditorData:
    """What the interview editor needs: the team, the default recorder, maybe a record."""

    team: list[TeamChoice]
    current_inspector_id: str | None
    detail: InterviewDetail | None = None
    can_record: bool = True
    sees_identifiers: bool = True


def transcript(entries: Sequence[QA]) -> str:
    """``问：…`` / ``答：…`` lines, one blank line between entries."""
    question = pgettext("interview transcript", "Q: ")
    answer = pgettext("interview transcript", "A: ")
    return "\n\n".join(
        f"{question}{entry.question.strip()}\n{answer}{entry.answer.strip()}" for entry in entries
    )


def interview_warnings(data: InterviewInput) -> list[str]:
    """What keeps a draft from being a valid record (shown, never blocking the save)."""
    warnings: list[str] = []
    if len(set(data.inspectors_present)) < MIN_INSPECTORS:
        warnings.append(_("At least two inspectors must be present for a valid interview record."))
    if data.recorder_id and data.recorder_id not in data.inspectors_present:
        warnings.append(_("The recorder is not among the inspectors present."))
    if data.ended_at is None:
        warnings.append(_("The end time is not recorded yet."))
    if not any(entry.question.strip() for entry in data.entries):
        warnings.append(_("No questions are recorded yet."))
    if (
        data.interviewee_id_type == RESIDENT_ID
        and data.interviewee_id_number.strip()
        and not resident_id_valid(data.interviewee_id_number)
    ):
        warnings.append(_("The resident ID number does not pass its check digit."))
    return warnings


def _validate(data: InterviewInput) -> InterviewInput:
    name = " ".join(data.interviewee_name.split())
    if not name:
        raise ValueError(_("Enter the interviewee's name."))
    if data.started_at.tzinfo is None or (
        data.ended_at is not None and data.ended_at.tzinfo is None
    ):
        raise ValueError("interview times must be timezone-aware")
    if data.ended_at is not None and data.ended_at < data.started_at:
        raise ValueError(_("The interview cannot end before it started."))
    if data.interviewee_id_type and data.interviewee_id_type not in ID_TYPES:
        raise ValueError(f"unknown identity document type {data.interviewee_id_type!r}")
    present = tuple(dict.fromkeys(data.inspectors_present))
    return InterviewInput(
        interviewee_name=name,
        started_at=data.started_at,
        interviewee_role=data.interviewee_role.strip(),
        interviewee_organisation=data.interviewee_organisation.strip(),
        interviewee_id_type=data.interviewee_id_type,
        interviewee_id_number=data.interviewee_id_number.strip().upper(),
        interviewee_phone=data.interviewee_phone.strip(),
        inspectors_present=present,
        recorder_id=data.recorder_id or None,
        location=data.location.strip(),
        ended_at=data.ended_at,
        content=data.content.strip(),
        entries=tuple(
            QA(e.question.strip(), e.answer.strip(), e.id)
            for e in data.entries
            if e.question.strip() or e.answer.strip()
        ),
    )


def _team_ids(session: Session, task_id: str) -> set[str]:
    return set(
        session.scalars(
            select(TeamMembership.inspector_id).where(
                TeamMembership.task_id == task_id, TeamMembership.deleted_at.is_(None)
            )
        )
    )


def _check_people(session: Session, task_id: str, data: InterviewInput) -> None:
    team = _team_ids(session, task_id)
    people = [*data.inspectors_present, *([data.recorder_id] if data.recorder_id else [])]
    if any(person not in team for person in people):
        raise ValueError(_("Only members of the inspection team can be recorded as present."))


def _apply(record: InterviewRecord, data: InterviewInput) -> None:
    record.interviewee_name = data.interviewee_name
    record.interviewee_role = data.interviewee_role
    record.interviewee_organisation = data.interviewee_organisation
    record.interviewee_id_type = data.interviewee_id_type
    record.interviewee_id_number = data.interviewee_id_number
    record.interviewee_phone = data.interviewee_phone
    record.inspectors_present = json.dumps(list(data.inspectors_present))
    record.recorder_id = data.recorder_id
    record.location = data.location
    record.started_at = data.started_at
    record.ended_at = data.ended_at
    record.content = data.content


def _entries(session: Session, interview_id: str) -> list[InterviewEntry]:
    return list(
        session.scalars(
            select(InterviewEntry)
            .where(InterviewEntry.interview_id == interview_id, InterviewEntry.deleted_at.is_(None))
            .order_by(InterviewEntry.position, InterviewEntry.created_at)
        )
    )


def _sync_entries(session: Session, record: InterviewRecord, entries: Sequence[QA]) -> int:
    """Make the stored entries match ``entries`` in order; returns how many were removed."""
    existing = {entry.id: entry for entry in _entries(session, record.id)}
    kept: set[str] = set()
    for position, qa in enumerate(entries, start=1):
        row = existing.get(qa.id) if qa.id is not None else None
        if row is None:
            session.add(
                InterviewEntry(
                    interview_id=record.id,
                    position=position,
                    question=qa.question,
                    answer=qa.answer,
                )
            )
            continue
        kept.add(row.id)
        if (row.position, row.question, row.answer) != (position, qa.question, qa.answer):
            row.position, row.question, row.answer = position, qa.question, qa.answer
    removed = [row for entry_id, row in existing.items() if entry_id not in kept]
    for row in removed:
        tombstone(session, row)
    return len(removed)


def create_interview(*, profile: OpenProfile, case_id: str, data: InterviewInput) -> str:
    """Record an interview in a case; returns its id.

    Raises:
        NotAllowedError: the user may not record in this case.
        ValueError: no name, end before start, a person present who is not on the team.
    """
    data = _validate(data)
    with profile.session() as session:
        case = require_recording(session, profile, case_id)
        _check_people(session, case.task_id, data)
        record = InterviewRecord(case_id=case_id, started_at=data.started_at)
        _apply(record, data)
        session.add(record)
        session.flush()
        _sync_entries(session, record, data.entries)
        record_case_event(
            profile,
            session,
            case_id,
            "interview.created",
            entity="interview_record",
            entity_id=record.id,
            detail=f"entries={len(data.entries)} present={len(data.inspectors_present)}",
        )
        return record.id


def update_interview(*, profile: OpenProfile, interview_id: str, data: InterviewInput) -> None:
    """Save an interview record as a whole (entries in their new order; missing ones removed)."""
    data = _validate(data)
    with profile.session() as session:
        record = _record(session, interview_id)
        case = require_recording(session, profile, record.case_id)
        _check_people(session, case.task_id, data)
        _apply(record, data)
        removed = _sync_entries(session, record, data.entries)
        record_case_event(
            profile,
            session,
            record.case_id,
            "interview.updated",
            entity="interview_record",
            entity_id=record.id,
            detail=f"entries={len(data.entries)} removed={removed} "
            f"present={len(data.inspectors_present)}",
        )


def _record(session: Session, interview_id: str) -> InterviewRecord:
    record = session.get(InterviewRecord, interview_id)
    if record is None or record.deleted_at is not None:
        raise InterviewNotFoundError(_("The interview record no longer exists."))
    return record


def _present(record: InterviewRecord) -> tuple[str, ...]:
    try:
        values = json.loads(record.inspectors_present or "[]")
    except ValueError:
        return ()
    return tuple(str(v) for v in values if isinstance(v, str))


def _names(session: Session, ids: Sequence[str]) -> tuple[str, ...]:
    if not ids:
        return ()
    query = select(Inspector.id, Inspector.name).where(Inspector.id.in_(ids))
    names: dict[str, str] = dict(session.execute(query).all())
    return tuple(names.get(i, "?") for i in ids)


def _input_of(record: InterviewRecord, entries: Sequence[QA]) -> InterviewInput:
    return InterviewInput(
        interviewee_name=record.interviewee_name,
        started_at=record.started_at,
        interviewee_id_type=record.interviewee_id_type,
        interviewee_id_number=record.interviewee_id_number,
        inspectors_present=_present(record),
        recorder_id=record.recorder_id,
        ended_at=record.ended_at,
        entries=tuple(entries),
    )


def interviews_of_case(*, profile: OpenProfile, case_id: str) -> list[InterviewSummary]:
    """The case's interviews in time order, identifiers masked (hidden from supervisors)."""
    with profile.read_session() as session:
        access = case_access(session, profile, case_id)
        records = session.scalars(
            select(InterviewRecord)
            .where(InterviewRecord.case_id == case_id, InterviewRecord.deleted_at.is_(None))
            .order_by(InterviewRecord.started_at)
        ).all()
        counts: dict[str, int] = dict(
            session.execute(
                select(InterviewEntry.interview_id, func.count())
                .where(
                    InterviewEntry.interview_id.in_([r.id for r in records]),
                    InterviewEntry.deleted_at.is_(None),
                )
                .group_by(InterviewEntry.interview_id)
            ).all()
        )
        summaries = []
        for record in records:
            present = _present(record)
            # Only the number of questions matters to the warnings: no need to load them.
            questions = [QA("?")] * counts.get(record.id, 0)
            summaries.append(
                InterviewSummary(
                    id=record.id,
                    interviewee_name=record.interviewee_name,
                    interviewee_role=record.interviewee_role,
                    interviewee_organisation=record.interviewee_organisation,
                    id_number_masked=_shown(record.interviewee_id_number, access.sees_identifiers),
                    location=record.location,
                    started_at=record.started_at,
                    ended_at=record.ended_at,
                    inspector_names=_names(session, present),
                    question_count=counts.get(record.id, 0),
                    warnings=tuple(interview_warnings(_input_of(record, questions))),
                )
            )
        return summaries


def _shown(value: str, sees_identifiers: bool) -> str:
    if not value:
        return ""
    return mask_identifier(value) if sees_identifiers else HIDDEN


def interview_detail(
    *, profile: OpenProfile, interview_id: str, reveal: bool = False
) -> InterviewDetail:
    """One interview in full; identifiers in clear text only if ``reveal`` (the editor) and
    the user may see them, masked otherwise, and hidden entirely from social supervisors."""
    with profile.read_session() as session:
        record = _record(session, interview_id)
        access = case_access(session, profile, record.case_id)
        entries = tuple(QA(e.question, e.answer, e.id) for e in _entries(session, record.id))
        present = _present(record)
        clear = reveal and access.sees_identifiers
        return InterviewDetail(
            id=record.id,
            case_id=record.case_id,
            interviewee_name=record.interviewee_name,
            interviewee_role=record.interviewee_role,
            interviewee_organisation=record.interviewee_organisation,
            interviewee_id_type=record.interviewee_id_type,
            interviewee_id_number=record.interviewee_id_number
            if clear
            else _shown(record.interviewee_id_number, access.sees_identifiers),
            interviewee_phone=record.interviewee_phone
            if clear
            else _shown(record.interviewee_phone, access.sees_identifiers),
            revealed=clear,
            inspectors_present=present,
            inspector_names=_names(session, present),
            recorder_id=record.recorder_id,
            location=record.location,
            started_at=record.started_at,
            ended_at=record.ended_at,
            content=record.content,
            entries=entries,
            warnings=tuple(interview_warnings(_input_of(record, entries))),
            can_record=access.can_record,
        )


def team_of_case(session: Session, task_id: str) -> list[TeamChoice]:
    """The task's team, leader first (social supervisors are observers, not interviewers)."""
    order = {role: n for n, role in enumerate(TeamRole)}
    rows = session.execute(
        select(TeamMembership.role, Inspector)
        .join(Inspector, TeamMembership.inspector_id == Inspector.id)
        .where(
            TeamMembership.task_id == task_id,
            TeamMembership.deleted_at.is_(None),
            TeamMembership.role != TeamRole.SOCIAL_SUPERVISOR,
        )
    ).all()
    choices = [TeamChoice(i.id, i.name, role, i.enforcement_id) for role, i in rows]
    return sorted(choices, key=lambda c: (order[c.role], c.name))


def interview_editor_data(
    *, profile: OpenProfile, case_id: str, interview_id: str | None = None
) -> InterviewEditorData:
    """The team, the user's own inspector id (default recorder) and, to edit, the record."""
    detail = (
        interview_detail(profile=profile, interview_id=interview_id, reveal=True)
        if interview_id is not None
        else None
    )
    with profile.read_session() as session:
        access = case_access(session, profile, case_id)
        user = session.get(LocalUser, profile.user_id)
        return InterviewEditorData(
            team=team_of_case(session, access.task_id),
            current_inspector_id=user.inspector_id if user is not None else None,
            detail=detail,
            can_record=access.can_record,
            sees_identifiers=access.sees_identifiers,
        )
