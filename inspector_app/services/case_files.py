"""Case files with the documents exported for each, found under the profile's exports/ folder.

Convention shared with the document builders: the documents of a case are written to
``<profile>/exports/<case number>/`` (see :func:`case_export_folder`); a file placed directly
in ``exports/`` whose name starts with the case number belongs to that case too. Listing
only reads directory entries, never file contents.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from inspector_app.profiles import OpenProfile
from local_db.enums import CaseStatus
from local_db.models import CaseFile, InspectionTask, Institution

EXPORTS_FOLDER = "exports"
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


@dataclass(frozen=True)
class ExportedDocument:
    """A file exported for a case."""

    path: Path
    size_bytes: int
    modified_at: datetime

    @property
    def name(self) -> str:
        """File name without folder."""
        return self.path.name


@dataclass(frozen=True)
class CaseFileRow:
    """One case file and its exported documents."""

    id: str
    number: str
    status: CaseStatus
    task_number: str
    task_title: str
    institution_name: str | None
    opened_at: datetime | None
    documents: list[ExportedDocument] = field(default_factory=list)


def exports_folder(profile: OpenProfile) -> Path:
    """The profile's exports/ folder (it may not exist yet)."""
    return profile.info.path / EXPORTS_FOLDER


def case_export_folder(*, profile: OpenProfile, case_number: str) -> Path:
    """Where the documents of case ``case_number`` are exported."""
    safe = _UNSAFE.sub("_", case_number).strip(". ") or "_"
    return exports_folder(profile) / safe


def _document(path: Path) -> ExportedDocument | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return ExportedDocument(
        path=path,
        size_bytes=stat.st_size,
        modified_at=datetime.fromtimestamp(stat.st_mtime, tz=UTC),
    )


def _documents_for(profile: OpenProfile, case_number: str) -> list[ExportedDocument]:
    folder = case_export_folder(profile=profile, case_number=case_number)
    candidates: list[Path] = []
    if folder.is_dir():
        candidates.extend(p for p in folder.rglob("*") if p.is_file())
    root = exports_folder(profile)
    if root.is_dir():
        candidates.extend(
            p for p in root.iterdir() if p.is_file() and p.name.startswith(folder.name)
        )
    found = [doc for doc in map(_document, candidates) if doc is not None]
    return sorted(found, key=lambda doc: (doc.modified_at, doc.name), reverse=True)


def list_case_files(*, profile: OpenProfile) -> list[CaseFileRow]:
    """Every case file not deleted, with its exported documents, newest case first."""
    with profile.read_session() as session:
        rows = session.execute(
            select(CaseFile, InspectionTask, Institution.name)
            .join(InspectionTask, CaseFile.task_id == InspectionTask.id)
            .outerjoin(Institution, InspectionTask.institution_id == Institution.id)
            .where(CaseFile.deleted_at.is_(None))
            .order_by(CaseFile.case_number.desc())
        ).all()
    result = []
    for case, task, institution_name in rows:
        revealed = not task.sealed_unopened
        result.append(
            CaseFileRow(
                id=case.id,
                number=case.case_number,
                status=case.status,
                task_number=task.task_number,
                task_title=task.title,
                institution_name=institution_name if revealed else None,
                opened_at=case.opened_at,
                documents=_documents_for(profile, case.case_number),
            )
        )
    return result
