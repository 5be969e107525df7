"""The words a user sees for the codes the database stores, in the active language.

``local_db.enums`` keeps stable English codes; every surface (Qt shell, CLI, PDF documents)
turns them into words here, so a task type reads the same on screen and on paper. Labels are
built on each call with ``pgettext`` (the context keeps, e.g., a task's "Closed" apart from a
case file's), which makes a language switch take effect at the next call.
"""

from __future__ import annotations

from inspector_app.i18n import pgettext
from local_db.enums import (
    CaseStatus,
    ChecklistAnswer,
    CustodyEventKind,
    FindingStatus,
    Handling,
    InstitutionKind,
    InstitutionLevel,
    OutboxOperation,
    RectificationStatus,
    TaskOrigin,
    TaskStatus,
    TaskType,
    TeamRole,
    UserRole,
)


def task_type_label(value: TaskType) -> str:
    """Kind of inspection (glossary renderings of domain.md)."""
    return {
        TaskType.ROUTINE: pgettext("task type", "Routine inspection"),
        TaskType.THEMATIC: pgettext("task type", "Thematic inspection"),
        TaskType.FLYING: pgettext("task type", "Flying inspection"),
        TaskType.CROSS: pgettext("task type", "Cross inspection"),
        TaskType.KEY: pgettext("task type", "Key inspection"),
        TaskType.EXPERT_REVIEW: pgettext("task type", "Expert review inspection"),
    }[value]


def task_origin_label(value: TaskOrigin) -> str:
    """Why the inspection was launched (NHSA Order 6, Art. 10)."""
    return {
        TaskOrigin.PLAN: pgettext("task origin", "Annual plan"),
        TaskOrigin.RANDOM_DRAW: pgettext("task origin", "Random selection"),
        TaskOrigin.MONITORING_ALERT: pgettext("task origin", "Smart-monitoring alert"),
        TaskOrigin.WHISTLEBLOWER_TIP: pgettext("task origin", "Whistleblower tip"),
        TaskOrigin.MEDIA: pgettext("task origin", "Media exposure"),
        TaskOrigin.FOLLOW_UP: pgettext("task origin", "Follow-up check"),
        TaskOrigin.OTHER: pgettext("task origin", "Other"),
    }[value]


def task_status_label(value: TaskStatus) -> str:
    """Where a task is in its life cycle."""
    return {
        TaskStatus.ASSIGNED: pgettext("task status", "Assigned"),
        TaskStatus.ON_SITE: pgettext("task status", "On site"),
        TaskStatus.DRAFTING: pgettext("task status", "Drafting"),
        TaskStatus.CLOSED: pgettext("task status", "Closed"),
    }[value]


def case_status_label(value: CaseStatus) -> str:
    """Where a case file is in review."""
    return {
        CaseStatus.OPEN: pgettext("case status", "Open"),
        CaseStatus.SUBMITTED: pgettext("case status", "Submitted"),
        CaseStatus.RETURNED: pgettext("case status", "Returned"),
        CaseStatus.APPROVED: pgettext("case status", "Approved"),
        CaseStatus.CLOSED: pgettext("case status", "Closed"),
    }[value]


def institution_kind_label(value: InstitutionKind) -> str:
    """Type of designated institution."""
    return {
        InstitutionKind.HOSPITAL: pgettext("institution kind", "Hospital"),
        InstitutionKind.PRIMARY_CLINIC: pgettext("institution kind", "Primary clinic"),
        InstitutionKind.PHARMACY: pgettext("institution kind", "Retail pharmacy"),
    }[value]


def institution_level_label(value: InstitutionLevel) -> str:
    """Hospital grade."""
    return {
        InstitutionLevel.GRADE_3: pgettext("institution level", "Grade III"),
        InstitutionLevel.GRADE_2: pgettext("institution level", "Grade II"),
        InstitutionLevel.GRADE_1: pgettext("institution level", "Grade I"),
        InstitutionLevel.UNGRADED: pgettext("institution level", "Ungraded"),
    }[value]


def team_role_label(value: TeamRole) -> str:
    """A person's role in an inspection team."""
    return {
        TeamRole.LEADER: pgettext("team role", "Team leader"),
        TeamRole.MEMBER: pgettext("team role", "Inspector"),
        TeamRole.EXPERT: pgettext("team role", "Expert"),
        TeamRole.SOCIAL_SUPERVISOR: pgettext("team role", "Social supervisor"),
    }[value]


