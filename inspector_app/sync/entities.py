"""Which records sync, who may see them, and in which order they are applied.

The server keeps records as field maps and needs to know, per entity, where a record sits:
in a task, in a case, in a region's reference data, or with its owner. A record's *scope*
(task, case, region) follows from its own fields, or from its parent's scope, by the first
rule of its entity that applies. Entities are listed parents first: a batch applied in this
order never meets a child before its parent, which both sides rely on.

A unit test keeps this table equal to the synced models of ``local_db``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ScopeKind(StrEnum):
    """How a rule finds a record's place."""

    SELF_TASK = "self_task"  # the record is a task; region from ``field``
    TASK = "task"  # ``field`` holds a task id
    SELF_CASE = "self_case"  # the record is a case; ``field`` holds its task id
    CASE = "case"  # ``field`` holds a case id
    PARENT = "parent"  # ``field`` holds the id of a ``parent`` record: same scope
    REGION = "region"  # reference data of the region in ``field``
    INSTITUTION = "institution"  # ``field`` holds an institution id: its region
    GLOBAL = "global"  # every signed-in user (public keys)
    OWNER = "owner"  # only the user who created it


@dataclass(frozen=True)
class ScopeRule:
    """One way to place a record; ``field`` empty for kinds that need none."""

    kind: ScopeKind
    field: str = ""
    parent: str = ""


@dataclass(frozen=True)
class EntitySpec:
    """How one entity syncs."""

    name: str
    rules: tuple[ScopeRule, ...]
    # Immutable records (custody events, issued documents) accept no update: a correction
    # is a new, linked record. ``fixed_fields`` are immutable within a mutable record (an
    # evidence item's content and capture; its withdrawal may still change) once they hold
    # a value (a batch's extract is written after the batch).
    immutable: bool = False
    fixed_fields: tuple[str, ...] = ()
    # Fields holding the SHA-256 of a content-addressed blob that must reach the server
    # before the record does.
    blob_fields: tuple[str, ...] = ()
    # The field holding the plaintext size of the record's blob (for the upload).
    size_field: str = "size_bytes"
    # Reference data changes only through supervisors and administrators once it exists.
    reference: bool = False

    def is_fixed(self, field: str) -> bool:
        """True when ``field`` may never change once the record exists."""
        return self.immutable or field in self.fixed_fields


def _case(field: str = "case_id") -> ScopeRule:
    return ScopeRule(ScopeKind.CASE, field)


def _parent(parent: str, field: str) -> ScopeRule:
    return ScopeRule(ScopeKind.PARENT, field, parent)


ENTITIES: tuple[EntitySpec, ...] = (
    # Administrative regions come from the server only (the desktop holds them as plain
    # reference rows, not synced entities).
    EntitySpec("region", (ScopeRule(ScopeKind.GLOBAL),), reference=True),
    EntitySpec("device", (ScopeRule(ScopeKind.GLOBAL),), reference=True),
    EntitySpec("institution", (ScopeRule(ScopeKind.REGION, "region_code"),), reference=True),
    EntitySpec("inspector", (ScopeRule(ScopeKind.REGION, "region_code"),), reference=True),
    EntitySpec("mapping_profile", (ScopeRule(ScopeKind.OWNER),)),
    EntitySpec("inspection_task", (ScopeRule(ScopeKind.SELF_TASK, "region_code"),)),
    EntitySpec("team_membership", (ScopeRule(ScopeKind.TASK, "task_id"),)),
    EntitySpec("case_file", (ScopeRule(ScopeKind.SELF_CASE, "task_id"),)),
    EntitySpec("arrival_record", (_case(),)),
    EntitySpec("case_checklist", (_case(),)),
    EntitySpec("checklist_migration", (_case(),)),
    EntitySpec("checklist_response", (_case(),)),
    EntitySpec(
        "evidence_item",
        (_case(),),
        fixed_fields=(
            "case_id",
            "kind",
            "media_type",
            "size_bytes",
            "sha256",
            "captured_at",
            "captured_by",
            "device_id",
            "device_signature",
        ),
        blob_fields=("sha256",),
    ),
    EntitySpec("custody_event", (_case(),), immutable=True),
    EntitySpec("extraction_record", (_parent("evidence_item", "evidence_id"),)),
    EntitySpec("finding", (_case(),)),
    EntitySpec("interview_record", (_case(),)),
    EntitySpec("interview_entry", (_parent("interview_record", "interview_id"),)),
    EntitySpec("case_link", (_case(),)),
    EntitySpec("rectification_check", (_case(),)),
    EntitySpec("onsite_record", (_case(),)),
    EntitySpec("document_signature", (_case(),)),
    EntitySpec("issued_document", (_case(),), immutable=True, blob_fields=("sha256",)),
    EntitySpec(
        "settlement_batch",
        (
            _case(),
            ScopeRule(ScopeKind.TASK, "task_id"),
            ScopeRule(ScopeKind.INSTITUTION, "institution_id"),
        ),
        fixed_fields=("institution_id", "extract_sha256"),
        blob_fields=("extract_sha256",),
        size_field="extract_size",
    ),
    EntitySpec(
        "inventory_batch",
        (_case(), ScopeRule(ScopeKind.INSTITUTION, "institution_id")),
        fixed_fields=("institution_id", "extract_sha256"),
        blob_fields=("extract_sha256",),
        size_field="extract_size",
    ),
    EntitySpec("screening_run", (_case(), _parent("settlement_batch", "batch_id"))),
    EntitySpec("flag_review", (_parent("settlement_batch", "batch_id"),)),
    EntitySpec("sample_draw", (_case(), _parent("settlement_batch", "batch_id"))),
    EntitySpec("claim_review", (_parent("sample_draw", "draw_id"),)),
    EntitySpec("line_review", (_parent("claim_review", "claim_review_id"),)),
    EntitySpec("appraisal_record", (_parent("sample_draw", "draw_id"),)),
    EntitySpec("sync_conflict", (_case(),)),
)

BY_NAME: dict[str, EntitySpec] = {spec.name: spec for spec in ENTITIES}
# Apply order: parents before children.
RANK: dict[str, int] = {spec.name: index for index, spec in enumerate(ENTITIES)}

CONFLICT_ENTITY = "sync_conflict"


def region_prefix(code: str) -> str:
    """The prefix shared by every region inside ``code`` (GB/T 2260: 110000 ⊃ 110100 ⊃ 110105)."""
    prefix = code
    while len(prefix) > 2 and prefix.endswith("00"):
        prefix = prefix[:-2]
    return prefix


def region_contains(outer: str, inner: str) -> bool:
    """True when region ``inner`` lies inside (or is) region ``outer``."""
    return inner.startswith(region_prefix(outer))
