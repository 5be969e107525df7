"""The blob store: cancellation and crashes leave no half file under a final name."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from inspector_app.evidence.catalog import list_evidence
from inspector_app.evidence.recording import add_evidence
from inspector_app.evidence.store import (
    CHUNK_SIZE,
    TEMPORARY_PREFIX,
    BlobError,
    export_original,
    store_folder,
    store_original,
    sweep_temporary_files,
)
from inspector_app.profiles import OpenProfile
from inspector_app.progress import Cancelled, Progress
from local_db.enums import EvidenceKind


def test_cancelling_stores_nothing_and_records_nothing(
    profile: OpenProfile, case_id: str, tmp_path: Path
) -> None:
    source = tmp_path / "video.mp4"
    source.write_bytes(os.urandom(3 * CHUNK_SIZE))
    progress = Progress()

    def cancel_when_encrypting(done: int, total: int | None, label: str) -> None:
        if "Encrypting" in label:
            progress.cancel()

    progress.callback = cancel_when_encrypting
    progress.min_interval = 0
    with pytest.raises(Cancelled):
        add_evidence(
            profile=profile,
            case_id=case_id,
            source=source,
            kind=EvidenceKind.VIDEO,
            caption="监控录像",
            progress=progress,
        )
    assert [p for p in store_folder(profile).rglob("*") if p.is_file()] == []
    assert list_evidence(profile=profile, case_id=case_id) == []


def test_stale_temporary_files_are_swept(profile: OpenProfile) -> None:
    blob = store_original(profile, b"content")
    stale = blob.path.parent / f"{TEMPORARY_PREFIX}deadbeef"
    fresh = blob.path.parent / f"{TEMPORARY_PREFIX}cafebabe"
    stale.write_bytes(b"half")
    fresh.write_bytes(b"being written")
    old = time.time() - 3 * 24 * 3600
    os.utime(stale, (old, old))
    assert sweep_temporary_files(profile) == 1
    assert not stale.exists() and fresh.exists() and blob.path.exists()


def test_export_of_a_damaged_original_leaves_no_file(profile: OpenProfile, tmp_path: Path) -> None:
    blob = store_original(profile, os.urandom(CHUNK_SIZE + 10))
    data = bytearray(blob.path.read_bytes())
    data[-1] ^= 1
    blob.path.write_bytes(bytes(data))
    folder = tmp_path / "exports"
    folder.mkdir()
    with pytest.raises(BlobError):
        export_original(profile, blob.sha256, folder / "out.bin")
    assert list(folder.iterdir()) == []
