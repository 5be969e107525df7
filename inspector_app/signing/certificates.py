"""A local test CA and inspector certificates for demos and tests, unmistakably marked as test.

Real cases are signed with certificates the inspectors import (PKCS#12); these exist so the
whole sign-and-verify chain can be shown and tested without one. RSA 2048 with SHA-256 is
used because every validator in sight (pyHanko, Poppler/NSS, Adobe, domestic readers)
accepts it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import ClassVar

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from inspector_app.signing.identity import (
    TEST_COMMON_NAME_SUFFIX,
    TEST_ORGANISATIONAL_UNIT,
    SigningIdentity,
)

_KEY_BITS = 2048
# Back-date certificates a little so a clock a few minutes slow still accepts them.
_CLOCK_SKEW = timedelta(minutes=10)


@dataclass(frozen=True)
class TestAuthority:
    """A self-signed test root: its certificate (the trust root to hand out) and key (DER)."""

    __test__: ClassVar[bool] = False  # not a pytest test class despite the name

    certificate: bytes
    private_key: bytes = field(repr=False)


def _new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=_KEY_BITS)


def _test_name(common_name: str, organisation: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, TEST_ORGANISATIONAL_UNIT),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name + TEST_COMMON_NAME_SUFFIX),
        ]
    )


def _key_usage(*, ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not ca,
        content_commitment=not ca,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


def _der(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.DER)


def _pkcs8(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def issue_test_ca(
    *, organisation: str, valid_days: int = 3650, now: datetime | None = None
) -> TestAuthority:
    """A new self-signed test root CA for ``organisation``."""
    start = (now or datetime.now(UTC)) - _CLOCK_SKEW
    key = _new_key()
    name = _test_name(f"{organisation} Test CA", organisation)
    public = key.public_key()
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + timedelta(days=valid_days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(ca=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .sign(key, hashes.SHA256())
    )
    return TestAuthority(certificate=_der(cert), private_key=_pkcs8(key))


def issue_test_signer(
    ca: TestAuthority,
    *,
    name: str,
    organisation: str,
    valid_days: int = 1095,
    now: datetime | None = None,
) -> SigningIdentity:
    """A signing certificate for person ``name``, issued by the test CA ``ca``.

    Its validity never outlasts the CA's, so the chain stays valid to the last day.
    """
    ca_cert = x509.load_der_x509_certificate(ca.certificate)
    ca_key = serialization.load_der_private_key(ca.private_key, password=None)
    if not isinstance(ca_key, rsa.RSAPrivateKey):
        raise ValueError("the test CA key must be RSA")
    start = (now or datetime.now(UTC)) - _CLOCK_SKEW
    end = min(start + timedelta(days=valid_days), ca_cert.not_valid_after_utc)
    key = _new_key()
    public = key.public_key()
    cert = (
        x509.CertificateBuilder()
        .subject_name(_test_name(name, organisation))
        .issuer_name(ca_cert.subject)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(max(start, ca_cert.not_valid_before_utc))
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(ca=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    return SigningIdentity(private_key=_pkcs8(key), certificate=_der(cert), chain=(ca.certificate,))
