"""The encrypted store of evidence originals, beside the profile database.

Layout: ``<profile>/evidence/<first 2 hex>/<name>`` where ``name`` is
HMAC-SHA256(derive_key("evidence-names"), sha256) in hex, so no plaintext hash of any
original appears on disk. Identical content is stored once.

File format (version 1)::

    header  = b"FIEVBLOB" || version (1 byte) || chunk size (4 bytes BE) || salt (32 bytes)
    chunk i = AES-256-GCM(file key, nonce_i, plaintext_i, aad = header || sha256)

The file key is HKDF-SHA256(derive_key("evidence-blobs"), salt, "fund-inspector/evidence-
chunk"): a fresh key per file, so nonces never repeat across files. ``nonce_i`` is the chunk
index (11 bytes, big-endian) followed by a final-chunk flag (1 byte): chunks cannot be
reordered, dropped from the end or taken from another file, and every tag also binds the
original's SHA-256 (the STREAM construction, Hoang, Reyhanitabar, Rogaway & Vizár, CRYPTO
2015). An empty original is one empty final chunk.

Files are written to a temporary name in the same folder, fsynced and renamed, so a kill
never leaves a half file under a final name. Originals are streamed in 1 MiB chunks: a 2 GB
video never sits in memory.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from inspector_app.i18n import _
from inspector_app.profiles import PRIVATE_DIR_MODE, PRIVATE_FILE_MODE, OpenProfile
from inspector_app.progress import Progress

STORE_FOLDER = "evidence"
MAGIC = b"FIEVBLOB"
VERSION = 1
CHUNK_SIZE = 1024 * 1024
TAG_SIZE = 16
SALT_SIZE = 32
HEADER_SIZE = len(MAGIC) + 1 + 4 + SALT_SIZE
TEMPORARY_PREFIX = ".tmp-"
# A temporary file this old belongs to no running writer: a kill -9 left it.
STALE_TEMPORARY_SECONDS = 24 * 3600


class BlobError(Exception):
    """An original is missing, damaged or does not match its recorded hash (user-facing)."""


class SourceChangedError(BlobError):
    """The file changed while it was being added."""


@dataclass(frozen=True)
class StoredBlob:
    """What storing an original produced."""

    sha256: str
    size_bytes: int
    path: Path
    already_stored: bool


class _Keys:
    def __init__(self, profile: OpenProfile) -> None:
        self.blobs = profile.derive_key("evidence-blobs")

    def file_cipher(self, salt: bytes) -> AESGCM:
        key = HKDF(
            algorithm=hashes.SHA256(),
            length=32,
            salt=salt,
            info=b"fund-inspector/evidence-chunk",
        ).derive(self.blobs)
        return AESGCM(key)


def store_folder(profile: OpenProfile) -> Path:
    """The folder of encrypted originals (it may not exist yet)."""
    return profile.path / STORE_FOLDER


def blob_path(profile: OpenProfile, sha256: str) -> Path:
    """Where the original with this SHA-256 is (or would be) stored."""
    name = hmac.new(
        profile.derive_key("evidence-names"), sha256.encode("ascii"), hashlib.sha256
    ).hexdigest()
    return store_folder(profile) / name[:2] / name


def _nonce(index: int, final: bool) -> bytes:
    return index.to_bytes(11, "big") + (b"\x01" if final else b"\x00")


def _header(salt: bytes, chunk_size: int) -> bytes:
    return MAGIC + bytes([VERSION]) + chunk_size.to_bytes(4, "big") + salt


def _source_chunks(source: Path | bytes, chunk_size: int) -> Iterator[bytes]:
    if isinstance(source, bytes):
        for start in range(0, len(source), chunk_size):
            yield source[start : start + chunk_size]
        return
    with source.open("rb") as handle:
        while chunk := handle.read(chunk_size):
            yield chunk


def _with_final_flag(chunks: Iterable[bytes]) -> Iterator[tuple[bytes, bool]]:
    """Pairs (chunk, is_last); an empty source yields one empty final chunk."""
    iterator = iter(chunks)
    previous = next(iterator, b"")
    for chunk in iterator:
        yield previous, False
        previous = chunk
    yield previous, True


def hash_source(source: Path | bytes, progress: Progress | None = None) -> tuple[str, int]:
    """(SHA-256 hex, size) of an original, streamed."""
    digest = hashlib.sha256()
    size = 0
    for chunk in _source_chunks(source, CHUNK_SIZE):
        digest.update(chunk)
        size += len(chunk)
        if progress is not None:
            progress.advance(len(chunk))
    return digest.hexdigest(), size


def _fsync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not every platform can open a directory
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def _private_folder(folder: Path) -> None:
    folder.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)


def sweep_temporary_files(profile: OpenProfile) -> int:
    """Remove temporary files a killed writer left behind; returns how many."""
    root = store_folder(profile)
    if not root.is_dir():
        return 0
    removed = 0
    limit = time.time() - STALE_TEMPORARY_SECONDS
    for file in root.glob(f"*/{TEMPORARY_PREFIX}*"):
        with contextlib.suppress(OSError):
            if file.stat().st_mtime < limit:
                file.unlink()
                removed += 1
    return removed


def sweep_orphaned_originals(profile: OpenProfile, recorded_sha256: Iterable[str]) -> int:
    """Remove originals no evidence row points to, once they are a day old; returns how many.

    The blob is written before the row that records it (the row must never point to a
    missing file), so a crash between the two leaves an encrypted file nobody references.
    The age limit keeps a recording in progress (file renamed, row not yet committed) safe.
    """
    root = store_folder(profile)
    if not root.is_dir():
        return 0
    wanted = {blob_path(profile, sha256) for sha256 in recorded_sha256}
    limit = time.time() - STALE_TEMPORARY_SECONDS
    removed = 0
    for file in root.glob("*/*"):
        if file.name.startswith(TEMPORARY_PREFIX) or file in wanted:
            continue
        with contextlib.suppress(OSError):
            if file.stat().st_mtime < limit:
                file.unlink()
                removed += 1
    return removed


def store_original(
    profile: OpenProfile,
    source: Path | bytes,
    *,
    progress: Progress | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> StoredBlob:
    """Encrypt an original into the store (once per content) and return its hash and size.

    Two passes over the source: the first hashes it (the hash is bound into every chunk and
    names the file, and a duplicate is found without encrypting anything); the second
    encrypts and hashes again, refusing the result if the file changed in between.

    Raises:
        SourceChangedError: the source changed between the passes; nothing was stored.
        OSError: the source could not be read or the store written.
    """
    size_hint = len(source) if isinstance(source, bytes) else source.stat().st_size
    if progress is not None:
        progress.start(_("Reading the file"), total=size_hint * 2 or None)
    sha256, size = hash_source(source, progress)
    target = blob_path(profile, sha256)
    if target.is_file():
        if progress is not None:
            progress.finish()
        return StoredBlob(sha256=sha256, size_bytes=size, path=target, already_stored=True)
    if progress is not None:
        progress.start(_("Encrypting the file"), total=size_hint * 2 or None)
        progress.advance(size)
    keys = _Keys(profile)
    salt = secrets.token_bytes(SALT_SIZE)
    header = _header(salt, chunk_size)
    aad = header + bytes.fromhex(sha256)
    cipher = keys.file_cipher(salt)
    _private_folder(target.parent)
    temporary = target.parent / f"{TEMPORARY_PREFIX}{secrets.token_hex(8)}"
    digest = hashlib.sha256()
    written = 0
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(header)
            chunks = _with_final_flag(_source_chunks(source, chunk_size))
            for index, (chunk, final) in enumerate(chunks):
                digest.update(chunk)
                written += len(chunk)
                handle.write(cipher.encrypt(_nonce(index, final), chunk, aad))
                if progress is not None:
                    progress.advance(len(chunk))
            handle.flush()
            os.fsync(handle.fileno())
        if digest.hexdigest() != sha256 or written != size:
            raise SourceChangedError(
                _("The file changed while it was being added; nothing was recorded.")
            )
        temporary.replace(target)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise
    _fsync_folder(target.parent)
    if progress is not None:
        progress.finish()
    return StoredBlob(sha256=sha256, size_bytes=size, path=target, already_stored=False)


def _read_exact(handle: BinaryIO, size: int) -> bytes:
    data = handle.read(size)
    return data if data is not None else b""


def open_original(profile: OpenProfile, sha256: str) -> Iterator[bytes]:
    """Yield the decrypted original in chunks; raise :class:`BlobError` on any mismatch.

    The SHA-256 is checked at the end: a caller that writes the chunks somewhere must treat
    everything it wrote as void when the iteration raises.
    """
    path = blob_path(profile, sha256)
    if not path.is_file():
        raise BlobError(_("The encrypted original is missing from the evidence store."))
    damaged = BlobError(_("The encrypted original is damaged or was altered."))
    keys = _Keys(profile)
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        total = os.fstat(handle.fileno()).st_size
        header = _read_exact(handle, HEADER_SIZE)
        if len(header) != HEADER_SIZE or not header.startswith(MAGIC) or header[8] != VERSION:
            raise damaged
        chunk_size = int.from_bytes(header[9:13], "big")
        if not 0 < chunk_size <= CHUNK_SIZE:  # a forged header must not make us read it all
            raise damaged
        cipher = keys.file_cipher(header[13:])
        aad = header + bytes.fromhex(sha256)
        index = 0
        while True:
            record = _read_exact(handle, chunk_size + TAG_SIZE)
            final = handle.tell() >= total
            if len(record) < TAG_SIZE:
                raise damaged
            try:
                plain = cipher.decrypt(_nonce(index, final), record, aad)
            except InvalidTag as exc:
                raise damaged from exc
            digest.update(plain)
            yield plain
            if final:
                break
            index += 1
    if digest.hexdigest() != sha256:
        raise damaged


def check_original(profile: OpenProfile, sha256: str, progress: Progress | None = None) -> None:
    """Decrypt and hash an original without keeping its bytes; raise :class:`BlobError`."""
    for chunk in open_original(profile, sha256):
        if progress is not None:
            progress.advance(len(chunk))


def read_original(profile: OpenProfile, sha256: str) -> bytes:
    """The whole original in memory (small files only: thumbnails, tests)."""
    return b"".join(open_original(profile, sha256))


def export_original(profile: OpenProfile, sha256: str, dest: Path) -> int:
    """Write the decrypted original to ``dest``, a place the user chose; returns its size.

    Written beside ``dest`` and renamed when complete and verified, so ``dest`` never holds a
    partial or unverified copy.
    """
    partial = dest.with_name(f".{dest.name}.partial-{secrets.token_hex(4)}")
    size = 0
    try:
        with partial.open("xb") as handle:
            for chunk in open_original(profile, sha256):
                handle.write(chunk)
                size += len(chunk)
            handle.flush()
            os.fsync(handle.fileno())
        partial.replace(dest)
    except BaseException:
        with contextlib.suppress(OSError):
            partial.unlink()
        raise
    return size
