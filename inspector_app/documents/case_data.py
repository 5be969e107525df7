"""Which documents a case has, and what each says: the one door from the case file to layout.

The set follows the inspection: the notice, the on-site record, one record per interview,
the findings list, the evidence list, and the sampling report when the case drew a sample.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from inspector_app.documents.digest import content_digest
from inspector_app.documents.gather.evidence import evidence_list_data
from inspector_app.documents.gather.findings import findings_list_data
from inspector_app.documents.gather.header import digest_mode
from inspector_app.documents.gather.records import (
    interview_data,
    interview_ids,
    notice_data,
    onsite_record_data,
)
from inspector_app.documents.gather.sampling import case_draws, sampling_report_data
from inspector_app.documents.model import AnyDocument
from inspector_app.documents.numbering import document_short_name, order_key, sequence_label
from inspector_app.i18n import DEFAULT_LANGUAGE, language_override
from inspector_app.profiles import OpenProfile
from local_db.enums import DocumentKind
from local_db.models import CaseFile, InterviewRecord


@dataclass(frozen=True)
class DocumentRef:
    """One document of a case's set: its kind and, for an interview record, the interview."""

    kind: DocumentKind
    subject_id: str = ""
    position: int | None = None  # the interview's number in the case
    subject_label: str = ""  # e.g. the interviewee's name

    @property
    def sequence(self) -> str:
        """``01``, ``03a`` …: the place in the set, used in file names."""
        return sequence_label(self.kind, self.position)

    @property
    def sort_key(self) -> tuple[int, int]:
        """Order of the set."""
        return order_key(self.kind, self.position or 0)

    def name(self) -> str:
        """The document as lists name it."""
        base = document_short_name(self.kind)
        return f"{base} · {self.subject_label}" if self.subject_label else base


def document_refs(session: Session, case: CaseFile) -> list[DocumentRef]:
    """The documents case ``case`` has now, in the order of the set."""
    refs = [DocumentRef(DocumentKind.NOTICE), DocumentRef(DocumentKind.ONSITE_RECORD)]
    for position, interview_id in enumerate(interview_ids(session, case), start=1):
        record = session.get(InterviewRecord, interview_id)
        refs.append(
            DocumentRef(
                DocumentKind.INTERVIEW_RECORD,
                interview_id,
                position,
                record.interviewee_name if record else "",
            )
        )
    refs += [DocumentRef(DocumentKind.FINDINGS_LIST), DocumentRef(DocumentKind.EVIDENCE_LIST)]
    if case_draws(session, case):
        refs.append(DocumentRef(DocumentKind.SAMPLING_REPORT))
    return refs


def document_digest(
    session: Session, profile: OpenProfile, case: CaseFile, kind: DocumentKind, subject_id: str = ""
) -> str:
    """What document ``kind`` (``subject_id``) of ``case`` says now, as a digest.

    Gathered in the documents' default language, so the screen's language never changes it.
    """
    with language_override(DEFAULT_LANGUAGE), digest_mode():
        return content_digest(gather(session, profile, case, DocumentRef(kind, subject_id)))


def gather(session: Session, profile: OpenProfile, case: CaseFile, ref: DocumentRef) -> AnyDocument:
    """What document ``ref`` of ``case`` says, as the layout's data.

    Raises:
        LookupError: the interview of an interview record is not in the case.
    """
    if ref.kind is DocumentKind.NOTICE:
        return notice_data(session, profile, case)
    if ref.kind is DocumentKind.ONSITE_RECORD:
        return onsite_record_data(session, profile, case)
    if ref.kind is DocumentKind.INTERVIEW_RECORD:
        return interview_data(session, profile, case, ref.subject_id)
    if ref.kind is DocumentKind.FINDINGS_LIST:
        return findings_list_data(session, profile, case)
    if ref.kind is DocumentKind.EVIDENCE_LIST:
        return evidence_list_data(session, profile, case)
    return sampling_report_data(session, profile, case)
