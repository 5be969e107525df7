"""Verify a signed PDF offline: integrity, trust in the caller's roots, forbidden later edits.

Each signature is judged by pyHanko: whether the signed bytes are unchanged and the
signature value correct (intact), whether its certificate chains to one of the roots the
caller trusts (nothing is fetched from the network), and - through pyHanko's difference
analysis of the revisions added after it - whether later changes went beyond what it
allows. The document is ok only when every signature passes all three.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from typing import Any

from pyhanko.keys import load_certs_from_pemder_data
from pyhanko.pdf_utils.generic import DictionaryObject
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.ades.report import AdESIndeterminate
from pyhanko.sign.diff_analysis import SuspiciousModification
from pyhanko.sign.validation import (
    EmbeddedPdfSignature,
    SignatureCoverageLevel,
    validate_pdf_signature,
    validate_pdf_timestamp,
)
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko_certvalidator import ValidationContext

from inspector_app.i18n import _, ngettext
from inspector_app.signing.errors import DamagedPdfError, NotACertificateError
from inspector_app.signing.identity import CertificateInfo, describe_certificate

# pyHanko logs tracebacks for findings it also reports (e.g. a forbidden edit); the verdict
# carries them, so keep them off the console unless the application configures logging.
for _library in ("pyhanko", "pyhanko_certvalidator"):
    logging.getLogger(_library).addHandler(logging.NullHandler())

# Signing certificates may carry either usage; real CAs differ in which they set.
_KEY_USAGE = KeyUsageConstraints(key_usage={"digital_signature", "non_repudiation"})


@dataclass(frozen=True)
class SignatureCheck:
    """The verdict on one signature (or document time-stamp) of the file."""

    field_name: str
    signer_common_name: str
    signer: CertificateInfo | None
    signing_time: datetime | None
    timestamp_time: datetime | None
    intact: bool
    covers_whole_file: bool
    modified_after: bool
    forbidden_changes: bool
    trusted: bool
    certification: bool
    document_timestamp: bool
    is_test_certificate: bool
    problem: str | None

    @property
    def ok(self) -> bool:
        """Intact, trusted and not followed by forbidden changes."""
        return self.intact and self.trusted and not self.forbidden_changes


@dataclass(frozen=True)
class PdfVerification:
    """All signatures of a file; ``message`` explains a file without any."""

    signatures: tuple[SignatureCheck, ...]
    message: str | None = None

    @property
    def ok(self) -> bool:
        """At least one signature, and every signature ok."""
        return bool(self.signatures) and all(check.ok for check in self.signatures)


def _asn1_certificates(roots: Sequence[bytes]) -> list[Any]:
    certificates: list[Any] = []
    for der in roots:
        try:
            certificates.extend(load_certs_from_pemder_data(der))
        except ValueError:
            raise NotACertificateError(_("A trusted root is not a certificate.")) from None
    return certificates


def _read(pdf: bytes) -> tuple[PdfFileReader, list[EmbeddedPdfSignature]]:
    if b"%PDF-" not in pdf[:1024]:
        raise DamagedPdfError(_("This file is not a PDF document."))
    try:
        reader = PdfFileReader(BytesIO(pdf), strict=False)
        return reader, list(reader.embedded_signatures)
    except (PdfError, ValueError, KeyError, IndexError, TypeError) as exc:
        raise DamagedPdfError(
            _("The PDF document is damaged and cannot be read: {reason}").format(reason=exc)
        ) from None


def _is_certification(signature: EmbeddedPdfSignature) -> bool:
    references = signature.sig_object.get("/Reference", [])
    for reference in references:
        entry = reference.get_object()
        if isinstance(entry, DictionaryObject) and entry.get("/TransformMethod") == "/DocMDP":
            return True
    return False


def _trust_problem(indication: Any) -> str:
    if indication in (AdESIndeterminate.NO_CERTIFICATE_CHAIN_FOUND, None):
        return _("The signer's certificate does not lead to a trusted root.")
    if indication in (
        AdESIndeterminate.OUT_OF_BOUNDS_NO_POE,
        AdESIndeterminate.OUT_OF_BOUNDS_NOT_REVOKED,
        AdESIndeterminate.EXPIRED,
    ):
        return _("The signer's certificate has expired.")
    if indication == AdESIndeterminate.NOT_YET_VALID:
        return _("The signer's certificate was not yet valid.")
    if indication in (AdESIndeterminate.REVOKED_NO_POE, AdESIndeterminate.REVOKED_CA_NO_POE):
        return _("The signer's certificate has been revoked.")
    return _("The signer's certificate is not trusted ({reason}).").format(
        reason=getattr(indication, "name", str(indication))
    )


def _problem(
    *, intact: bool, valid: bool, forbidden: bool, trusted: bool, trust: Any
) -> str | None:
    if not intact:
        return _("The document was changed after this signature: the signed content differs.")
    if not valid:
        return _("The signature value does not match the signer's certificate.")
    if forbidden:
        return _("Later changes to the document go beyond what this signature allows.")
    if not trusted:
        return _trust_problem(trust)
    return None


def _signer(signature: EmbeddedPdfSignature) -> CertificateInfo | None:
    try:
        return describe_certificate(signature.signer_cert.dump())
    except (ValueError, KeyError, NotACertificateError):
        return None


def _broken(signature: EmbeddedPdfSignature, reason: object) -> SignatureCheck:
    """A signature pyHanko could not even evaluate (damaged CMS, missing pieces)."""
    return SignatureCheck(
        field_name=str(signature.field_name),
        signer_common_name="",
        signer=None,
        signing_time=None,
        timestamp_time=None,
        intact=False,
        covers_whole_file=False,
        modified_after=False,
        forbidden_changes=False,
        trusted=False,
        certification=False,
        document_timestamp=False,
        is_test_certificate=False,
        problem=_("The signature is damaged and cannot be checked: {reason}").format(reason=reason),
    )


def _check(signature: EmbeddedPdfSignature, context: ValidationContext) -> SignatureCheck:
    is_timestamp = signature.sig_object_type == "/DocTimeStamp"
    status: Any
    if is_timestamp:
        status = validate_pdf_timestamp(signature, validation_context=context)
    else:
        status = validate_pdf_signature(
            signature,
            signer_validation_context=context,
            ts_validation_context=context,
            key_usage_settings=_KEY_USAGE,
        )
    forbidden = isinstance(status.diff_result, SuspiciousModification) or (
        status.docmdp_ok is False
    )
    coverage = status.coverage
    signer = _signer(signature)
    timestamp = getattr(status, "timestamp_validity", None)
    return SignatureCheck(
        field_name=str(signature.field_name),
        signer_common_name=signer.common_name if signer else "",
        signer=signer,
        signing_time=status.timestamp if is_timestamp else status.signer_reported_dt,
        timestamp_time=timestamp.timestamp if timestamp is not None else None,
        intact=bool(status.intact and status.valid),
        covers_whole_file=coverage == SignatureCoverageLevel.ENTIRE_FILE,
        modified_after=coverage != SignatureCoverageLevel.ENTIRE_FILE,
        forbidden_changes=forbidden,
        trusted=bool(status.trusted),
        certification=_is_certification(signature),
        document_timestamp=is_timestamp,
        is_test_certificate=bool(signer and signer.is_test),
        problem=_problem(
            intact=bool(status.intact),
            valid=bool(status.valid),
            forbidden=forbidden,
            trusted=bool(status.trusted),
            trust=status.trust_problem_indic,
        ),
    )


def verify_pdf(pdf: bytes, *, trust_roots: Sequence[bytes]) -> PdfVerification:
    """Check every signature of ``pdf`` against ``trust_roots`` (DER certificates).

    Raises:
        DamagedPdfError: the bytes are not a PDF or cannot be parsed.
        NotACertificateError: a trust root is not a certificate.
    """
    roots = _asn1_certificates(trust_roots)
    _reader, signatures = _read(pdf)
    if not signatures:
        return PdfVerification((), _("The document carries no signature."))
    checks = []
    for signature in signatures:
        # A fresh context per signature: validation results are cached inside it.
        context = ValidationContext(trust_roots=roots, allow_fetching=False)
        try:
            checks.append(_check(signature, context))
        except (PdfError, ValueError, KeyError, TypeError) as exc:
            checks.append(_broken(signature, exc))
    failing = sum(not check.ok for check in checks)
    message = (
        ngettext(
            "{count} signature does not pass.", "{count} signatures do not pass.", failing
        ).format(count=failing)
        if failing
        else None
    )
    return PdfVerification(tuple(checks), message)
