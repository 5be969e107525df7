"""Build, preview, seal and export a case's documents; sealing closes the case.

Previews are built in memory (PDF bytes, never a temporary file: they hold personal data).
Sealing is the team leader's act: every signer slot must be signed or refused on record,
then each document is laid out, sealed with the leader's PAdES certification signature,
stored in the encrypted blob store (the blob before the row that names it), recorded as an
issued document, and the case and task close in the same transaction. From then on the case
is read-only everywhere; a supervisor's approval adds an incremental signature to a copy,
never to the sealed bytes, which stay as they were issued.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from inspector_app.casework.access import NotAllowedError, case_access, require_recording
from inspector_app.documents.case_data import (
    DocumentRef,
    document_digest,
    document_refs,
    gather,
)
from inspector_app.documents.gather.header import issued_at
from inspector_app.documents.model import RenderedDocument, SealPlacement
from inspector_app.documents.signatures import SlotState, slot_states
from inspector_app.evidence.store import read_original, store_original
from inspector_app.i18n import DEFAULT_LANGUAGE, _, language_override, ngettext
from inspector_app.profiles import OpenProfile
from inspector_app.progress import Progress
from inspector_app.services.signing_keys import signing_identity
from inspector_app.services.task_status import move_task
from inspector_app.signing.identity import SigningIdentity
from local_db.enums import CaseStatus, TaskStatus
from local_db.models import CaseFile, InspectionTask, IssuedDocument
from local_db.types import utc_now

LEADER_FIELD = "LeaderSeal"
REVIEWER_FIELD = "ReviewerSeal"


@dataclass(frozen=True)
class DocumentState:
    """One document of the set with its signer slots."""

    ref: DocumentRef
    name: str
    slots: tuple[SlotState, ...]

    @property
    def missing(self) -> tuple[SlotState, ...]:
        """Slots neither signed nor refused on record."""
        return tuple(state for state in self.slots if not state.done)


@dataclass(frozen=True)
class IssuedRow:
    """An issued (sealed) PDF of a case."""

    id: str
    kind: str
    subject_id: str
    number: str
    title: str
    file_name: str
    sha256: str
    size_bytes: int
    page_count: int
    signature_count: int
    signed_by: tuple[str, ...]
    sealed_at: datetime | None
    supersedes_id: str | None


@dataclass(frozen=True)
class CaseDocuments:
    """What the documents screen shows for one case."""

    case_id: str
    case_number: str
    status: CaseStatus
    read_only: bool
    is_leader: bool
    can_record: bool  # may sign on screen and edit the on-site record (False once closed)
    documents: tuple[DocumentState, ...]
    issued: tuple[IssuedRow, ...] = field(default_factory=tuple)

    @property
    def missing(self) -> tuple[tuple[DocumentState, SlotState], ...]:
        """Every slot still to sign, with its document."""
        return tuple((doc, slot) for doc in self.documents for slot in doc.missing)

    @property
    def can_seal(self) -> bool:
        """The leader may seal once every slot is signed or refused."""
        return self.is_leader and not self.read_only and not self.missing


@dataclass(frozen=True)
class IssueResult:
    """What sealing (or a countersignature) produced."""

    case_number: str
    documents: tuple[IssuedRow, ...]
    exported: tuple[Path, ...]
    signer: str
    # Why the copies could not be written (the documents are issued all the same and can be
    # exported again from the store); empty when all went well or nothing was asked.
    export_problem: str = ""


def issued_row(row: IssuedDocument) -> IssuedRow:
    return IssuedRow(
        id=row.id,
        kind=row.kind.value,
        subject_id=row.subject_id,
        number=row.number,
        title=row.title,
        file_name=row.file_name,
        sha256=row.sha256,
        size_bytes=row.size_bytes,
        page_count=row.page_count,
        signature_count=row.signature_count,
        signed_by=tuple(json.loads(row.signed_by or "[]")),
        sealed_at=row.sealed_at,
        supersedes_id=row.supersedes_id,
    )


def current_issued(session: Session, case_id: str) -> list[IssuedDocument]:
    """The newest issue of each document of a case (a countersigned copy replaces its
    original in the list; both stay in the store)."""
    rows = list(
        session.scalars(
            select(IssuedDocument)
            .where(IssuedDocument.case_id == case_id, IssuedDocument.deleted_at.is_(None))
            .order_by(IssuedDocument.created_at, IssuedDocument.id)
        )
    )
    superseded = {row.supersedes_id for row in rows if row.supersedes_id}
    return [row for row in rows if row.id not in superseded]


def _case(session: Session, case_id: str) -> CaseFile:
    case = session.get(CaseFile, case_id)
    assert case is not None  # case_access raised already otherwise
    return case


def case_documents(*, profile: OpenProfile, case_id: str) -> CaseDocuments:
    """The set, its signatures and its issued files, for the documents screen.

    Raises:
        CaseNotFoundError: no such case.
    """
    with profile.read_session() as session:
        access = case_access(session, profile, case_id)
        case = _case(session, case_id)
        documents = tuple(
            DocumentState(ref, ref.name(), tuple(_states(session, profile, case, ref)))
            for ref in document_refs(session, case)
        )
        return CaseDocuments(
            case_id=case.id,
            case_number=case.case_number,
            status=case.status,
            read_only=access.read_only,
            is_leader=access.is_leader,
            can_record=access.can_record,
            documents=documents,
            issued=tuple(issued_row(row) for row in current_issued(session, case_id)),
        )


def _render(
    session: Session, profile: OpenProfile, case: CaseFile, ref: DocumentRef
) -> RenderedDocument:
    from inspector_app.documents.render import render_document

    return render_document(gather(session, profile, case, ref), position=ref.position)


def build_document(
    *, profile: OpenProfile, case_id: str, ref: DocumentRef, language: str = DEFAULT_LANGUAGE
) -> RenderedDocument:
    """Lay out one document of the case as it stands (a preview: nothing is stored).

    Documents are in Chinese unless ``language`` says otherwise, whatever the screen shows.

    Raises:
        CaseNotFoundError: no such case.
        LookupError: the interview is not in the case.
        FontUnavailableError: no CJK font to embed.
    """
    with profile.read_session() as session, language_override(language):
        case_access(session, profile, case_id)
        return _render(session, profile, _case(session, case_id), ref)


def build_documents(
    *,
    profile: OpenProfile,
    case_id: str,
    progress: Progress | None = None,
    language: str = DEFAULT_LANGUAGE,
) -> list[RenderedDocument]:
    """Lay out the whole set as it stands (preview or draft export; nothing is stored)."""
    with profile.read_session() as session, language_override(language):
        case_access(session, profile, case_id)
        case = _case(session, case_id)
        refs = document_refs(session, case)
        if progress is not None:
            progress.start(_("Laying out the documents"), total=len(refs))
        rendered = []
        for ref in refs:
            rendered.append(_render(session, profile, case, ref))
            if progress is not None:
                progress.advance(1)
    if progress is not None:
        progress.finish()
    return rendered


def _placement(document: RenderedDocument, field_name: str) -> SealPlacement | None:
    return next((p for p in document.seal_placements if p.field_name == field_name), None)


def _sign(
    document: bytes,
    placement: SealPlacement | None,
    *,
    identity: SigningIdentity,
    field_name: str,
    signer: str,
    reason: str,
    location: str,
    certify: bool,
    reserve: tuple[SealPlacement, ...] = (),
) -> bytes:
    """Sign ``document`` in ``placement`` (an existing field when ``placement`` is None).

    ``reserve`` creates empty signature fields in the same revision: after a certification
    signature, a new visible field would count as a forbidden change, so the leader's seal
    reserves the reviewer's box and the approval later signs into it.
    """
    from inspector_app.signing.pades import SignatureField, sign_pdf

    return sign_pdf(
        document,
        identity=identity,
        field_name=field_name,
        signer_name=signer,
        reason=reason,
        location=location,
        certify=certify,
        page_index=placement.page_index if placement is not None else None,
        box=placement.box if placement is not None else None,
        reserve_fields=tuple(SignatureField(p.field_name, p.page_index, p.box) for p in reserve),
    )


def _missing_message(missing: list[tuple[str, SlotState]]) -> str:
    names = "、".join(
        f"{document}: {state.slot.name or state.slot.role.value}" for document, state in missing[:6]
    )
    return ngettext(
        "{n} signature is still missing ({names}). Each signer signs on screen, or their "
        "refusal is recorded with a witness, before the documents are sealed.",
        "{n} signatures are still missing ({names}). Each signer signs on screen, or their "
        "refusal is recorded with a witness, before the documents are sealed.",
        len(missing),
    ).format(n=len(missing), names=names)


def _states(
    session: Session, profile: OpenProfile, case: CaseFile, ref: DocumentRef
) -> list[SlotState]:
    """The slots of one document, judged against what it says now."""
    digest = document_digest(session, profile, case, ref.kind, ref.subject_id)
    return slot_states(session, case, ref.kind, ref.subject_id, digest=digest)


def _require_sealable(
    session: Session, profile: OpenProfile, case_id: str
) -> tuple[CaseFile, dict[tuple[str, str], str]]:
    """The case, if its leader may seal it now, with each document's content digest."""
    case = require_recording(session, profile, case_id)
    if not case_access(session, profile, case_id).is_leader:
        raise NotAllowedError(_("Only the team leader of this inspection may seal its documents."))
    digests: dict[tuple[str, str], str] = {}
    missing = []
    for ref in document_refs(session, case):
        digest = document_digest(session, profile, case, ref.kind, ref.subject_id)
        digests[(ref.kind.value, ref.subject_id)] = digest
        states = slot_states(session, case, ref.kind, ref.subject_id, digest=digest)
        missing += [(ref.name(), state) for state in states if not state.done]
    if missing:
        raise NotAllowedError(_missing_message(missing))
    return case, digests


