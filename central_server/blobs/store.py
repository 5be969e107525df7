"""The interface every blob store offers, and the folder store.

Uploads are resumable: the bytes received so far for a SHA-256 are kept as a *partial*
that any replica can continue (the partial lives in the store, not in a process), and the
blob is published under its hash only after the whole content hashed to it. A partial is
shared by whoever uploads the same content: the bytes at an offset are the same for all.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

READ_CHUNK = 1024 * 1024


class HashMismatchError(Exception):
    """The received bytes do not hash to the announced SHA-256; the partial was discarded."""


class BlobStore(Protocol):
    """What the API needs from a store."""

    def exists(self, sha256: str) -> bool:
        """True when a verified blob is stored."""
        ...

    def size(self, sha256: str) -> int:
        """The stored blob's size in bytes."""
        ...

    def read(self, sha256: str, start: int = 0, end: int | None = None) -> Iterator[bytes]:
        """The blob's bytes from ``start`` up to ``end`` (exclusive), in chunks."""
        ...

    def partial_size(self, sha256: str) -> int:
        """Bytes received so far of an unfinished upload (0 when none)."""
        ...

    def append(self, sha256: str, offset: int, data: bytes) -> int:
        """Append at ``offset`` (must equal :meth:`partial_size`); returns the new size."""
        ...

    def publish(self, sha256: str) -> int:
        """Verify the partial's hash and store it as the blob; returns its size."""
        ...

    def discard(self, sha256: str) -> None:
        """Forget an unfinished upload."""
        ...

    def check(self) -> None:
        """Raise when the store cannot be used (readiness)."""
        ...


class OffsetMismatchError(Exception):
    """An append did not start where the partial ends; ``expected`` says where it does."""

    def __init__(self, expected: int) -> None:
        super().__init__(f"the upload continues at byte {expected}")
        self.expected = expected


class FolderStore:
    """Blobs as files ``blobs/ab/abcdef…``, partials under ``partial/``; writes are fsynced."""

    def __init__(self, root: Path) -> None:
        self.root = root
        (root / "partial").mkdir(parents=True, exist_ok=True)

    def _blob(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def _partial(self, sha256: str) -> Path:
        return self.root / "partial" / f"{sha256}.part"

    def exists(self, sha256: str) -> bool:
        return self._blob(sha256).is_file()

    def size(self, sha256: str) -> int:
        return self._blob(sha256).stat().st_size

    def read(self, sha256: str, start: int = 0, end: int | None = None) -> Iterator[bytes]:
        with self._blob(sha256).open("rb") as handle:
            handle.seek(start)
            remaining = None if end is None else max(0, end - start)
            while remaining is None or remaining > 0:
                chunk = handle.read(READ_CHUNK if remaining is None else min(READ_CHUNK, remaining))
                if not chunk:
                    return
                if remaining is not None:
                    remaining -= len(chunk)
                yield chunk

    def partial_size(self, sha256: str) -> int:
        try:
            return self._partial(sha256).stat().st_size
        except FileNotFoundError:
            return 0

    def append(self, sha256: str, offset: int, data: bytes) -> int:
        path = self._partial(sha256)
        with path.open("ab") as handle:
            current = handle.tell()
            if current != offset:
                raise OffsetMismatchError(current)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
            return handle.tell()

    def publish(self, sha256: str) -> int:
        partial = self._partial(sha256)
        digest = hashlib.sha256()
        with partial.open("rb") as handle:
            while chunk := handle.read(READ_CHUNK):
                digest.update(chunk)
        if digest.hexdigest() != sha256:
            partial.unlink(missing_ok=True)
            raise HashMismatchError(sha256)
        target = self._blob(sha256)
        target.parent.mkdir(parents=True, exist_ok=True)
        size = partial.stat().st_size
        partial.replace(target)
        with contextlib.suppress(OSError):
            directory = os.open(target.parent, os.O_RDONLY)
            try:
                os.fsync(directory)
            finally:
                os.close(directory)
        return size

    def discard(self, sha256: str) -> None:
        self._partial(sha256).unlink(missing_ok=True)

    def check(self) -> None:
        probe = self.root / "partial" / ".ready"
        probe.write_bytes(b"ok")
        probe.unlink()


def open_store(location: str, endpoint_url: str | None = None) -> BlobStore:
    """The store at ``location``: ``s3://bucket/prefix`` or a folder path."""
    if location.startswith("s3://"):
        from central_server.blobs.s3 import S3Store

        return S3Store.from_url(location, endpoint_url=endpoint_url)
    return FolderStore(Path(location))
