"""The evidence list: every item with its hash and a small picture, and the chain's state."""

from __future__ import annotations

import io

from sqlalchemy import select
from sqlalchemy.orm import Session

from inspector_app.documents.formats import day
from inspector_app.documents.gather.header import case_header, document_meta, gathering_for_digest
from inspector_app.documents.gather.records import seal_slots
from inspector_app.documents.model import EvidenceEntry, EvidenceListData, ExtractionEntry
from inspector_app.documents.signatures import signature_marks
from inspector_app.evidence.kinds import evidence_kind_label
from inspector_app.evidence.verify import verify_case
from inspector_app.i18n import _, ngettext
from inspector_app.profiles import OpenProfile
from local_db.enums import DocumentKind, EvidenceKind
from local_db.models import CaseFile, EvidenceItem, EvidenceThumbnail, ExtractionRecord

# Printed at most ~2.5 cm wide: 240 px is 240 dpi there, sharp on paper and small in the file.
PRINT_THUMBNAIL_PX = 240


def listed_evidence(session: Session, case: CaseFile) -> list[EvidenceItem]:
    """The items the list shows, in the order they were recorded (signatures are part of the
    documents they sign, not items of the list)."""
    return list(
        session.scalars(
            select(EvidenceItem)
            .where(
                EvidenceItem.case_id == case.id,
                EvidenceItem.deleted_at.is_(None),
                EvidenceItem.kind != EvidenceKind.SIGNATURE,
            )
            .order_by(EvidenceItem.captured_at, EvidenceItem.id)
        )
    )


def evidence_labels(session: Session, case: CaseFile) -> dict[str, str]:
    """``E-01``, ``E-02`` … by evidence id: the findings list cites the same labels."""
    return {item.id: f"E-{n:02d}" for n, item in enumerate(listed_evidence(session, case), 1)}


def printable_thumbnail(data: bytes, media_type: str) -> bytes:
    """A JPEG of at most :data:`PRINT_THUMBNAIL_PX` (transparent previews on white)."""
    from PIL import Image

    with Image.open(io.BytesIO(data)) as opened:
        if media_type == "image/jpeg" and max(opened.size) <= PRINT_THUMBNAIL_PX:
            return data
        opened.thumbnail((PRINT_THUMBNAIL_PX, PRINT_THUMBNAIL_PX))
        rgba = opened.convert("RGBA")
    flat = Image.new("RGB", rgba.size, "white")
    flat.paste(rgba, mask=rgba.getchannel("A"))
    output = io.BytesIO()
    flat.save(output, format="JPEG", quality=80)
    return output.getvalue()


def _extraction(record: ExtractionRecord | None) -> ExtractionEntry | None:
    if record is None:
        return None
    holder = (
        _("{name} ({position})").format(name=record.holder_name, position=record.holder_position)
        if record.holder_position
        else record.holder_name
    )
    return ExtractionEntry(
        source_system=record.source_system,
        query_or_screen=record.query_or_screen,
        extracted_at=record.extracted_at,
        extracted_by=record.extracted_by,
        method=record.method,
        holder=holder,
        sha256=record.sha256,
    )


def chain_summary(profile: OpenProfile, case: CaseFile, when: str) -> str:
    """The chain of custody and the originals, verified now, in one sentence."""
    report = verify_case(profile=profile, case_ref=case.id)
    events = sum(lane.events for lane in report.lanes)
    lanes = ngettext("{n} device lane", "{n} device lanes", len(report.lanes)).format(
        n=len(report.lanes)
    )
    if report.ok:
        return _(
            "Chain of custody: {lanes}, {events} events; {files} originals re-hashed on "
            "{when}: intact."
        ).format(lanes=lanes, events=events, files=report.originals_checked, when=when)
    return ngettext(
        "Chain of custody: {lanes}, {events} events; verification found {n} problem.",
        "Chain of custody: {lanes}, {events} events; verification found {n} problems.",
        len(report.problems),
    ).format(lanes=lanes, events=events, n=len(report.problems))


def evidence_list_data(session: Session, profile: OpenProfile, case: CaseFile) -> EvidenceListData:
    """证据清单."""
    header = case_header(session, case)
    meta = document_meta(header, DocumentKind.EVIDENCE_LIST)
    items = listed_evidence(session, case)
    ids = [item.id for item in items]
    thumbnails = {
        t.evidence_id: t
        for t in session.scalars(
            select(EvidenceThumbnail).where(EvidenceThumbnail.evidence_id.in_(ids))
        )
    }
    extractions = {
        r.evidence_id: r
        for r in session.scalars(
            select(ExtractionRecord).where(
                ExtractionRecord.evidence_id.in_(ids), ExtractionRecord.deleted_at.is_(None)
            )
        )
    }
    entries = []
    for n, item in enumerate(items, start=1):
        thumbnail = thumbnails.get(item.id)
        withdrawn = (
            _("Withdrawn: {reason}").format(reason=item.withdrawn_reason or "")
            if item.withdrawn_at is not None
            else ""
        )
        entries.append(
            EvidenceEntry(
                label=f"E-{n:02d}",
                kind_label=evidence_kind_label(item.kind),
                caption=item.caption,
                captured_at=item.captured_at,
                captured_by=item.captured_by,
                sha256=item.sha256,
                size_bytes=item.size_bytes,
                media_type=item.media_type,
                thumbnail_jpeg=(
                    printable_thumbnail(thumbnail.data, thumbnail.media_type)
                    if thumbnail is not None and not gathering_for_digest()
                    else None
                ),
                withdrawn_note=withdrawn,
                extraction=_extraction(extractions.get(item.id)),
            )
        )
    summary = "" if gathering_for_digest() else chain_summary(profile, case, day(meta.generated_at))
    return EvidenceListData(
        meta=meta,
        header=header,
        items=tuple(entries),
        chain_summary=summary,
        signatures=signature_marks(session, profile, case, DocumentKind.EVIDENCE_LIST),
        seals=seal_slots(),
    )
