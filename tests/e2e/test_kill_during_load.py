"""A settlement load killed with SIGKILL leaves the profile whole: all of the batch or none.

The real ``inspector demo-claims`` command loads a million claims in a subprocess; the test
waits until the load has reported progress *and* uncommitted pages have reached the
write-ahead log on disk, kills the process, and opens the profile again with its password.
"""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from inspector_app.demo import DEMO_USER, build_demo, partner_claims
from inspector_app.profiles import OpenProfile, create_profile, unlock_profile
from inspector_app.progress import Progress
from local_db.base import Base, SyncedMixin
from local_db.models import Claim, ClaimLine, OutboxEntry, PlantedIrregularity, SettlementBatch
from tests.conftest import FAST_KDF, TEST_PASSWORD

pytestmark = pytest.mark.slow

KILL_CLAIMS = 1_000_000
SMALL_CLAIMS = 2_000
FIRST_CLAIMS = 500
# Uncommitted pages reach the WAL once the load's 256 MiB page cache spills (~10 s here).
WAL_WITH_UNCOMMITTED_PAGES = 16 * 1024 * 1024
PROGRESS = re.compile(r"([\d,]+)/([\d,]+)\s*$")
WAIT_SECONDS = 90


class StderrLines:
    """Lines of a child's standard error, read by a thread so waiting can time out."""

    def __init__(self, stream: IO[str]) -> None:
        self.seen: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._thread.start()

    def _read(self, stream: IO[str]) -> None:
        for line in stream:
            self._queue.put(line)
        self._queue.put(None)

    def wait_for(self, wanted: Callable[[str], bool], timeout: float) -> bool:
        """True once a line satisfies ``wanted``; False at the end of output or timeout."""
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                line = self._queue.get(timeout=left)
            except queue.Empty:
                return False
            if line is None:
                return False
            self.seen.append(line)
            if wanted(line):
                return True
        return False

    def join(self) -> None:
        """Wait for the reader (the stream must be closed)."""
        self._thread.join(timeout=10)


def _claims_loaded(line: str) -> bool:
    match = PROGRESS.search(line)
    return match is not None and int(match[1].replace(",", "")) > 0


def _command(profile_dir: Path, claims: int, seed: int) -> list[str]:
    return [
        sys.executable, "-m", "inspector_app.cli.main", "--lang", "en", "demo-claims",
        "--profile", str(profile_dir), "--claims", str(claims), "--seed", str(seed),
    ]  # fmt: skip


def _environment() -> dict[str, str]:
    return {**os.environ, "INSPECTOR_PASSWORD": TEST_PASSWORD}


@pytest.fixture
def demo_dir(tmp_path: Path) -> Path:
    """A demo profile with one small batch already loaded."""
    path = tmp_path / "demo"
    profile = create_profile(
        path=path, password=TEST_PASSWORD, display_name=DEMO_USER.display_name,
        username=DEMO_USER.username, role=DEMO_USER.role, kdf=FAST_KDF,
    )  # fmt: skip
    try:
        build_demo(profile, claims=FIRST_CLAIMS, seed=3, progress=Progress(), seal=False)
    finally:
        profile.close()
    return path


@pytest.fixture
def reopened(demo_dir: Path) -> Iterator[Callable[[], OpenProfile]]:
    """Open the demo profile with its password (after the child is gone), closing it later."""
    opened: list[OpenProfile] = []

    def open_profile() -> OpenProfile:
        opened.append(unlock_profile(path=demo_dir, password=TEST_PASSWORD))
        return opened[-1]

    yield open_profile
    for profile in opened:
        profile.close()


def _outbox_points_at_rows(session: Session) -> None:
    models = {
        mapper.class_.__sync_entity__: mapper.class_
        for mapper in Base.registry.mappers
        if issubclass(mapper.class_, SyncedMixin)
    }
    for entity, entity_id in session.execute(select(OutboxEntry.entity, OutboxEntry.entity_id)):
        assert session.get(models[entity], entity_id) is not None, (entity, entity_id)


