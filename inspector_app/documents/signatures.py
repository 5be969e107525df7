"""Who signs which document of a case on screen, what they signed, and who refused.

Each document has signer slots: the team members present, the institution's representative,
and for an interview the interviewee and the recorder. A signature image is recorded as
evidence (kind ``signature``: hashed, in the chain of custody) and the slot's row points at
it. Someone outside the team may refuse to sign: the refusal is recorded with a team member
as witness and the time, and the document prints that statement instead (Order 6 practice:
the officer notes the refusal with a witness).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from inspector_app.casework.access import NotAllowedError, record_case_event, require_recording
from inspector_app.documents.gather.header import team_leader
from inspector_app.documents.model import SignatureMark
from inspector_app.documents.numbering import document_short_name
from inspector_app.evidence.recording import add_evidence
from inspector_app.evidence.store import read_original
from inspector_app.i18n import _, pgettext
from inspector_app.profiles import OpenProfile
from local_db.enums import DocumentKind, EvidenceKind, SignerRole, TeamRole
from local_db.models import (
    ArrivalRecord,
    CaseFile,
    DocumentSignature,
    EvidenceItem,
    InspectionTask,
    Inspector,
    Institution,
    InterviewRecord,
    OnsiteRecord,
    TeamMembership,
)
from local_db.types import utc_now

OUTSIDE_ROLES = frozenset({SignerRole.REPRESENTATIVE, SignerRole.INTERVIEWEE})
MAX_SIGNATURE_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class SignerSlot:
    """One place for a signature on one document."""

    kind: DocumentKind
    subject_id: str
    role: SignerRole
    key: str  # inspector id for the team, the role's code for people outside it
    name: str
    inspector_id: str | None

    @property
    def may_refuse(self) -> bool:
        """People outside the team may refuse to sign; team members sign their own records."""
        return self.role in OUTSIDE_ROLES


@dataclass(frozen=True)
class SlotState:
    """A slot with what happened to it so far."""

    slot: SignerSlot
    signed_at: datetime | None
    refused: bool
    witness_name: str
    refused_at: datetime | None
    refusal_reason: str
    evidence_id: str | None
    # Signed or refused, but the document (or the person's name) changed since: it must be
    # signed again before it counts.
    stale: bool = False

    @property
    def done(self) -> bool:
        """Signed, or refused with a witness, on the document as it reads now."""
        return (self.signed_at is not None or self.refused) and not self.stale


def role_label(role: SignerRole, kind: DocumentKind) -> str:
    """How a signature block names the signer's role."""
    if role is SignerRole.REPRESENTATIVE:
        if kind is DocumentKind.NOTICE:
            return pgettext("signer", "Received by (institution)")
        return pgettext("signer", "Representative of the institution")
    return {
        SignerRole.INSPECTOR: pgettext("signer", "Inspector"),
        SignerRole.RECORDER: pgettext("signer", "Recorder"),
        SignerRole.INTERVIEWEE: pgettext("signer", "Interviewee"),
    }[role]


def _names(session: Session, ids: list[str]) -> dict[str, str]:
    if not ids:
        return {}
    rows = session.execute(select(Inspector.id, Inspector.name).where(Inspector.id.in_(ids)))
    return {row.id: row.name for row in rows}


def team_present(session: Session, case: CaseFile) -> list[tuple[str, str]]:
    """(inspector id, name) of the team members who worked on site, in team order.

    The arrival record names who was present; without one, the team's recording members
    (social supervisors witness, they do not sign the records as inspectors).
    """
    arrival = session.scalar(select(ArrivalRecord).where(ArrivalRecord.case_id == case.id))
    present: list[str] = json.loads(arrival.team_present or "[]") if arrival else []
    members = session.execute(
        select(TeamMembership.inspector_id, TeamMembership.role, Inspector.name)
        .join(Inspector, Inspector.id == TeamMembership.inspector_id)
        .where(TeamMembership.task_id == case.task_id, TeamMembership.deleted_at.is_(None))
        .order_by(TeamMembership.role != TeamRole.LEADER, Inspector.staff_code)
    ).all()
    observers = {m.inspector_id for m in members if m.role is TeamRole.SOCIAL_SUPERVISOR}
    if present:
        names = _names(session, present)
        ordered = [m.inspector_id for m in members if m.inspector_id in present]
        ordered += [i for i in present if i not in ordered]
        return [(i, names.get(i, i)) for i in ordered if i not in observers]
    return [(m.inspector_id, m.name) for m in members if m.inspector_id not in observers]


