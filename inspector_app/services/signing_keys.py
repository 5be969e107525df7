"""The certificates a profile signs with and the roots it trusts, kept in its encrypted database.

A PKCS#12 file from the organisation's CA is imported once (its password is asked then and
never stored: the key is kept inside the encrypted database instead). For demos and
training, :func:`create_test_credentials` issues a local test CA and a certificate for the
profile's owner; both carry a TEST marking that the verifier and the documents show.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.serialization import Encoding
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from inspector_app.i18n import _
from inspector_app.profiles import OpenProfile
from inspector_app.signing.certificates import issue_test_ca, issue_test_signer
from inspector_app.signing.identity import (
    CertificateInfo,
    SigningIdentity,
    certificates_to_pem,
    describe_certificate,
    load_certificates,
    load_pkcs12,
)
from local_db.models import LocalUser, SigningCredential, TrustedRoot
from local_db.types import utc_now


class NoCredentialError(LookupError):
    """The profile has no certificate to sign with."""


@dataclass(frozen=True)
class CredentialRow:
    """A signing certificate as lists show it (never the key)."""

    id: str
    label: str
    subject_name: str
    organisation: str
    issuer_name: str
    not_before: datetime
    not_after: datetime
    is_test: bool
    is_default: bool
    fingerprint: str

    @property
    def expired(self) -> bool:
        """Past its validity: it signs nothing any more."""
        return self.not_after < utc_now()


@dataclass(frozen=True)
class TrustedRootRow:
    """A trusted root as lists show it."""

    id: str
    subject_name: str
    fingerprint: str
    is_test: bool
    source: str


def _row(credential: SigningCredential) -> CredentialRow:
    return CredentialRow(
        id=credential.id,
        label=credential.label,
        subject_name=credential.subject_name,
        organisation=credential.organisation,
        issuer_name=credential.issuer_name,
        not_before=credential.not_before,
        not_after=credential.not_after,
        is_test=credential.is_test,
        is_default=credential.is_default,
        fingerprint=credential.fingerprint,
    )


def _store_credential(
    session: Session, identity: SigningIdentity, info: CertificateInfo, label: str
) -> SigningCredential:
    """Keep a certificate with its key; it becomes the default unless it is a TEST one and
    a real certificate is already there (a training certificate never replaces it)."""
    existing = session.scalar(
        select(SigningCredential).where(SigningCredential.fingerprint == info.sha256_fingerprint)
    )
    if existing is not None:
        return existing
    real_exists = session.scalar(
        select(SigningCredential.id).where(SigningCredential.is_test.is_(False))
    )
    make_default = not (info.is_test and real_exists is not None)
    if make_default:
        session.execute(update(SigningCredential).values(is_default=False))
    credential = SigningCredential(
        label=label.strip() or info.common_name,
        subject_name=info.common_name,
        organisation=info.organisation,
        issuer_name=info.issuer_common_name,
        serial_hex=info.serial_hex,
        fingerprint=info.sha256_fingerprint,
        not_before=info.not_before,
        not_after=info.not_after,
        is_test=info.is_test,
        certificate_der=identity.certificate,
        chain_pem=certificates_to_pem(identity.chain).decode("ascii"),
        private_key_der=identity.private_key,
        added_at=utc_now(),
        is_default=make_default,
    )
    session.add(credential)
    session.flush()
    return credential


def _trust(session: Session, der: bytes, *, source: str) -> TrustedRoot:
    info = describe_certificate(der)
    existing = session.scalar(
        select(TrustedRoot).where(TrustedRoot.fingerprint == info.sha256_fingerprint)
    )
    if existing is not None:
        return existing
    root = TrustedRoot(
        subject_name=info.common_name or info.organisation,
        fingerprint=info.sha256_fingerprint,
        certificate_der=der,
        is_test=info.is_test,
        source=source,
        added_at=utc_now(),
    )
    session.add(root)
    session.flush()
    return root


def issuing_root(identity: SigningIdentity) -> bytes | None:
    """The self-signed root that really issued ``identity``'s certificate, through its chain.

    Only that root is trusted on import: any other certificate a file happens to carry
    (an unrelated CA) would widen what the profile accepts without anyone deciding so.
    """
    current = x509.load_der_x509_certificate(identity.certificate)
    others = [x509.load_der_x509_certificate(der) for der in identity.chain]
    for _step in range(len(others) + 1):
        issuer = next((c for c in others if c.subject == current.issuer), None)
        if issuer is None:
            return None
        try:
            current.verify_directly_issued_by(issuer)
        except (ValueError, TypeError, InvalidSignature):
            return None
        if issuer.subject == issuer.issuer:
            return issuer.public_bytes(Encoding.DER)
        current = issuer
    return None


def import_pkcs12(
    *, profile: OpenProfile, data: bytes, password: str, label: str = ""
) -> CredentialRow:
    """Import a certificate with its key; it becomes the one the profile signs with.

    The root that issued it (found through the file's chain and checked by signature) is
    trusted too: the organisation's CA is the one its documents are checked against.

    Raises:
        CredentialError: wrong password, not a PKCS#12 file, no key, expired (the message
            says which).
    """
    identity = load_pkcs12(data, password)
    info = identity.info
    root = issuing_root(identity)
    with profile.session() as session:
        credential = _store_credential(session, identity, info, label)
        if root is not None:
            _trust(session, root, source="pkcs12")
        profile.audit(
            session, "signing.credential_imported", entity="signing_credential",
            entity_id=credential.id, detail=info.sha256_fingerprint,
        )  # fmt: skip
        return _row(credential)


def create_test_credentials(*, profile: OpenProfile, organisation: str = "") -> CredentialRow:
    """Issue a local TEST CA and a TEST certificate for the profile's owner (demos, training).

    The CA's key is discarded once the certificate is issued: it exists to make one
    certificate, not to be a CA anyone relies on.
    """
    with profile.read_session() as session:
        user = session.get(LocalUser, profile.user_id)
        name = user.display_name if user is not None else profile.actor
    authority = issue_test_ca(organisation=organisation or _("Fund Inspector test CA"))
    identity = issue_test_signer(
        authority, name=name, organisation=organisation or _("Fund Inspector test CA")
    )
    with profile.session() as session:
        _trust(session, authority.certificate, source="test-ca")
        credential = _store_credential(session, identity, identity.info, "")
        profile.audit(
            session, "signing.test_credential_created", entity="signing_credential",
            entity_id=credential.id, detail=credential.fingerprint,
        )  # fmt: skip
        return _row(credential)


def trust_root(*, profile: OpenProfile, certificate: bytes) -> TrustedRootRow:
    """Trust a root certificate (DER or PEM) for verifying documents.

    Raises:
        NotACertificateError: not a certificate (a ValueError).
    """
    der, *_others = load_certificates(certificate)
    with profile.session() as session:
        root = _trust(session, der, source="imported")
        return TrustedRootRow(
            root.id, root.subject_name, root.fingerprint, root.is_test, root.source
        )


def list_credentials(*, profile: OpenProfile) -> list[CredentialRow]:
    """The profile's certificates, the default first."""
    with profile.read_session() as session:
        rows = session.scalars(
            select(SigningCredential).order_by(
                SigningCredential.is_default.desc(), SigningCredential.added_at.desc()
            )
        )
        return [_row(c) for c in rows]


