"""Digital signatures of the documents of record: credentials, PAdES signing, verification.

Plain data in and out (bytes, frozen dataclasses): no Qt, no database. See the modules for
the pieces: :mod:`identity` (PKCS#12, certificates), :mod:`certificates` (the test CA),
:mod:`pades` (signing), :mod:`verification` (pyHanko) and :mod:`pdfsig` (Poppler).

Signing and verification load pyHanko and reportlab (about 0.3 s), so those names are
imported on first use; credentials and certificates need only ``cryptography``.
"""

import importlib
from typing import TYPE_CHECKING, Any

from inspector_app.signing.certificates import TestAuthority, issue_test_ca, issue_test_signer
from inspector_app.signing.errors import (
    CertificateExpiredError,
    CertificateNotYetValidError,
    CredentialError,
    DamagedPdfError,
    KeyMismatchError,
    NoCertificateError,
    NoPrivateKeyError,
    NotACertificateError,
    NotPkcs12Error,
    PdfsigError,
    PdfSigningError,
    SigningFailure,
    ValidatorUnavailableError,
    WrongPasswordError,
)
from inspector_app.signing.identity import (
    CertificateInfo,
    SigningIdentity,
    certificates_to_pem,
    describe_certificate,
    identity_to_pkcs12,
    load_certificates,
    load_pkcs12,
)
from inspector_app.signing.pdfsig import PdfsigReport, PdfsigSignature, run_pdfsig

if TYPE_CHECKING:
    from inspector_app.signing.pades import (
        SignatureField,
        Timestamper,
        http_timestamper,
        sign_pdf,
    )
    from inspector_app.signing.verification import PdfVerification, SignatureCheck, verify_pdf

_LAZY = {
    "SignatureField": "pades",
    "Timestamper": "pades",
    "http_timestamper": "pades",
    "sign_pdf": "pades",
    "PdfVerification": "verification",
    "SignatureCheck": "verification",
    "verify_pdf": "verification",
}


def __getattr__(name: str) -> Any:
    """Import the pyHanko-based names on first use (PEP 562)."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


__all__ = [
    "CertificateExpiredError",
    "CertificateInfo",
    "CertificateNotYetValidError",
    "CredentialError",
    "DamagedPdfError",
    "KeyMismatchError",
    "NoCertificateError",
    "NoPrivateKeyError",
    "NotACertificateError",
    "NotPkcs12Error",
    "PdfSigningError",
    "PdfVerification",
    "PdfsigError",
    "PdfsigReport",
    "PdfsigSignature",
    "SignatureCheck",
    "SignatureField",
    "SigningFailure",
    "SigningIdentity",
    "TestAuthority",
    "Timestamper",
    "ValidatorUnavailableError",
    "WrongPasswordError",
    "certificates_to_pem",
    "describe_certificate",
    "http_timestamper",
    "identity_to_pkcs12",
    "issue_test_ca",
    "issue_test_signer",
    "load_certificates",
    "load_pkcs12",
    "run_pdfsig",
    "sign_pdf",
    "verify_pdf",
]