def leader_of(session: Session, case: CaseFile) -> tuple[str, str] | None:
    """(inspector id, name) of the task's team leader, if the team has one."""
    leader = team_leader(session, case.task_id)
    return (leader.id, leader.name) if leader is not None else None


def witnesses_of(session: Session, case: CaseFile) -> dict[str, str]:
    """Inspector id → name of the team members who may witness a refusal to sign: those
    present on site, and the leader."""
    witnesses = dict(team_present(session, case))
    if leader := leader_of(session, case):
        witnesses.setdefault(*leader)
    return witnesses


def representative_name(session: Session, case: CaseFile) -> str:
    """The institution's representative: as the on-site record names them, else the first
    person present at arrival, else the legal representative on the register."""
    record = session.scalar(select(OnsiteRecord).where(OnsiteRecord.case_id == case.id))
    if record is not None and record.representative_name.strip():
        return record.representative_name.strip()
    arrival = session.scalar(select(ArrivalRecord).where(ArrivalRecord.case_id == case.id))
    if arrival is not None:
        people = json.loads(arrival.representatives or "[]")
        if people and str(people[0].get("name", "")).strip():
            return str(people[0]["name"]).strip()
    task = session.get(InspectionTask, case.task_id)
    institution = (
        session.get(Institution, task.institution_id) if task and task.institution_id else None
    )
    return institution.legal_representative if institution is not None else ""


def signer_slots(
    session: Session, case: CaseFile, kind: DocumentKind, subject_id: str = ""
) -> list[SignerSlot]:
    """Who signs document ``kind`` (``subject_id``: the interview) of ``case``, in order."""

    def slot(role: SignerRole, key: str, name: str, inspector_id: str | None) -> SignerSlot:
        return SignerSlot(kind, subject_id, role, key, name, inspector_id)

    def representative() -> SignerSlot:
        name = representative_name(session, case)
        return slot(SignerRole.REPRESENTATIVE, SignerRole.REPRESENTATIVE.value, name, None)

    def inspectors(people: list[tuple[str, str]]) -> list[SignerSlot]:
        return [slot(SignerRole.INSPECTOR, i, name, i) for i, name in people]

    if kind is DocumentKind.NOTICE:
        return [representative()]
    if kind is DocumentKind.INTERVIEW_RECORD:
        interview = session.get(InterviewRecord, subject_id)
        if interview is None or interview.case_id != case.id:
            raise LookupError(subject_id)
        present = [str(i) for i in json.loads(interview.inspectors_present or "[]")]
        recorder_ids = [interview.recorder_id] if interview.recorder_id else []
        names = _names(session, [*present, *recorder_ids])
        slots = [
            slot(
                SignerRole.INTERVIEWEE,
                SignerRole.INTERVIEWEE.value,
                interview.interviewee_name,
                None,
            ),
            *inspectors([(i, names.get(i, i)) for i in present]),
        ]
        if interview.recorder_id is not None:
            recorder = interview.recorder_id
            slots.append(slot(SignerRole.RECORDER, recorder, names.get(recorder, ""), recorder))
        return slots
    if kind is DocumentKind.FINDINGS_LIST:
        leader = leader_of(session, case)
        return [*inspectors([leader] if leader else team_present(session, case)[:1]),
                representative()]  # fmt: skip
    if kind is DocumentKind.SAMPLING_REPORT:
        return inspectors(team_present(session, case))
    return [*inspectors(team_present(session, case)), representative()]


def _rows(
    session: Session, case_id: str, kind: DocumentKind, subject_id: str
) -> dict[tuple[SignerRole, str], DocumentSignature]:
    rows = session.scalars(
        select(DocumentSignature).where(
            DocumentSignature.case_id == case_id,
            DocumentSignature.document_kind == kind,
            DocumentSignature.subject_id == subject_id,
            DocumentSignature.deleted_at.is_(None),
        )
    )
    return {(row.signer_role, row.signer_key): row for row in rows}


