"""The profile database is encrypted at rest and unreadable without its key."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from inspector_app.profiles import OpenProfile
from local_db.engine import DatabaseUnreadableError, create_profile_engine, verify_key

SQLITE_HEADER = b"SQLite format 3\x00"


def test_file_does_not_start_with_the_sqlite_header(profile: OpenProfile) -> None:
    header = profile.info.database_path.read_bytes()[:16]
    assert header != SQLITE_HEADER
    assert len(header) == 16


def test_stdlib_sqlite_cannot_read_it(profile: OpenProfile) -> None:
    profile.close()
    connection = sqlite3.connect(profile.info.database_path)
    with pytest.raises(sqlite3.DatabaseError, match="not a database"):
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    connection.close()


@pytest.mark.skipif(shutil.which("sqlite3") is None, reason="sqlite3 CLI not installed")
def test_sqlite3_command_cannot_read_it(profile: OpenProfile) -> None:
    profile.close()
    result = subprocess.run(
        ["sqlite3", str(profile.info.database_path), ".tables"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "not a database" in result.stderr


def test_a_random_key_is_refused_without_changing_the_file(profile: OpenProfile) -> None:
    profile.close()
    path = profile.info.database_path
    before = path.read_bytes()
    with pytest.raises(DatabaseUnreadableError):
        verify_key(path, os.urandom(32))
    engine = create_profile_engine(path, os.urandom(32))
    with pytest.raises(DatabaseUnreadableError):
        engine.connect()
    engine.dispose()
    assert path.read_bytes() == before


def test_plaintext_strings_do_not_appear_in_the_file(profile: OpenProfile) -> None:
    from local_db.models import Region

    marker = "唯一的明文标记-UNIQUE-PLAINTEXT-MARKER"
    with profile.session() as session:
        session.add(Region(code="990000", name=marker))
    profile.close()
    blob = b"".join(
        p.read_bytes() for p in Path(profile.info.path).glob("inspector.db*") if p.is_file()
    )
    assert marker.encode() not in blob
    assert b"region" not in blob  # not even the schema is readable


def test_journal_mode_is_wal_and_foreign_keys_on(profile: OpenProfile) -> None:
    from sqlalchemy import text

    with profile.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA cipher_version")).scalar().startswith("4.")


def test_a_wrong_key_leaves_a_crash_left_wal_untouched(
    profile: OpenProfile, tmp_path: Path
) -> None:
    """After a kill -9 the WAL still holds committed pages; a wrong key must not fold them in."""
    from local_db.models import Region

    with profile.session() as session:
        session.add(Region(code="990000", name="示范省"))
    crashed = tmp_path / "crashed"
    crashed.mkdir()
    # Copy while the engine is open: the copy is what a killed process leaves behind.
    for file in profile.info.path.glob("inspector.db*"):
        shutil.copy(file, crashed / file.name)
    profile.close()
    assert (crashed / "inspector.db-wal").stat().st_size > 0

    def data_files() -> dict[str, bytes]:
        return {n: (crashed / n).read_bytes() for n in ("inspector.db", "inspector.db-wal")}

    before = data_files()
    with pytest.raises(DatabaseUnreadableError):
        verify_key(crashed / "inspector.db", os.urandom(32))
    assert data_files() == before
