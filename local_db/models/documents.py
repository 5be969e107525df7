"""The paper an inspection ends with: signatures on screen, the on-site record, issued PDFs, keys.

Handwritten signatures and refusals are synced entities (people's acts on site); the issued
PDFs are immutable, content-addressed blobs (stored like evidence originals) with a row that
says what they are. Signing keys and the roots a profile trusts never leave the device.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from local_db.base import Base, SyncedMixin
from local_db.enums import DocumentKind, SignerRole
from local_db.ids import new_id
from local_db.models._columns import enum_type
from local_db.types import UTCDateTime


class DocumentSignature(SyncedMixin, Base):
    """One signer's handwritten signature on one document of a case, or their refusal.

    ``subject_id`` names the interview for an interview record and is empty for the
    case-level documents. The signature image is an evidence item (kind ``signature``), so it
    is hashed and in the chain of custody like any other evidence. A refusal records the
    witness (a team member) and the time; the document prints that statement instead.
    """

    __tablename__ = "document_signature"
    __sync_entity__ = "document_signature"
    __natural_id__ = True
    __table_args__ = (
        UniqueConstraint("case_id", "document_kind", "subject_id", "signer_role", "signer_key"),
    )

    case_id: Mapped[str] = mapped_column(ForeignKey("case_file.id"), index=True)
    document_kind: Mapped[DocumentKind] = mapped_column(enum_type(DocumentKind))
    subject_id: Mapped[str] = mapped_column(String(36), default="")
    signer_role: Mapped[SignerRole] = mapped_column(enum_type(SignerRole))
    # The inspector id for team members, the name for people outside the team: one signer
    # signs one slot of one document once.
    signer_key: Mapped[str] = mapped_column(String(64))
    signer_name: Mapped[str] = mapped_column(String(64))
    inspector_id: Mapped[str | None] = mapped_column(ForeignKey("inspector.id"), default=None)
    evidence_id: Mapped[str | None] = mapped_column(ForeignKey("evidence_item.id"), default=None)
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    refused: Mapped[bool] = mapped_column(default=False)
    refusal_reason: Mapped[str] = mapped_column(Text, default="")
    witness_inspector_id: Mapped[str | None] = mapped_column(
        ForeignKey("inspector.id"), default=None
    )
    witness_name: Mapped[str] = mapped_column(String(64), default="")
    refused_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    # SHA-256 of what the document said (signatures aside) when this person signed or
    # refused: a later change to the document leaves the slot to be signed again.
    content_sha256: Mapped[str] = mapped_column(String(64), default="")


class OnsiteRecord(SyncedMixin, Base):
    """What the on-site inspection record (现场检查笔录) says beyond the checklist and findings.

    The team's narrative of what it did and the institution representative's statement
    (被检查单位意见) are typed on site; start and end default to the arrival and the end of
    on-site work.
    """

    __tablename__ = "onsite_record"
    __sync_entity__ = "onsite_record"

    case_id: Mapped[str] = mapped_column(ForeignKey("case_file.id"), unique=True)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    narrative: Mapped[str] = mapped_column(Text, default="")
    representative_name: Mapped[str] = mapped_column(String(64), default="")
    representative_position: Mapped[str] = mapped_column(String(64), default="")
    representative_statement: Mapped[str] = mapped_column(Text, default="")


class IssuedDocument(SyncedMixin, Base):
    """One issued PDF of a case: immutable bytes (by SHA-256 in the blob store) and what it is.

    A later signature (the supervisor's approval) makes a new file and a new row that
    ``supersedes_id`` the one it was signed over; rows are never edited after issue.
    """

    __tablename__ = "issued_document"
    __sync_entity__ = "issued_document"

    case_id: Mapped[str] = mapped_column(ForeignKey("case_file.id"), index=True)
    kind: Mapped[DocumentKind] = mapped_column(enum_type(DocumentKind))
    subject_id: Mapped[str] = mapped_column(String(36), default="")
    number: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(128))
    file_name: Mapped[str] = mapped_column(String(256))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size_bytes: Mapped[int]
    page_count: Mapped[int]
    language: Mapped[str] = mapped_column(String(8))
    signature_count: Mapped[int] = mapped_column(default=0)
    signed_by: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of signer names
    # JSON list of the SHA-256 fingerprints of the signers' certificates, in signing order.
    certificate_fingerprints: Mapped[str] = mapped_column(Text, default="[]")
    sealed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    supersedes_id: Mapped[str | None] = mapped_column(
        ForeignKey("issued_document.id"), default=None
    )
    # JSON [{"field", "page", "box": [x1, y1, x2, y2]}]: where the layout reserved the
    # visible signature boxes, so a later approval signature lands in its box.
    seal_boxes: Mapped[str] = mapped_column(Text, default="[]")


class SigningCredential(Base):
    """A certificate and its private key this profile signs with (never synced).

    The key sits in the encrypted database, so it is as safe as the case data it seals and
    needs no second password; ``is_test`` marks keys issued by a local test CA, which the
    documents and the verifier call out as test signatures.
    """

    __tablename__ = "signing_credential"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    label: Mapped[str] = mapped_column(String(128))
    subject_name: Mapped[str] = mapped_column(String(128))
    organisation: Mapped[str] = mapped_column(String(128), default="")
    issuer_name: Mapped[str] = mapped_column(String(128))
    serial_hex: Mapped[str] = mapped_column(String(64))
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    not_before: Mapped[datetime] = mapped_column(UTCDateTime())
    not_after: Mapped[datetime] = mapped_column(UTCDateTime())
    is_test: Mapped[bool] = mapped_column(default=False)
    certificate_der: Mapped[bytes] = mapped_column(LargeBinary)
    chain_pem: Mapped[str] = mapped_column(Text, default="")  # intermediates and root, PEM
    private_key_der: Mapped[bytes] = mapped_column(LargeBinary)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime())
    is_default: Mapped[bool] = mapped_column(default=False)


class TrustedRoot(Base):
    """A root certificate this profile trusts when it verifies signed documents."""

    __tablename__ = "trusted_root"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    subject_name: Mapped[str] = mapped_column(String(256))
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    certificate_der: Mapped[bytes] = mapped_column(LargeBinary)
    is_test: Mapped[bool] = mapped_column(default=False)
    source: Mapped[str] = mapped_column(String(32), default="imported")
    added_at: Mapped[datetime] = mapped_column(UTCDateTime())
