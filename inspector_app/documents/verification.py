"""Checking signed PDFs against the roots this profile trusts: files on disk, issued copies.

pyHanko judges integrity, trust and forbidden later changes; poppler's ``pdfsig`` is run as
the independent second opinion on files that already are on disk (issued copies are checked
from memory only: they hold personal data and never go through a temporary file).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from inspector_app.casework.access import case_access
from inspector_app.documents.service import IssuedRow, current_issued, issued_row
from inspector_app.evidence.store import read_original
from inspector_app.i18n import _
from inspector_app.profiles import OpenProfile
from inspector_app.services.signing_keys import trusted_root_certificates
from inspector_app.signing.errors import DamagedPdfError, SigningFailure
from inspector_app.signing.pdfsig import PdfsigReport, run_pdfsig
from inspector_app.signing.verification import PdfVerification, verify_pdf

MAX_PDF_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True)
class FileVerification:
    """Both validators' verdicts on one file; ``independent_problem`` says why pdfsig gave
    none (not installed, could not read the file)."""

    path: Path
    verification: PdfVerification
    independent: PdfsigReport | None
    independent_problem: str

    @property
    def ok(self) -> bool:
        """pyHanko accepts every signature and, when it ran, pdfsig agrees."""
        agrees = self.independent is None or self.independent.ok
        return self.verification.ok and agrees


def _roots(profile: OpenProfile) -> list[bytes]:
    with profile.read_session() as session:
        return trusted_root_certificates(session)


def verify_file(
    *,
    profile: OpenProfile,
    path: Path,
    independent: bool = True,
    extra_roots: list[bytes] | None = None,
) -> FileVerification:
    """Verify a PDF file with pyHanko and, if asked, with pdfsig.

    Raises:
        OSError: the file cannot be read.
        ValueError: the file is too large to be a document of record.
        SigningFailure: the file is not a PDF or is damaged.
    """
    if path.stat().st_size > MAX_PDF_BYTES:
        raise ValueError(_("This file is too large to be a signed document."))
    with path.open("rb") as handle:  # refuse a non-PDF before reading all of it
        if b"%PDF-" not in handle.read(1024):
            raise DamagedPdfError(_("This file is not a PDF document."))
    roots = [*_roots(profile), *(extra_roots or [])]
    verification = verify_pdf(path.read_bytes(), trust_roots=roots)
    report: PdfsigReport | None = None
    problem = ""
    if independent:
        try:
            report = run_pdfsig(path, trust_roots=roots)
        except SigningFailure as exc:
            problem = str(exc)
    return FileVerification(path, verification, report, problem)


def verify_issued(*, profile: OpenProfile, case_id: str) -> list[tuple[IssuedRow, PdfVerification]]:
    """Each current issued document of a case, verified from the encrypted store.

    Raises:
        CaseNotFoundError: no such case.
    """
    with profile.read_session() as session:
        case_access(session, profile, case_id)
        rows = [issued_row(row) for row in current_issued(session, case_id)]
        roots = trusted_root_certificates(session)
    return [
        (row, verify_pdf(read_original(profile, row.sha256), trust_roots=roots)) for row in rows
    ]
