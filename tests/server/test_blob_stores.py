"""Both blob stores keep the same contract: resumable, verified, deduplicated, ranged reads.

The S3 store runs against moto's S3 server in its own process (a real HTTP endpoint).
"""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import boto3  # type: ignore[import-untyped]
import pytest
from botocore.exceptions import ClientError  # type: ignore[import-untyped]

from central_server.blobs.s3 import DEFAULT_PART_SIZE, MIN_PART_SIZE, S3Store
from central_server.blobs.store import (
    BlobStore,
    FolderStore,
    HashMismatchError,
    OffsetMismatchError,
    open_store,
)
from tests.server.s3_emulator import DUMMY_AWS_ENVIRONMENT, running_s3_emulator

BUCKET = "fund-inspector-blobs"
MIB = 1024 * 1024
OpenReplica = Callable[[], BlobStore]


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _read(store: BlobStore, sha256: str, start: int = 0, end: int | None = None) -> bytes:
    return b"".join(store.read(sha256, start, end))


def _upload(store: BlobStore, data: bytes, chunk: int) -> str:
    sha256 = _sha(data)
    for offset in range(0, len(data), chunk):
        assert store.append(sha256, offset, data[offset : offset + chunk]) == min(
            offset + chunk, len(data)
        )
    assert store.publish(sha256) == len(data)
    return sha256


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    """One emulator (with the bucket) for the module; each test uses its own prefix."""
    with pytest.MonkeyPatch.context() as patch, running_s3_emulator() as endpoint:
        for name in ("AWS_PROFILE", "AWS_REGION", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3"):
            patch.delenv(name, raising=False)
        for name, value in DUMMY_AWS_ENVIRONMENT.items():
            patch.setenv(name, value)
        boto3.client("s3", endpoint_url=endpoint).create_bucket(Bucket=BUCKET)
        yield endpoint


@pytest.fixture(params=["folder", "s3"])
def open_replica(request: pytest.FixtureRequest, tmp_path: Path) -> OpenReplica:
    """Opens the test's store afresh, as another stateless server replica would."""
    if request.param == "folder":
        location, endpoint = str(tmp_path / "blobs"), None
    else:
        endpoint = request.getfixturevalue("s3_endpoint")
        location = f"s3://{BUCKET}/tests/{uuid.uuid4().hex}"
    return lambda: open_store(location, endpoint)


@pytest.fixture
def store(open_replica: OpenReplica) -> BlobStore:
    return open_replica()


@pytest.fixture
def s3(s3_endpoint: str) -> S3Store:
    """An S3 store of its own, for what only S3 does."""
    return S3Store.from_url(f"s3://{BUCKET}/tests/{uuid.uuid4().hex}", endpoint_url=s3_endpoint)


def _s3_keys(store: S3Store) -> list[str]:
    listed = store.client.list_objects_v2(Bucket=store.bucket, Prefix=store.prefix)
    return [str(entry["Key"]) for entry in listed.get("Contents", [])]


# ---------------------------------------------------------------- the shared contract


def test_chunks_are_published_then_read_whole_and_in_ranges(store: BlobStore) -> None:
    data = os.urandom(3000)
    sha256 = _sha(data)
    assert not store.exists(sha256)
    assert store.partial_size(sha256) == 0

    assert _upload(store, data, 1000) == sha256

    assert store.exists(sha256)
    assert store.size(sha256) == 3000
    assert store.partial_size(sha256) == 0
    assert _read(store, sha256) == data
    assert _read(store, sha256, 0, 10) == data[:10]
    assert _read(store, sha256, 10, 2500) == data[10:2500]
    assert _read(store, sha256, 2999) == data[2999:]
    assert _read(store, sha256, 1234, None) == data[1234:]
    assert _read(store, sha256, 0, 10_000) == data
    assert _read(store, sha256, 100, 100) == b""
    assert _read(store, sha256, 3000) == b""


def test_a_missing_blob_is_not_found(store: BlobStore) -> None:
    sha256 = _sha(b"never uploaded")
    assert not store.exists(sha256)
    with pytest.raises(FileNotFoundError):
        store.size(sha256)
    with pytest.raises(FileNotFoundError):
        _read(store, sha256)
    with pytest.raises(FileNotFoundError):
        store.publish(sha256)


def test_another_replica_resumes_the_upload(store: BlobStore, open_replica: OpenReplica) -> None:
    data = os.urandom(2500)
    sha256 = _sha(data)
    assert store.append(sha256, 0, data[:1000]) == 1000
    assert store.append(sha256, 1000, data[1000:1700]) == 1700

    replica = open_replica()
    assert replica.partial_size(sha256) == 1700
    assert replica.append(sha256, 1700, data[1700:]) == 2500
    assert store.partial_size(sha256) == 2500
    assert store.publish(sha256) == 2500

    assert replica.exists(sha256)
    assert _read(replica, sha256) == data


def test_an_append_elsewhere_than_the_end_says_where_the_end_is(store: BlobStore) -> None:
    data = os.urandom(300)
    sha256 = _sha(data)
    with pytest.raises(OffsetMismatchError) as fresh:
        store.append(sha256, 5, data[5:])
    assert fresh.value.expected == 0

    store.append(sha256, 0, data[:100])
    with pytest.raises(OffsetMismatchError) as again:
        store.append(sha256, 0, data[:100])
    assert again.value.expected == 100
    with pytest.raises(OffsetMismatchError) as ahead:
        store.append(sha256, 150, data[150:])
    assert ahead.value.expected == 100
    assert store.partial_size(sha256) == 100

    store.append(sha256, 100, data[100:])
    assert store.publish(sha256) == 300
    assert _read(store, sha256) == data


def test_a_hash_mismatch_discards_the_partial_and_stores_nothing(store: BlobStore) -> None:
    announced = _sha(b"what the client promised")
    store.append(announced, 0, b"what the client ")
    store.append(announced, 16, b"actually sent")

    with pytest.raises(HashMismatchError):
        store.publish(announced)

    assert store.partial_size(announced) == 0
    assert not store.exists(announced)
    if isinstance(store, S3Store):
        assert _s3_keys(store) == []
    # The upload can start over.
    assert _upload(store, b"what the client promised", 10) == announced


def test_identical_content_is_published_twice_without_harm(store: BlobStore) -> None:
    data = b"the same scanned invoice" * 100
    sha256 = _upload(store, data, 1000)
    assert _upload(store, data, 700) == sha256
    assert store.size(sha256) == len(data)
    assert _read(store, sha256) == data
    assert store.partial_size(sha256) == 0

    # Wrong bytes for a stored hash are still refused, and the stored blob is untouched.
    store.append(sha256, 0, b"forged")
    with pytest.raises(HashMismatchError):
        store.publish(sha256)
    assert _read(store, sha256) == data


def test_an_empty_blob_is_one_empty_append(store: BlobStore) -> None:
    sha256 = _sha(b"")
    assert store.append(sha256, 0, b"") == 0
    assert store.publish(sha256) == 0
    assert store.exists(sha256)
    assert store.size(sha256) == 0
    assert _read(store, sha256) == b""
    assert _read(store, sha256, 0, 0) == b""


def test_discard_forgets_the_partial(store: BlobStore) -> None:
    sha256 = _sha(b"abandoned")
    store.append(sha256, 0, b"aban")
    store.discard(sha256)
    assert store.partial_size(sha256) == 0
    store.discard(sha256)  # forgetting nothing is fine
    with pytest.raises(OffsetMismatchError):
        store.append(sha256, 4, b"doned")


def test_a_large_blob_in_one_mib_chunks(store: BlobStore) -> None:
    data = os.urandom(12 * MIB)
    sha256 = _upload(store, data, MIB)

    assert store.size(sha256) == len(data)
    chunks = list(store.read(sha256))
    assert all(len(chunk) <= MIB for chunk in chunks)
    assert b"".join(chunks) == data
    boundary = DEFAULT_PART_SIZE  # where the S3 store's first part ends
    assert _read(store, sha256, boundary - 10, boundary + 10) == data[boundary - 10 : boundary + 10]
    if isinstance(store, S3Store):
        head = store.client.head_object(Bucket=store.bucket, Key=store._blob_key(sha256))
        assert str(head["ETag"]).endswith('-2"')  # a multipart upload of 8 + 4 MiB
        assert _s3_keys(store) == [store._blob_key(sha256)]
        uploads = store.client.list_multipart_uploads(Bucket=store.bucket, Prefix=store.prefix)
        assert not uploads.get("Uploads")


def test_check_passes_on_a_usable_store(store: BlobStore) -> None:
    store.check()


# ---------------------------------------------------------------- S3 specifics


def test_a_mismatch_after_some_parts_aborts_the_multipart_upload(s3: S3Store) -> None:
    small_parts = S3Store(s3.client, s3.bucket, s3.prefix, part_size=MIN_PART_SIZE)
    announced = _sha(b"something else")
    data = os.urandom(6 * MIB)
    for offset in range(0, len(data), MIB):
        small_parts.append(announced, offset, data[offset : offset + MIB])

    with pytest.raises(HashMismatchError):
        small_parts.publish(announced)

    assert _s3_keys(s3) == []
    uploads = s3.client.list_multipart_uploads(Bucket=s3.bucket, Prefix=s3.prefix)
    assert not uploads.get("Uploads")


def test_chunks_beyond_a_gap_are_ignored_then_removed(s3: S3Store) -> None:
    data = os.urandom(900)
    sha256 = _sha(data)
    s3.append(sha256, 0, data[:300])
    stray = s3._chunk_key(sha256, 600)
    s3.client.put_object(Bucket=s3.bucket, Key=stray, Body=data[600:])
    assert s3.partial_size(sha256) == 300

    s3.append(sha256, 300, data[300:500])
    assert s3.partial_size(sha256) == 500
    s3.append(sha256, 500, data[500:])
    assert s3.publish(sha256) == 900
    assert _read(s3, sha256) == data
    assert _s3_keys(s3) == [s3._blob_key(sha256)]


def test_a_late_shorter_append_at_the_same_offset_only_shortens_the_partial(s3: S3Store) -> None:
    data = os.urandom(400)
    sha256 = _sha(data)
    s3.append(sha256, 0, data[:200])
    s3.append(sha256, 200, data[200:300])
    # A second uploader, which also saw an empty partial, writes its smaller first chunk.
    s3.client.put_object(Bucket=s3.bucket, Key=s3._chunk_key(sha256, 0), Body=data[:100])

    with pytest.raises(OffsetMismatchError) as mismatch:
        s3.append(sha256, 300, data[300:])
    assert mismatch.value.expected == 100
    s3.append(sha256, 100, data[100:])
    assert s3.publish(sha256) == 400
    assert _read(s3, sha256) == data
    assert _s3_keys(s3) == [s3._blob_key(sha256)]


def test_check_fails_for_a_missing_bucket(s3_endpoint: str) -> None:
    store = S3Store.from_url("s3://no-such-bucket/blobs", endpoint_url=s3_endpoint)
    with pytest.raises(ClientError):
        store.check()


def test_open_store_reads_bucket_and_prefix(s3_endpoint: str) -> None:
    for location, prefix in [
        ("s3://bucket", ""),
        ("s3://bucket/", ""),
        ("s3://bucket/blobs", "blobs/"),
        ("s3://bucket/team/blobs/", "team/blobs/"),
    ]:
        opened = open_store(location, s3_endpoint)
        assert isinstance(opened, S3Store)
        assert (opened.bucket, opened.prefix) == ("bucket", prefix)
    with pytest.raises(ValueError, match="s3://"):
        S3Store.from_url("s3:///blobs")
    with pytest.raises(ValueError, match="at least"):
        S3Store(boto3.client("s3", endpoint_url=s3_endpoint), BUCKET, part_size=MIB)


def test_folder_locations_stay_folders(tmp_path: Path) -> None:
    assert isinstance(open_store(str(tmp_path / "blobs")), FolderStore)
