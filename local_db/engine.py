"""The encrypted SQLAlchemy engine of one profile database (SQLCipher 4 via sqlcipher3).

The key is a raw 256-bit key (``PRAGMA key = "x'…'"``): opening with a passphrase would run
SQLCipher's own PBKDF2 on every connection (~100 ms each), while the password-derived work
is already done once, by argon2id, when the profile is unlocked.

The connect listener is registered with ``insert=True`` so it runs before the pysqlite
dialect's own pragmas: every statement on an encrypted file, even ``PRAGMA journal_mode``,
needs the key first. It then reads ``sqlite_master`` to fail fast on a wrong key or a file
that is not a database at all.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlcipher3
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from local_db import outbox

KEY_BYTES = 32


class DatabaseUnreadableError(RuntimeError):
    """The file could not be read with the key given (wrong key, or not a database)."""


class ProfileSession(Session):
    """Session class of profile databases; carries the outbox hook."""


outbox.install(ProfileSession)


def _key_pragma(key: bytes) -> str:
    if len(key) != KEY_BYTES:
        raise ValueError(f"database key must be {KEY_BYTES} bytes")
    return f"PRAGMA key = \"x'{key.hex()}'\""


def _apply_key(cursor: Any, key: bytes) -> None:
    """Key the connection and read the schema, so a wrong key fails here and not later.

    Raises the driver's DatabaseError ("file is not a database") when the key is wrong.
    """
    # Wrong keys are reported by our own errors; SQLCipher's stderr log is only noise.
    cursor.execute("PRAGMA cipher_log_level = NONE")
    cursor.execute(_key_pragma(key))
    cursor.execute("SELECT count(*) FROM sqlite_master").fetchone()


def verify_key(path: Path, key: bytes) -> None:
    """Check that ``key`` opens ``path`` without being able to change any of its data.

    A read-write connection with a wrong key can still checkpoint a write-ahead log left by
    a crash into the main file; this probe is read-only, so a stale or wrong key never
    alters the database or its log.

    Raises:
        DatabaseUnreadableError: the key does not decrypt the file.
    """
    uri = f"{path.resolve().as_uri()}?mode=ro"
    try:
        connection = sqlcipher3.dbapi2.connect(uri, uri=True, isolation_level=None)
    except sqlcipher3.dbapi2.Error as exc:
        raise DatabaseUnreadableError(str(exc)) from exc
    try:
        _apply_key(connection.cursor(), key)
    except sqlcipher3.dbapi2.DatabaseError as exc:
        if "not a database" in str(exc):
            raise DatabaseUnreadableError(str(exc)) from exc
        # Anything else (e.g. a read-only WAL it cannot map): the read-write open decides.
    finally:
        connection.close()


def _prepare(connection: Any, key: bytes) -> None:
    cursor = connection.cursor()
    try:
        _apply_key(cursor, key)
    except sqlcipher3.dbapi2.DatabaseError as exc:
        raise DatabaseUnreadableError(str(exc)) from exc
    # FULL: an inspector's committed work survives a power cut, not only a process kill.
    for pragma in (
        "PRAGMA journal_mode = WAL",
        "PRAGMA synchronous = FULL",
        "PRAGMA foreign_keys = ON",
        "PRAGMA busy_timeout = 10000",
        # Sorts and temporary tables stay in memory: no plaintext spill files on disk.
        "PRAGMA temp_store = MEMORY",
    ):
        cursor.execute(pragma)
    cursor.close()


def create_profile_engine(path: Path, key: bytes) -> Engine:
    """An engine on the encrypted database at ``path``; the file is created if missing.

    Raises:
        DatabaseUnreadableError: on first connect, when the key does not open the file.
    """
    # hide_parameters: error messages must never carry row values (patient data) into logs.
    engine = create_engine(
        f"sqlite+pysqlite:///{path}", module=sqlcipher3.dbapi2, hide_parameters=True
    )

    @event.listens_for(engine, "connect", insert=True)
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        _prepare(dbapi_connection, key)
        # The driver's legacy transaction handling commits implicitly before DDL, which would
        # leave a half-applied migration behind; SQLAlchemy's documented pysqlite recipe hands
        # transaction control to SQLAlchemy instead (BEGIN emitted on "begin" below).
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN")

    return engine


def session_factory(engine: Engine) -> sessionmaker[ProfileSession]:
    """Sessions bound to ``engine`` with the outbox hook and no expiry on commit."""
    return sessionmaker(bind=engine, class_=ProfileSession, expire_on_commit=False)
