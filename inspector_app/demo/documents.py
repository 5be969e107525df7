"""The demo's closed cases: signed on screen, one refusal on record, sealed and exported.

Everything goes through the real services (signatures as evidence, the refusal with its
witness, the leader's PAdES seal with a local TEST certificate), so the demo profile opens
with a closed case whose signed document set is already under ``exports/``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from sqlalchemy import select

from inspector_app.casework.links import LinkRef
from inspector_app.demo.evidence import sheet_png
from inspector_app.demo.signature_images import signature_png
from inspector_app.documents.case_data import document_refs
from inspector_app.documents.service import seal_documents
from inspector_app.documents.signatures import (
    leader_of,
    record_refusal,
    record_signature,
    signer_slots,
)
from inspector_app.evidence.recording import add_evidence
from inspector_app.i18n import DEFAULT_LANGUAGE, language_override
from inspector_app.profiles import OpenProfile
from inspector_app.services.case_files import case_export_folder
from inspector_app.services.signing_keys import create_test_credentials
from local_db.enums import DocumentKind, EvidenceKind, LinkKind, SignerRole
from local_db.models import CaseFile, Finding

DEMO_ORGANISATION = "示范市医疗保障局"
_EVIDENCE = (
    (
        "医保结算明细（节选）",
        (
            "2026-08-03  保健食品（蛋白粉）  结算为：阿胶补血颗粒",
            "2026-08-05  保健食品（钙片）  结算为：碳酸钙D3片",
            "2026-08-11  保健食品（蛋白粉）  结算为：阿胶补血颗粒",
        ),
        "药店销售小票与医保结算明细对照（串换药品）",
    ),
    (
        "收费项目编码映射表（节选）",
        ("院内编码 310903  宫颈刮片  映射错误：应为 310901", "更正日期：2026-09-12  信息科"),
        "信息科提供的收费编码映射表截图",
    ),
)


def _at(moment: datetime) -> Callable[[], datetime]:
    def clock() -> datetime:
        return moment

    return clock


def _case_evidence(profile: OpenProfile, case_id: str, number: int, when: datetime) -> None:
    """One photographed record per closed case, resting its first finding."""
    with profile.read_session() as session:
        finding_id = session.scalar(
            select(Finding.id).where(Finding.case_id == case_id).order_by(Finding.created_at)
        )
    title, rows, caption = _EVIDENCE[number % len(_EVIDENCE)]
    add_evidence(
        profile=profile,
        case_id=case_id,
        source=sheet_png(title, list(rows), background="#d6d9cf"),
        kind=EvidenceKind.PHOTO,
        caption=caption,
        media_type="image/png",
        original_name=f"record-{number + 1}.png",
        captured_at=when,
        supports=(LinkRef(LinkKind.FINDING, finding_id),) if finding_id else (),
    )


def seal_demo_cases(profile: OpenProfile, cases: Sequence[tuple[str, datetime]]) -> int:
    """Sign every slot of each case's documents and seal them; returns the documents sealed.

    In the first case the interviewee refuses to sign the interview record, with the team
    leader as witness: the record prints that statement instead of a signature.
    """
    if not cases:
        return 0
    with language_override(DEFAULT_LANGUAGE):  # captions and documents of a Chinese demo
        return _seal(profile, cases)


def _seal(profile: OpenProfile, cases: Sequence[tuple[str, datetime]]) -> int:
    create_test_credentials(profile=profile, organisation=DEMO_ORGANISATION)
    sealed = 0
    for number, (case_id, closing) in enumerate(cases):
        with profile.read_session() as session:
            case = session.get(CaseFile, case_id)
            assert case is not None
            number_of_case = case.case_number
            leader = leader_of(session, case)
            slots = [
                slot
                for ref in document_refs(session, case)
                for slot in signer_slots(session, case, ref.kind, ref.subject_id)
            ]
        signed_at = closing - timedelta(days=21, hours=-1)  # the last day on site, 17:00
        _case_evidence(profile, case_id, number, signed_at - timedelta(hours=5))
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
        result = seal_documents(
            profile=profile,
            case_id=case_id,
            now=_at(closing),
            export_to=case_export_folder(profile=profile, case_number=number_of_case),
        )
        sealed += len(result.documents)
    return sealed
