"""The blob store on S3 (or any S3-compatible service: MinIO, Ceph RGW, …).

Layout under the configured prefix:

* ``blobs/ab/abcdef…`` — a verified blob, stored under its SHA-256;
* ``partial/<sha256>/<offset:015d>`` — one object per appended chunk of an unfinished upload.

Why one object per chunk: an S3 object cannot be appended to, and a multipart upload
cannot hold the chunks either, since every part but the last must be at least 5 MiB while
clients send smaller chunks, and a part list lives with one upload id rather than with the
content. Separate chunk objects keep the whole partial in the bucket, so any stateless
replica can list them, tell how far the upload got, and continue it. Publishing streams the
chunks in order through SHA-256 and, at the same time, into the final object (a multipart
upload with parts of :data:`DEFAULT_PART_SIZE` assembled in a bounded buffer, or a single
``put_object`` for small blobs); the final object becomes visible only once the hash matched.

Concurrency: checking the offset and writing the chunk are two requests, so two uploaders of
the same content may both append at the same offset. They write the same key with the same
bytes (the partial is content-addressed: the byte at an offset is the same for everyone), so
the race is harmless. Should their chunk lengths differ, the later write may shorten the
contiguous run; the partial then simply reports fewer bytes received, and the next append
gets an :class:`~central_server.blobs.store.OffsetMismatchError` telling where to resume.
Chunks beyond a gap (or overlapped by an earlier chunk) are ignored when sizing the partial
and deleted when the partial is published or discarded.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import boto3  # type: ignore[import-untyped]
from botocore.config import Config  # type: ignore[import-untyped]
from botocore.exceptions import ClientError  # type: ignore[import-untyped]

from central_server.blobs.store import READ_CHUNK, HashMismatchError, OffsetMismatchError

MIN_PART_SIZE = 5 * 1024 * 1024
"""S3's smallest part of a multipart upload (all parts but the last)."""
DEFAULT_PART_SIZE = 8 * 1024 * 1024
"""Part size when publishing: 10,000 parts of 8 MiB allow blobs up to ~78 GiB."""
DEFAULT_REGION = "us-east-1"
_DELETE_BATCH = 1000  # delete_objects takes at most 1,000 keys
_NOT_FOUND = {"404", "NoSuchKey", "NotFound"}

S3Client = Any
"""A boto3 S3 client (boto3 ships no type information)."""


@dataclass(frozen=True)
class _Chunk:
    key: str
    offset: int
    size: int


def _error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