def _boxes_json(placements: tuple[SealPlacement, ...]) -> str:
    return json.dumps(
        [{"field": p.field_name, "page": p.page_index, "box": list(p.box)} for p in placements]
    )


def _export_after_commit(
    folder: Path | None, files: list[tuple[str, bytes]]
) -> tuple[tuple[Path, ...], str]:
    """Write the copies the user asked for; a failure no longer undoes what was issued."""
    if folder is None:
        return (), ""
    try:
        return tuple(_write_exports(folder, files)), ""
    except OSError as exc:
        return (), _(
            "The documents are issued, but copying them to {folder} failed: {error}"
        ).format(folder=folder, error=exc.strerror or exc)


def _write_exports(folder: Path, files: list[tuple[str, bytes]]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in files:
        target = folder / name
        temporary = target.with_name(target.name + ".part")
        temporary.write_bytes(data)
        temporary.replace(target)
        written.append(target)
    return written


def seal_documents(
    *,
    profile: OpenProfile,
    case_id: str,
    export_to: Path | None = None,
    progress: Progress | None = None,
    now: Callable[[], datetime] = utc_now,
    language: str = DEFAULT_LANGUAGE,
) -> IssueResult:
    """The leader seals the whole set with a PAdES signature and closes the case.

    Copies of the sealed files are written only where asked (``export_to``): they leave the
    encrypted store, so that is the user's decision, not a side effect.

    Raises:
        NotAllowedError: not the leader, the case is closed, or signatures are missing.
        NoCredentialError: the profile has no (valid) signing certificate.
        FontUnavailableError, SigningFailure: the documents could not be made or signed.
    """
    with profile.read_session() as session:  # refusals in the screen's language
        _case_checked, digests = _require_sealable(session, profile, case_id)
        identity, credential = signing_identity(session)
    when = now()
    with profile.read_session() as session, language_override(language), issued_at(when):
        case = _case(session, case_id)
        refs = document_refs(session, case)
        if progress is not None:
            progress.start(_("Sealing the documents"), total=len(refs))
        sealed: list[tuple[DocumentRef, RenderedDocument, bytes, str, str, str]] = []
        for ref in refs:
            data = gather(session, profile, case, ref)
            from inspector_app.documents.render import render_document

            rendered = render_document(data, position=ref.position)
            signed = _sign(
                rendered.pdf,
                _placement(rendered, LEADER_FIELD),
                identity=identity,
                field_name=LEADER_FIELD,
                signer=credential.subject_name,
                reason=_("Sealed by the team leader"),
                location=data.header.location or data.header.institution_name,
                certify=True,
                reserve=tuple(p for p in rendered.seal_placements if p.field_name != LEADER_FIELD),
            )
            sealed.append((ref, rendered, signed, data.meta.number, data.meta.title,
                           data.meta.language))  # fmt: skip
            if progress is not None:
                progress.advance(1)
    # The blobs first: a crash before the rows leaves unreferenced encrypted files (tidied
    # away later), never a row without its bytes.
    blobs = [store_original(profile, signed) for _ref, _r, signed, *_ in sealed]
    with profile.session() as session:
        case, now_digests = _require_sealable(session, profile, case_id)
        if now_digests != digests:
            raise NotAllowedError(
                _("The case changed while its documents were being sealed; seal them again.")
            )
        rows = []
        for (ref, rendered, signed, number, title, doc_language), blob in zip(
            sealed, blobs, strict=True
        ):
            row = IssuedDocument(
                case_id=case.id,
                kind=ref.kind,
                subject_id=ref.subject_id,
                number=number,
                title=title,
                file_name=f"{rendered.file_stem}.pdf",
                sha256=blob.sha256,
                size_bytes=len(signed),
                page_count=rendered.page_count,
                language=doc_language,
                signature_count=1,
                signed_by=json.dumps([credential.subject_name], ensure_ascii=False),
                certificate_fingerprints=json.dumps([credential.fingerprint]),
                sealed_at=when,
                seal_boxes=_boxes_json(rendered.seal_placements),
            )
            session.add(row)
            rows.append(row)
        case.status = CaseStatus.CLOSED
        case.closed_at = when
        task = session.get(InspectionTask, case.task_id)
        assert task is not None
        move_task(session, profile, task, TaskStatus.CLOSED, case.id)
        session.flush()
        profile.audit(
            session, "case.sealed", entity="case_file", entity_id=case.id, case_id=case.id,
            detail=json.dumps({"documents": len(rows), "certificate": credential.fingerprint}),
        )  # fmt: skip
        issued = tuple(issued_row(row) for row in rows)
        case_number = case.case_number
    files = [
        (row.file_name, signed) for row, (_ref, _r, signed, *_) in zip(issued, sealed, strict=True)
    ]
    exported, problem = _export_after_commit(export_to, files)
    if progress is not None:
        progress.finish()
    return IssueResult(case_number, issued, exported, credential.subject_name, problem)


def issued_bytes(profile: OpenProfile, row: IssuedRow) -> bytes:
    """The sealed PDF as issued (decrypted from the store, checked against its hash)."""
    return read_original(profile, row.sha256)


def export_issued(*, profile: OpenProfile, case_id: str, folder: Path) -> list[Path]:
    """Copy the case's current issued PDFs to ``folder``.

    Raises:
        CaseNotFoundError: no such case.
        LookupError: nothing has been issued for the case.
    """
    with profile.read_session() as session:
        case_access(session, profile, case_id)
        rows = [issued_row(row) for row in current_issued(session, case_id)]
    if not rows:
        raise LookupError(_("No documents have been sealed for this case yet."))
    return _write_exports(folder, [(row.file_name, issued_bytes(profile, row)) for row in rows])


def _require_unapproved(rows: list[IssuedDocument]) -> None:
    if any(row.signature_count > 1 for row in rows):
        raise NotAllowedError(_("The documents of this case are already approved."))


def countersign_documents(
    *,
    profile: OpenProfile,
    case_id: str,
    export_to: Path | None = None,
    progress: Progress | None = None,
) -> IssueResult:
    """A supervisor approves a sealed case: an incremental approval signature on each PDF.

    The sealed bytes stay untouched (a PAdES incremental update appends; the first
    signature still covers exactly what it covered); each countersigned copy is a new
    issued document that supersedes the one it was signed over.

    Raises:
        NotAllowedError: not a supervisor, the case is not sealed, or already approved.
        NoCredentialError: the profile has no (valid) signing certificate.
    """
    from inspector_app.casework.access import user_role
    from local_db.enums import UserRole

    with profile.read_session() as session:
        access = case_access(session, profile, case_id)
        if user_role(session, profile) not in (UserRole.SUPERVISOR, UserRole.ADMIN):
            raise NotAllowedError(_("Only a supervisor may approve a sealed case."))
        rows = current_issued(session, case_id)
        if not access.read_only or not rows:
            raise NotAllowedError(_("Only a sealed case can be approved."))
        _require_unapproved(rows)
        if access.is_leader and access.role is not None:
            raise NotAllowedError(_("The leader of the inspection cannot approve its own case."))
        identity, credential = signing_identity(session)
        sealers = {f for row in rows for f in json.loads(row.certificate_fingerprints or "[]")}
        if credential.fingerprint in sealers:
            raise NotAllowedError(
                _("These documents were sealed with this certificate; another person approves.")
            )
        jobs = list(rows)
        case_number = _case(session, case_id).case_number
    if progress is not None:
        progress.start(_("Signing the documents"), total=len(jobs))
    signed_files = []
    for row in jobs:
        signed = _sign(
            read_original(profile, row.sha256),
            None,  # into the field the seal reserved (an invisible approval if there is none)
            identity=identity,
            field_name=REVIEWER_FIELD,
            signer=credential.subject_name,
            reason=_("Approved after review"),
            location="",
            certify=False,
        )
        signed_files.append(signed)
        if progress is not None:
            progress.advance(1)
    blobs = [store_original(profile, signed) for signed in signed_files]
    with profile.session() as session:
        _require_unapproved(current_issued(session, case_id))
        issued = []
        for old, signed, blob in zip(jobs, signed_files, blobs, strict=True):
            row = IssuedDocument(
                case_id=case_id,
                kind=old.kind,
                subject_id=old.subject_id,
                number=old.number,
                title=old.title,
                file_name=old.file_name,
                sha256=blob.sha256,
                size_bytes=len(signed),
                page_count=old.page_count,
                language=old.language,
                signature_count=old.signature_count + 1,
                signed_by=json.dumps(
                    [*json.loads(old.signed_by or "[]"), credential.subject_name],
                    ensure_ascii=False,
                ),
                certificate_fingerprints=json.dumps(
                    [*json.loads(old.certificate_fingerprints or "[]"), credential.fingerprint]
                ),
                sealed_at=old.sealed_at,
                supersedes_id=old.id,
                seal_boxes=old.seal_boxes,
            )
            session.add(row)
            issued.append(row)
        session.flush()
        profile.audit(
            session, "case.approved", entity="case_file", entity_id=case_id, case_id=case_id,
            detail=json.dumps({"documents": len(issued), "certificate": credential.fingerprint}),
        )  # fmt: skip
        result_rows = tuple(issued_row(row) for row in issued)
    files = [(row.file_name, data) for row, data in zip(result_rows, signed_files, strict=True)]
    exported, problem = _export_after_commit(export_to, files)
    if progress is not None:
        progress.finish()
    return IssueResult(case_number, result_rows, exported, credential.subject_name, problem)
