"""The closed vocabularies stored in the database.

Values are stable English codes (they travel on the wire and into migrations); the words a
user sees come from the translation catalog in ``inspector_app.vocabulary``.
"""

from __future__ import annotations

from enum import StrEnum


class InstitutionKind(StrEnum):
    """Type of designated institution (定点医药机构)."""

    HOSPITAL = "hospital"
    PRIMARY_CLINIC = "primary_clinic"
    PHARMACY = "pharmacy"


class InstitutionLevel(StrEnum):
    """Hospital grade; pharmacies and village clinics are ungraded."""

    GRADE_3 = "grade_3"
    GRADE_2 = "grade_2"
    GRADE_1 = "grade_1"
    UNGRADED = "ungraded"


class TaskType(StrEnum):
    """Kinds of inspection (日常巡查 / 专项检查 / 飞行检查 / 交叉检查 / 重点检查 / 专家审查)."""

    ROUTINE = "routine"
    THEMATIC = "thematic"
    FLYING = "flying"
    CROSS = "cross"
    KEY = "key"
    EXPERT_REVIEW = "expert_review"


class TaskOrigin(StrEnum):
    """Why the inspection was launched (NHSA Order 6, Art. 10)."""

    PLAN = "plan"
    RANDOM_DRAW = "random_draw"
    MONITORING_ALERT = "monitoring_alert"
    WHISTLEBLOWER_TIP = "whistleblower_tip"
    MEDIA = "media"
    FOLLOW_UP = "follow_up"
    OTHER = "other"


class TaskStatus(StrEnum):
    """Life cycle of an inspection task: assigned → on site → drafting → closed."""

    ASSIGNED = "assigned"
    ON_SITE = "on_site"
    DRAFTING = "drafting"
    CLOSED = "closed"


class TeamRole(StrEnum):
    """A person's role in an inspection team."""

    LEADER = "leader"
    MEMBER = "member"
    EXPERT = "expert"
    SOCIAL_SUPERVISOR = "social_supervisor"


class CaseStatus(StrEnum):
    """Review life cycle of a case file."""

    OPEN = "open"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    APPROVED = "approved"
    CLOSED = "closed"


class ChecklistAnswer(StrEnum):
    """Answer to one checklist item."""

    UNCHECKED = "unchecked"
    COMPLIANT = "compliant"
    NON_COMPLIANT = "non_compliant"
    NOT_APPLICABLE = "not_applicable"


class EvidenceKind(StrEnum):
    """What an evidence item is."""

    PHOTO = "photo"
    SCAN = "scan"
    SCREENSHOT = "screenshot"
    DOCUMENT = "document"
    AUDIO = "audio"
    VIDEO = "video"
    ELECTRONIC_DATA = "electronic_data"
    SIGNATURE = "signature"


class FindingStatus(StrEnum):
    """Where a finding stands: drafted, confirmed, disputed by the institution, or withdrawn."""

    DRAFT = "draft"
    CONFIRMED = "confirmed"
    DISPUTED = "disputed"
    WITHDRAWN = "withdrawn"


class Handling(StrEnum):
    """A proposed way to handle a finding (a finding may propose several)."""

    RECOVERY = "recovery"
    PENALTY = "penalty"
    SUSPENSION = "suspension"
    REFERRAL_HEALTH = "referral_health"
    REFERRAL_MARKET = "referral_market"
    REFERRAL_POLICE = "referral_police"
    DOCTOR_POINTS = "doctor_points"


class LinkKind(StrEnum):
    """What a case link points at (or from)."""

    CHECKLIST_ITEM = "checklist_item"
    FINDING = "finding"
    EVIDENCE = "evidence"
    CLAIM = "claim"
    INTERVIEW = "interview"
    RECTIFICATION = "rectification"
    CLAIM_REVIEW = "claim_review"
    SCREENING_FLAG = "screening_flag"


class CustodyEventKind(StrEnum):
    """An entry in a case's evidence chain of custody."""

    RECORDED = "recorded"
    WITHDRAWN = "withdrawn"


class RectificationStatus(StrEnum):
    """Outcome of a follow-up check (回头看) on one earlier finding."""

    NOT_CHECKED = "not_checked"
    RECTIFIED = "rectified"
    PARTLY_RECTIFIED = "partly_rectified"
    NOT_RECTIFIED = "not_rectified"


class ImportFileRole(StrEnum):
    """What one imported file holds (the column-mapping profiles are per role)."""

    CLAIMS = "claims"
    LINES = "lines"
    PURCHASES = "purchases"
    DISPENSING = "dispensing"
    STOCK_COUNTS = "stock_counts"


class FlagReviewStatus(StrEnum):
    """An inspector's decision on one screening flag (a flag is a suspicion, not a finding)."""

    CONFIRMED = "confirmed"
    DATA_QUALITY = "data_quality"
    DISMISSED = "dismissed"


class SamplingMethod(StrEnum):
    """How the units of a sample were drawn."""

    SIMPLE_RANDOM = "simple_random"
    STRATIFIED = "stratified"
    PPS = "pps"
    RISK_BASED = "risk_based"


class ReviewStatus(StrEnum):
    """Progress of the review of one sampled claim against the medical file."""

    IN_PROGRESS = "in_progress"
    DONE = "done"


class LineDecision(StrEnum):
    """Outcome of the review of one claim line."""

    ACCEPTED = "accepted"
    DISALLOWED = "disallowed"
    PARTLY_DISALLOWED = "partly_disallowed"


class InventoryMovementKind(StrEnum):
    """One row of purchase–sale–stock (进销存) data."""

    OPENING_STOCK = "opening_stock"
    PURCHASE = "purchase"
    DISPENSED = "dispensed"
    CLOSING_STOCK = "closing_stock"


class UserRole(StrEnum):
    """Role of the person who owns a profile."""

    INSPECTOR = "inspector"
    TEAM_LEADER = "team_leader"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


class OutboxOperation(StrEnum):
    """Kind of change recorded in the outbox."""

    INSERT = "insert"
    UPDATE = "update"
    DELETE = "delete"


def values(enum: type[StrEnum]) -> list[str]:
    """The stored values of an enum, for CHECK constraints and validation."""
    return [member.value for member in enum]


class DocumentKind(StrEnum):
    """The documents an inspection produces (codes used in file names, rows and on the wire)."""

    NOTICE = "notice"  # 检查通知书
    ONSITE_RECORD = "onsite_record"  # 现场检查笔录
    INTERVIEW_RECORD = "interview_record"  # 询问笔录 (one per interview)
    FINDINGS_LIST = "findings_list"  # 问题清单 / 检查结果告知书
    EVIDENCE_LIST = "evidence_list"  # 证据清单
    SAMPLING_REPORT = "sampling_report"  # 抽样与推算报告


class SignerRole(StrEnum):
    """Whose handwritten signature a signature block holds."""

    INSPECTOR = "inspector"  # a member of the team (检查人员)
    RECORDER = "recorder"  # who wrote the record (记录人)
    REPRESENTATIVE = "representative"  # the institution's representative (被检查单位负责人)
    INTERVIEWEE = "interviewee"  # the person interviewed (被询问人)