def slot_states(
    session: Session,
    case: CaseFile,
    kind: DocumentKind,
    subject_id: str = "",
    *,
    digest: str | None = None,
) -> list[SlotState]:
    """Every slot of a document with its signature or refusal, if any.

    With ``digest`` (what the document says now, :func:`documents.case_data.document_digest`)
    a signature given on other content, or under another name, is marked stale. A signature
    whose image was withdrawn from the evidence no longer counts at all.
    """
    rows = _rows(session, case.id, kind, subject_id)
    live_images = set(
        session.scalars(
            select(EvidenceItem.id).where(
                EvidenceItem.id.in_([r.evidence_id for r in rows.values() if r.evidence_id]),
                EvidenceItem.withdrawn_at.is_(None),
                EvidenceItem.deleted_at.is_(None),
            )
        )
    )
    states = []
    for slot in signer_slots(session, case, kind, subject_id):
        row = rows.get((slot.role, slot.key))
        signed = row is not None and not row.refused and row.evidence_id in live_images
        refused = bool(row and row.refused)
        stale = (
            (signed or refused)
            and row is not None
            and (
                row.signer_name != slot.name
                or (digest is not None and row.content_sha256 != digest)
            )
        )
        states.append(
            SlotState(
                slot=slot,
                signed_at=row.signed_at if row is not None and signed else None,
                refused=refused,
                witness_name=row.witness_name if row else "",
                refused_at=row.refused_at if row else None,
                refusal_reason=row.refusal_reason if row else "",
                evidence_id=row.evidence_id if row is not None and signed else None,
                stale=stale,
            )
        )
    return states


def current_digest(
    session: Session, profile: OpenProfile, case: CaseFile, kind: DocumentKind, subject_id: str
) -> str:
    """What the document says now (imported late: the gatherers use this module)."""
    from inspector_app.documents.case_data import document_digest

    return document_digest(session, profile, case, kind, subject_id)


def signature_marks(
    session: Session, profile: OpenProfile, case: CaseFile, kind: DocumentKind, subject_id: str = ""
) -> tuple[SignatureMark, ...]:
    """The signature block of a document as the layout prints it (images read decrypted).

    Only signatures given on the document as it reads now are printed; a stale one leaves
    the line empty. While a digest is being computed there is no block at all.
    """
    from inspector_app.documents.gather.header import gathering_for_digest

    if gathering_for_digest():
        return ()
    digest = current_digest(session, profile, case, kind, subject_id)
    marks = []
    for state in slot_states(session, case, kind, subject_id, digest=digest):
        image = None
        live = not state.stale
        if state.evidence_id is not None and live:
            sha256 = session.scalar(
                select(EvidenceItem.sha256).where(EvidenceItem.id == state.evidence_id)
            )
            image = read_original(profile, sha256) if sha256 else None
        marks.append(
            SignatureMark(
                role=state.slot.role,
                role_label=role_label(state.slot.role, kind),
                name=state.slot.name,
                image_png=image,
                signed_at=state.signed_at if live else None,
                refused=state.refused and live,
                refusal_reason=state.refusal_reason,
                witness_name=state.witness_name,
                refused_at=state.refused_at,
            )
        )
    return tuple(marks)


def _find_slot(
    session: Session, case: CaseFile, kind: DocumentKind, subject_id: str, *, role: SignerRole,
    key: str,
) -> SignerSlot:  # fmt: skip
    for slot in signer_slots(session, case, kind, subject_id):
        if slot.role is role and slot.key == key:
            return slot
    raise NotAllowedError(_("This person does not sign this document."))


def _upsert(session: Session, case_id: str, slot: SignerSlot) -> DocumentSignature:
    row = session.scalar(
        select(DocumentSignature).where(
            DocumentSignature.case_id == case_id,
            DocumentSignature.document_kind == slot.kind,
            DocumentSignature.subject_id == slot.subject_id,
            DocumentSignature.signer_role == slot.role,
            DocumentSignature.signer_key == slot.key,
        )
    )
    if row is None:
        row = DocumentSignature(
            case_id=case_id,
            document_kind=slot.kind,
            subject_id=slot.subject_id,
            signer_role=slot.role,
            signer_key=slot.key,
            signer_name=slot.name,
        )
        session.add(row)
    row.deleted_at = None
    row.deleted_by = None
    row.signer_name = slot.name
    row.inspector_id = slot.inspector_id
    return row


