"""Sign and verify with two independent validators: pyHanko and Poppler's pdfsig (NSS).

Each verdict that matters is checked both ways: the signed file passes, a flipped byte in
the signed range fails, the supervisor's approval keeps the leader's certification valid.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from inspector_app.signing import (
    DamagedPdfError,
    PdfSigningError,
    SignatureField,
    SigningIdentity,
    TestAuthority,
    run_pdfsig,
    sign_pdf,
    verify_pdf,
)

from .conftest import SUPERVISOR_BOX, flip_byte_in_first_page_content

Write = Callable[[str, bytes], Path]


def test_signing_is_incremental(
    report_pdf: bytes, certified_pdf: bytes, approved_pdf: bytes
) -> None:
    assert certified_pdf.startswith(report_pdf)
    assert approved_pdf.startswith(certified_pdf)
    assert approved_pdf.count(b"%%EOF") == report_pdf.count(b"%%EOF") + 2


def test_certified_document_passes_both_validators(
    certified_pdf: bytes, authority: TestAuthority, write: Write
) -> None:
    result = verify_pdf(certified_pdf, trust_roots=[authority.certificate])
    assert result.ok, result
    [check] = result.signatures
    assert check.field_name == "TeamLeader"
    assert check.signer_common_name == "张三 (TEST)"
    assert check.certification
    assert check.is_test_certificate
    assert check.intact and check.trusted and not check.forbidden_changes
    assert check.covers_whole_file and not check.modified_after
    assert check.signing_time is not None and check.signing_time.tzinfo is not None
    assert check.problem is None

    report = run_pdfsig(write("certified.pdf", certified_pdf), trust_roots=[authority.certificate])
    assert report.ok, report.output
    [seen] = report.signatures
    assert seen.valid and seen.trusted
    assert seen.field_name == "TeamLeader"
    assert seen.signer_name == "张三 (TEST)"


def test_flipped_byte_fails_both_validators(
    certified_pdf: bytes, authority: TestAuthority, write: Write
) -> None:
    tampered = flip_byte_in_first_page_content(certified_pdf)
    result = verify_pdf(tampered, trust_roots=[authority.certificate])
    assert not result.ok
    [check] = result.signatures
    assert not check.intact
    assert not check.trusted
    assert check.problem

    report = run_pdfsig(write("tampered.pdf", tampered), trust_roots=[authority.certificate])
    assert not report.ok
    [seen] = report.signatures
    assert not seen.valid
    assert seen.signature_validation  # pdfsig says why (e.g. "Digest Mismatch.")


def test_approval_keeps_the_certification_valid_in_both_validators(
    approved_pdf: bytes, authority: TestAuthority, write: Write
) -> None:
    result = verify_pdf(approved_pdf, trust_roots=[authority.certificate])
    assert result.ok, result
    leader, supervisor = result.signatures
    assert (leader.field_name, supervisor.field_name) == ("TeamLeader", "Supervisor")
    assert leader.certification and not supervisor.certification
    assert leader.intact and leader.trusted and not leader.forbidden_changes
    assert leader.modified_after and not leader.covers_whole_file
    assert supervisor.intact and supervisor.trusted and supervisor.covers_whole_file
    assert supervisor.signer_common_name == "李四 (TEST)"

    report = run_pdfsig(write("approved.pdf", approved_pdf), trust_roots=[authority.certificate])
    assert report.ok, report.output
    assert {s.field_name for s in report.signatures} == {"TeamLeader", "Supervisor"}
    assert all(s.valid and s.trusted for s in report.signatures)


def test_flipped_byte_under_both_signatures_fails_both(
    approved_pdf: bytes, authority: TestAuthority, write: Write
) -> None:
    tampered = flip_byte_in_first_page_content(approved_pdf)
    result = verify_pdf(tampered, trust_roots=[authority.certificate])
    assert not any(check.intact for check in result.signatures)
    report = run_pdfsig(write("tampered2.pdf", tampered), trust_roots=[authority.certificate])
    assert len(report.signatures) == 2
    assert not any(s.valid for s in report.signatures)


def test_untrusted_root_is_intact_but_not_trusted(
    approved_pdf: bytes, other_authority: TestAuthority, write: Write
) -> None:
    result = verify_pdf(approved_pdf, trust_roots=[other_authority.certificate])
    assert not result.ok
    assert all(check.intact and not check.trusted for check in result.signatures)
    assert all(check.problem for check in result.signatures)
    assert verify_pdf(approved_pdf, trust_roots=[]).ok is False

    report = run_pdfsig(write("a.pdf", approved_pdf), trust_roots=[other_authority.certificate])
    assert not report.ok
    assert all(s.valid and not s.trusted for s in report.signatures)


def test_new_visible_field_after_certification_is_refused(
    certified_pdf: bytes, supervisor: SigningIdentity
) -> None:
    # pyHanko's difference analysis would call it a forbidden change: refuse up front.
    with pytest.raises(PdfSigningError):
        sign_pdf(
            certified_pdf,
            identity=supervisor,
            field_name="Elsewhere",
            signer_name="李四",
            reason="",
            location="",
            certify=False,
            page_index=0,
            box=SUPERVISOR_BOX,
        )


def test_invisible_approval_after_certification_is_allowed(
    certified_pdf: bytes, supervisor: SigningIdentity, authority: TestAuthority
) -> None:
    signed = sign_pdf(
        certified_pdf,
        identity=supervisor,
        field_name="Invisible",
        signer_name="李四",
        reason="",
        location="",
        certify=False,
    )
    result = verify_pdf(signed, trust_roots=[authority.certificate])
    assert result.ok, result
    assert not result.signatures[0].forbidden_changes


def test_a_signed_field_cannot_be_signed_again_nor_certified_twice(
    approved_pdf: bytes, certified_pdf: bytes, leader: SigningIdentity
) -> None:
    with pytest.raises(PdfSigningError):
        sign_pdf(
            approved_pdf,
            identity=leader,
            field_name="Supervisor",
            signer_name="张三",
            reason="",
            location="",
            certify=False,
        )
    with pytest.raises(PdfSigningError):
        sign_pdf(
            certified_pdf,
            identity=leader,
            field_name="Supervisor",
            signer_name="张三",
            reason="",
            location="",
            certify=True,
        )


def test_page_outside_the_document_is_refused(report_pdf: bytes, leader: SigningIdentity) -> None:
    with pytest.raises(PdfSigningError):
        sign_pdf(
            report_pdf,
            identity=leader,
            field_name="Leader",
            signer_name="张三",
            reason="",
            location="",
            certify=True,
            reserve_fields=[SignatureField("Later", 5, SUPERVISOR_BOX)],
        )


def test_unsigned_document_is_not_ok(report_pdf: bytes, authority: TestAuthority) -> None:
    result = verify_pdf(report_pdf, trust_roots=[authority.certificate])
    assert not result.ok
    assert result.signatures == ()
    assert result.message


@pytest.mark.parametrize("data", [b"", b"PK\x03\x04 a zip file", b"%PDF-1.7\n garbage only"])
def test_not_a_pdf_is_a_typed_error(
    data: bytes, authority: TestAuthority, leader: SigningIdentity
) -> None:
    with pytest.raises(DamagedPdfError) as caught:
        verify_pdf(data, trust_roots=[authority.certificate])
    assert str(caught.value)
    with pytest.raises(DamagedPdfError):
        sign_pdf(
            data,
            identity=leader,
            field_name="Leader",
            signer_name="张三",
            reason="",
            location="",
            certify=True,
        )


def test_forbidden_later_edit_is_reported_by_difference_analysis(
    certified_pdf: bytes,
    supervisor: SigningIdentity,
    authority: TestAuthority,
    write: Write,
) -> None:
    # What another tool might do (and sign_pdf refuses): a new visible field after the
    # certification. Both signatures stay cryptographically valid - pdfsig sees nothing
    # wrong - but pyHanko's difference analysis flags the leader's certification.
    from io import BytesIO

    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    from inspector_app.signing.pades import _signer

    spec = fields.SigFieldSpec("Intruder", on_page=0, box=(300, 300, 500, 360))
    out = signers.PdfSigner(
        signers.PdfSignatureMetadata(field_name="Intruder"),
        _signer(supervisor),
        new_field_spec=spec,
    ).sign_pdf(IncrementalPdfFileWriter(BytesIO(certified_pdf)))
    edited = out.getvalue()

    result = verify_pdf(edited, trust_roots=[authority.certificate])
    assert not result.ok
    leader, intruder = result.signatures
    assert leader.intact and leader.trusted
    assert leader.forbidden_changes
    assert leader.problem
    assert intruder.ok

    report = run_pdfsig(write("edited.pdf", edited), trust_roots=[authority.certificate])
    assert report.ok  # pdfsig does not judge incremental edits: pyHanko's verdict is needed