class S3Store:
    """Blobs as objects ``<prefix>blobs/ab/abcdef…``; partials as chunk objects (see module)."""

    def __init__(
        self,
        client: S3Client,
        bucket: str,
        prefix: str = "",
        *,
        part_size: int = DEFAULT_PART_SIZE,
    ) -> None:
        if part_size < MIN_PART_SIZE:
            raise ValueError(f"parts must be at least {MIN_PART_SIZE} bytes")
        if prefix and not prefix.endswith("/"):
            prefix += "/"
        self.client = client
        self.bucket = bucket
        self.prefix = prefix
        self.part_size = part_size

    @classmethod
    def from_url(
        cls, url: str, endpoint_url: str | None = None, *, part_size: int = DEFAULT_PART_SIZE
    ) -> S3Store:
        """The store at ``s3://bucket`` or ``s3://bucket/prefix``.

        Credentials and region come from boto3's usual sources (``AWS_ACCESS_KEY_ID``,
        ``AWS_REGION``, ``~/.aws/…``, instance roles); the region defaults to us-east-1.
        With an ``endpoint_url`` (an S3-compatible service) path-style addressing is used.
        """
        parts = urlsplit(url)
        if parts.scheme != "s3" or not parts.netloc:
            raise ValueError(f"not an s3://bucket/prefix location: {url!r}")
        prefix = parts.path.strip("/")
        session = boto3.session.Session()
        config = Config(
            connect_timeout=10,
            read_timeout=60,
            retries={"max_attempts": 3, "mode": "standard"},
            s3={"addressing_style": "path"} if endpoint_url else None,
        )
        client = session.client(
            "s3",
            region_name=session.region_name or DEFAULT_REGION,
            endpoint_url=endpoint_url,
            config=config,
        )
        return cls(client, parts.netloc, f"{prefix}/" if prefix else "", part_size=part_size)

    # ------------------------------------------------------------------ keys

    def _blob_key(self, sha256: str) -> str:
        return f"{self.prefix}blobs/{sha256[:2]}/{sha256}"

    def _partial_prefix(self, sha256: str) -> str:
        return f"{self.prefix}partial/{sha256}/"

    def _chunk_key(self, sha256: str, offset: int) -> str:
        return f"{self._partial_prefix(sha256)}{offset:015d}"

    # ------------------------------------------------------------------ blobs

    def _head(self, sha256: str) -> dict[str, Any] | None:
        try:
            head: dict[str, Any] = self.client.head_object(
                Bucket=self.bucket, Key=self._blob_key(sha256)
            )
        except ClientError as error:
            if _error_code(error) in _NOT_FOUND:
                return None
            raise
        return head

    def exists(self, sha256: str) -> bool:
        return self._head(sha256) is not None

    def size(self, sha256: str) -> int:
        head = self._head(sha256)
        if head is None:
            raise FileNotFoundError(self._blob_key(sha256))
        return int(head["ContentLength"])

    def read(self, sha256: str, start: int = 0, end: int | None = None) -> Iterator[bytes]:
        if end is not None and end <= start:
            return
        request: dict[str, Any] = {"Bucket": self.bucket, "Key": self._blob_key(sha256)}
        if start > 0 or end is not None:
            request["Range"] = f"bytes={start}-{'' if end is None else end - 1}"
        try:
            response = self.client.get_object(**request)
        except ClientError as error:
            code = _error_code(error)
            if code in _NOT_FOUND:
                raise FileNotFoundError(request["Key"]) from error
            if code == "InvalidRange":  # starts at or past the end (or the blob is empty)
                return
            raise
        body = response["Body"]
        try:
            for chunk in body.iter_chunks(READ_CHUNK):
                if chunk:
                    yield bytes(chunk)
        finally:
            body.close()

    # ------------------------------------------------------------------ partials

    def _listed(self, sha256: str) -> list[_Chunk]:
        """Every chunk object of the partial, by offset (strays included)."""
        chunks: list[_Chunk] = []
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=self._partial_prefix(sha256)):
            for entry in page.get("Contents", []):
                key = str(entry["Key"])
                name = key.rsplit("/", 1)[-1]
                if name.isdigit():
                    chunks.append(_Chunk(key=key, offset=int(name), size=int(entry["Size"])))
        chunks.sort(key=lambda chunk: chunk.offset)
        return chunks

    @staticmethod
    def _contiguous(chunks: Iterable[_Chunk]) -> list[_Chunk]:
        """The run of chunks that starts at 0 and has no gap; the rest is ignored."""
        run: list[_Chunk] = []
        expected = 0
        for chunk in chunks:
            if chunk.offset == expected:
                run.append(chunk)
                expected += chunk.size
            elif chunk.offset > expected:
                break
        return run

    def partial_size(self, sha256: str) -> int:
        return sum(chunk.size for chunk in self._contiguous(self._listed(sha256)))

    def append(self, sha256: str, offset: int, data: bytes) -> int:
        current = self.partial_size(sha256)
        if offset != current:
            raise OffsetMismatchError(current)
        if data or offset == 0:  # an empty chunk at 0 marks an empty upload as started
            self.client.put_object(
                Bucket=self.bucket, Key=self._chunk_key(sha256, offset), Body=data
            )
        return current + len(data)

    def _chunk_bytes(self, run: Iterable[_Chunk]) -> Iterator[bytes]:
        for chunk in run:
            if chunk.size == 0:
                continue
            body = self.client.get_object(Bucket=self.bucket, Key=chunk.key)["Body"]
            try:
                received = 0
                for piece in body.iter_chunks(READ_CHUNK):
                    received += len(piece)
                    yield bytes(piece)
            finally:
                body.close()
            if received != chunk.size:
                raise OSError(f"chunk {chunk.key} changed while it was read")

    def publish(self, sha256: str) -> int:
        listed = self._listed(sha256)
        if not listed:
            raise FileNotFoundError(self._partial_prefix(sha256))
        run = self._contiguous(listed)
        if self.exists(sha256):
            size = self._verify(sha256, run)  # dedup: hash the partial, store nothing
        else:
            size = self._store_verified(sha256, run)
        self._delete([chunk.key for chunk in listed])
        return size

    def _verify(self, sha256: str, run: list[_Chunk]) -> int:
        digest = hashlib.sha256()
        size = 0
        for piece in self._chunk_bytes(run):
            digest.update(piece)
            size += len(piece)
        self._check_digest(sha256, digest.hexdigest())
        return size

    def _check_digest(self, sha256: str, hexdigest: str) -> None:
        if hexdigest != sha256:
            self.discard(sha256)
            raise HashMismatchError(sha256)

    def _store_verified(self, sha256: str, run: list[_Chunk]) -> int:
        """Hash the chunks while writing the blob; complete the write only if the hash matches."""
        key = self._blob_key(sha256)
        digest = hashlib.sha256()
        buffer = bytearray()
        size = 0
        upload_id: str | None = None
        parts: list[dict[str, Any]] = []

        def upload_part(data: bytes) -> None:
            number = len(parts) + 1
            response = self.client.upload_part(
                Bucket=self.bucket, Key=key, UploadId=upload_id, PartNumber=number, Body=data
            )
            parts.append({"PartNumber": number, "ETag": response["ETag"]})

        try:
            for piece in self._chunk_bytes(run):
                digest.update(piece)
                size += len(piece)
                buffer += piece
                while len(buffer) >= self.part_size:
                    if upload_id is None:
                        created = self.client.create_multipart_upload(Bucket=self.bucket, Key=key)
                        upload_id = str(created["UploadId"])
                    with memoryview(buffer) as view:  # one copy of the part, not two
                        part = bytes(view[: self.part_size])
                    upload_part(part)
                    del buffer[: self.part_size]
            self._check_digest(sha256, digest.hexdigest())
            if upload_id is None:
                self.client.put_object(Bucket=self.bucket, Key=key, Body=bytes(buffer))
            else:
                if buffer:
                    upload_part(bytes(buffer))
                self.client.complete_multipart_upload(
                    Bucket=self.bucket,
                    Key=key,
                    UploadId=upload_id,
                    MultipartUpload={"Parts": parts},
                )
                upload_id = None
        finally:
            if upload_id is not None:  # mismatch or failure: drop the uploaded parts
                # A failed abort must not hide the original error; a bucket lifecycle rule
                # (AbortIncompleteMultipartUpload) collects what is left.
                with contextlib.suppress(ClientError):
                    self.client.abort_multipart_upload(
                        Bucket=self.bucket, Key=key, UploadId=upload_id
                    )
        return size

    def discard(self, sha256: str) -> None:
        self._delete([chunk.key for chunk in self._listed(sha256)])

    def _delete(self, keys: list[str]) -> None:
        for first in range(0, len(keys), _DELETE_BATCH):
            batch = keys[first : first + _DELETE_BATCH]
            response = self.client.delete_objects(
                Bucket=self.bucket,
                Delete={"Objects": [{"Key": key} for key in batch], "Quiet": True},
            )
            if errors := response.get("Errors"):
                first_error = errors[0]
                raise OSError(
                    f"could not delete {len(errors)} chunk object(s), e.g. "
                    f"{first_error.get('Key')}: {first_error.get('Message')}"
                )

    def check(self) -> None:
        self.client.head_bucket(Bucket=self.bucket)
