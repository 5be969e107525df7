"""Generate and bulk-load N demo claims (~10 lines each) into an encrypted profile.

Measured through the real path (``load_demo_settlement``: plan, generate chunk by chunk,
``load_batch`` in one transaction, commit, WAL checkpoint) against a baseline taken in the
same run: the same rows from the same generator inserted with stdlib ``sqlite3``
``executemany`` into an unencrypted database of the same schema (``create_all``), default
settings. A generation-only pass separates generating from inserting.
Target: 1 M claims generated and loaded in well under 3 minutes on two cores.
"""

from __future__ import annotations

import collections
import sqlite3
import time
from pathlib import Path

import numpy as np
from sqlalchemy import create_engine

from bench.common import BenchResult, Stopwatch

SEED = 20261123
PASSWORD = "bench-demo-load"
TARGET_SECONDS = 180.0
BASELINE = "stdlib sqlite3, unencrypted"


def _regions() -> np.ndarray:
    from inspector_app.demo.places import COUNTIES

    return np.array([int(code) for code, _ in COUNTIES], dtype=np.int64)


def generate_only(claims: int) -> float:
    """Seconds to plan and generate every row tuple, with no database at all."""
    from inspector_app.demo.plan import plan_batch
    from inspector_app.demo.rows import chunk_rows

    started = time.perf_counter()
    plan = plan_batch(claims=claims, seed=SEED, regions=_regions(), doctor_prefix="D990102")
    for start, stop in plan.chunks:
        chunk = chunk_rows(plan, start, stop, batch_id="b", first_claim_id=1)
        collections.deque(chunk.lines, maxlen=0)
    return time.perf_counter() - started


def load_encrypted(claims: int, workdir: Path) -> tuple[float, int, int]:
    """Seconds for the real load into a new encrypted demo profile; rows and file bytes."""
    from inspector_app.demo import DEMO_USER, build_demo, load_demo_settlement
    from inspector_app.demo.places import INSPECTED_HOSPITAL
    from inspector_app.demo.plan import MIN_CLAIMS
    from inspector_app.profiles import create_profile
    from inspector_app.progress import Progress

    folder = workdir / "profile"
    profile = create_profile(
        path=folder, password=PASSWORD, display_name=DEMO_USER.display_name,
        username=DEMO_USER.username, role=DEMO_USER.role,
    )  # fmt: skip
    try:
        build_demo(profile, claims=MIN_CLAIMS, seed=SEED + 1, progress=Progress())
        started = time.perf_counter()
        summary = load_demo_settlement(
            profile, institution_code=INSPECTED_HOSPITAL, claims=claims, seed=SEED,
            progress=Progress(),
        )  # fmt: skip
        seconds = time.perf_counter() - started
    finally:
        profile.close()
    size = sum(f.stat().st_size for f in folder.iterdir() if f.name.startswith("inspector.db"))
    return seconds, summary.claims + summary.lines, size


def load_plain(claims: int, workdir: Path) -> tuple[float, float, int, int]:
    """The baseline: (total s, insert-only s, rows, file bytes) with stdlib sqlite3."""
    from inspector_app.demo.plan import plan_batch
    from inspector_app.demo.rows import chunk_rows
    from local_db.base import Base
    from local_db.settlement_load import CLAIM_SQL, LINE_SQL

    path = workdir / "plain.db"
    engine = create_engine(f"sqlite:///{path}")
    Base.metadata.create_all(engine)
    engine.dispose()
    connection = sqlite3.connect(path, isolation_level=None)
    inserting = Stopwatch()
    rows = 0
    started = time.perf_counter()
    try:
        plan = plan_batch(claims=claims, seed=SEED, regions=_regions(), doctor_prefix="D990102")
        connection.execute("BEGIN")
        for start, stop in plan.chunks:
            chunk = chunk_rows(plan, start, stop, batch_id="b", first_claim_id=1)
            with inserting.running():
                connection.executemany(CLAIM_SQL, chunk.claims)
                cursor = connection.executemany(LINE_SQL, chunk.lines)
            rows += len(chunk.claims) + cursor.rowcount
        with inserting.running():
            connection.execute("COMMIT")
    finally:
        connection.close()
    return time.perf_counter() - started, inserting.seconds, rows, path.stat().st_size


def run(*, smoke: bool, workdir: Path) -> list[BenchResult]:
    """Time the real load, a generation-only pass and the stdlib baseline."""
    claims = 20_000 if smoke else 1_000_000
    workdir.mkdir(parents=True, exist_ok=True)
    generating = generate_only(claims)
    real, rows, real_bytes = load_encrypted(claims, workdir)
    plain, plain_insert, plain_rows, plain_bytes = load_plain(claims, workdir)
    for leftover in workdir.glob("*"):  # gigabytes at full size; nothing is reused
        if leftover.is_file():
            leftover.unlink()
    if plain_rows != rows:
        raise RuntimeError(f"baseline wrote {plain_rows} rows, the loader {rows}")
    size = f"{claims:,} claims, {rows - claims:,} lines"
    return [
        BenchResult(
            name="demo_load.generate_and_load", value=round(real, 1), unit="s",
            baseline=round(plain, 1), baseline_name=BASELINE,
            note=f"{size}; encrypted profile via load_demo_settlement (plan, generate, load, "
            f"commit, WAL checkpoint); target < {TARGET_SECONDS:.0f} s at 1 M",
        ),
        BenchResult(
            name="demo_load.rows_per_second", value=round(rows / real), unit="rows/s",
            baseline=round(rows / plain), baseline_name=BASELINE,
            note="claims + lines, generation included on both sides",
        ),
        BenchResult(
            name="demo_load.insert_rows_per_second", value=round(rows / (real - generating)),
            unit="rows/s", baseline=round(rows / plain_insert), baseline_name=BASELINE,
            note="generation excluded (loader: total minus a generation-only pass)",
        ),
        BenchResult(
            name="demo_load.generate_only", value=round(generating, 1), unit="s",
            note=f"{size}: plan + numpy generation + row tuples, no database",
        ),
        BenchResult(
            name="demo_load.database_size", value=round(real_bytes / 2**20), unit="MiB",
            baseline=round(plain_bytes / 2**20), baseline_name=BASELINE,
            note="after the load's WAL checkpoint",
        ),
    ]  # fmt: skip