def user_role_label(value: UserRole) -> str:
    """Role of the person a profile belongs to."""
    return {
        UserRole.INSPECTOR: pgettext("user role", "Inspector"),
        UserRole.TEAM_LEADER: pgettext("user role", "Team leader"),
        UserRole.SUPERVISOR: pgettext("user role", "Supervisor"),
        UserRole.ADMIN: pgettext("user role", "Administrator"),
    }[value]


def checklist_answer_label(value: ChecklistAnswer) -> str:
    """Answer to one checklist item."""
    return {
        ChecklistAnswer.UNCHECKED: pgettext("checklist answer", "Not yet checked"),
        ChecklistAnswer.COMPLIANT: pgettext("checklist answer", "Compliant"),
        ChecklistAnswer.NON_COMPLIANT: pgettext("checklist answer", "Non-compliant"),
        ChecklistAnswer.NOT_APPLICABLE: pgettext("checklist answer", "Not applicable"),
    }[value]


def outbox_operation_label(value: OutboxOperation) -> str:
    """Kind of change waiting to be synced."""
    return {
        OutboxOperation.INSERT: pgettext("sync operation", "Created"),
        OutboxOperation.UPDATE: pgettext("sync operation", "Changed"),
        OutboxOperation.DELETE: pgettext("sync operation", "Deleted"),
    }[value]


def finding_status_label(code: str) -> str:
    """Status of a finding; codes not known here are shown as stored."""
    labels: dict[str, str] = {
        FindingStatus.DRAFT: pgettext("finding status", "Draft"),
        FindingStatus.CONFIRMED: pgettext("finding status", "Confirmed"),
        FindingStatus.DISPUTED: pgettext("finding status", "Disputed"),
        FindingStatus.WITHDRAWN: pgettext("finding status", "Withdrawn"),
    }
    return labels.get(code, code)


def handling_label(value: Handling) -> str:
    """A proposed way to handle a finding."""
    return {
        Handling.RECOVERY: pgettext("handling", "Recover the loss"),
        Handling.PENALTY: pgettext("handling", "Administrative penalty"),
        Handling.SUSPENSION: pgettext("handling", "Suspend the service agreement"),
        Handling.REFERRAL_HEALTH: pgettext("handling", "Refer to the health commission"),
        Handling.REFERRAL_MARKET: pgettext("handling", "Refer to market regulation"),
        Handling.REFERRAL_POLICE: pgettext("handling", "Refer to public security"),
        Handling.DOCTOR_POINTS: pgettext("handling", "Deduct insurance doctor points"),
    }[value]


def rectification_status_label(value: RectificationStatus) -> str:
    """Outcome of a follow-up check on an earlier finding."""
    return {
        RectificationStatus.NOT_CHECKED: pgettext("rectification", "Not checked yet"),
        RectificationStatus.RECTIFIED: pgettext("rectification", "Rectified"),
        RectificationStatus.PARTLY_RECTIFIED: pgettext("rectification", "Partly rectified"),
        RectificationStatus.NOT_RECTIFIED: pgettext("rectification", "Not rectified"),
    }[value]


def custody_event_label(value: CustodyEventKind) -> str:
    """An entry in the evidence chain of custody."""
    return {
        CustodyEventKind.RECORDED: pgettext("custody", "Recorded"),
        CustodyEventKind.WITHDRAWN: pgettext("custody", "Withdrawn"),
    }[value]


