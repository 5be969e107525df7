"""Resumable, verified, deduplicated blob upload; download of what the user may see."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Path, Request
from fastapi.responses import Response, StreamingResponse
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from central_server.api.deps import PrincipalDep, SessionDep, StateDep
from central_server.api.errors import ApiError, responses
from central_server.blobs.store import HashMismatchError, OffsetMismatchError
from central_server.db.models import Blob, BlobRef, Record, utc_now
from central_server.sync.access import can_read
from central_server.sync.scope import Scope
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


def _status(state: StateDep, session: SessionDep, sha256: str, size: int) -> BlobStatus:
    stored = session.get(Blob, sha256)
    if stored is not None:
        return BlobStatus(sha256=sha256, size=stored.size, received=stored.size, complete=True)
    return BlobStatus(
        sha256=sha256, size=size, received=state.store.partial_size(sha256), complete=False
    )


@router.post("/{sha256}/upload", responses=responses(401, 403, 422, 426))
def start_upload(
    sha256: Sha,
    request: BlobUploadRequest,
    _principal: PrincipalDep,
    state: StateDep,
    session: SessionDep,
) -> BlobStatus:
    """How much of this blob the server holds: all (dedup), some (resume) or none."""
    return _status(state, session, sha256, request.size)


@router.patch("/{sha256}/upload", responses=responses(401, 403, 409, 413, 422, 426))
async def append_chunk(
    sha256: Sha,
    request: Request,
    _principal: PrincipalDep,
    state: StateDep,
    upload_offset: Annotated[int, Header(alias=UPLOAD_OFFSET_HEADER, ge=0)],
    upload_length: Annotated[int, Header(alias="Upload-Length", ge=0)],
) -> BlobStatus:
    """Append one chunk at ``Upload-Offset``; the last one makes the server verify and store."""
    body = bytearray()
    async for part in request.stream():
        body += part
        if len(body) > MAX_CHUNK_BYTES:
            raise ApiError(413, ErrorCode.INVALID, f"chunks are at most {MAX_CHUNK_BYTES} bytes")
    if upload_offset + len(body) > upload_length:
        raise ApiError(422, ErrorCode.INVALID, "the chunk runs past the announced length")
    return await run_in_threadpool(
        _store_chunk, state, sha256, upload_offset, upload_length, bytes(body)
    )


def _store_chunk(state: StateDep, sha256: str, offset: int, length: int, data: bytes) -> BlobStatus:
    with state.sessions() as session:
        if session.get(Blob, sha256) is not None:
            return _status(state, session, sha256, length)
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
        if session.get(Blob, sha256) is None:
            session.add(Blob(sha256=sha256, size=size, stored_at=utc_now()))
            session.commit()
        return BlobStatus(sha256=sha256, size=size, received=size, complete=True)


def _readable(session: SessionDep, principal: PrincipalDep, sha256: str) -> bool:
    rows = session.execute(
        select(Record.scope_kind, Record.task_id, Record.case_id, Record.region_code, Record.owner)
        .join(BlobRef, BlobRef.rid == Record.rid)
        .where(BlobRef.sha256 == sha256)
    ).all()
    return any(can_read(session, principal, Scope(*row)) for row in rows)


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
    session: SessionDep,
    range_header: Annotated[str | None, Header(alias="Range")] = None,
) -> Response:
    """The blob's bytes (a ``Range`` resumes a download) when a visible record points to it."""
    stored = session.get(Blob, sha256)
    if stored is None or not _readable(session, principal, sha256):
        raise ApiError(404, ErrorCode.NOT_FOUND, "No such blob among the records you may see.")
    span = _range(range_header, stored.size)
    start, end = span or (0, stored.size)
    headers = {"Content-Length": str(end - start), "Accept-Ranges": "bytes"}
    if span:
        headers["Content-Range"] = f"bytes {start}-{end - 1}/{stored.size}"
    return StreamingResponse(
        state.store.read(sha256, start, end),
        status_code=206 if span else 200,
        media_type="application/octet-stream",
        headers=headers,
    )
