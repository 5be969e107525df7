"""Follow-up checks (回头看): each finding of the earlier case with a rectification check.

The checks are created when the follow-up case opens, and on first view if the case was
opened elsewhere (sync); before the case opens, the earlier findings are listed with no
check yet, so the team can prepare.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from inspector_app.casework.access import case_access, record_case_event, require_recording
from inspector_app.i18n import _
from inspector_app.profiles import OpenProfile
from inspector_app.services.task_access import get_task
from inspector_app.services.task_status import case_of_task, ensure_rectification_checks
from local_db.enums import FindingStatus, RectificationStatus
from local_db.models import CaseFile, Finding, InspectionTask, Institution, RectificationCheck


@dataclass(frozen=True)
class RectificationRow:
    """One earlier finding and its follow-up check (``check_id`` None before the case opens)."""

    check_id: str | None
    finding_id: str
    violation_code: str
    title: str
    legal_basis: str
    amount_fen: int
    status: RectificationStatus
    note: str


@dataclass(frozen=True)
class FollowUpView:
    """The earlier case a follow-up check follows, and where each finding stands."""

    earlier_case_id: str
    earlier_case_number: str
    earlier_task_title: str
    institution_name: str
    rows: list[RectificationRow]
    can_edit: bool


def followup_view(*, profile: OpenProfile, task_id: str) -> FollowUpView | None:
    """The follow-up view of task ``task_id``; None when the task follows no earlier case."""
    with profile.session() as session:
        task = get_task(session, task_id)
        if task.follows_case_id is None or task.sealed_unopened:
            return None  # a sealed task reveals nothing, not even through an earlier case
        earlier = session.get(CaseFile, task.follows_case_id)
        if earlier is None:
            return None
        earlier_task = session.get(InspectionTask, earlier.task_id)
        institution = (
            session.get(Institution, earlier_task.institution_id)
            if earlier_task is not None and earlier_task.institution_id
            else None
        )
        case = case_of_task(session, task_id)
        can_edit = False
        checks: dict[str, RectificationCheck] = {}
        if case is not None:
            # The case's access is the task's team standing plus "a closed case is read-only".
            can_edit = case_access(session, profile, case.id).can_record
            if can_edit:
                ensure_rectification_checks(session, case, task)
                session.flush()
            checks = {
                c.earlier_finding_id: c
                for c in session.scalars(
                    select(RectificationCheck).where(
                        RectificationCheck.case_id == case.id,
                        RectificationCheck.deleted_at.is_(None),
                    )
                )
            }
        findings = session.scalars(
            select(Finding)
            .where(
                Finding.case_id == earlier.id,
                Finding.deleted_at.is_(None),
                Finding.status != FindingStatus.WITHDRAWN,
            )
            .order_by(Finding.created_at, Finding.id)
        ).all()
        rows = []
        for finding in findings:
            check = checks.get(finding.id)
            rows.append(
                RectificationRow(
                    check_id=check.id if check is not None else None,
                    finding_id=finding.id,
                    violation_code=finding.violation_code,
                    title=finding.title,
                    legal_basis=finding.legal_basis,
                    amount_fen=finding.amount_fen,
                    status=check.status if check is not None else RectificationStatus.NOT_CHECKED,
                    note=check.note if check is not None else "",
                )
            )
        return FollowUpView(
            earlier_case_id=earlier.id,
            earlier_case_number=earlier.case_number,
            earlier_task_title=earlier_task.title if earlier_task is not None else "",
            institution_name=institution.name if institution is not None else "",
            rows=rows,
            can_edit=can_edit,
        )


def set_rectification(
    *, profile: OpenProfile, check_id: str, status: RectificationStatus, note: str
) -> RectificationRow:
    """Record how far one earlier finding has been rectified.

    Raises:
        LookupError: no such check.
        NotAllowedError: the user may not record in the case.
        ValueError: a rectification judged incomplete without a note saying why.
    """
    with profile.session() as session:
        check = session.get(RectificationCheck, check_id)
        if check is None or check.deleted_at is not None:
            raise LookupError(_("No such follow-up check."))
        require_recording(session, profile, check.case_id)
        incomplete = (RectificationStatus.PARTLY_RECTIFIED, RectificationStatus.NOT_RECTIFIED)
        if status in incomplete and not note.strip():
            raise ValueError(_("Say in the note what has not been rectified."))
        check.status = status
        check.note = note.strip()
        record_case_event(
            profile, session, check.case_id, "rectification.set", entity="rectification_check",
            entity_id=check.id, detail=status.value,
        )  # fmt: skip
        finding = session.get_one(Finding, check.earlier_finding_id)
        return RectificationRow(
            check_id=check.id,
            finding_id=finding.id,
            violation_code=finding.violation_code,
            title=finding.title,
            legal_basis=finding.legal_basis,
            amount_fen=finding.amount_fen,
            status=check.status,
            note=check.note,
        )