def sync_entity_label(entity: str) -> str:
    """The kind of record behind a synced entity name (``__sync_entity__``)."""
    labels = {
        "institution": pgettext("record kind", "Designated institution"),
        "inspector": pgettext("record kind", "Inspector register entry"),
        "inspection_task": pgettext("record kind", "Inspection task"),
        "team_membership": pgettext("record kind", "Team membership"),
        "case_file": pgettext("record kind", "Case file"),
        "checklist_response": pgettext("record kind", "Checklist answer"),
        "evidence_item": pgettext("record kind", "Evidence item"),
        "finding": pgettext("record kind", "Finding"),
        "interview_record": pgettext("record kind", "Interview record"),
        "settlement_batch": pgettext("record kind", "Settlement data load"),
        "device": pgettext("record kind", "Device key"),
        "mapping_profile": pgettext("record kind", "Saved column mapping"),
        "arrival_record": pgettext("record kind", "Arrival record"),
        "case_checklist": pgettext("record kind", "Case checklist"),
        "checklist_migration": pgettext("record kind", "Checklist template change"),
        "custody_event": pgettext("record kind", "Chain-of-custody entry"),
        "extraction_record": pgettext("record kind", "Data extraction record"),
        "interview_entry": pgettext("record kind", "Interview question"),
        "case_link": pgettext("record kind", "Case link"),
        "rectification_check": pgettext("record kind", "Follow-up check"),
        "onsite_record": pgettext("record kind", "On-site record"),
        "document_signature": pgettext("record kind", "Document signature"),
        "issued_document": pgettext("record kind", "Issued document"),
        "inventory_batch": pgettext("record kind", "Inventory data load"),
        "screening_run": pgettext("record kind", "Screening run"),
        "flag_review": pgettext("record kind", "Flag review"),
        "sample_draw": pgettext("record kind", "Sample draw"),
        "claim_review": pgettext("record kind", "Claim review"),
        "line_review": pgettext("record kind", "Claim line review"),
        "appraisal_record": pgettext("record kind", "Appraisal"),
        "sync_conflict": pgettext("record kind", "Sync conflict"),
    }
    return labels.get(entity, entity)


def sync_field_label(field: str) -> str:
    """A synced record's field in words (for conflicts); unknown fields are shown as stored."""
    labels = {
        "title": pgettext("record field", "Title"),
        "summary": pgettext("record field", "Summary"),
        "description": pgettext("record field", "Description"),
        "notes": pgettext("record field", "Notes"),
        "note": pgettext("record field", "Note"),
        "caption": pgettext("record field", "Caption"),
        "status": pgettext("record field", "Status"),
        "answer": pgettext("record field", "Answer"),
        "question": pgettext("record field", "Question"),
        "content": pgettext("record field", "Content"),
        "location": pgettext("record field", "Location"),
        "amount_fen": pgettext("record field", "Amount"),
        "legal_basis": pgettext("record field", "Legal basis"),
        "violation_code": pgettext("record field", "Violation"),
        "handling": pgettext("record field", "Proposed handling"),
        "planned_start": pgettext("record field", "Planned start"),
        "planned_end": pgettext("record field", "Planned end"),
        "withdrawn_reason": pgettext("record field", "Reason for withdrawal"),
        "deleted_at": pgettext("record field", "Deleted"),
    }
    return labels.get(field, field)


def sync_phase_label(phase: str) -> str:
    """What a running sync is doing (``SyncProgressEvent.phase``)."""
    labels = {
        "push": pgettext("sync phase", "Sending changes"),
        "upload": pgettext("sync phase", "Uploading evidence files"),
        "pull": pgettext("sync phase", "Receiving changes"),
        "download": pgettext("sync phase", "Downloading evidence files"),
        "done": pgettext("sync phase", "Finishing"),
    }
    return labels.get(phase, phase)


# Settlement data keeps the codes the import normalised to (see settlement_import/fields.py);
# values an institution exported in its own words are shown as they are.


def visit_type_label(value: str) -> str:
    """``inpatient`` / ``outpatient`` in words."""
    labels = {
        "inpatient": pgettext("visit type", "Inpatient"),
        "outpatient": pgettext("visit type", "Outpatient"),
    }
    return labels.get(value, value)


def patient_sex_label(code: str) -> str:
    """``M`` / ``F`` in words."""
    return {"M": pgettext("sex", "Male"), "F": pgettext("sex", "Female")}.get(code, code)


def item_category_label(value: str) -> str:
    """A billed item's category: drug, service item or consumable."""
    labels = {
        "drug": pgettext("item category", "Drug"),
        "service": pgettext("item category", "Service"),
        "consumable": pgettext("item category", "Consumable"),
    }
    return labels.get(value, value)


def coverage_class_label(value: str) -> str:
    """甲 / 乙 / 丙: how much of an item the fund covers (codes A, B, C)."""
    labels = {
        "A": pgettext("coverage class", "Class A"),
        "B": pgettext("coverage class", "Class B"),
        "C": pgettext("coverage class", "Class C"),
    }
    return labels.get(value, value)
