"""After a crash the store keeps only what evidence rows record (once a day has passed)."""

from __future__ import annotations

import os
import time

from inspector_app.evidence.recording import add_evidence
from inspector_app.evidence.store import (
    STALE_TEMPORARY_SECONDS,
    TEMPORARY_PREFIX,
    blob_path,
    store_original,
)
from inspector_app.evidence.tidy import tidy_evidence_store
from inspector_app.profiles import OpenProfile
from local_db.enums import EvidenceKind


def _age(path: os.PathLike[str]) -> None:
    old = time.time() - STALE_TEMPORARY_SECONDS - 60
    os.utime(path, (old, old))


def test_orphans_and_stale_temporaries_go_recorded_originals_stay(
    profile: OpenProfile, case_id: str
) -> None:
    kept = add_evidence(profile=profile, case_id=case_id, source=b"recorded original",
                        kind=EvidenceKind.DOCUMENT, caption="保留")  # fmt: skip
    # A blob written by a recording that crashed before its row was committed.
    orphan = store_original(profile, b"never recorded")
    orphan_path = blob_path(profile, orphan.sha256)
    fresh = store_original(profile, b"recording in progress")
    fresh_path = blob_path(profile, fresh.sha256)
    temporary = orphan_path.parent / f"{TEMPORARY_PREFIX}killed"
    temporary.write_bytes(b"half")
    kept_path = blob_path(profile, kept.sha256)
    for path in (orphan_path, temporary, kept_path):
        _age(path)

    report = tidy_evidence_store(profile)

    assert (report.temporary_files, report.orphaned_originals) == (1, 1)
    assert kept_path.exists() and fresh_path.exists()
    assert not orphan_path.exists() and not temporary.exists()


def test_evidence_supports_only_records_of_its_own_case(profile: OpenProfile, case_id: str) -> None:
    import pytest

    from inspector_app.casework.links import LinkRef
    from local_db.enums import LinkKind

    with pytest.raises(ValueError, match="own case"):
        add_evidence(
            profile=profile,
            case_id=case_id,
            source=b"x",
            kind=EvidenceKind.PHOTO,
            caption="跨案卷",
            supports=[LinkRef(LinkKind.FINDING, "no-such-finding")],
        )
