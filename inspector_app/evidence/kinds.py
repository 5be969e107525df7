"""Evidence kinds: their names on screen, and a first guess from a file's media type."""

from __future__ import annotations

import mimetypes

from inspector_app.i18n import pgettext
from local_db.enums import EvidenceKind

OCTET_STREAM = "application/octet-stream"
# Media types of data pulled from an institution's systems (exports, dumps, logs).
_ELECTRONIC_DATA_TYPES = frozenset(
    {
        "text/csv",
        "text/tab-separated-values",
        "application/json",
        "application/xml",
        "text/xml",
        "application/sql",
        "application/vnd.ms-excel",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/x-sqlite3",
        "application/vnd.sqlite3",
    }
)
# Leading bytes of common formats, for data without a telling file name (camera captures).
_SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"%PDF-", "application/pdf"),
    (b"GIF8", "image/gif"),
    (b"RIFF", "audio/wav"),
)


def evidence_kind_label(kind: EvidenceKind) -> str:
    """The kind as the user reads it."""
    labels = {
        EvidenceKind.PHOTO: pgettext("evidence kind", "Photo"),
        EvidenceKind.SCAN: pgettext("evidence kind", "Scan"),
        EvidenceKind.SCREENSHOT: pgettext("evidence kind", "Screenshot"),
        EvidenceKind.DOCUMENT: pgettext("evidence kind", "Document"),
        EvidenceKind.AUDIO: pgettext("evidence kind", "Audio recording"),
        EvidenceKind.VIDEO: pgettext("evidence kind", "Video recording"),
        EvidenceKind.ELECTRONIC_DATA: pgettext("evidence kind", "Electronic data"),
        EvidenceKind.SIGNATURE: pgettext("evidence kind", "Signature"),
    }
    return labels[kind]


def guess_media_type(name: str, head: bytes = b"") -> str:
    """The media type from the file name, else from its first bytes, else octet-stream."""
    guessed, _encoding = mimetypes.guess_type(name, strict=False)
    if guessed:
        return guessed
    for signature, media_type in _SIGNATURES:
        if head.startswith(signature):
            return media_type
    return OCTET_STREAM


def guess_kind(media_type: str) -> EvidenceKind:
    """A sensible default kind for a media type (the user may change it)."""
    if media_type.startswith("image/"):
        return EvidenceKind.PHOTO
    if media_type.startswith("audio/"):
        return EvidenceKind.AUDIO
    if media_type.startswith("video/"):
        return EvidenceKind.VIDEO
    if media_type in _ELECTRONIC_DATA_TYPES:
        return EvidenceKind.ELECTRONIC_DATA
    return EvidenceKind.DOCUMENT
