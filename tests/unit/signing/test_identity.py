"""PKCS#12 credentials and the test CA: typed refusals, round trips, the TEST marking."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from inspector_app.signing import (
    CertificateExpiredError,
    CertificateNotYetValidError,
    CredentialError,
    NoCertificateError,
    NoPrivateKeyError,
    NotACertificateError,
    NotPkcs12Error,
    SigningIdentity,
    TestAuthority,
    WrongPasswordError,
    certificates_to_pem,
    describe_certificate,
    identity_to_pkcs12,
    issue_test_signer,
    load_certificates,
    load_pkcs12,
)
from inspector_app.signing.identity import load_private_key

from .conftest import ORGANISATION

PASSWORD = "p12-密码"


def test_test_certificates_are_marked_and_described(
    authority: TestAuthority, leader: SigningIdentity
) -> None:
    info = describe_certificate(leader.certificate)
    assert info.common_name == "张三 (TEST)"
    assert info.organisation == ORGANISATION
    assert info.issuer_common_name == f"{ORGANISATION} Test CA (TEST)"
    assert info.is_test
    assert info.not_before.tzinfo is not None
    assert info.is_valid_at(datetime.now(UTC))
    assert timedelta(days=1090) < info.not_after - info.not_before < timedelta(days=1100)
    assert len(info.sha256_fingerprint) == 64
    assert int(info.serial_hex, 16) > 0
    assert describe_certificate(authority.certificate).is_test
    assert leader.chain == (authority.certificate,)
    assert "private_key" not in repr(leader)


def test_extensions_of_the_test_certificates(
    authority: TestAuthority, leader: SigningIdentity
) -> None:
    cert = x509.load_der_x509_certificate(leader.certificate)
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and usage.content_commitment and not usage.key_cert_sign
    assert not cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    root = x509.load_der_x509_certificate(authority.certificate)
    assert root.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    ski = root.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    aki = cert.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier).value
    assert aki.key_identifier == ski.digest
    cert.verify_directly_issued_by(root)


def test_a_real_looking_certificate_is_not_marked_test(leader: SigningIdentity) -> None:
    # Same key, a name without any marking: what an imported real certificate looks like.
    key = load_private_key(leader)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "王五")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(7)
        .not_valid_before(now)
        .not_valid_after(now + timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    assert not describe_certificate(cert.public_bytes(serialization.Encoding.DER)).is_test


def test_pkcs12_round_trip(leader: SigningIdentity) -> None:
    data = identity_to_pkcs12(leader, PASSWORD)
    assert load_pkcs12(data, PASSWORD) == leader


def test_wrong_password_is_a_typed_error(leader: SigningIdentity) -> None:
    data = identity_to_pkcs12(leader, PASSWORD)
    with pytest.raises(WrongPasswordError):
        load_pkcs12(data, "wrong")
    with pytest.raises(WrongPasswordError):
        load_pkcs12(data, "")


@pytest.mark.parametrize("data", [b"", b"%PDF-1.7 not a key store", b"\x30\x03\x02\x01\x01"])
def test_not_a_pkcs12_file(data: bytes) -> None:
    with pytest.raises(NotPkcs12Error) as caught:
        load_pkcs12(data, PASSWORD)
    assert isinstance(caught.value, CredentialError)
    assert str(caught.value)


def test_pkcs12_without_a_private_key(leader: SigningIdentity) -> None:
    data = pkcs12.serialize_key_and_certificates(
        name=b"only certificates",
        key=None,
        cert=None,
        cas=[x509.load_der_x509_certificate(leader.certificate)],
        encryption_algorithm=serialization.BestAvailableEncryption(PASSWORD.encode()),
    )
    with pytest.raises(NoPrivateKeyError):
        load_pkcs12(data, PASSWORD)


def test_key_without_its_certificate(leader: SigningIdentity, supervisor: SigningIdentity) -> None:
    # A key next to someone else's certificate: the file has no certificate for the key.
    data = pkcs12.serialize_key_and_certificates(
        name=b"mixed",
        key=load_private_key(supervisor),
        cert=None,
        cas=[x509.load_der_x509_certificate(leader.certificate)],
        encryption_algorithm=serialization.BestAvailableEncryption(PASSWORD.encode()),
    )
    with pytest.raises(NoCertificateError):
        load_pkcs12(data, PASSWORD)


def test_expired_and_not_yet_valid_certificates(
    authority: TestAuthority, leader: SigningIdentity
) -> None:
    data = identity_to_pkcs12(leader, PASSWORD)
    with pytest.raises(CertificateExpiredError):
        load_pkcs12(data, PASSWORD, now=datetime.now(UTC) + timedelta(days=1200))
    with pytest.raises(CertificateNotYetValidError):
        load_pkcs12(data, PASSWORD, now=datetime.now(UTC) - timedelta(days=1))
    old = issue_test_signer(
        authority,
        name="过期",
        organisation=ORGANISATION,
        valid_days=30,
        now=datetime.now(UTC) - timedelta(days=5),
    )
    # The CA did not exist five days ago, so the start is clamped to the CA's own start.
    assert (
        describe_certificate(old.certificate).not_before
        >= describe_certificate(authority.certificate).not_before
    )


def test_certificate_files_pem_and_der(authority: TestAuthority, leader: SigningIdentity) -> None:
    pem = certificates_to_pem([authority.certificate, leader.certificate])
    assert load_certificates(pem) == [authority.certificate, leader.certificate]
    assert load_certificates(leader.certificate) == [leader.certificate]
    with pytest.raises(NotACertificateError):
        load_certificates(b"hello")
    with pytest.raises(NotACertificateError):
        describe_certificate(b"\x30\x00")
