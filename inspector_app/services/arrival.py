"""The team's arrival on site (到达现场): the first record of the case file.

Recording the arrival opens the case file if the task has none and moves the task on site.
A sealed flying inspection must be opened first: the team records where it arrived only once
the leader has revealed where that is. The common documents shown at the door are stored as
stable codes (translated when shown); anything else as the team typed it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from inspector_app.casework.access import NotAllowedError, require_recording
from inspector_app.i18n import _, pgettext
from inspector_app.profiles import OpenProfile
from inspector_app.services.task_access import require_task_recording
from inspector_app.services.task_status import case_of_task, ensure_case_file, move_task
from local_db.enums import TaskStatus
from local_db.models import ArrivalRecord, CaseFile, TeamMembership

# Documents shown at the door, as stored codes (Order 735 Art. 29: IDs; the notice).
ENFORCEMENT_IDS = "enforcement_ids"
INSPECTION_NOTICE = "inspection_notice"
AUTHORISATION_LETTER = "authorisation_letter"
COMMON_DOCUMENTS = (ENFORCEMENT_IDS, INSPECTION_NOTICE, AUTHORISATION_LETTER)


def document_label(code: str) -> str:
    """Words for a stored document entry; free text is shown as typed."""
    labels = {
        ENFORCEMENT_IDS: pgettext("document shown", "Enforcement ID cards"),
        INSPECTION_NOTICE: pgettext("document shown", "Inspection notice"),
        AUTHORISATION_LETTER: pgettext("document shown", "Letter of authorisation"),
    }
    return labels.get(code, code)


@dataclass(frozen=True)
class Representative:
    """A person of the institution present at arrival."""

    name: str
    position: str


@dataclass(frozen=True)
class ArrivalSummary:
    """The arrival record as surfaces show it."""

    case_id: str
    arrived_at: datetime
    location: str
    team_present: list[str]  # inspector ids
    representatives: list[Representative]
    documents_shown: list[str]  # codes or free text; see document_label
    notes: str


def arrival_summary(record: ArrivalRecord) -> ArrivalSummary:
    """Parse the stored record (JSON columns) into plain data."""
    return ArrivalSummary(
        case_id=record.case_id,
        arrived_at=record.arrived_at,
        location=record.location,
        team_present=[str(i) for i in json.loads(record.team_present or "[]")],
        representatives=[
            Representative(str(r.get("name", "")), str(r.get("position", "")))
            for r in json.loads(record.representatives or "[]")
        ],
        documents_shown=[str(d) for d in json.loads(record.documents_shown or "[]")],
        notes=record.notes,
    )


def record_arrival(
    *,
    profile: OpenProfile,
    task_id: str,
    arrived_at: datetime,
    team_present: Sequence[str],
    representatives: Sequence[Representative],
    documents_shown: Sequence[str],
    location: str,
    notes: str = "",
) -> ArrivalSummary:
    """Record (or correct) the team's arrival; opens the case file and puts the task on site.

    Raises:
        NotAllowedError: the user may not record, the task is still sealed, or it is
            past the on-site phase.
        ValueError: missing or inconsistent input (message says what).
    """
    if arrived_at.tzinfo is None:
        raise ValueError("arrived_at must be timezone-aware")
    people = [r for r in representatives if r.name.strip() or r.position.strip()]
    if any(not r.name.strip() for r in people):
        raise ValueError(_("Each representative of the institution needs a name."))
    documents = [d.strip() for d in documents_shown if d.strip()]
    with profile.session() as session:
        task = require_task_recording(session, profile, task_id)
        if task.sealed_unopened:
            raise NotAllowedError(
                _("Open the sealed task first: the team leader opens it on site with the code.")
            )
        if task.status not in (TaskStatus.ASSIGNED, TaskStatus.ON_SITE):
            raise NotAllowedError(_("The on-site phase of this inspection is over."))
        existing = case_of_task(session, task_id)
        if existing is not None:
            require_recording(session, profile, existing.id)  # a closed case stays closed
        team = set(
            session.scalars(
                select(TeamMembership.inspector_id).where(
                    TeamMembership.task_id == task_id, TeamMembership.deleted_at.is_(None)
                )
            )
        )
        present = list(dict.fromkeys(team_present))
        if team and not set(present) <= team:
            raise ValueError(_("Only members of the inspection team can be recorded as present."))
        if team and len(present) < 2:
            # Order 735 Art. 29: at least two inspectors on site.
            raise ValueError(_("At least two inspectors must be present on site."))
        case = ensure_case_file(session, profile, task)
        record = session.scalars(
            select(ArrivalRecord).where(ArrivalRecord.case_id == case.id)
        ).one_or_none()
        action = "arrival.changed"
        if record is None:
            record = ArrivalRecord(case_id=case.id, arrived_at=arrived_at)
            session.add(record)
            action = "arrival.recorded"
        record.arrived_at = arrived_at
        record.location = location.strip()[:256]
        record.team_present = json.dumps(present)
        record.representatives = json.dumps(
            [{"name": r.name.strip(), "position": r.position.strip()} for r in people],
            ensure_ascii=False,
        )
        record.documents_shown = json.dumps(documents, ensure_ascii=False)
        record.notes = notes.strip()
        session.flush()
        profile.audit(
            session, action, entity="arrival_record", entity_id=record.id, case_id=case.id,
            detail=f"team={len(present)}; representatives={len(people)}",
        )  # fmt: skip
        move_task(session, profile, task, TaskStatus.ON_SITE, case.id)
        return arrival_summary(record)


def read_arrival(*, profile: OpenProfile, case_id: str) -> ArrivalSummary | None:
    """The case's arrival record, if any."""
    with profile.read_session() as session:
        if session.get(CaseFile, case_id) is None:
            return None
        record = session.scalars(
            select(ArrivalRecord).where(
                ArrivalRecord.case_id == case_id, ArrivalRecord.deleted_at.is_(None)
            )
        ).one_or_none()
        return arrival_summary(record) if record is not None else None
