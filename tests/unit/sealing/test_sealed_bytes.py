"""Acceptance: before opening, the sealed target is nowhere in the database, even decrypted.

SQLCipher encrypts every page, so a search of the raw file alone would pass for any
plaintext. The test therefore also decrypts the whole database with its key
(``sqlcipher_export`` into a plaintext copy, and a read of every column of every table
through the open engine) and searches that; after opening, the same searches must find the
target, which shows that they can.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from inspector_app.profiles import DATABASE_FILE, OpenProfile
from inspector_app.sealing.opening import open_sealed_task
from tests.unit.tasks.world import TARGET_CODE, TARGET_LEAD, TARGET_NAME, create_sealed, make_world

NEEDLES = [TARGET_NAME.encode(), TARGET_CODE.encode(), TARGET_LEAD.encode()]


def _plaintext_export(profile: OpenProfile, target: Path) -> bytes:
    """Decrypt the whole database into an unencrypted file and return its bytes."""
    connection = profile.engine.raw_connection()
    try:
        cursor = connection.cursor()
        cursor.execute(f"ATTACH DATABASE '{target}' AS plaintext KEY ''")
        cursor.execute("SELECT sqlcipher_export('plaintext')")
        cursor.execute("DETACH DATABASE plaintext")
    finally:
        connection.close()
    return target.read_bytes()


def _every_value(profile: OpenProfile) -> list[bytes]:
    """Every value of every column of every table, as bytes (text UTF-8; blobs raw and hex)."""
    values: list[bytes] = []
    with profile.read_session() as session:
        tables = session.scalars(
            text("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        ).all()
        assert "inspection_task" in tables and "outbox" in tables
        for table in tables:
            for row in session.execute(text(f'SELECT * FROM "{table}"')):
                for value in row:
                    if isinstance(value, bytes):
                        values += [value, value.hex().encode()]
                    elif value is not None:
                        values.append(str(value).encode())
    return values


def _found(haystacks: list[bytes], needle: bytes) -> bool:
    hexed = needle.hex().encode()
    return any(needle in h or hexed in h for h in haystacks)


def test_sealed_target_is_absent_from_the_file_the_wal_and_the_decrypted_data(
    profile: OpenProfile, profile_dir: Path, tmp_path: Path
) -> None:
    world = make_world(profile)
    created = create_sealed(profile, world)
    assert created.opening_code is not None
    database = profile_dir / DATABASE_FILE
    wal = database.with_name(DATABASE_FILE + "-wal")
    assert wal.stat().st_size > 0, "the task's pages are still in the WAL while open"

    raw = [database.read_bytes(), wal.read_bytes()]
    decrypted = _plaintext_export(profile, tmp_path / "before.db")
    values = _every_value(profile)
    # The plaintext copy really is decrypted: the task's own number is readable in it.
    assert decrypted.startswith(b"SQLite format 3\x00")
    assert created.task_number.encode() in decrypted
    assert created.task_number.encode() not in raw[0] + raw[1]
    for needle in NEEDLES:
        assert not _found(raw, needle), needle.decode()
        assert not _found([decrypted], needle), needle.decode()
        assert not _found(values, needle), needle.decode()

    open_sealed_task(profile=profile, task_id=created.task_id,
                     opening_code=created.opening_code, location=None)  # fmt: skip

    opened = _plaintext_export(profile, tmp_path / "after.db")
    values = _every_value(profile)
    for needle in NEEDLES:
        assert needle in opened, needle.decode()
        assert _found(values, needle), needle.decode()
    # Still encrypted at rest.
    raw = [database.read_bytes(), wal.read_bytes() if wal.exists() else b""]
    assert not any(_found(raw, needle) for needle in NEEDLES)
