"""Keep each imported file as an evidence item of the case, with its extraction record.

The file is recorded *before* the import transaction starts. ``add_evidence`` commits on
its own, and the batch row must name the item (``evidence_id``) while the whole load stays
one transaction, so the item cannot come after. The consequence is deliberate: an import
cancelled or killed after this step leaves the item (the file was handed over, copied and
hashed; that is evidence whether or not its rows were loaded) and no batch. A retry with
the same file finds that item by its SHA-256 and reuses it instead of recording a second
copy; so does an import of a file already recorded in the case by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from inspector_app.evidence.recording import ExtractionInput, add_evidence
from inspector_app.evidence.store import hash_source
from inspector_app.i18n import _
from inspector_app.profiles import OpenProfile
from inspector_app.progress import Progress
from inspector_app.settlement_import.fields import role_label
from local_db.enums import EvidenceKind, ImportFileRole
from local_db.models import EvidenceItem


@dataclass(frozen=True)
class RecordedFile:
    """The evidence item that holds one source file."""

    evidence_id: str
    sha256: str
    size_bytes: int
    reused: bool


def default_extraction(path: Path, role: ImportFileRole) -> ExtractionInput:
    """The extraction record of an import whose caller gave none."""
    return ExtractionInput(
        source_system=_("Institution's information system (export file)"),
        query_or_screen=_("{role} export “{name}”, imported into the case").format(
            role=role_label(role), name=path.name
        ),
        method=_("Export file handed over by the institution, imported with its SHA-256"),
    )


def record_source_file(
    *,
    profile: OpenProfile,
    case_id: str,
    path: Path,
    role: ImportFileRole,
    extraction: ExtractionInput | None,
    progress: Progress,
) -> RecordedFile:
    """The case's evidence item for ``path``: an existing one with its hash, else a new one.

    Raises:
        NotAllowedError: the user may not record in this case.
        Cancelled: cancelled while hashing or storing; nothing new was recorded.
    """
    size = path.stat().st_size
    with profile.read_session() as session:
        candidates = session.execute(
            select(EvidenceItem.id, EvidenceItem.sha256)
            .where(
                EvidenceItem.case_id == case_id,
                EvidenceItem.size_bytes == size,
                EvidenceItem.kind == EvidenceKind.ELECTRONIC_DATA,
                EvidenceItem.withdrawn_at.is_(None),
                EvidenceItem.deleted_at.is_(None),
            )
            .order_by(EvidenceItem.captured_at)
        ).all()
    if candidates:  # only then is the file hashed an extra time (files are gigabytes)
        progress.start(_("Checking {name}").format(name=path.name), total=size)
        sha256, size = hash_source(path, progress)
        for evidence_id, recorded in candidates:
            if recorded == sha256:
                return RecordedFile(
                    evidence_id=evidence_id, sha256=sha256, size_bytes=size, reused=True
                )
    summary = add_evidence(
        profile=profile,
        case_id=case_id,
        source=path,
        kind=EvidenceKind.ELECTRONIC_DATA,
        caption=_("{role}: {name}").format(role=role_label(role), name=path.name),
        extraction=extraction or default_extraction(path, role),
        progress=progress,
    )
    return RecordedFile(
        evidence_id=summary.id, sha256=summary.sha256, size_bytes=summary.size_bytes, reused=False
    )