def record_signature(
    *,
    profile: OpenProfile,
    case_id: str,
    kind: DocumentKind,
    subject_id: str = "",
    role: SignerRole,
    key: str,
    png: bytes,
    signed_at: datetime | None = None,
) -> SlotState:
    """Keep a handwritten signature: the image as evidence, the slot pointing at it.

    Raises:
        NotAllowedError: the case is closed, the user may not record, or the person does
            not sign this document.
        ValueError: the image is empty, too large or not a PNG.
    """
    if not png.startswith(b"\x89PNG\r\n\x1a\n") or len(png) > MAX_SIGNATURE_BYTES:
        raise ValueError(_("A signature must be a PNG image of at most 2 MB."))
    with profile.session() as session:
        case = require_recording(session, profile, case_id)
        slot = _find_slot(session, case, kind, subject_id, role=role, key=key)
    caption = _("Signature of {name} ({role}) on the {document}").format(
        name=slot.name or role_label(role, kind),
        role=role_label(role, kind),
        document=document_short_name(kind),
    )
    evidence = add_evidence(
        profile=profile,
        case_id=case_id,
        source=png,
        kind=EvidenceKind.SIGNATURE,
        caption=caption[:256],
        media_type="image/png",
        original_name="signature.png",
        captured_at=signed_at,
    )
    with profile.session() as session:
        case = require_recording(session, profile, case_id)
        slot = _find_slot(session, case, kind, subject_id, role=role, key=key)
        digest = current_digest(session, profile, case, kind, subject_id)
        row = _upsert(session, case_id, slot)
        row.content_sha256 = digest
        row.evidence_id = evidence.id
        row.signed_at = evidence.captured_at
        row.refused = False
        row.refusal_reason = ""
        row.witness_inspector_id = None
        row.witness_name = ""
        row.refused_at = None
        session.flush()
        record_case_event(
            profile, session, case_id, "document.signed", entity="document_signature",
            entity_id=row.id, detail=f"{kind.value} {role.value} evidence={evidence.id}",
        )  # fmt: skip
        return _state_of(session, case, slot)


def record_refusal(
    *,
    profile: OpenProfile,
    case_id: str,
    kind: DocumentKind,
    subject_id: str = "",
    role: SignerRole,
    key: str,
    witness_inspector_id: str,
    reason: str = "",
    refused_at: datetime | None = None,
) -> SlotState:
    """Record that a person outside the team refused to sign, with a witness and the time.

    Raises:
        NotAllowedError: as for :func:`record_signature`, or the signer is on the team.
        ValueError: the witness is not on the team, or the time lies in the future.
    """
    when = refused_at or utc_now()
    if when.tzinfo is None:
        raise ValueError("refused_at must be timezone-aware")
    if (when - utc_now()).total_seconds() > 300:
        raise ValueError(_("The time of a refusal cannot lie in the future."))
    with profile.session() as session:
        case = require_recording(session, profile, case_id)
        slot = _find_slot(session, case, kind, subject_id, role=role, key=key)
        if not slot.may_refuse:
            raise NotAllowedError(_("Members of the team sign their own records."))
        witnesses = witnesses_of(session, case)
        if witness_inspector_id not in witnesses:
            raise ValueError(_("The witness of a refusal must be a member of the team."))
        digest = current_digest(session, profile, case, kind, subject_id)
        row = _upsert(session, case_id, slot)
        row.content_sha256 = digest
        row.refused = True
        row.refusal_reason = reason.strip()[:500]
        row.witness_inspector_id = witness_inspector_id
        row.witness_name = witnesses[witness_inspector_id]
        row.refused_at = when
        row.evidence_id = None
        row.signed_at = None
        session.flush()
        record_case_event(
            profile, session, case_id, "document.signature_refused",
            entity="document_signature", entity_id=row.id,
            detail=f"{kind.value} {role.value} witness={witness_inspector_id}",
        )  # fmt: skip
        return _state_of(session, case, slot)


def _state_of(session: Session, case: CaseFile, slot: SignerSlot) -> SlotState:
    for state in slot_states(session, case, slot.kind, slot.subject_id):
        if state.slot == slot:
            return state
    raise LookupError(slot.key)  # pragma: no cover - the slot was found a moment ago


def signing_witnesses(*, profile: OpenProfile, case_id: str) -> list[tuple[str, str]]:
    """(inspector id, name) of the team members who may witness a refusal to sign.

    Raises:
        CaseNotFoundError: no such case.
    """
    from inspector_app.casework.access import case_access

    with profile.read_session() as session:
        case_access(session, profile, case_id)
        case = session.get(CaseFile, case_id)
        assert case is not None
        return list(witnesses_of(session, case).items())
