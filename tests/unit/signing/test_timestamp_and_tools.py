"""Design hooks that must not need the network: an RFC 3161 time-stamp, a missing validator."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.keys import load_certs_from_pemder_data, load_private_key_from_pemder_data
from pyhanko.sign.timestamps import DummyTimeStamper

from inspector_app.signing import (
    SigningIdentity,
    TestAuthority,
    ValidatorUnavailableError,
    http_timestamper,
    run_pdfsig,
    sign_pdf,
    verify_pdf,
)


def _local_tsa(authority: TestAuthority) -> DummyTimeStamper:
    """An in-process time-stamp authority certified by the test CA (no HTTP)."""
    ca_cert = x509.load_der_x509_certificate(authority.certificate)
    ca_key = serialization.load_der_private_key(authority.private_key, password=None)
    assert isinstance(ca_key, rsa.RSAPrivateKey)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = datetime.now(UTC) - timedelta(minutes=5)
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test TSA (TEST)")]))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key_der = key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return DummyTimeStamper(
        tsa_cert=next(
            iter(load_certs_from_pemder_data(cert.public_bytes(serialization.Encoding.DER)))
        ),
        tsa_key=load_private_key_from_pemder_data(key_der, passphrase=None),
    )


def test_signature_with_time_stamp(
    report_pdf: bytes, leader: SigningIdentity, authority: TestAuthority
) -> None:
    signed = sign_pdf(
        report_pdf,
        identity=leader,
        field_name="TeamLeader",
        signer_name="张三",
        reason="",
        location="",
        certify=True,
        timestamper=_local_tsa(authority),
    )
    result = verify_pdf(signed, trust_roots=[authority.certificate])
    assert result.ok, result
    [check] = result.signatures
    assert check.timestamp_time is not None
    assert check.signing_time is not None
    assert abs(check.timestamp_time - check.signing_time) < timedelta(minutes=1)


def test_http_timestamper_is_built_without_contacting_anyone() -> None:
    stamper = http_timestamper("http://tsa.invalid/tsr")
    assert stamper.url == "http://tsa.invalid/tsr"  # type: ignore[attr-defined]


def test_missing_pdfsig_is_a_typed_error(
    approved_pdf: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "approved.pdf"
    path.write_bytes(approved_pdf)
    monkeypatch.setenv("PATH", str(tmp_path))  # a PATH with neither pdfsig nor certutil
    with pytest.raises(ValidatorUnavailableError) as caught:
        run_pdfsig(path, trust_roots=[])
    assert "pdfsig" in str(caught.value)
