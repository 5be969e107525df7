"""A desktop profile full of offline work for the bulk push: N case files, M evidence items.

Recording items one by one through ``add_evidence`` costs a session, a commit (fsync) and
two passes over the original per item; the benchmark needs thousands, so the rows are
inserted in bulk — but through the real ORM models in ordinary sessions, so the outbox hook
writes the same outbox rows a real edit writes (``local_db/outbox.py``), and every original
goes through the real encrypted store (``store_original``). Each item gets its signed
custody event, as ``add_evidence`` gives it; thumbnails are left out (documents, not photos).

Originals are random bytes (incompressible, no patient data), the same for a given index
in every run, so the raw-upload baseline can send exactly the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from bench.common import Stopwatch
from inspector_app.evidence.chain import (
    GENESIS_HASH,
    evidence_message,
)
from inspector_app.evidence.device import DeviceIdentity, device_identity
from inspector_app.evidence.recording import chained_event, recorded_fields
from inspector_app.evidence.store import StoredBlob, store_original
from inspector_app.profiles import OpenProfile, create_profile
from inspector_app.security.key_wrap import KdfParams
from local_db.enums import (
    CaseStatus,
    CustodyEventKind,
    EvidenceKind,
    TaskOrigin,
    TaskStatus,
    TaskType,
    UserRole,
)
from local_db.ids import new_id
from local_db.models import (
    CaseFile,
    CustodyEvent,
    EvidenceItem,
    InspectionTask,
    OutboxEntry,
    Region,
)
from local_db.types import utc_now

PASSWORD = "bench-sync-profile-pw"
# The server's demo team leader (``central_server.demo``): the pushed tasks are theirs.
USERNAME, DISPLAY_NAME = "demo.leader", "沈亦舟"
# The server's demo regions the tasks lie in (the desktop holds regions as plain rows).
REGIONS = (("990000", "示范省", None), ("990100", "示范市", "990000"))
TASK_REGION = "990100"
# Unlocking is not measured here: a cheap key derivation keeps set-up short.
CHEAP_KDF = KdfParams(time_cost=1, memory_kib=8 * 1024, parallelism=1)
CASES_PER_TRANSACTION = 50


@dataclass(frozen=True)
class BulkSize:
    """How much offline work the profile holds."""

    cases: int
    items: int
    total_bytes: int

    def item_sizes(self) -> list[int]:
        """Sizes from 0.5× to 1.5× the mean, deterministic, adding up to ``total_bytes``."""
        mean = self.total_bytes // self.items
        sizes = [mean // 2 + (index * 7919) % (mean + 1) for index in range(self.items)]
        sizes[-1] += self.total_bytes - sum(sizes)
        return sizes


def item_bytes(index: int, size: int) -> bytes:
    """The original of item ``index``: random, the same in every run."""
    import numpy as np

    return np.random.default_rng([20261124, index]).bytes(size)


@dataclass(frozen=True)
class BuiltProfile:
    """What the build made and how long its parts took."""

    path: Path
    changes: int
    originals_seconds: float
    rows_seconds: float


def _task_and_case(number: int) -> tuple[InspectionTask, CaseFile]:
    """Task ``number`` (the user's own, on site) and its open case file."""
    task = InspectionTask(
        id=new_id(),
        task_number=f"BENCH-{number:05d}",
        title=f"专项检查 {number:05d}",
        task_type=TaskType.THEMATIC,
        origin=TaskOrigin.PLAN,
        status=TaskStatus.ON_SITE,
        region_code=TASK_REGION,
        planned_start=date(2026, 11, 2),
        planned_end=date(2026, 11, 6),
    )
    case = CaseFile(
        id=new_id(),
        task_id=task.id,
        case_number=f"BENCH-C-{number:05d}",
        status=CaseStatus.OPEN,
        opened_at=utc_now(),
    )
    return task, case


def _evidence(
    profile: OpenProfile,
    identity: DeviceIdentity,
    *,
    case_id: str,
    seq: int,
    prev: str,
    blob: StoredBlob,
) -> tuple[EvidenceItem, CustodyEvent]:
    """One recorded item and the custody event that chains it (as ``add_evidence`` does)."""
    evidence_id = new_id()
    item = EvidenceItem(
        id=evidence_id,
        case_id=case_id,
        kind=EvidenceKind.DOCUMENT,
        caption=f"调取资料 {seq:03d}：收费明细与病历首页",
        media_type="application/pdf",
        original_name=f"DOC_{seq:03d}.pdf",
        size_bytes=blob.size_bytes,
        sha256=blob.sha256,
        captured_at=utc_now(),
        captured_by=profile.actor,
        device_id=identity.device_id,
        device_signature=identity.sign(evidence_message(evidence_id, blob.sha256)),
    )
    event = chained_event(
        identity=identity,
        case_id=case_id,
        event=CustodyEventKind.RECORDED,
        evidence_id=evidence_id,
        fields=recorded_fields(item),
        seq=seq,
        prev_hash=prev,
    )
    item.chain_index, item.chain_hash = seq, event.chain_hash
    return item, event


def _new_profile(folder: Path) -> OpenProfile:
    """The team leader's fresh profile with the server's regions, unlocked."""
    profile = create_profile(
        path=folder,
        password=PASSWORD,
        display_name=DISPLAY_NAME,
        username=USERNAME,
        role=UserRole.TEAM_LEADER,
        kdf=CHEAP_KDF,
    )
    with profile.session() as session:
        session.add_all(Region(code=c, name=n, parent_code=p) for c, n, p in REGIONS)
    return profile


def build_profile(folder: Path, size: BulkSize) -> BuiltProfile:
    """Create the profile at ``folder`` and record ``size``'s work in it, offline."""
    profile = _new_profile(folder)
    try:
        return _fill(profile, folder, size)
    finally:
        profile.close()


def scratch_case(folder: Path) -> tuple[OpenProfile, str]:
    """A fresh profile (unlocked; the caller closes it) with one open case; its id."""
    profile = _new_profile(folder)
    task, case = _task_and_case(0)
    with profile.session() as session:
        session.add(task)
        session.flush()
        session.add(case)
    return profile, case.id


def _fill(profile: OpenProfile, folder: Path, size: BulkSize) -> BuiltProfile:
    """Record the work, ``CASES_PER_TRANSACTION`` cases per transaction."""
    sizes = size.item_sizes()
    per_case = [size.items // size.cases + (n < size.items % size.cases) for n in range(size.cases)]
    originals = Stopwatch()
    rows = Stopwatch()
    index = 0
    for first in range(0, size.cases, CASES_PER_TRANSACTION):
        numbers = range(first, min(size.cases, first + CASES_PER_TRANSACTION))
        stored: dict[int, list[StoredBlob]] = {}
        with originals.running():
            for number in numbers:
                stored[number] = []
                for _item in range(per_case[number]):
                    data = item_bytes(index, sizes[index])
                    stored[number].append(store_original(profile, data))
                    index += 1
        with rows.running(), profile.session() as session:
            identity = device_identity(session)
            cases = {number: _task_and_case(number) for number in numbers}
            session.add_all([row for pair in cases.values() for row in pair])
            session.flush()  # the unit of work orders rows by relationships, not foreign keys
            for number, (_task, case) in cases.items():
                prev = GENESIS_HASH
                for seq, blob in enumerate(stored[number], start=1):
                    item, event = _evidence(
                        profile, identity, case_id=case.id, seq=seq, prev=prev, blob=blob
                    )
                    session.add_all([item, event])
                    prev = event.chain_hash
    with profile.read_session() as session:
        changes = session.scalar(select(func.count()).select_from(OutboxEntry)) or 0
    return BuiltProfile(folder, changes, originals.seconds, rows.seconds)
