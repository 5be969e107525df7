"""Move evidence originals and issued PDFs between the encrypted local store and the server.

Uploads resume where the server's partial ends (it survives a cut connection, a killed
client and a server restart); the server verifies the SHA-256 before it keeps anything.
Downloads are verified here before they are encrypted into the store; an interrupted
download resumes with a Range request within the run, and is not kept between runs (it
would be plaintext on disk).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from inspector_app.evidence.store import blob_path, open_original, store_original
from inspector_app.i18n import _
from inspector_app.profiles import OpenProfile
from inspector_app.sync.client import ServerRefusedError, SyncClient, SyncError
from inspector_app.sync.protocol import ErrorCode

UPLOAD_CHUNK = 4 * 1024 * 1024

# Called with the bytes just moved.
BytesProgress = Callable[[int], None]


def has_local(profile: OpenProfile, sha256: str) -> bool:
    """True when the original is in this profile's store."""
    return blob_path(profile, sha256).is_file()


def upload(
    profile: OpenProfile, client: SyncClient, sha256: str, size: int, moved: BytesProgress
) -> bool:
    """Make sure the server holds the blob; returns True when bytes were sent."""
    status = client.blob_status(sha256, size)
    if status.complete:
        return False
    offset, sent = status.received, False
    buffer = bytearray()
    position = 0
    for chunk in open_original(profile, sha256):
        start = max(0, offset - position)
        position += len(chunk)
        if start >= len(chunk):
            continue
        buffer += chunk[start:]
        while len(buffer) >= UPLOAD_CHUNK:
            offset = _send(client, sha256, size, offset, bytes(buffer[:UPLOAD_CHUNK]), moved)
            del buffer[:UPLOAD_CHUNK]
            sent = True
    if buffer or size == 0:
        _send(client, sha256, size, offset, bytes(buffer), moved)
        sent = True
    return sent


def _send(  # noqa: PLR0917 - one chunk's coordinates
    client: SyncClient, sha256: str, size: int, offset: int, data: bytes, moved: BytesProgress
) -> int:
    try:
        status = client.upload_chunk(sha256, offset, size, data)
    except ServerRefusedError as error:
        if error.code is ErrorCode.OFFSET_MISMATCH:
            # Someone else (or an earlier, cut attempt) moved the partial: start over from
            # the server's offset in the next run.
            raise SyncError(
                _("The upload moved on the server; it resumes at the next sync.")
            ) from error
        raise
    moved(len(data))
    return status.received


def download(
    profile: OpenProfile, client: SyncClient, sha256: str, moved: BytesProgress, retries: int = 3
) -> int:
    """Fetch, verify and encrypt one blob into the store; returns its size."""
    data = bytearray()
    attempt = 0
    while True:
        try:
            for chunk in client.download(sha256, start=len(data)):
                data += chunk
                moved(len(chunk))
            break
        except SyncError:
            attempt += 1
            if attempt > retries:
                raise
    if hashlib.sha256(data).hexdigest() != sha256:
        raise SyncError(_("A file received from the server does not match its SHA-256."))
    store_original(profile, bytes(data))
    return len(data)