def list_trusted_roots(*, profile: OpenProfile) -> list[TrustedRootRow]:
    """The roots the profile trusts."""
    with profile.read_session() as session:
        return [
            TrustedRootRow(r.id, r.subject_name, r.fingerprint, r.is_test, r.source)
            for r in session.scalars(select(TrustedRoot).order_by(TrustedRoot.added_at))
        ]


def trusted_root_certificates(session: Session) -> list[bytes]:
    """DER of every trusted root (for the verifier)."""
    return list(session.scalars(select(TrustedRoot.certificate_der)))


def signing_identity(session: Session) -> tuple[SigningIdentity, CredentialRow]:
    """The default certificate with its key, ready to sign.

    Raises:
        NoCredentialError: no certificate, or the default one has expired.
    """
    credential = session.scalar(
        select(SigningCredential).order_by(
            SigningCredential.is_default.desc(), SigningCredential.added_at.desc()
        )
    )
    if credential is None:
        raise NoCredentialError(
            _(
                "This profile has no signing certificate. Import the PKCS#12 file your "
                "organisation issued (or create a test certificate for training) in Settings."
            )
        )
    if credential.not_after < utc_now():
        raise NoCredentialError(
            _("The signing certificate {name} expired on {day}; import a new one.").format(
                name=credential.subject_name, day=credential.not_after.date().isoformat()
            )
        )
    identity = SigningIdentity(
        private_key=credential.private_key_der,
        certificate=credential.certificate_der,
        chain=tuple(load_certificates(credential.chain_pem.encode("ascii")))
        if credential.chain_pem.strip()
        else (),
    )
    return identity, _row(credential)
