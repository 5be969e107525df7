"""Bulk-load a settlement batch — claims, lines, ground truth and the batch row — atomically.

Settlement data is millions of rows, far too many for the ORM, yet a load must be all or
nothing: a batch row (a synced entity, so it carries an outbox row) that points at half its
claims would be worse than no load. So everything goes through the DB-API connection of
the *same* session transaction: ``executemany`` chunk after chunk, then the batch row through
the ORM (its outbox row comes from the hook), then one commit by the caller. A crash, a
``kill -9`` or an exception from the progress callback before that commit leaves nothing.

Claim ids are numbered by the producer from :func:`next_claim_id`, so that id is read with
the database's write lock already held (:func:`begin_write`, what ``BEGIN IMMEDIATE`` does):
two loads can no longer both read the same highest id and the second fail on a duplicate
key at the end of a long load. The second waits for the first to commit (up to the
connection's busy timeout) and then numbers its claims after the first's.

The batch row is written last, with its final counts, so the outbox holds exactly one
insert for it (never an insert with zero counts followed by an update). Foreign keys are
deferred for this one transaction (``PRAGMA defer_foreign_keys``): the claims may point at
the batch before it exists, and SQLite still verifies every reference at commit.

Callers pass plain row tuples (this package does not know how they are produced) and an
optional ``on_rows(claims_done)`` callback, which may raise to cancel. A file import also
passes the refused rows of its error report (``import_problem``), written in the same
transaction, and a ``before_insert`` callback that fills the batch fields it only knows once
every row was read (rejected count, import details).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from local_db.models import Claim, SettlementBatch

Row = tuple[Any, ...]

CLAIM_COLUMNS = (
    "id", "batch_id", "settlement_no", "visit_no", "patient_name", "patient_sex",
    "patient_birth_date", "patient_id_no", "insurance_type", "visit_type", "department",
    "doctor_code", "doctor_name", "admission_date", "discharge_date", "diagnosis_code",
    "diagnosis_name", "total_fen", "fund_fen", "account_fen", "self_fen", "settled_at",
)  # fmt: skip
# No ``id``: SQLite numbers lines itself (rowid), which is the cheapest insert.
LINE_COLUMNS = (
    "claim_id", "line_no", "item_code", "item_name", "item_category", "unit",
    "unit_price_fen", "quantity", "amount_fen", "coverage_class", "ordering_doctor",
    "service_time", "trace_code", "ordered_quantity",
)  # fmt: skip
PLANTED_COLUMNS = ("batch_id", "claim_id", "kind", "detail")
PROBLEM_COLUMNS = ("batch_id", "file_role", "row_no", "column", "value", "problem", "detail")

_CLAIM_BATCH = CLAIM_COLUMNS.index("batch_id")
_TOTAL_FEN = CLAIM_COLUMNS.index("total_fen")
# A page cache of 256 MiB for the load (the previous size is restored afterwards): the claim
# index on patient ID numbers is written in random order, and with the default 2 MiB cache
# its pages are evicted, encrypted, written and read back again and again. Measured on
# 200 k claims: claims 1.7 s instead of 4.2 s, lines 8.9 s instead of 11.2 s.
LOAD_CACHE_KIB = 256 * 1024


def _insert(table: str, columns: Sequence[str]) -> str:
    marks = ", ".join("?" for _ in columns)
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"


CLAIM_SQL = _insert("claim", CLAIM_COLUMNS)
LINE_SQL = _insert("claim_line", LINE_COLUMNS)
PLANTED_SQL = _insert("planted_irregularity", PLANTED_COLUMNS)
PROBLEM_SQL = _insert("import_problem", PROBLEM_COLUMNS)
_PLANTED_BATCH = PLANTED_COLUMNS.index("batch_id")
_PROBLEM_BATCH = PROBLEM_COLUMNS.index("batch_id")


@dataclass(frozen=True)
class RowChunk:
    """Rows of one chunk, in the column order of the ``*_COLUMNS`` tuples.

    ``lines`` may be a one-shot iterator (it is consumed once); every line must belong to a
    claim of this chunk or of an earlier one, and every planted row to a loaded claim.
    ``problems`` (``PROBLEM_COLUMNS``) are read after ``lines`` was consumed, so a producer
    may fill the list while it generates the lines.
    """

    claims: Sequence[Row]
    lines: Iterable[Sequence[Any]]  # tuples or lists (a producer may reuse its value list)
    planted: Sequence[Row] = ()
    problems: Sequence[Row] = ()


@dataclass(frozen=True)
class LoadResult:
    """What a load wrote (also stored on the batch row)."""

    claim_count: int
    line_count: int
    planted_count: int
    total_fen: int
    problem_count: int = 0


class WriteLockBusyError(Exception):
    """Another connection held the database's write lock for the whole busy timeout."""


# A write that changes nothing: SQLite takes the write lock for any write statement, even
# one that matches no row (no trigger fires, nothing goes to the log).
_TAKE_WRITE_LOCK = text("DELETE FROM claim WHERE 0")


