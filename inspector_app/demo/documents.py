"""The demo's closed cases: signed on screen, one refusal on record, sealed and exported.

Everything goes through the real services (signatures as evidence, the refusal with its
witness, the leader's PAdES seal with a local TEST certificate), so the demo profile opens
with a closed case whose signed document set is already under ``exports/``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from inspector_app.demo.signature_images import signature_png
from inspector_app.documents.case_data import document_refs
from inspector_app.documents.service import seal_documents
from inspector_app.documents.signatures import (
    leader_of,
    record_refusal,
    record_signature,
    signer_slots,
)
from inspector_app.profiles import OpenProfile
from inspector_app.services.signing_keys import create_test_credentials
from local_db.enums import DocumentKind, SignerRole
from local_db.models import CaseFile

DEMO_ORGANISATION = "示范市医疗保障局"


def _at(moment: datetime) -> Callable[[], datetime]:
    def clock() -> datetime:
        return moment

    return clock


def seal_demo_cases(profile: OpenProfile, cases: Sequence[tuple[str, datetime]]) -> int:
    """Sign every slot of each case's documents and seal them; returns the documents sealed.

    In the first case the interviewee refuses to sign the interview record, with the team
    leader as witness: the record prints that statement instead of a signature.
    """
    if not cases:
        return 0
    create_test_credentials(profile=profile, organisation=DEMO_ORGANISATION)
    sealed = 0
    for number, (case_id, closing) in enumerate(cases):
        with profile.read_session() as session:
            case = session.get(CaseFile, case_id)
            assert case is not None
            leader = leader_of(session, case)
            slots = [
                slot
                for ref in document_refs(session, case)
                for slot in signer_slots(session, case, ref.kind, ref.subject_id)
            ]
        signed_at = closing - timedelta(days=21, hours=-1)  # the last day on site, 17:00
        for slot in slots:
            refuses = (
                number == 0
                and slot.kind is DocumentKind.INTERVIEW_RECORD
                and slot.role is SignerRole.INTERVIEWEE
            )
            if refuses and leader is not None:
                record_refusal(
                    profile=profile, case_id=case_id, kind=slot.kind, subject_id=slot.subject_id,
                    role=slot.role, key=slot.key, witness_inspector_id=leader[0],
                    reason="当事人对询问笔录内容有异议，拒绝签字。", refused_at=signed_at,
                )  # fmt: skip
                continue
            record_signature(
                profile=profile, case_id=case_id, kind=slot.kind, subject_id=slot.subject_id,
                role=slot.role, key=slot.key, png=signature_png(slot.name or slot.key),
                signed_at=signed_at,
            )  # fmt: skip
        result = seal_documents(profile=profile, case_id=case_id, now=_at(closing))
        sealed += len(result.documents)
    return sealed
