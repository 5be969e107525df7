"""Signing credentials as plain bytes: read a PKCS#12, describe a certificate, export again.

Keys and certificates cross this boundary as DER bytes so the rest of the product (the
profile store, the UI) never depends on a crypto library's object model.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from inspector_app.i18n import _
from inspector_app.signing.errors import (
    CertificateExpiredError,
    CertificateNotYetValidError,
    KeyMismatchError,
    NoCertificateError,
    NoPrivateKeyError,
    NotACertificateError,
    NotPkcs12Error,
    WrongPasswordError,
)

# How the project's demo/test certificates are marked, so no one mistakes them for real ones.
TEST_ORGANISATIONAL_UNIT = "测试证书 TEST ONLY - not for real cases"
TEST_COMMON_NAME_SUFFIX = " (TEST)"
_TEST_MARKERS = ("TEST ONLY", "测试证书")

SigningKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


@dataclass(frozen=True)
class SigningIdentity:
    """What signing needs: the key (PKCS#8 DER), its certificate and the issuers (DER).

    ``chain`` holds intermediates and, optionally, the root; it may be empty when the
    verifier already knows the issuer.
    """

    private_key: bytes = field(repr=False)
    certificate: bytes
    chain: tuple[bytes, ...] = ()

    @property
    def info(self) -> CertificateInfo:
        """The signer's certificate, described."""
        return describe_certificate(self.certificate)


@dataclass(frozen=True)
class CertificateInfo:
    """What a person needs to recognise a certificate (times are aware UTC)."""

    common_name: str
    organisation: str
    issuer_common_name: str
    serial_hex: str
    not_before: datetime
    not_after: datetime
    sha256_fingerprint: str
    is_test: bool

    def is_valid_at(self, moment: datetime) -> bool:
        """Whether ``moment`` lies within the validity period."""
        return self.not_before <= moment <= self.not_after


def _name_part(name: x509.Name, oid: x509.ObjectIdentifier) -> str:
    return ", ".join(str(attribute.value) for attribute in name.get_attributes_for_oid(oid))


def _is_test_name(subject: x509.Name) -> bool:
    units = _name_part(subject, NameOID.ORGANIZATIONAL_UNIT_NAME)
    common_name = _name_part(subject, NameOID.COMMON_NAME)
    return any(marker in units for marker in _TEST_MARKERS) or common_name.endswith(
        TEST_COMMON_NAME_SUFFIX.strip()
    )


def _parse_der(der: bytes) -> x509.Certificate:
    try:
        return x509.load_der_x509_certificate(der)
    except ValueError:
        raise NotACertificateError(_("This is not an X.509 certificate.")) from None


def describe_certificate(der: bytes) -> CertificateInfo:
    """Describe a DER certificate; raises :class:`NotACertificateError` for other bytes."""
    cert = _parse_der(der)
    return CertificateInfo(
        common_name=_name_part(cert.subject, NameOID.COMMON_NAME),
        organisation=_name_part(cert.subject, NameOID.ORGANIZATION_NAME),
        issuer_common_name=_name_part(cert.issuer, NameOID.COMMON_NAME),
        serial_hex=f"{cert.serial_number:x}",
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        sha256_fingerprint=hashlib.sha256(der).hexdigest(),
        is_test=_is_test_name(cert.subject),
    )


def load_certificates(data: bytes) -> list[bytes]:
    """Every certificate in a PEM file (one or more) or the one in a DER file, as DER."""
    try:
        if b"-----BEGIN" in data:
            certs = x509.load_pem_x509_certificates(data)
        else:
            certs = [x509.load_der_x509_certificate(data)]
    except ValueError:
        raise NotACertificateError(
            _("This file holds no certificate (PEM or DER) that can be read.")
        ) from None
    return [cert.public_bytes(serialization.Encoding.DER) for cert in certs]


def _looks_like_pfx(data: bytes) -> bool:
    """A DER SEQUENCE whose first element is INTEGER 3: the PKCS#12 PFX version."""
    if len(data) < 8 or data[0] != 0x30:
        return False
    first = data[1]
    offset = 2 if first < 0x80 else 2 + (first & 0x7F)
    return data[offset : offset + 3] == b"\x02\x01\x03"


def _open_pkcs12(data: bytes, password: str) -> pkcs12.PKCS12KeyAndCertificates:
    # An empty password may mean "no password" or "the empty password": try both.
    attempts: list[bytes | None] = [password.encode("utf-8")] if password else [None, b""]
    for attempt in attempts:
        try:
            return pkcs12.load_pkcs12(data, attempt)
        except ValueError:
            continue
        except UnsupportedAlgorithm:
            raise NotPkcs12Error(
                _("This PKCS#12 file uses an encryption this program cannot read.")
            ) from None
    raise WrongPasswordError(_("The password does not open this certificate file."))


def _check_validity(info: CertificateInfo, moment: datetime) -> None:
    if moment < info.not_before:
        raise CertificateNotYetValidError(
            _("The certificate of {name} is valid only from {date}.").format(
                name=info.common_name, date=f"{info.not_before:%Y-%m-%d}"
            )
        )
    if moment > info.not_after:
        raise CertificateExpiredError(
            _("The certificate of {name} expired on {date}.").format(
                name=info.common_name, date=f"{info.not_after:%Y-%m-%d}"
            )
        )


def _public_der(key: SigningKey | x509.Certificate) -> bytes:
    public = key.public_key()
    return public.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def load_pkcs12(data: bytes, password: str, *, now: datetime | None = None) -> SigningIdentity:
    """Read a PKCS#12 (.p12 / .pfx) file into a :class:`SigningIdentity`.

    Refuses files that cannot sign today (``now``, default the current time): no key, no
    certificate, a key of another certificate, a certificate outside its validity.

    Raises:
        NotPkcs12Error, WrongPasswordError, NoPrivateKeyError, NoCertificateError,
        KeyMismatchError, CertificateExpiredError, CertificateNotYetValidError.
    """
    if not _looks_like_pfx(data):
        raise NotPkcs12Error(_("This is not a PKCS#12 certificate file (.p12 or .pfx)."))
    bundle = _open_pkcs12(data, password)
    key = bundle.key
    if key is None:
        raise NoPrivateKeyError(_("This certificate file holds no private key, so it cannot sign."))
    if bundle.cert is None:
        raise NoCertificateError(_("This certificate file holds a key but no certificate."))
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise NotPkcs12Error(_("Only RSA and elliptic-curve keys can sign documents."))
    cert = bundle.cert.certificate
    if _public_der(key) != _public_der(cert):
        raise KeyMismatchError(_("The private key in this file belongs to another certificate."))
    certificate = cert.public_bytes(serialization.Encoding.DER)
    _check_validity(describe_certificate(certificate), now or datetime.now(UTC))
    return SigningIdentity(
        private_key=key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
        certificate=certificate,
        chain=tuple(
            extra.certificate.public_bytes(serialization.Encoding.DER)
            for extra in bundle.additional_certs
        ),
    )


def load_private_key(identity: SigningIdentity) -> SigningKey:
    """The identity's key as a ``cryptography`` object (RSA or EC)."""
    key = serialization.load_der_private_key(identity.private_key, password=None)
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise NotPkcs12Error(_("Only RSA and elliptic-curve keys can sign documents."))
    return key


def identity_to_pkcs12(
    identity: SigningIdentity, password: str, *, friendly_name: str | None = None
) -> bytes:
    """A password-protected PKCS#12 (AES-256, PBKDF2) holding the key, certificate and chain."""
    if not password:
        raise ValueError("a PKCS#12 export needs a password")
    name = friendly_name if friendly_name is not None else identity.info.common_name
    return pkcs12.serialize_key_and_certificates(
        name=name.encode("utf-8"),
        key=load_private_key(identity),
        cert=x509.load_der_x509_certificate(identity.certificate),
        cas=[x509.load_der_x509_certificate(der) for der in identity.chain] or None,
        encryption_algorithm=serialization.BestAvailableEncryption(password.encode("utf-8")),
    )


def certificates_to_pem(certificates: Sequence[bytes]) -> bytes:
    """DER certificates as one PEM file (e.g. a ``ca.pem`` to hand out as trust root)."""
    return b"".join(
        x509.load_der_x509_certificate(der).public_bytes(serialization.Encoding.PEM)
        for der in certificates
    )
