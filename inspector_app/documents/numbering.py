"""Titles, numbers and order of a case's documents, and the fixed texts they quote.

A document number follows the official pattern 机关代字〔年份〕序号号; the case number is the
serial, so two laptops never hand out the same number and a number names its case. An
interview record adds the interview's position in the case (询录〔2026〕AJ2026002-2号).
"""

from __future__ import annotations

from datetime import datetime

from inspector_app.i18n import _, pgettext
from local_db.enums import DocumentKind

# The order of the set: the notice is served first, the sampling report comes last.
DOCUMENT_ORDER = (
    DocumentKind.NOTICE,
    DocumentKind.ONSITE_RECORD,
    DocumentKind.INTERVIEW_RECORD,
    DocumentKind.FINDINGS_LIST,
    DocumentKind.EVIDENCE_LIST,
    DocumentKind.SAMPLING_REPORT,
)


def document_title(kind: DocumentKind) -> str:
    """The title printed at the top of the document."""
    return {
        DocumentKind.NOTICE: pgettext(
            "document title", "Notice of Medical Insurance Fund Inspection"
        ),
        DocumentKind.ONSITE_RECORD: pgettext(
            "document title", "Record of On-site Inspection of the Medical Insurance Fund"
        ),
        DocumentKind.INTERVIEW_RECORD: pgettext("document title", "Interview Record"),
        DocumentKind.FINDINGS_LIST: pgettext(
            "document title", "List of Problems and Notice of Inspection Results"
        ),
        DocumentKind.EVIDENCE_LIST: pgettext("document title", "List of Evidence"),
        DocumentKind.SAMPLING_REPORT: pgettext(
            "document title", "Report on Record Sampling and Extrapolation"
        ),
    }[kind]


def document_short_name(kind: DocumentKind) -> str:
    """A short name for lists and file names."""
    return {
        DocumentKind.NOTICE: pgettext("document", "Inspection notice"),
        DocumentKind.ONSITE_RECORD: pgettext("document", "On-site inspection record"),
        DocumentKind.INTERVIEW_RECORD: pgettext("document", "Interview record"),
        DocumentKind.FINDINGS_LIST: pgettext("document", "Findings list"),
        DocumentKind.EVIDENCE_LIST: pgettext("document", "Evidence list"),
        DocumentKind.SAMPLING_REPORT: pgettext("document", "Sampling report"),
    }[kind]


def _code(kind: DocumentKind) -> str:
    """The 机关代字 of each kind of document."""
    return {
        DocumentKind.NOTICE: pgettext("document number code", "MIF-Notice"),
        DocumentKind.ONSITE_RECORD: pgettext("document number code", "MIF-Record"),
        DocumentKind.INTERVIEW_RECORD: pgettext("document number code", "MIF-Interview"),
        DocumentKind.FINDINGS_LIST: pgettext("document number code", "MIF-Results"),
        DocumentKind.EVIDENCE_LIST: pgettext("document number code", "MIF-Evidence"),
        DocumentKind.SAMPLING_REPORT: pgettext("document number code", "MIF-Sampling"),
    }[kind]


def document_number(
    kind: DocumentKind, *, case_number: str, year: int, position: int | None = None
) -> str:
    """E.g. 医保检录〔2026〕AJ2026002号; ``position`` numbers a case's interview records."""
    serial = case_number if position is None else f"{case_number}-{position}"
    return _("{code}〔{year}〕{serial}").format(code=_code(kind), year=year, serial=serial)


def order_key(kind: DocumentKind, position: int = 0) -> tuple[int, int]:
    """Sort key of a document in the set."""
    return DOCUMENT_ORDER.index(kind), position


def sequence_label(kind: DocumentKind, position: int | None = None) -> str:
    """The two-digit place in the set, with a letter per interview record (03a, 03b …)."""
    number = f"{DOCUMENT_ORDER.index(kind) + 1:02d}"
    if position is None:
        return number
    letters = ""
    value = position
    while value > 0:
        value, remainder = divmod(value - 1, 26)
        letters = chr(ord("a") + remainder) + letters
    return number + letters


def year_of(moment: datetime | None, fallback: int) -> int:
    """The year a document is numbered in: when the team arrived, else ``fallback``."""
    return moment.year if moment is not None else fallback


def notice_legal_basis(*, flying: bool) -> str:
    """The provisions an inspection rests on, quoted in the notice (domain.md, legal frame)."""
    if flying:
        return _(
            "Article 27 of the Regulations on the Supervision and Administration of the Use of "
            "Medical Security Funds (State Council Order No. 735) and the Interim Measures for "
            "the Administration of Flying Inspections of Medical Security Funds (National "
            "Healthcare Security Administration Order No. 6)"
        )
    return _(
        "Article 27 of the Regulations on the Supervision and Administration of the Use of "
        "Medical Security Funds (State Council Order No. 735)"
    )


def notice_demands() -> tuple[str, ...]:
    """What the institution must provide (Regulation Art. 27 (1)-(3); Order 6 Art. 26)."""
    return (
        _("Medical insurance settlement data and their details for the period inspected"),
        _("Medical records, prescriptions, orders and test reports of the patients concerned"),
        _("Purchase, sale and stock ledgers of drugs and medical consumables with invoices"),
        _("Duty rosters, attendance and qualification records of medical staff"),
        _("Charging records, bills and the accounts of medical insurance income"),
        _("Other information and materials related to the inspection"),
    )


def interview_caution() -> str:
    """The statement read to an interviewee before the questions (询问告知)."""
    return _(
        "We are inspectors of the medical security administration and have shown our "
        "enforcement IDs. We are inquiring into the use of the medical insurance fund. You "
        "must answer truthfully; giving false information is a violation of the law. You may "
        "refuse to answer questions unrelated to this inspection, and you may ask an "
        "inspector to withdraw if they have an interest in the matter. Do you understand?"
    )


def rights_notice() -> str:
    """What the findings list tells the institution about stating its case (陈述申辩)."""
    return _(
        "If you disagree with the problems listed above, you may state your case and submit "
        "evidence in writing to the inspecting authority within 5 working days of receiving "
        "this notice. Failing that, you are deemed to have no objection."
    )
