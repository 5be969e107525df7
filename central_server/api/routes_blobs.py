"""Resumable, verified, deduplicated blob upload; download of what the user may see.

Deduplication is offered only to a user who holds the blob already (uploaded it in full
before, or may download it): anyone else uploads the bytes in full and the server verifies
them, so an upload never tells who is asking whether the server holds some content (a hash
is not proof of having the bytes). A completed upload makes its user a holder, so a laptop
whose upload finished but whose push did not land is not asked for the bytes again.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Path, Request
from fastapi.responses import Response, StreamingResponse
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect

from central_server.api.deps import PrincipalDep, StateDep
from central_server.api.errors import ApiError, responses
from central_server.blobs.store import HashMismatchError, OffsetMismatchError
from central_server.db.models import Blob, BlobHolder, utc_now
from central_server.sync.access import Principal, holds_blob, may_download
from inspector_app.sync.protocol import (
    MAX_CHUNK_BYTES,
    SHA256_PATTERN,
    UPLOAD_OFFSET_HEADER,
    BlobStatus,
    BlobUploadRequest,
    ErrorCode,
)

router = APIRouter(prefix="/v1/blobs", tags=["blobs"])
Sha = Annotated[str, Path(pattern=SHA256_PATTERN)]


def _status(
    state: StateDep, session: Session, principal: Principal, sha256: str, size: int
) -> BlobStatus:
    stored = session.get(Blob, sha256)
    if stored is not None and holds_blob(session, principal, sha256):
        return BlobStatus(sha256=sha256, size=stored.size, received=stored.size, complete=True)
    return BlobStatus(
        sha256=sha256, size=size, received=state.store.partial_size(sha256), complete=False
    )


@router.post("/{sha256}/upload", responses=responses(401, 403, 422, 426))
def start_upload(
    sha256: Sha,
    request: BlobUploadRequest,
    principal: PrincipalDep,
    state: StateDep,
) -> BlobStatus:
    """How much of this blob the server holds: all (dedup), some (resume) or none."""
    # Sessions live inside handlers, never in a yielded dependency (see routes_sync.push).
    with state.sessions() as session:
        return _status(state, session, principal, sha256, request.size)


@router.patch("/{sha256}/upload", responses=responses(400, 401, 403, 409, 413, 422, 426, 503))
async def append_chunk(
    sha256: Sha,
    request: Request,
    *,
    principal: PrincipalDep,
    state: StateDep,
    upload_offset: Annotated[int, Header(alias=UPLOAD_OFFSET_HEADER, ge=0)],
    upload_length: Annotated[int, Header(alias="Upload-Length", ge=0)],
) -> BlobStatus:
    """Append one chunk at ``Upload-Offset``; the last one makes the server verify and store."""
    body = bytearray()
    try:
        async for part in request.stream():
            body += part
            if len(body) > MAX_CHUNK_BYTES:
                raise ApiError(
                    413, ErrorCode.INVALID, f"chunks are at most {MAX_CHUNK_BYTES} bytes"
                )
    except ClientDisconnect as gone:
        # Cut mid-chunk: nothing was appended, and the client resumes from the stored
        # offset. One plain answer (nobody reads it) instead of an ASGI traceback.
        raise ApiError(400, ErrorCode.INVALID, "the connection closed mid-chunk") from gone
    if upload_offset + len(body) > upload_length:
        raise ApiError(422, ErrorCode.INVALID, "the chunk runs past the announced length")
    return await run_in_threadpool(
        _store_chunk,
        state,
        principal,
        sha256,
        offset=upload_offset,
        length=upload_length,
        data=bytes(body),
    )


def _store_chunk(
    state: StateDep, principal: Principal, sha256: str, *, offset: int, length: int, data: bytes
) -> BlobStatus:
    with state.sessions() as session:
        if session.get(Blob, sha256) is not None and holds_blob(session, principal, sha256):
            return _status(state, session, principal, sha256, length)
        try:
            received = state.store.append(sha256, offset, data)
        except OffsetMismatchError as error:
            raise ApiError(
                409,
                ErrorCode.OFFSET_MISMATCH,
                f"the upload continues at byte {error.expected}",
                {"received": error.expected},
            ) from error
        if received < length:
            return BlobStatus(sha256=sha256, size=length, received=received, complete=False)
        try:
            size = state.store.publish(sha256)
        except HashMismatchError as error:
            raise ApiError(
                422, ErrorCode.HASH_MISMATCH, "the bytes received do not match their SHA-256"
            ) from error
        _register(session, principal, sha256, size)
        return BlobStatus(sha256=sha256, size=size, received=size, complete=True)


def _register(session: Session, principal: Principal, sha256: str, size: int) -> None:
    """Record the stored blob and its uploader; another upload of it may win the race."""
    for _attempt in range(2):
        if session.get(Blob, sha256) is None:
            session.add(Blob(sha256=sha256, size=size, stored_at=utc_now()))
        if session.get(BlobHolder, (sha256, principal.user_id)) is None:
            session.add(BlobHolder(sha256=sha256, user_id=principal.user_id, uploaded_at=utc_now()))
        try:
            session.commit()
            return
        except IntegrityError:
            session.rollback()  # the same rows, committed by the other upload: look again
    raise ApiError(503, ErrorCode.UNAVAILABLE, "the blob could not be registered; try again")


def _range(header: str | None, size: int) -> tuple[int, int] | None:
    if not header or not header.startswith("bytes="):
        return None
    first, _, last = header.removeprefix("bytes=").partition("-")
    try:
        start = int(first)
        end = int(last) + 1 if last else size
    except ValueError:
        return None
    if start >= size or end <= start:
        return None
    return start, min(end, size)


@router.get("/{sha256}", responses=responses(401, 403, 404, 426), response_model=None)
def download(
    sha256: Sha,
    principal: PrincipalDep,
    state: StateDep,
    range_header: Annotated[str | None, Header(alias="Range")] = None,
) -> Response:
    """The blob's bytes (a ``Range`` resumes a download) when a visible record points to it."""
    # The session closes before the bytes stream: a slow download holds no connection.
    with state.sessions() as session:
        stored = session.get(Blob, sha256)
        if stored is None or not may_download(session, principal, sha256):
            raise ApiError(404, ErrorCode.NOT_FOUND, "No such blob among the records you may see.")
        size = stored.size
    span = _range(range_header, size)
    start, end = span or (0, size)
    headers = {"Content-Length": str(end - start), "Accept-Ranges": "bytes"}
    if span:
        headers["Content-Range"] = f"bytes {start}-{end - 1}/{size}"
    return StreamingResponse(
        state.store.read(sha256, start, end),
        status_code=206 if span else 200,
        media_type="application/octet-stream",
        headers=headers,
    )
