"""Recording evidence: store the original, then chain, sign and link it in one transaction.

The encrypted original is written first (the blob before the row that points to it): a
crash between the two leaves an unreferenced encrypted file, never a row without its bytes.
Evidence is never deleted; :func:`withdraw_evidence` appends a ``withdrawn`` event with a
reason and the item keeps its place in the chain.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from inspector_app.casework.access import (
    NotAllowedError,
    case_access,
    record_case_event,
    require_recording,
)
from inspector_app.casework.links import LinkRef, link
from inspector_app.evidence.catalog import EvidenceSummary, summarize
from inspector_app.evidence.chain import (
    BODY_VERSION,
    GENESIS_HASH,
    canonical_json,
    chain_hash,
    event_message,
    evidence_message,
    timestamp,
)
from inspector_app.evidence.device import DeviceIdentity, device_identity
from inspector_app.evidence.kinds import guess_media_type
from inspector_app.evidence.store import read_original, store_original
from inspector_app.evidence.thumbnails import make_thumbnail
from inspector_app.i18n import _
from inspector_app.profiles import OpenProfile
from inspector_app.progress import Progress
from local_db.enums import CustodyEventKind, EvidenceKind, LinkKind
from local_db.ids import new_id
from local_db.models import (
    CustodyEvent,
    EvidenceItem,
    EvidenceThumbnail,
    ExtractionRecord,
    Finding,
    InterviewRecord,
)
from local_db.types import utc_now

MAX_CAPTION = 256
MAX_NAME = 256
# Larger images get no preview rather than a second full decryption into memory.
THUMBNAIL_SOURCE_LIMIT = 64 * 1024 * 1024
SUPPORTABLE = frozenset(
    {LinkKind.CHECKLIST_ITEM, LinkKind.FINDING, LinkKind.CLAIM, LinkKind.INTERVIEW}
)


@dataclass(frozen=True)
class ExtractionInput:
    """How electronic data was copied from the institution's systems (提取记录)."""

    source_system: str
    query_or_screen: str
    extracted_at: datetime | None = None  # None: now
    method: str = ""
    holder_name: str = ""
    holder_position: str = ""


def _head(source: Path | bytes) -> bytes:
    if isinstance(source, bytes):
        return source[:16]
    with source.open("rb") as handle:
        return handle.read(16)


def _clean_caption(caption: str, fallback: str) -> str:
    text = " ".join(caption.split()) or fallback
    if not text:
        raise ValueError(_("Give the evidence a caption."))
    if len(text) > MAX_CAPTION:
        raise ValueError(
            _("The caption is too long (at most {n} characters).").format(n=MAX_CAPTION)
        )
    return text


def _check_supports(supports: Sequence[LinkRef]) -> None:
    for target in supports:
        if target.kind not in SUPPORTABLE or not target.ref:
            raise ValueError(
                _("Evidence can support checklist items, findings, claims and interviews only.")
            )


def _check_same_case(session: Session, case_id: str, target: LinkRef) -> None:
    """A finding or interview the evidence supports must belong to the same case."""
    row: Finding | InterviewRecord | None
    if target.kind is LinkKind.FINDING:
        row = session.get(Finding, target.ref)
    elif target.kind is LinkKind.INTERVIEW:
        row = session.get(InterviewRecord, target.ref)
    else:
        return  # checklist item codes and settlement numbers are references, not rows
    if row is None or row.case_id != case_id or row.deleted_at is not None:
        raise ValueError(_("Evidence can only support records of its own case."))


def _check_extraction(extraction: ExtractionInput | None) -> None:
    if extraction is None:
        return
    if not extraction.source_system.strip() or not extraction.query_or_screen.strip():
        raise ValueError(
            _("An extraction record needs the source system and the query or screen used.")
        )


def _append_event(
    session: Session,
    *,
    identity: DeviceIdentity,
    case_id: str,
    event: CustodyEventKind,
    evidence_id: str,
    fields: dict[str, Any],
) -> CustodyEvent:
    """Append one event to this device's lane of the case, hashed and signed."""
    last = session.execute(
        select(CustodyEvent.seq, CustodyEvent.chain_hash)
        .where(CustodyEvent.case_id == case_id, CustodyEvent.device_id == identity.device_id)
        .order_by(CustodyEvent.seq.desc())
        .limit(1)
    ).first()
    row = chained_event(
        identity=identity,
        case_id=case_id,
        event=event,
        evidence_id=evidence_id,
        fields=fields,
        seq=1 if last is None else last.seq + 1,
        prev_hash=GENESIS_HASH if last is None else last.chain_hash,
    )
    session.add(row)
    return row


