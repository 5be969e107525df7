"""Tidy the store of originals after a crash: stale temporary files and orphaned blobs.

Run once per unlock, in the background; nothing it removes is referenced by any record.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from inspector_app.evidence.store import sweep_orphaned_originals, sweep_temporary_files
from inspector_app.profiles import OpenProfile
from local_db.models import EvidenceItem, IssuedDocument


@dataclass(frozen=True)
class TidyReport:
    """What was removed."""

    temporary_files: int
    orphaned_originals: int


def tidy_evidence_store(profile: OpenProfile) -> TidyReport:
    """Remove day-old temporary files and originals that no evidence or document row records.

    Issued PDFs share the store with evidence originals (both are immutable and
    content-addressed), so both tables count as references.
    """
    with profile.read_session() as session:
        recorded = set(session.scalars(select(EvidenceItem.sha256)))
        recorded.update(session.scalars(select(IssuedDocument.sha256)))
    return TidyReport(
        temporary_files=sweep_temporary_files(profile),
        orphaned_originals=sweep_orphaned_originals(profile, recorded),
    )
