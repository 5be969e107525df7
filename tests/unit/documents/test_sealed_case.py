"""The demo's sealed cases: every document issued, sealed, exported, and saying what the case holds.

Acceptance 1-3 of the documents issue on real demo data: the text extracted from each PDF is
compared with the case file, the embedded font is checked with ``pdffonts``, and each seal is
validated by pyHanko and by poppler's ``pdfsig`` against the profile's trusted roots.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select

from inspector_app.documents.formats import DOCUMENT_TIMEZONE
from inspector_app.documents.service import case_documents, export_issued
from inspector_app.documents.verification import verify_file, verify_issued
from inspector_app.profiles import OpenProfile
from inspector_app.services.case_files import case_export_folder
from local_db.enums import CaseStatus, DocumentKind, EvidenceKind, FindingStatus
from local_db.models import (
    CaseFile,
    DocumentSignature,
    EvidenceItem,
    Finding,
    InspectionTask,
    Institution,
    InterviewEntry,
    InterviewRecord,
    OnsiteRecord,
)


def _text(path: Path, *, layout: bool = True) -> str:
    """The page text; reading order (``layout=False``) keeps a wrapped hash in one piece."""
    args = ["pdftotext", *(["-layout"] if layout else []), str(path), "-"]
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _closed_cases(profile: OpenProfile) -> list[CaseFile]:
    with profile.read_session() as session:
        cases = session.scalars(
            select(CaseFile)
            .where(CaseFile.status == CaseStatus.CLOSED)
            .order_by(CaseFile.case_number)
        ).all()
        session.expunge_all()
        return list(cases)


def test_every_document_of_the_closed_cases_is_sealed_and_exported(
    demo_profile: OpenProfile,
) -> None:
    cases = _closed_cases(demo_profile)
    assert len(cases) == 2
    for case in cases:
        state = case_documents(profile=demo_profile, case_id=case.id)
        assert state.read_only and not state.missing
        issued_kinds = sorted((row.kind, row.subject_id) for row in state.issued)
        set_kinds = sorted((d.ref.kind.value, d.ref.subject_id) for d in state.documents)
        assert issued_kinds == set_kinds
        folder = case_export_folder(profile=demo_profile, case_number=case.case_number)
        assert sorted(p.name for p in folder.glob("*.pdf")) == sorted(
            row.file_name for row in state.issued
        )
        for row, verification in verify_issued(profile=demo_profile, case_id=case.id):
            assert verification.ok, (row.file_name, verification)
            (check,) = verification.signatures
            assert check.certification and check.is_test_certificate
            assert check.signer_common_name.startswith("沈亦舟")


def test_both_validators_accept_the_exported_files(demo_profile: OpenProfile) -> None:
    case = _closed_cases(demo_profile)[0]
    folder = case_export_folder(profile=demo_profile, case_number=case.case_number)
    for path in sorted(folder.glob("*.pdf")):
        result = verify_file(profile=demo_profile, path=path)
        assert result.ok, (path.name, result)
        assert result.independent is not None
        assert [s.valid and s.trusted for s in result.independent.signatures] == [True]


def test_the_documents_say_what_the_case_holds(demo_profile: OpenProfile, tmp_path: Path) -> None:
    case = _closed_cases(demo_profile)[0]
    paths = export_issued(profile=demo_profile, case_id=case.id, folder=tmp_path)
    texts = {p.name: _text(p) for p in paths}
    reading = {p.name: _text(p, layout=False) for p in paths}
    by_kind = {kind: next(t for n, t in texts.items() if f"-{seq}" in n) for kind, seq in (
        (DocumentKind.NOTICE, "01"), (DocumentKind.ONSITE_RECORD, "02"),
        (DocumentKind.INTERVIEW_RECORD, "03"), (DocumentKind.FINDINGS_LIST, "04"),
        (DocumentKind.EVIDENCE_LIST, "05"),
    )}  # fmt: skip
    with demo_profile.read_session() as session:
        task = session.get(InspectionTask, case.task_id)
        assert task is not None and task.institution_id is not None
        institution = session.get(Institution, task.institution_id)
        assert institution is not None
        findings = session.scalars(
            select(Finding).where(
                Finding.case_id == case.id, Finding.status != FindingStatus.WITHDRAWN
            )
        ).all()
        interview = session.scalars(
            select(InterviewRecord).where(InterviewRecord.case_id == case.id)
        ).one()
        entries = session.scalars(
            select(InterviewEntry).where(InterviewEntry.interview_id == interview.id)
        ).all()
        onsite = session.scalars(select(OnsiteRecord).where(OnsiteRecord.case_id == case.id)).one()
        evidence = session.scalars(
            select(EvidenceItem).where(
                EvidenceItem.case_id == case.id, EvidenceItem.kind != EvidenceKind.SIGNATURE
            )
        ).all()
        refusal = session.scalars(
            select(DocumentSignature).where(
                DocumentSignature.case_id == case.id, DocumentSignature.refused.is_(True)
            )
        ).one()
    for name, text in texts.items():
        squeezed = _squeezed(text)
        assert case.case_number in squeezed, name
        assert _squeezed(institution.name) in squeezed, name
        assert re.search(r"第\s*1\s*页\s*共\s*\d+\s*页", text), name
    onsite_text = _squeezed(by_kind[DocumentKind.ONSITE_RECORD])
    assert _squeezed(onsite.representative_statement) in onsite_text
    assert _squeezed(onsite.narrative)[:40] in onsite_text
    findings_text = _squeezed(by_kind[DocumentKind.FINDINGS_LIST])
    for finding in findings:
        assert _squeezed(finding.title) in findings_text
        assert f"{finding.amount_fen // 100:,}" in findings_text
    interview_text = _squeezed(by_kind[DocumentKind.INTERVIEW_RECORD])
    for entry in entries:
        assert _squeezed(entry.question) in interview_text
        assert _squeezed(entry.answer) in interview_text
    # Acceptance 3: the refusal is printed with its witness and time, not a signature.
    assert refusal.document_kind is DocumentKind.INTERVIEW_RECORD
    assert refusal.witness_name and refusal.refused_at is not None
    assert "拒绝签字" in interview_text and refusal.witness_name in interview_text
    local = refusal.refused_at.astimezone(DOCUMENT_TIMEZONE)  # documents state China time
    assert f"{local.year}年{local.month}月{local.day}日{local:%H:%M}" in interview_text
    evidence_name = next(name for name in reading if "-05" in name)
    evidence_text = _squeezed(reading[evidence_name])
    assert evidence
    for item in evidence:
        assert item.sha256 in evidence_text


def test_the_cjk_font_is_embedded_as_a_subset_and_nothing_else_is_used(
    demo_profile: OpenProfile, tmp_path: Path
) -> None:
    case = _closed_cases(demo_profile)[1]
    for path in export_issued(profile=demo_profile, case_id=case.id, folder=tmp_path):
        listing = subprocess.run(
            ["pdffonts", str(path)], check=True, capture_output=True, text=True
        ).stdout.splitlines()[2:]
        assert listing, path.name
        for line in listing:
            *_name, emb, sub, _uni, _obj, _gen = line.split()
            assert (emb, sub) == ("yes", "yes"), (path.name, line)
        assert any("+WenQuanYiMicroHei" in line for line in listing), path.name


@pytest.mark.parametrize("status", [CaseStatus.CLOSED])
def test_the_sealed_cases_stay_closed(demo_profile: OpenProfile, status: CaseStatus) -> None:
    for case in _closed_cases(demo_profile):
        assert case.status is status and case.closed_at is not None
