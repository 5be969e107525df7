"""Signing on screen, refusing with a witness, sealing, approving, and what a seal forbids after.

Runs on the demo's inspection in progress (open, with an interview and evidence), through the
same services the UI and the CLI call.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from sqlalchemy import select, update

from inspector_app.casework.access import NotAllowedError, case_access
from inspector_app.cli.main import main
from inspector_app.demo.signature_images import signature_png
from inspector_app.documents.service import (
    case_documents,
    countersign_documents,
    export_issued,
    seal_documents,
)
from inspector_app.documents.signatures import record_refusal, record_signature
from inspector_app.documents.verification import verify_file
from inspector_app.profiles import OpenProfile
from inspector_app.services.case_files import case_export_folder
from inspector_app.services.signing_keys import create_test_credentials
from local_db.enums import CaseStatus, DocumentKind, EvidenceKind, SignerRole, TaskStatus, UserRole
from local_db.models import CaseFile, EvidenceItem, InspectionTask, LocalUser
from tests.conftest import TEST_PASSWORD


def _open_case(profile: OpenProfile) -> CaseFile:
    with profile.read_session() as session:
        case = session.scalars(
            select(CaseFile)
            .where(CaseFile.status == CaseStatus.OPEN)
            .order_by(CaseFile.case_number)
        ).first()
        assert case is not None
        session.expunge(case)
        return case


def _sign_everything(profile: OpenProfile, case_id: str, *, refuse_interviewee: bool) -> None:
    state = case_documents(profile=profile, case_id=case_id)
    witness = next(s.slot.key for d in state.documents for s in d.slots
                   if s.slot.role is SignerRole.INSPECTOR)  # fmt: skip
    for document in state.documents:
        for slot_state in document.missing:
            slot = slot_state.slot
            if refuse_interviewee and slot.role is SignerRole.INTERVIEWEE:
                record_refusal(
                    profile=profile, case_id=case_id, kind=slot.kind, subject_id=slot.subject_id,
                    role=slot.role, key=slot.key, witness_inspector_id=witness,
                    reason="拒绝在笔录上签字",
                )  # fmt: skip
            else:
                record_signature(
                    profile=profile, case_id=case_id, kind=slot.kind, subject_id=slot.subject_id,
                    role=slot.role, key=slot.key, png=signature_png(slot.name),
                )  # fmt: skip


def test_sealing_waits_for_every_signature_then_closes_the_case(
    demo_profile: OpenProfile,
) -> None:
    case = _open_case(demo_profile)
    state = case_documents(profile=demo_profile, case_id=case.id)
    assert state.is_leader and not state.can_seal and state.missing
    with pytest.raises(NotAllowedError, match="signatures are still missing"):
        seal_documents(profile=demo_profile, case_id=case.id)

    _sign_everything(demo_profile, case.id, refuse_interviewee=True)
    state = case_documents(profile=demo_profile, case_id=case.id)
    assert state.can_seal
    with demo_profile.read_session() as session:
        signatures = session.scalars(
            select(EvidenceItem).where(
                EvidenceItem.case_id == case.id, EvidenceItem.kind == EvidenceKind.SIGNATURE
            )
        ).all()
        # Every signature image is evidence: hashed and in the chain of custody.
        assert signatures and all(item.chain_hash for item in signatures)

    result = seal_documents(profile=demo_profile, case_id=case.id)
    assert {row.kind for row in result.documents} >= {
        DocumentKind.NOTICE.value, DocumentKind.ONSITE_RECORD.value,
        DocumentKind.FINDINGS_LIST.value, DocumentKind.EVIDENCE_LIST.value,
    }  # fmt: skip
    with demo_profile.read_session() as session:
        closed = session.get(CaseFile, case.id)
        assert closed is not None and closed.status is CaseStatus.CLOSED
        task = session.get(InspectionTask, closed.task_id)
        assert task is not None and task.status is TaskStatus.CLOSED
        assert case_access(session, demo_profile, case.id).read_only
    with pytest.raises(NotAllowedError, match="closed"):
        seal_documents(profile=demo_profile, case_id=case.id)


def test_a_refusal_needs_a_team_member_as_witness_and_is_only_for_outsiders(
    demo_profile: OpenProfile,
) -> None:
    case = _open_case(demo_profile)
    state = case_documents(profile=demo_profile, case_id=case.id)
    notice = next(d for d in state.documents if d.ref.kind is DocumentKind.NOTICE)
    (receiver,) = notice.slots
    inspector = next(s.slot for d in state.documents for s in d.slots
                     if s.slot.role is SignerRole.INSPECTOR)  # fmt: skip
    with pytest.raises(ValueError, match="member of the team"):
        record_refusal(
            profile=demo_profile, case_id=case.id, kind=DocumentKind.NOTICE,
            role=SignerRole.REPRESENTATIVE, key=receiver.slot.key,
            witness_inspector_id="not-on-the-team",
        )  # fmt: skip
    with pytest.raises(NotAllowedError, match="sign their own"):
        record_refusal(
            profile=demo_profile, case_id=case.id, kind=inspector.kind,
            subject_id=inspector.subject_id, role=inspector.role, key=inspector.key,
            witness_inspector_id=inspector.key,
        )  # fmt: skip
    refused = record_refusal(
        profile=demo_profile, case_id=case.id, kind=DocumentKind.NOTICE,
        role=SignerRole.REPRESENTATIVE, key=receiver.slot.key,
        witness_inspector_id=inspector.key, reason="拒绝签收",
    )  # fmt: skip
    assert refused.refused and refused.witness_name == inspector.name and refused.done
    with pytest.raises(ValueError, match="PNG"):
        record_signature(
            profile=demo_profile, case_id=case.id, kind=DocumentKind.NOTICE,
            role=SignerRole.REPRESENTATIVE, key=receiver.slot.key, png=b"GIF89a",
        )  # fmt: skip


def test_flipping_one_signed_byte_is_caught_by_both_validators(
    demo_profile: OpenProfile, tmp_path: Path
) -> None:
    case = next(
        c for c in _closed(demo_profile) if case_documents(profile=demo_profile, case_id=c).issued
    )
    path = export_issued(profile=demo_profile, case_id=case, folder=tmp_path)[0]
    data = bytearray(path.read_bytes())
    start = data.index(b"BT")  # page content: inside the first signed range
    data[start + 5] ^= 0x01
    path.write_bytes(bytes(data))
    result = verify_file(profile=demo_profile, path=path)
    assert not result.verification.ok
    assert not result.verification.signatures[0].intact
    assert result.independent is not None and not result.independent.ok


def _closed(profile: OpenProfile) -> list[str]:
    with profile.read_session() as session:
        return list(
            session.scalars(select(CaseFile.id).where(CaseFile.status == CaseStatus.CLOSED))
        )


def test_a_supervisors_approval_keeps_the_leaders_seal_valid(
    demo_profile: OpenProfile, tmp_path: Path
) -> None:
    case_id = _closed(demo_profile)[0]
    with pytest.raises(NotAllowedError, match="supervisor"):
        countersign_documents(profile=demo_profile, case_id=case_id)
    with demo_profile.session() as session:
        session.execute(
            update(LocalUser)
            .where(LocalUser.id == demo_profile.user_id)
            .values(role=UserRole.ADMIN)
        )
    # The case's own leader (here an admin) never approves what they sealed.
    with pytest.raises(NotAllowedError, match="cannot approve its own case"):
        countersign_documents(profile=demo_profile, case_id=case_id)
    with demo_profile.session() as session:
        session.execute(
            update(LocalUser)
            .where(LocalUser.id == demo_profile.user_id)
            .values(role=UserRole.SUPERVISOR, inspector_id=None)
        )
    # Nor does anyone with the certificate that sealed it.
    with pytest.raises(NotAllowedError, match="sealed with this certificate"):
        countersign_documents(profile=demo_profile, case_id=case_id)
    create_test_credentials(profile=demo_profile, organisation="示范市医疗保障局稽核处")
    result = countersign_documents(profile=demo_profile, case_id=case_id, export_to=tmp_path)
    assert result.documents and all(row.signature_count == 2 for row in result.documents)
    for path in sorted(tmp_path.glob("*.pdf")):
        check = verify_file(profile=demo_profile, path=path)
        assert check.ok, (path.name, check)
        leader, reviewer = check.verification.signatures
        assert leader.certification and leader.intact and not leader.forbidden_changes
        assert not reviewer.certification and reviewer.intact
        assert check.independent is not None
        assert [s.valid for s in check.independent.signatures] == [True, True]
    with pytest.raises(NotAllowedError, match="already approved"):
        countersign_documents(profile=demo_profile, case_id=case_id)


def test_a_sealed_case_refuses_changes_from_the_command_line(
    demo_profile: OpenProfile,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with demo_profile.read_session() as session:
        case = session.get(CaseFile, _closed(demo_profile)[0])
        assert case is not None
        number = case.case_number
    folder = demo_profile.path
    demo_profile.close()
    monkeypatch.setenv("INSPECTOR_PASSWORD", TEST_PASSWORD)
    photo = tmp_path / "照片.jpg"
    photo.write_bytes(b"\xff\xd8\xff" + bytes(range(256)) * 8)
    signature = tmp_path / "signature.png"
    signature.write_bytes(signature_png("某某"))
    attempts = [
        ["evidence", "add", number, str(photo), "--profile", str(folder), "--kind", "photo",
         "--caption", "补充照片", "--quiet"],
        ["documents", "sign", "--profile", str(folder), "--case", number, "--document",
         "notice", "--role", "representative", "--image", str(signature)],
        ["documents", "build", "--profile", str(folder), "--case", number, "--out",
         str(tmp_path / "out"), "--sign"],
    ]  # fmt: skip
    codes = []
    for args in attempts:
        codes.append(main(["--lang", "en", *args]))
        out, err = capsys.readouterr()
        if args[:2] != ["documents", "build"]:
            assert "closed" in err, (args, err)
    assert codes[:2] == [1, 1]
    # Building a sealed case exports the files as issued; it never seals them again.
    assert codes[2] == 0 and "is sealed" in out
    assert sorted(p.name for p in (tmp_path / "out").glob("*.pdf"))


def test_a_signature_counts_only_for_what_the_document_said_when_signed(
    demo_profile: OpenProfile,
) -> None:
    from inspector_app.documents.onsite import onsite_record, save_onsite_record
    from inspector_app.evidence.recording import withdraw_evidence
    from inspector_app.findings.service import create_finding

    case = _open_case(demo_profile)
    _sign_everything(demo_profile, case.id, refuse_interviewee=False)
    assert case_documents(profile=demo_profile, case_id=case.id).can_seal

    # A finding added after signing changes the findings list and the on-site record.
    create_finding(
        profile=demo_profile, case_id=case.id, violation_code="art38.2",
        title="签字后新增的问题", amount_fen=99_999_900,
    )  # fmt: skip
    state = case_documents(profile=demo_profile, case_id=case.id)
    stale = {d.ref.kind for d in state.documents if any(s.stale for s in d.slots)}
    assert {DocumentKind.FINDINGS_LIST, DocumentKind.ONSITE_RECORD} <= stale
    assert DocumentKind.NOTICE not in stale
    with pytest.raises(NotAllowedError, match="still missing"):
        seal_documents(profile=demo_profile, case_id=case.id)

    # Renaming the representative leaves their signatures to be given again.
    _sign_everything(demo_profile, case.id, refuse_interviewee=False)
    text = onsite_record(profile=demo_profile, case_id=case.id).text
    save_onsite_record(
        profile=demo_profile, case_id=case.id,
        text=dataclasses.replace(text, representative_name="另一位负责人"),
    )  # fmt: skip
    state = case_documents(profile=demo_profile, case_id=case.id)
    representative = [s for d in state.documents for s in d.slots
                      if s.slot.role is SignerRole.REPRESENTATIVE]  # fmt: skip
    assert representative and all(not s.done for s in representative)

    # A withdrawn signature image no longer counts at all.
    _sign_everything(demo_profile, case.id, refuse_interviewee=False)
    notice = next(
        d for d in case_documents(profile=demo_profile, case_id=case.id).documents
        if d.ref.kind is DocumentKind.NOTICE
    )  # fmt: skip
    (receiver,) = notice.slots
    assert receiver.evidence_id is not None
    withdraw_evidence(profile=demo_profile, evidence_id=receiver.evidence_id, reason="签错人")
    notice = next(
        d for d in case_documents(profile=demo_profile, case_id=case.id).documents
        if d.ref.kind is DocumentKind.NOTICE
    )  # fmt: skip
    assert notice.slots[0].signed_at is None and not notice.slots[0].done


def test_copies_are_written_only_where_asked_and_a_failed_copy_keeps_the_seal(
    demo_profile: OpenProfile, tmp_path: Path
) -> None:
    case = _open_case(demo_profile)
    _sign_everything(demo_profile, case.id, refuse_interviewee=False)
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    result = seal_documents(profile=demo_profile, case_id=case.id, export_to=blocked / "out")
    assert result.documents and not result.exported
    assert "copying them to" in result.export_problem
    folder = case_export_folder(profile=demo_profile, case_number=case.case_number)
    assert not folder.exists()  # nothing left the encrypted store unasked
    state = case_documents(profile=demo_profile, case_id=case.id)
    assert state.read_only and len(state.issued) == len(result.documents)
    assert export_issued(profile=demo_profile, case_id=case.id, folder=tmp_path / "again")