def chained_event(
    *,
    identity: DeviceIdentity,
    case_id: str,
    event: CustodyEventKind,
    evidence_id: str,
    fields: dict[str, Any],
    seq: int,
    prev_hash: str,
) -> CustodyEvent:
    """The custody event at ``seq`` of this device's lane, after ``prev_hash``: its body,
    hash and signature (not added to any session; bulk builders chain many in memory)."""
    body = canonical_json(
        {
            "v": BODY_VERSION,
            "event": event.value,
            "case_id": case_id,
            "device_id": identity.device_id,
            "seq": seq,
            "evidence_id": evidence_id,
            **fields,
        }
    )
    digest = chain_hash(prev_hash, body)
    return CustodyEvent(
        case_id=case_id,
        device_id=identity.device_id,
        seq=seq,
        event=event,
        evidence_id=evidence_id,
        body=body,
        prev_hash=prev_hash,
        chain_hash=digest,
        signature=identity.sign(event_message(digest)),
    )


def recorded_fields(item: EvidenceItem) -> dict[str, Any]:
    """The fields of an item that its ``recorded`` event fixes (compared by the verifier)."""
    return {
        "kind": item.kind.value,
        "caption": item.caption,
        "media_type": item.media_type,
        "original_name": item.original_name,
        "sha256": item.sha256,
        "size_bytes": item.size_bytes,
        "captured_at": timestamp(item.captured_at),
        "captured_by": item.captured_by,
    }


def add_evidence(
    *,
    profile: OpenProfile,
    case_id: str,
    source: Path | bytes,
    kind: EvidenceKind,
    caption: str,
    media_type: str | None = None,
    original_name: str | None = None,
    captured_at: datetime | None = None,
    supports: Sequence[LinkRef] = (),
    extraction: ExtractionInput | None = None,
    progress: Progress | None = None,
) -> EvidenceSummary:
    """Record one piece of evidence in a case.

    Args:
        source: a file (streamed, never read whole) or bytes in memory (a camera capture).
        media_type: None guesses it from the name and the first bytes.
        original_name: None takes the file's name (bytes have none).
        captured_at: the device clock's time of capture; None is now (UTC).
        supports: checklist items, findings, claims or interviews this item supports.
        extraction: for electronic data, how it was copied (its hash is the file's).

    Raises:
        NotAllowedError: the user may not record in this case.
        CaseNotFoundError: no such case.
        ValueError: a caption, link or extraction record is not acceptable.
        Cancelled: ``progress`` was cancelled; nothing was recorded.
    """
    name = (
        original_name
        if original_name is not None
        else (source.name if isinstance(source, Path) else "")
    )
    # A file name that is not valid UTF-8 (GBK names from USB sticks and Windows archives)
    # arrives with surrogate escapes; keep what is readable so the record can be hashed.
    name = os.fsencode(name).decode("utf-8", "replace")[:MAX_NAME]
    caption = _clean_caption(caption, Path(name).stem if name else "")
    _check_supports(supports)
    _check_extraction(extraction)
    with profile.session() as session:  # refuse before the (long) encryption starts
        require_recording(session, profile, case_id)
    detected = media_type or guess_media_type(name, _head(source))
    blob = store_original(profile, source, progress=progress)
    # The preview is made from the stored, verified bytes: a source file changed after it
    # was hashed cannot give the item a thumbnail of something else.
    thumbnail = (
        make_thumbnail(read_original(profile, blob.sha256), detected)
        if detected.startswith("image/") and blob.size_bytes <= THUMBNAIL_SOURCE_LIMIT
        else None
    )
    when = captured_at or utc_now()
    with profile.session() as session:
        require_recording(session, profile, case_id)
        identity = device_identity(session)
        evidence_id = new_id()
        item = EvidenceItem(
            id=evidence_id,
            case_id=case_id,
            kind=kind,
            caption=caption,
            media_type=detected[:128],
            original_name=name,
            size_bytes=blob.size_bytes,
            sha256=blob.sha256,
            captured_at=when,
            captured_by=profile.actor,
            device_id=identity.device_id,
            device_signature=identity.sign(evidence_message(evidence_id, blob.sha256)),
        )
        event = _append_event(
            session,
            identity=identity,
            case_id=case_id,
            event=CustodyEventKind.RECORDED,
            evidence_id=evidence_id,
            fields=recorded_fields(item),
        )
        item.chain_index = event.seq
        item.chain_hash = event.chain_hash
        session.add(item)
        session.flush()
        for target in supports:
            _check_same_case(session, case_id, target)
            link(session, case_id, LinkRef(LinkKind.EVIDENCE, evidence_id), target)
        if extraction is not None:
            session.add(
                ExtractionRecord(
                    evidence_id=evidence_id,
                    source_system=extraction.source_system.strip(),
                    query_or_screen=extraction.query_or_screen.strip(),
                    extracted_at=extraction.extracted_at or when,
                    extracted_by=profile.actor,
                    method=extraction.method.strip(),
                    holder_name=extraction.holder_name.strip(),
                    holder_position=extraction.holder_position.strip(),
                    sha256=blob.sha256,
                )
            )
        if thumbnail is not None:
            session.add(
                EvidenceThumbnail(
                    evidence_id=evidence_id,
                    media_type=thumbnail.media_type,
                    width=thumbnail.width,
                    height=thumbnail.height,
                    data=thumbnail.data,
                )
            )
        record_case_event(
            profile,
            session,
            case_id,
            "evidence.recorded",
            entity="evidence_item",
            entity_id=evidence_id,
            detail=json.dumps({"kind": kind.value, "seq": event.seq}),
        )
        session.flush()
        return summarize(session, item)