def begin_write(session: Session) -> None:
    """Hold the database's write lock in the session's transaction from now on.

    The session's transaction starts deferred (a plain ``BEGIN``); this makes it what
    ``BEGIN IMMEDIATE`` would have: no other connection can write until it ends, so what
    it reads next (the highest claim id) stays true until its commit. Another writer makes
    it wait up to the connection's busy timeout. Call it before the transaction's first
    read: a transaction that read before another one committed cannot take the lock.

    Raises:
        WriteLockBusyError: another connection kept the lock for the whole timeout (or this
            transaction's earlier reads are out of date).
    """
    try:
        session.execute(_TAKE_WRITE_LOCK)
    except OperationalError as error:
        if "locked" in str(error.orig) or "busy" in str(error.orig):
            raise WriteLockBusyError(str(error.orig)) from error
        raise


def next_claim_id(session: Session) -> int:
    """The first free claim id; producers number a batch's claims upwards from it.

    Takes the write lock first (:func:`begin_write`), so the id stays free until the
    session's transaction ends: load the claims in that same transaction.

    Raises:
        WriteLockBusyError: see :func:`begin_write`.
    """
    begin_write(session)
    highest = session.scalar(select(func.max(Claim.id)))
    return int(highest or 0) + 1


def load_batch(
    session: Session,
    *,
    batch: SettlementBatch,
    chunks: Iterable[RowChunk],
    on_rows: Callable[[int], None] | None = None,
    before_insert: Callable[[SettlementBatch], None] | None = None,
    cache_kib: int = LOAD_CACHE_KIB,
) -> LoadResult:
    """Insert ``chunks`` and then ``batch`` (with its counts) in the session's transaction.

    The caller commits (or rolls back) the session; nothing is visible before that. The
    batch must be new and already carry its ``id``, which the claim rows refer to.
    ``before_insert(batch)`` runs once every chunk is in, just before the batch row is
    added: the place to set fields known only from the rows (the batch row is inserted
    once, with its final values).

    Raises:
        ValueError: the batch has no id, was already added, or a chunk names another batch.
        WriteLockBusyError: another connection kept the write lock (see ``begin_write``).
        Whatever ``on_rows``, ``before_insert`` or the chunks raise (e.g. a cancellation),
            after which the caller rolls back.
    """
    if batch.id is None or batch in session:
        raise ValueError("load_batch needs a new batch with its id set, not yet in the session")
    # Normally already held (next_claim_id took it); else the load waits here, not at its end.
    begin_write(session)
    driver: Any = session.connection().connection.driver_connection
    cursor = driver.cursor()
    if not driver.in_transaction:
        cursor.execute("BEGIN")  # the pragma below only lasts for the current transaction
    cursor.execute("PRAGMA defer_foreign_keys = ON")
    previous_cache = cursor.execute("PRAGMA cache_size").fetchone()[0]
    cursor.execute(f"PRAGMA cache_size = {-int(cache_kib)}")
    claims = lines = planted = problems = total_fen = 0
    try:
        for chunk in chunks:
            # Every row, not a sample: a row naming another (existing) batch would pass the
            # foreign-key check and silently belong to the wrong load.
            if any(row[_CLAIM_BATCH] != batch.id for row in chunk.claims) or any(
                row[_PLANTED_BATCH] != batch.id for row in chunk.planted
            ):
                raise ValueError("a chunk's rows belong to another batch")
            cursor.executemany(CLAIM_SQL, chunk.claims)
            cursor.executemany(LINE_SQL, chunk.lines)
            lines += cursor.rowcount
            if chunk.planted:
                cursor.executemany(PLANTED_SQL, chunk.planted)
                planted += len(chunk.planted)
            if chunk.problems:
                if any(row[_PROBLEM_BATCH] != batch.id for row in chunk.problems):
                    raise ValueError("a chunk's rows belong to another batch")
                cursor.executemany(PROBLEM_SQL, chunk.problems)
                problems += len(chunk.problems)
            claims += len(chunk.claims)
            total_fen += sum(row[_TOTAL_FEN] for row in chunk.claims)
            if on_rows is not None:
                on_rows(len(chunk.claims))
    finally:
        cursor.execute(f"PRAGMA cache_size = {int(previous_cache)}")
        cursor.close()
    batch.claim_count, batch.line_count, batch.total_fen = claims, lines, total_fen
    if before_insert is not None:
        before_insert(batch)
    session.add(batch)
    session.flush()
    return LoadResult(
        claim_count=claims,
        line_count=lines,
        planted_count=planted,
        total_fen=total_fen,
        problem_count=problems,
    )


def release_wal(engine: Engine) -> None:
    """Checkpoint and truncate the write-ahead log after a big load.

    The log keeps a copy of every page the load wrote (2 GB after a million claims) on disk
    until it is reset. A reader still open elsewhere makes this wait up to the connection's
    busy timeout and then leave the log as it is (nothing is lost either way).
    """
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
