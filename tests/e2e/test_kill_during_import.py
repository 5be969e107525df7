"""A file import killed with SIGKILL leaves no batch, no claim, no line and no problem row.

The real ``inspector settlement import`` reads a claims file and a large lines file in a
subprocess; the test waits until the child reports progress in the phase it wants to
interrupt (rows of that file already inserted, uncommitted), kills it, and opens the
profile again with its password. The files' evidence items may remain (they are recorded
before the load, on purpose: see ``settlement_import.evidence_files``). The killed import
held the database's write lock from before it chose its first claim id; a new import
afterwards must not find it still held, and numbers its claims from 1.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select, text

from inspector_app.profiles import unlock_profile
from inspector_app.progress import Progress
from inspector_app.settlement_import import ImportSource, import_settlement
from local_db.models import Claim, ClaimLine, ImportProblem, SettlementBatch
from tests.conftest import TEST_PASSWORD
from tests.e2e.test_kill_during_load import StderrLines, _check_database, _count
from tests.unit.settlement_import.world import (
    CLAIM_HEADERS,
    LINE_HEADERS,
    World,
    claim_row,
    make_world,
    write_csv,
)

pytestmark = pytest.mark.slow

CLAIMS = 200_000
LINES_PER_CLAIM = 3
WAIT_SECONDS = 90
PROGRESS = re.compile(r"^Importing (claims|lines) from \S+ ([\d,]+)/([\d,]+)\s*$")


def _write_files(folder: Path) -> tuple[Path, Path]:
    """A GBK claims file and its lines file (every 1000th line has a bad quantity)."""
    claims, lines = folder / "结算.csv", folder / "明细.csv"
    with claims.open("w", encoding="gbk", newline="") as handle:
        handle.write(",".join(CLAIM_HEADERS) + "\r\n")
        for n in range(CLAIMS):
            handle.write(
                f"JS{n:09d},ZY{n:09d},张三,男,1949-12-31,11010519491231002X,职工,住院,内科,"
                f"D{n % 97:03d},李四,2025-03-01,2025-03-05,J18.900,肺炎,150.00,100.00,20.00,"
                f"30.00,2025-03-05 10:{n % 60:02d}:00\r\n"
            )
    with lines.open("w", encoding="gbk", newline="") as handle:
        handle.write(",".join(LINE_HEADERS) + "\r\n")
        for k in range(CLAIMS * LINES_PER_CLAIM):
            n, line = divmod(k, LINES_PER_CLAIM)
            quantity = "x" if k % 1000 == 999 else "2"
            handle.write(
                f"JS{n:09d},{line + 1},XA01{k % 500:04d},阿莫西林胶囊,药品,盒,37.50,{quantity},"
                f"75.00,甲,D{n % 97:03d},2025-03-02 09:{k % 60:02d}:00,,2\r\n"
            )
    return claims, lines


@pytest.fixture
def world(profile_dir: Path) -> World:
    profile = unlock_profile(path=profile_dir, password=TEST_PASSWORD)
    try:
        return make_world(profile)
    finally:
        profile.close()


def _in_phase(phase: str) -> object:
    def wanted(line: str) -> bool:
        match = PROGRESS.match(line.strip())
        return match is not None and match[1] == phase and int(match[2].replace(",", "")) > 0

    return wanted


@pytest.mark.parametrize("phase", ["claims", "lines"])
def test_sigkill_during_an_import_leaves_nothing_loaded(
    profile_dir: Path, world: World, tmp_path: Path, phase: str
) -> None:
    claims, lines = _write_files(tmp_path)
    process = subprocess.Popen(
        [sys.executable, "-m", "inspector_app.cli.main", "--lang", "en", "settlement", "import",
         "--profile", str(profile_dir), "--case", world.case_number, "--claims", str(claims),
         "--lines", str(lines)],
        env={**os.environ, "INSPECTOR_PASSWORD": TEST_PASSWORD}, text=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    assert process.stderr is not None
    progress = StderrLines(process.stderr)
    try:
        assert progress.wait_for(_in_phase(phase), WAIT_SECONDS), "".join(progress.seen)  # type: ignore[arg-type]
        wal = profile_dir / "inspector.db-wal"
        wal_bytes_at_kill = wal.stat().st_size if wal.exists() else 0
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stderr.close()
        progress.join()
    assert process.returncode == -signal.SIGKILL
    assert wal_bytes_at_kill > 0

    profile = unlock_profile(path=profile_dir, password=TEST_PASSWORD)
    try:
        with profile.read_session() as session:
            _check_database(session)
            for model in (SettlementBatch, Claim, ClaimLine, ImportProblem):
                assert _count(session, model) == 0, model.__tablename__
            evidence = session.execute(text("SELECT original_name FROM evidence_item")).scalars()
            assert set(evidence) <= {"结算.csv", "明细.csv"}
        again = write_csv(tmp_path / "again.csv", CLAIM_HEADERS, [claim_row(n) for n in (1, 2)])
        summary = import_settlement(
            profile, claims=ImportSource(again), case_id=world.case_id, progress=Progress()
        )
        assert summary.claims == 2
        with profile.read_session() as session:
            assert sorted(session.scalars(select(Claim.id))) == [1, 2]
    finally:
        profile.close()
