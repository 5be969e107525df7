"""Settlement extracts: packing a batch's rows to go up, and loading them on another laptop.

Before a batch first syncs, its claims and lines are packed into one blob (gzip of JSON
lines) and encrypted into the store; a laptop that receives the blob loads the rows from it.
Timed on a copy of a demo profile: the write (``write_extract`` + ``store_original``) and,
after the batch's rows are deleted from the copy, the load (``open_original`` +
``load_extract``, one transaction). Baselines in the same run: for the write, reading the
same rows from the profile without packing them; for the load, inserting the same rows with
the stdlib ``sqlite3`` into an unencrypted in-memory database of the same two tables.
Full size: 200,000 claims (about 2 million lines); smoke: 500.
"""

from __future__ import annotations

import shutil
import sqlite3
import time
from pathlib import Path
from typing import Any

from bench.common import SHARED_DEMO_PASSWORD, BenchResult, shared_demo_profile


def _largest_batch(session: Any) -> Any:
    from sqlalchemy import select

    from local_db.models import SettlementBatch

    return max(session.scalars(select(SettlementBatch)), key=lambda batch: batch.claim_count)


def _rows(session: Any, batch_id: str) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    from sqlalchemy import select

    from inspector_app.settlement_import.extract import CLAIM_COLUMNS, LINE_COLUMNS
    from local_db.models import Claim, ClaimLine

    claims = session.execute(
        select(Claim.id, *(getattr(Claim, c) for c in CLAIM_COLUMNS))
        .where(Claim.batch_id == batch_id)
        .order_by(Claim.id)
    ).all()
    lines = session.execute(
        select(ClaimLine.claim_id, *(getattr(ClaimLine, c) for c in LINE_COLUMNS))
        .join(Claim, Claim.id == ClaimLine.claim_id)
        .where(Claim.batch_id == batch_id)
        .order_by(ClaimLine.claim_id, ClaimLine.line_no)
    ).all()
    return [tuple(r) for r in claims], [tuple(r) for r in lines]


def _raw_insert(claims: list[tuple[Any, ...]], lines: list[tuple[Any, ...]]) -> float:
    """The same rows into an in-memory stdlib SQLite database (no encryption, no disk)."""
    from inspector_app.settlement_import.extract import CLAIM_COLUMNS, LINE_COLUMNS

    connection = sqlite3.connect(":memory:")
    connection.execute(f"CREATE TABLE claim (id INTEGER PRIMARY KEY, {', '.join(CLAIM_COLUMNS)})")
    connection.execute(
        f"CREATE TABLE claim_line (id INTEGER PRIMARY KEY, claim_id, {', '.join(LINE_COLUMNS)})"
    )
    started = time.perf_counter()
    with connection:
        marks = ", ".join("?" * (len(CLAIM_COLUMNS) + 1))
        connection.executemany(f"INSERT INTO claim VALUES ({marks})", claims)
        marks = ", ".join("?" * (len(LINE_COLUMNS) + 1))
        connection.executemany(
            f"INSERT INTO claim_line (claim_id, {', '.join(LINE_COLUMNS)}) VALUES ({marks})",
            lines,
        )
    seconds = time.perf_counter() - started
    connection.close()
    return seconds


def _drop_rows(profile: Any, batch_id: str) -> None:
    """Delete the batch's rows (and what points to them) from the copy, as on a laptop that
    has only received the batch."""
    from sqlalchemy import text

    with profile.engine.begin() as connection:
        claims = "SELECT id FROM claim WHERE batch_id = :batch"
        for statement in (
            f"DELETE FROM screening_flag WHERE claim_id IN ({claims}) "
            f"OR related_claim_id IN ({claims})",
            f"DELETE FROM sample_unit WHERE claim_id IN ({claims})",
            f"DELETE FROM planted_irregularity WHERE claim_id IN ({claims})",
            f"DELETE FROM claim_line WHERE claim_id IN ({claims})",
            "DELETE FROM claim WHERE batch_id = :batch",
        ):
            connection.execute(text(statement), {"batch": batch_id})


def run(*, smoke: bool, workdir: Path) -> list[BenchResult]:
    """Time writing and loading the extract of the demo's largest batch."""
    from inspector_app.evidence.store import open_original, store_original
    from inspector_app.profiles import unlock_profile
    from inspector_app.settlement_import.extract import load_extract, write_extract
    from local_db.models import SettlementBatch

    claims_wanted = 500 if smoke else 200_000
    profile_dir = workdir / "extracts-profile"
    shutil.rmtree(profile_dir, ignore_errors=True)
    shutil.copytree(shared_demo_profile(workdir, claims_wanted), profile_dir)
    profile = unlock_profile(path=profile_dir, password=SHARED_DEMO_PASSWORD)
    try:
        with profile.read_session() as session:
            batch = _largest_batch(session)
            started = time.perf_counter()
            claims, lines = _rows(session, batch.id)
            read_seconds = time.perf_counter() - started
            started = time.perf_counter()
            packed = write_extract(session, batch)
            stored = store_original(profile, packed)
            write_seconds = time.perf_counter() - started
            batch_id = batch.id
        raw_seconds = _raw_insert(claims, lines)
        _drop_rows(profile, batch_id)
        started = time.perf_counter()
        with profile.session() as session:
            target = session.get(SettlementBatch, batch_id)
            assert target is not None
            loaded = load_extract(session, target, open_original(profile, stored.sha256))
        load_seconds = time.perf_counter() - started
    finally:
        profile.close()
    assert (loaded.rows, loaded.lines) == (len(claims), len(lines))
    mib = stored.size_bytes / 2**20
    label = f"{len(claims):,} claims, {len(lines):,} lines"
    return [
        BenchResult(
            f"settlement extract: write ({label})",
            write_seconds,
            "s",
            baseline=read_seconds,
            baseline_name="reading the same rows, not packed",
            note=f"{mib:,.1f} MiB packed and encrypted; held in memory while written",
        ),
        BenchResult(
            f"settlement extract: load ({label})",
            load_seconds,
            "s",
            baseline=raw_seconds,
            baseline_name="the same rows into in-memory stdlib sqlite3",
            note=f"{len(lines) / load_seconds:,.0f} lines/s, decrypting, unpacking, one "
            "transaction into the encrypted profile",
        ),
    ]