def withdraw_evidence(*, profile: OpenProfile, evidence_id: str, reason: str) -> EvidenceSummary:
    """Withdraw an item with a reason; it stays listed and its chain entry stays.

    Raises:
        LookupError: no such item.
        ValueError: no reason given, or the item was already withdrawn.
        NotAllowedError: the user may not record in the item's case.
    """
    text = reason.strip()
    if not text:
        raise ValueError(_("Give a reason for withdrawing the evidence."))
    with profile.session() as session:
        item = session.get(EvidenceItem, evidence_id)
        if item is None:
            raise LookupError(_("No evidence item with id {id}.").format(id=evidence_id))
        require_recording(session, profile, item.case_id)
        if item.withdrawn_at is not None:
            raise ValueError(_("This evidence was already withdrawn."))
        identity = device_identity(session)
        now = utc_now()
        event = _append_event(
            session,
            identity=identity,
            case_id=item.case_id,
            event=CustodyEventKind.WITHDRAWN,
            evidence_id=item.id,
            fields={
                "withdrawn_at": timestamp(now),
                "withdrawn_by": profile.actor,
                "reason": text,
            },
        )
        item.withdrawn_at = now
        item.withdrawn_by = profile.actor
        item.withdrawn_reason = text
        record_case_event(
            profile,
            session,
            item.case_id,
            "evidence.withdrawn",
            entity="evidence_item",
            entity_id=item.id,
            detail=json.dumps({"seq": event.seq}),
        )
        session.flush()
        return summarize(session, item)


def export_evidence(*, profile: OpenProfile, evidence_id: str, dest: Path) -> int:
    """Write a verified copy of an item's original to ``dest`` (the user's choice) and log it.

    Originals may show patients' identifiers, so only those who may see identifiers in the
    case (not its social supervisors) export them.

    Raises:
        LookupError: no such item.
        NotAllowedError: the user may not take originals out of this case.
        BlobError: the original is missing or damaged (``dest`` is left untouched).
    """
    from inspector_app.evidence.store import export_original

    with profile.read_session() as session:
        item = session.get(EvidenceItem, evidence_id)
        if item is None:
            raise LookupError(_("No evidence item with id {id}.").format(id=evidence_id))
        sha256, case_id = item.sha256, item.case_id
        if not case_access(session, profile, case_id).sees_identifiers:
            raise NotAllowedError(
                _("Your role in this inspection team does not allow exporting originals.")
            )
    size = export_original(profile, sha256, dest)
    with profile.session() as session:
        record_case_event(
            profile,
            session,
            case_id,
            "evidence.exported",
            entity="evidence_item",
            entity_id=evidence_id,
        )
    return size