def _check_database(session: Session) -> None:
    assert session.execute(text("PRAGMA quick_check")).scalars().all() == ["ok"]
    assert session.execute(text("PRAGMA cipher_integrity_check")).all() == []
    assert session.execute(text("PRAGMA foreign_key_check")).all() == []
    _outbox_points_at_rows(session)


def _count(session: Session, model: type[Base], *where: object) -> int:
    return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def _batch_is_complete(session: Session, batch: SettlementBatch) -> None:
    claims = _count(session, Claim, Claim.batch_id == batch.id)
    lines = session.scalar(
        select(func.count()).select_from(ClaimLine).join(Claim).where(Claim.batch_id == batch.id)
    )
    assert claims == batch.claim_count
    assert lines == batch.line_count
    assert _count(session, PlantedIrregularity, PlantedIrregularity.batch_id == batch.id) > 0
    assert _count(session, OutboxEntry, OutboxEntry.entity_id == batch.id) == 1


def test_sigkill_during_a_million_claim_load_leaves_all_or_nothing(
    demo_dir: Path, reopened: Callable[[], OpenProfile]
) -> None:
    wal = demo_dir / "inspector.db-wal"
    process = subprocess.Popen(
        _command(demo_dir, KILL_CLAIMS, seed=41), env=_environment(), text=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    assert process.stderr is not None
    lines = StderrLines(process.stderr)
    try:
        assert lines.wait_for(_claims_loaded, WAIT_SECONDS), "".join(lines.seen)
        deadline = time.monotonic() + WAIT_SECONDS
        while process.poll() is None and time.monotonic() < deadline:
            if wal.exists() and wal.stat().st_size > WAL_WITH_UNCOMMITTED_PAGES:
                break
            time.sleep(0.05)
        wal_bytes_at_kill = wal.stat().st_size if wal.exists() else 0
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stderr.close()
        lines.join()
    assert process.returncode == -signal.SIGKILL
    assert wal_bytes_at_kill > WAL_WITH_UNCOMMITTED_PAGES  # the kill hit a dirty WAL

    profile = reopened()
    with profile.read_session() as session:
        _check_database(session)
        batches = session.scalars(select(SettlementBatch)).all()
        assert len(batches) in (2, 3)  # the demo's two batches, and the killed load's?
        for batch in batches:
            _batch_is_complete(session, batch)
        loaded = sum(batch.claim_count for batch in batches)
        assert _count(session, Claim) == loaded
        assert _count(session, PlantedIrregularity) == _count(
            session, PlantedIrregularity,
            PlantedIrregularity.batch_id.in_([batch.id for batch in batches]),
        )  # fmt: skip
        demo_claims = FIRST_CLAIMS + partner_claims(FIRST_CLAIMS)
        assert loaded in (demo_claims, demo_claims + KILL_CLAIMS)
        assert _count(session, OutboxEntry, OutboxEntry.entity == "settlement_batch") == len(
            batches
        )


def test_a_completed_load_is_all_there(demo_dir: Path, reopened: Callable[[], OpenProfile]) -> None:
    result = subprocess.run(
        _command(demo_dir, SMALL_CLAIMS, seed=42), env=_environment(), text=True,
        capture_output=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert f"{SMALL_CLAIMS:,} claims" in result.stdout
    profile = reopened()
    with profile.read_session() as session:
        _check_database(session)
        batches = session.scalars(select(SettlementBatch).order_by(SettlementBatch.id)).all()
        partner = partner_claims(FIRST_CLAIMS)
        assert sorted(batch.claim_count for batch in batches) == sorted(
            [FIRST_CLAIMS, partner, SMALL_CLAIMS]
        )
        for batch in batches:
            _batch_is_complete(session, batch)
        assert _count(session, Claim) == FIRST_CLAIMS + partner + SMALL_CLAIMS


def test_loading_into_a_profile_without_the_demo_hospital_fails_cleanly(
    profile_dir: Path,
) -> None:
    result = subprocess.run(
        _command(profile_dir, SMALL_CLAIMS, seed=1), env=_environment(), text=True,
        capture_output=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 1
    assert "no institution with code" in result.stderr
    assert "Traceback" not in result.stderr
