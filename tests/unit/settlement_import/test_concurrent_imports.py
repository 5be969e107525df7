"""Two imports at once: the second waits for the first's write lock, then numbers after it."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import select, text

from inspector_app.profiles import OpenProfile
from inspector_app.progress import Progress
from inspector_app.settlement_import import ImportSource, ImportSummary, import_settlement
from local_db.models import Claim
from local_db.settlement_load import WriteLockBusyError, next_claim_id
from tests.unit.settlement_import.world import (
    CLAIM_HEADERS,
    World,
    claim_row,
    make_world,
    write_csv,
)

WAIT = 20.0  # seconds; only reached when something is broken


@pytest.fixture
def world(profile: OpenProfile) -> World:
    return make_world(profile)


def test_two_concurrent_imports_both_load_with_distinct_claim_ids(
    profile: OpenProfile, world: World, tmp_path: Path
) -> None:
    first_file = write_csv(tmp_path / "a.csv", CLAIM_HEADERS, [claim_row(n) for n in range(1, 51)])
    second_file = write_csv(
        tmp_path / "b.csv", CLAIM_HEADERS, [claim_row(n) for n in range(101, 131)]
    )
    inside, release = threading.Event(), threading.Event()

    def hold(_done: int, _total: int | None, label: str) -> None:
        # The first import stops once it is loading (its claim ids chosen, nothing written
        # yet) until the second one has had every chance to choose its own.
        if label.startswith("Importing claims") and not inside.is_set():
            inside.set()
            release.wait(WAIT)

    results: dict[str, ImportSummary] = {}
    errors: dict[str, BaseException] = {}

    def run(name: str, path: Path, progress: Progress) -> None:
        try:
            results[name] = import_settlement(
                profile, claims=ImportSource(path), institution_id=world.institution_id,
                progress=progress,
            )  # fmt: skip
        except BaseException as error:  # reported by the assertions below
            errors[name] = error
            inside.set()

    first = threading.Thread(target=run, args=("first", first_file, Progress(callback=hold)))
    second = threading.Thread(target=run, args=("second", second_file, Progress()))
    first.start()
    assert inside.wait(WAIT)
    second.start()
    second.join(1.5)  # with the fix it waits for the lock; without, it races ahead
    release.set()
    first.join(WAIT)
    second.join(WAIT)
    assert not first.is_alive() and not second.is_alive()
    assert errors == {}
    assert (results["first"].claims, results["second"].claims) == (50, 30)
    with profile.read_session() as session:
        ids = {
            batch_id: list(session.scalars(select(Claim.id).where(Claim.batch_id == batch_id)))
            for batch_id in (results["first"].batch_id, results["second"].batch_id)
        }
    first_ids, second_ids = ids[results["first"].batch_id], ids[results["second"].batch_id]
    assert sorted(first_ids) == list(range(1, 51))
    assert sorted(second_ids) == list(range(51, 81))  # numbered after the first's commit


def test_the_first_claim_id_is_read_under_the_write_lock(profile: OpenProfile) -> None:
    holder = profile.read_session()
    other = profile.read_session()
    try:
        assert next_claim_id(holder) == 1
        # Another connection cannot write (nor read a claim id to write) until it ends.
        other.execute(text("PRAGMA busy_timeout = 100"))
        with pytest.raises(WriteLockBusyError):
            next_claim_id(other)
        other.rollback()
        holder.rollback()
        assert next_claim_id(other) == 1
    finally:
        other.execute(text("PRAGMA busy_timeout = 10000"))
        other.close()
        holder.close()
