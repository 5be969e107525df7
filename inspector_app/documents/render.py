"""One entry point that lays out any document of a case by the type of its data."""

from __future__ import annotations

from inspector_app.documents.model import (
    AnyDocument,
    EvidenceListData,
    FindingsListData,
    InterviewRecordData,
    NoticeData,
    OnsiteRecordData,
    RenderedDocument,
    SamplingReportData,
)
from inspector_app.documents.render_evidence import render_evidence
from inspector_app.documents.render_findings import render_findings
from inspector_app.documents.render_interview import render_interview
from inspector_app.documents.render_notice import render_notice
from inspector_app.documents.render_onsite_record import render_onsite_record
from inspector_app.documents.render_sampling import render_sampling


def render_document(data: AnyDocument, *, position: int | None = None) -> RenderedDocument:
    """Lay out ``data`` as a PDF in the active language.

    ``position`` is an interview record's 1-based place among the case's interviews (file
    stem ``…-03a-…``); other documents ignore it.

    Raises:
        FontUnavailableError: no font able to print Chinese is available.
    """
    if isinstance(data, NoticeData):
        return render_notice(data)
    if isinstance(data, OnsiteRecordData):
        return render_onsite_record(data)
    if isinstance(data, InterviewRecordData):
        return render_interview(data, position=position)
    if isinstance(data, FindingsListData):
        return render_findings(data)
    if isinstance(data, EvidenceListData):
        return render_evidence(data)
    if isinstance(data, SamplingReportData):
        return render_sampling(data)
    raise TypeError(f"not a document: {type(data).__name__}")
