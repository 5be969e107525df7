"""The findings list / notice of results: each finding with its basis, amount and records."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from inspector_app.documents.gather.evidence import evidence_labels
from inspector_app.documents.gather.header import case_header, document_meta
from inspector_app.documents.gather.records import seal_slots
from inspector_app.documents.model import FindingEntry, FindingsListData
from inspector_app.documents.numbering import rights_notice
from inspector_app.documents.signatures import signature_marks
from inspector_app.findings.catalogue import ViolationType, catalogue
from inspector_app.findings.service import FindingRow, findings_of_case
from inspector_app.i18n import _
from inspector_app.profiles import OpenProfile
from inspector_app.vocabulary import finding_status_label, handling_label
from local_db.enums import DocumentKind, FindingStatus
from local_db.models import AppraisalRecord, CaseFile, InterviewRecord, SampleDraw


def _rests_on(
    row: FindingRow, labels: dict[str, str], interviews: dict[str, str]
) -> tuple[str, ...]:
    links = row.links
    return (
        *(
            _("Evidence {label}").format(label=labels[ref])
            for ref in links.evidence
            if ref in labels
        ),
        *(_("Checklist item {code}").format(code=ref) for ref in links.checklist_items),
        *(
            _("Interview record of {name}").format(name=interviews[ref])
            for ref in links.interviews
            if ref in interviews
        ),
        *(_("Settlement {number}").format(number=ref) for ref in links.claims),
    )


def _violation_label(entry: ViolationType | None, code: str) -> str:
    return entry.title() if entry is not None else code


def _sampled_note(session: Session, case: CaseFile) -> str:
    """The recorded extrapolation the findings rest on, if any, pointing to the report."""
    latest = session.execute(
        select(AppraisalRecord, SampleDraw.label)
        .join(SampleDraw, SampleDraw.id == AppraisalRecord.draw_id)
        .where(SampleDraw.case_id == case.id, AppraisalRecord.deleted_at.is_(None))
        .order_by(AppraisalRecord.created_at.desc())
    ).first()
    if latest is None:
        return ""
    record, label = latest
    return _(
        "Sampling record {label}: the improper amount extrapolated to the population lies "
        "between {lower} and {upper} yuan ({confidence:.0%} two-sided); see the sampling and "
        "extrapolation report."
    ).format(
        label=label,
        lower=f"{record.lower_fen / 100:,.2f}",
        upper=f"{record.upper_fen / 100:,.2f}",
        confidence=record.confidence,
    )


def findings_list_data(session: Session, profile: OpenProfile, case: CaseFile) -> FindingsListData:
    """问题清单 / 检查结果告知书 (withdrawn findings are not served on the institution)."""
    header = case_header(session, case)
    labels = evidence_labels(session, case)
    interviews = {
        r.id: r.interviewee_name
        for r in session.scalars(select(InterviewRecord).where(InterviewRecord.case_id == case.id))
    }
    rows = [f for f in findings_of_case(profile=profile, case_id=case.id) if not f.withdrawn]
    types = catalogue()
    entries = tuple(
        FindingEntry(
            number=n,
            title=row.title,
            violation_label=_violation_label(types.get(row.violation_code), row.violation_code),
            legal_basis=row.legal_basis,
            amount_fen=row.amount_fen,
            description=row.description,
            handling=tuple(handling_label(h) for h in row.handling),
            rests_on=_rests_on(row, labels, interviews),
            status_label=finding_status_label(row.status.value),
            disputed=row.status is FindingStatus.DISPUTED,
        )
        for n, row in enumerate(rows, start=1)
    )
    return FindingsListData(
        meta=document_meta(header, DocumentKind.FINDINGS_LIST),
        header=header,
        findings=entries,
        total_fen=sum(row.amount_fen for row in rows),
        sampled_amount_note=_sampled_note(session, case),
        rights_notice=rights_notice(),
        signatures=signature_marks(session, profile, case, DocumentKind.FINDINGS_LIST),
        seals=seal_slots(),
    )
