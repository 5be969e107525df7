"""Fault tests of the sync (acceptance 2 of the sync issue), on a real server on 127.0.0.1.

The client is killed (SIGKILL) mid-push and mid-upload, the connection is cut mid-blob, the
server is killed mid-batch and started again, a batch is replayed, and two laptops run with
clocks two hours apart. Every interruption happens at an exact point: a proxy between
client and server (``cutting_proxy``) holds or cuts the chosen request and tells the test
when it is there. After recovery, nothing is lost and nothing is doubled: the rows and
blobs on the server are counted against the laptop's outbox, tables and evidence store.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from inspector_app.evidence.recording import add_evidence
from inspector_app.evidence.store import TEMPORARY_PREFIX, open_original
from inspector_app.profiles import OpenProfile, unlock_profile
from inspector_app.sync import blobs
from inspector_app.sync.apply import synced_models
from inspector_app.sync.client import SyncClient
from inspector_app.sync.entities import BY_NAME
from inspector_app.sync.hlc import HybridClock, Stamp, wall_millis
from inspector_app.sync.outbox_batches import next_batch
from inspector_app.sync.protocol import LoginRequest, Outcome, PushRequest
from local_db.enums import EvidenceKind, UserRole
from local_db.models import (
    CaseFile,
    EvidenceItem,
    Finding,
    InventoryBatch,
    IssuedDocument,
    OutboxEntry,
    SettlementBatch,
    SyncConflict,
)
from tests.conftest import TEST_PASSWORD
from tests.e2e.cutting_proxy import CuttingProxy, Point, Trap
from tests.e2e.sync_support import (
    FAST_RETRY,
    SERVER_PASSWORD,
    add_member_account,
    case_in_progress,
    device_id,
    new_laptop,
    run_sync,
    synced,
)
from tests.server.live_server import (
    Backend,
    LiveServer,
    admin_post,
    backend_for,
    free_port,
    holding_write_lock,
    read_server_blob,
    running_server,
    server_blob_shas,
    server_partial_shas,
    server_query,
    server_row_counts,
)

PUSH = "POST /v1/sync/push"
CHUNK = blobs.UPLOAD_CHUNK
# Three upload chunks: 4 MiB, 4 MiB and a ragged end.
BIG = 2 * CHUNK + 1_048_583
TWO_HOURS = int(timedelta(hours=2).total_seconds() * 1000)
CLI_SECONDS = 120


# -- fixtures -------------------------------------------------------------------------------


class ServerProcess:
    """The demo server (``running_server``) that a test can kill -9 and start again.

    A restart uses the same data folder and port, so the proxy in front keeps forwarding
    to it and the server finds the database and blobs of its previous life.
    """

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.port = free_port()
        self._lives = contextlib.ExitStack()
        self._live: LiveServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def storage(self) -> Backend:
        """Where its database and blobs are, for ``live_server``'s readers (any backend)."""
        return backend_for(self.data_dir)

    def start(self) -> None:
        self._live = self._lives.enter_context(running_server(self.data_dir, port=self.port))

    def kill(self) -> None:
        """SIGKILL: no shutdown handler runs; an open transaction dies with the process."""
        assert self._live is not None
        os.kill(self._live.pid, signal.SIGKILL)
        self._live = None
        deadline = time.monotonic() + 10
        while True:  # the port is free once the kernel has torn the process down
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
            except ConnectionRefusedError:
                return
            assert time.monotonic() < deadline, "the killed server still listens"
            time.sleep(0.02)

    def close(self) -> None:
        self._lives.close()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProcess]:
    running = ServerProcess(tmp_path / "server")
    try:
        running.start()
        yield running
    finally:
        running.close()


@pytest.fixture
def proxy(server: ServerProcess) -> Iterator[CuttingProxy]:
    with CuttingProxy(server.port) as running:
        yield running


@pytest.fixture
def laptop(demo_template: Path, tmp_path: Path) -> Path:
    """A closed copy of the demo profile: a subprocess may open it, or the test."""
    target = tmp_path / "laptop"
    shutil.copytree(demo_template, target)
    return target


@contextlib.contextmanager
def opened(path: Path) -> Iterator[OpenProfile]:
    profile = unlock_profile(path=path, password=TEST_PASSWORD)
    try:
        yield profile
    finally:
        profile.close()


# -- running a sync -------------------------------------------------------------------------


def start_cli_sync(profile_dir: Path, url: str, log: Path) -> subprocess.Popen[bytes]:
    """``inspector sync`` as its own process, so it can be SIGKILLed like a crashed laptop."""
    env = dict(os.environ)
    env.update(
        INSPECTOR_PASSWORD=TEST_PASSWORD,
        INSPECTOR_SERVER_PASSWORD=SERVER_PASSWORD,
        # No keyring of the machine is touched: every run signs in with the password.
        PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring",
        LANGUAGE="en",
    )
    command = [str(Path(sys.executable).with_name("inspector")), "sync"]
    command += ["--profile", str(profile_dir), "--server", url]
    with log.open("ab") as output:
        return subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT, env=env
        )


def kill_when_trapped(trap: Trap, process: subprocess.Popen[bytes], log: Path) -> None:
    """SIGKILL the client the moment the proxy holds its request, then drop the request."""
    deadline = time.monotonic() + CLI_SECONDS
    while not trap.hit.wait(0.05):
        if process.poll() is not None:
            pytest.fail(f"the client ended before the trap: {log.read_text(errors='replace')}")
        if time.monotonic() > deadline:
            process.kill()
            process.wait()
            pytest.fail("the client never reached the trap")
    process.send_signal(signal.SIGKILL)
    assert process.wait() == -signal.SIGKILL
    trap.release(drop=True)
    assert trap.finished.wait(10)


# -- the laptop's data ----------------------------------------------------------------------


def add_big_evidence(profile: OpenProfile, seed: int) -> str:
    """A synthetic video of several upload chunks; returns its SHA-256."""
    case_id = case_in_progress(profile).case_id
    content = random.Random(seed).randbytes(BIG)
    summary = add_evidence(
        profile=profile, case_id=case_id, source=content, kind=EvidenceKind.VIDEO,
        caption=f"synthetic recording {seed}", media_type="video/mp4",
    )  # fmt: skip
    assert summary.sha256 == hashlib.sha256(content).hexdigest()
    return summary.sha256


def outbox_stamps(profile: OpenProfile) -> dict[str, str]:
    """Change id → stamp of every outbox entry stamped so far and not yet pushed."""
    with profile.read_session() as session:
        rows = session.execute(
            select(OutboxEntry.change_id, OutboxEntry.hlc).where(
                OutboxEntry.hlc.is_not(None), OutboxEntry.pushed_at.is_(None)
            )
        )
        return {change_id: hlc for change_id, hlc in rows if hlc}


def outbox_total(profile: OpenProfile) -> int:
    with profile.read_session() as session:
        return int(session.scalar(select(func.count()).select_from(OutboxEntry)) or 0)


# -- counting both sides --------------------------------------------------------------------


def applied_count(server: ServerProcess) -> int:
    return server_row_counts(server.storage, "applied_change")["applied_change"]


def server_clocks(server: ServerProcess) -> dict[tuple[str, str, str], str]:
    """The clock the server holds for every field of every record."""
    clocks = {}
    for entity, entity_id, text in server_query(
        server.storage, "SELECT entity, entity_id, clocks FROM record"
    ):
        for name, stamp in json.loads(text).items():
            clocks[entity, entity_id, name] = stamp
    return clocks


def stored_blobs(server: ServerProcess) -> set[str]:
    """The verified blobs in the server's store (each must be there once)."""
    names = server_blob_shas(server.storage)
    assert len(set(names)) == len(names), "a blob stored twice"
    return set(names)


def server_received(server: ServerProcess, sha: str, size: int) -> int:
    """How far the server says an upload got (the protocol's own answer, any backend)."""
    answer = admin_post(server.url, f"/v1/blobs/{sha}/upload", {"size": size})
    return int(answer.json()["received"])


def local_counts(profile: OpenProfile) -> Counter[str]:
    """Rows per synced entity on the laptop (region is reference data kept separately)."""
    counts: Counter[str] = Counter()
    with profile.read_session() as session:
        for name, model in synced_models().items():
            if name != "region":
                counts[name] = int(session.scalar(select(func.count()).select_from(model)) or 0)
    return counts


def originals(profile: OpenProfile) -> set[str]:
    """The SHA-256 of every evidence original, issued document and settlement or 进销存
    extract the laptop's rows name."""
    with profile.read_session() as session:
        extracts = [
            *session.scalars(select(SettlementBatch.extract_sha256)),
            *session.scalars(select(InventoryBatch.extract_sha256)),
        ]
        return (
            set(session.scalars(select(EvidenceItem.sha256)))
            | set(session.scalars(select(IssuedDocument.sha256)))
            | {sha for sha in extracts if sha is not None}
        )


def assert_recovered(server: ServerProcess, laptop: OpenProfile, *, sees_all: bool = True) -> None:
    """Nothing lost, nothing doubled: server and laptop agree row by row and blob by blob.

    ``sees_all``: the laptop's user may read every record on the server and pulled last, so
    it holds as many of each kind; otherwise it holds a part of them.
    """
    # The laptop: every change accepted, every original present once.
    with laptop.read_session() as session:
        outbox = list(session.execute(select(OutboxEntry.change_id, OutboxEntry.pushed_at)))
        failed = session.scalar(select(func.count()).where(OutboxEntry.failed.is_(True)))
    assert failed == 0
    assert [change for change, pushed in outbox if pushed is None] == []
    wanted = originals(laptop)
    assert all(blobs.has_local(laptop, sha) for sha in wanted)
    store = [
        path
        for path in (laptop.path / "evidence").rglob("*")
        if path.is_file() and not path.name.startswith(TEMPORARY_PREFIX)
    ]
    assert len(store) == len(wanted), "an original stored twice, or one missing"

    # The server: each of this laptop's changes applied exactly once …
    storage = server.storage
    device = device_id(laptop)
    applied = [
        row[0]
        for row in server_query(
            storage, "SELECT change_id FROM applied_change WHERE device_id = :d", d=device
        )
    ]
    assert sorted(applied) == sorted(change for change, _pushed in outbox)
    # … each record once, as many of each kind as the laptop holds …
    rows = server_query(
        storage, "SELECT entity, count(*) FROM record WHERE entity <> 'region' GROUP BY entity"
    )
    on_server, here = +Counter({entity: int(n) for entity, n in rows}), +local_counts(laptop)
    assert on_server == here if sees_all else here <= on_server
    # … and each blob once, verified, named by its SHA-256, none left half uploaded.
    sizes = {sha: int(size) for sha, size in server_query(storage, "SELECT sha256, size FROM blob")}
    assert set(sizes) == stored_blobs(server)
    assert set(sizes) == wanted if sees_all else wanted <= set(sizes)
    for sha, size in sizes.items():
        content = read_server_blob(storage, sha)
        assert len(content) == size
        assert hashlib.sha256(content).hexdigest() == sha
    assert server_partial_shas(storage) == set()


# -- 1. the client killed mid-push ----------------------------------------------------------


def test_client_killed_mid_push(
    laptop: Path, server: ServerProcess, proxy: CuttingProxy, tmp_path: Path
) -> None:
    """``inspector sync`` SIGKILLed before the server saw its batch, then after the server
    committed it: the stamps survive, the rerun is told "duplicate", nothing is doubled."""
    log = tmp_path / "client.log"

    # Killed while its first batch waits in the proxy: the server never saw it.
    before = proxy.trap(PUSH, Point.BEFORE_FORWARD)
    kill_when_trapped(before, start_cli_sync(laptop, proxy.url, log), log)
    assert applied_count(server) == 0
    with opened(laptop) as profile:
        first_batch = outbox_stamps(profile)
    assert len(first_batch) == 200  # stamped and committed before it was sent

    # Killed after the server committed the batch, before the client heard the answer.
    after = proxy.trap(PUSH, Point.AFTER_RESPONSE)
    kill_when_trapped(after, start_cli_sync(laptop, proxy.url, log), log)
    assert applied_count(server) == len(first_batch)
    with opened(laptop) as profile:
        # The rerun sent the same changes with the same stamps; none is marked pushed.
        assert outbox_stamps(profile) == first_batch
        total = outbox_total(profile)

        report = synced(profile, proxy.url)
        assert report.duplicates == len(first_batch)  # told "duplicate", not applied twice
        assert report.pushed == total - len(first_batch)
        assert applied_count(server) == total
        assert_recovered(server, profile)


# -- 2. the client killed mid-upload --------------------------------------------------------


def test_client_killed_mid_upload(
    laptop: Path, server: ServerProcess, proxy: CuttingProxy, tmp_path: Path
) -> None:
    """``inspector sync`` SIGKILLed while a chunk is half sent: the server keeps whole
    chunks only, and the next run resumes at the server's offset."""
    log = tmp_path / "client.log"
    with opened(laptop) as profile:
        sha = add_big_evidence(profile, seed=2)
    upload = f"PATCH /v1/blobs/{sha}/upload"
    # The second chunk is a quarter on its way when the laptop dies.
    trap = proxy.trap(upload, Point.MID_BODY, occurrence=2, body_bytes=CHUNK // 4)
    kill_when_trapped(trap, start_cli_sync(laptop, proxy.url, log), log)
    # The server kept the first chunk and nothing of the half-sent second.
    assert server_partial_shas(server.storage) == {sha}
    assert server_received(server, sha, BIG) == CHUNK
    assert sha not in stored_blobs(server)

    proxy.clear()
    with opened(laptop) as profile:
        synced(profile, proxy.url)
        resumed = proxy.requests(upload)
        # It resumed at the server's offset: the first chunk was not sent again.
        assert [p.headers["upload-offset"] for p in resumed] == [str(CHUNK), str(2 * CHUNK)]
        assert sum(p.body_forwarded for p in resumed) == BIG - CHUNK
        assert_recovered(server, profile)


# -- 3. the connection cut mid-blob ---------------------------------------------------------


def test_connection_cut_mid_blob(
    laptop: Path, server: ServerProcess, proxy: CuttingProxy, tmp_path: Path
) -> None:
    """Cut uploads resume within the run (or the run fails cleanly and the next resumes);
    a cut download resumes with Range; every blob arrives whole and verified."""
    with opened(laptop) as profile:
        first = add_big_evidence(profile, seed=31)
        # One cut in the second chunk: the run's retry asks the server where to go on.
        upload = f"PATCH /v1/blobs/{first}/upload"
        proxy.trap(upload, Point.MID_BODY, occurrence=2, body_bytes=CHUNK // 2, hold=False)
        synced(profile, proxy.url)
        offsets = [p.headers["upload-offset"] for p in proxy.requests(upload)]
        assert offsets == ["0", str(CHUNK), str(CHUNK), str(2 * CHUNK)]
        assert sum(p.body_forwarded for p in proxy.requests(upload)) == BIG + CHUNK // 2
        assert_recovered(server, profile)

        # Cut on every retry: the run gives up cleanly and the next one completes.
        second = add_big_evidence(profile, seed=32)
        upload = f"PATCH /v1/blobs/{second}/upload"
        proxy.clear()
        proxy.trap(
            upload, Point.MID_BODY, occurrence=2, body_bytes=CHUNK // 2, hold=False,
            times=FAST_RETRY.attempts,
        )  # fmt: skip
        report = run_sync(profile, proxy.url)
        assert not report.ok and len(report.failures) == 1
        assert "cannot be reached" in report.failures[0]
        assert second not in stored_blobs(server)
        assert server_received(server, second, BIG) == CHUNK
        with profile.read_session() as session:
            waiting = session.scalar(
                select(func.count()).where(OutboxEntry.pushed_at.is_(None), ~OutboxEntry.failed)
            )
        assert waiting and waiting > 0  # the evidence row waits for its original
        proxy.clear()
        synced(profile, proxy.url)
        assert [p.headers["upload-offset"] for p in proxy.requests(upload)] == [
            str(CHUNK),
            str(2 * CHUNK),
        ]
        assert_recovered(server, profile)

    # The other direction: a download cut mid-blob resumes with a Range request.
    other = new_laptop(
        tmp_path / "second-laptop", "demo.leader", display_name="沈亦舟", role=UserRole.TEAM_LEADER
    )
    try:
        download = f"GET /v1/blobs/{second}"
        proxy.clear()
        proxy.trap(download, Point.MID_RESPONSE, response_bytes=CHUNK + 12345, hold=False)
        report = synced(other, proxy.url)
        assert report.blobs_down == len(originals(other))
        fetches = proxy.requests(download)
        assert len(fetches) == 2
        assert "range" not in fetches[0].headers
        start = int(fetches[1].headers["range"].removeprefix("bytes=").removesuffix("-"))
        assert 0 < start < BIG
        # The resumed answer carried the rest only (and its headers), not the whole blob.
        assert BIG - start < fetches[1].response_forwarded < BIG - start + 1024
        digest = hashlib.sha256()
        for chunk in open_original(other, second):
            digest.update(chunk)
        assert digest.hexdigest() == second
    finally:
        other.close()


# -- 4. the server killed mid-batch and started again ---------------------------------------


def test_server_restarted_mid_batch(
    laptop: Path, server: ServerProcess, proxy: CuttingProxy
) -> None:
    """The server kill -9ed holding a batch (nothing committed), then after committing one
    (answer lost): after each restart the laptop completes, no change lost or doubled."""
    with opened(laptop) as profile, ThreadPoolExecutor(1) as worker:
        # Killed while it holds the first batch and cannot commit it (the test holds the
        # database's write lock): the batch is lost with the process.
        trap = proxy.trap(PUSH, Point.BEFORE_FORWARD)
        running = worker.submit(run_sync, profile, proxy.url)
        trap.wait_hit()
        with holding_write_lock(server.storage):
            trap.release(drop=False)
            assert trap.forwarded.wait(30)
            server.kill()
        report = running.result(timeout=60)
        assert not report.ok and "cannot be reached" in report.failures[0]
        server.start()
        assert applied_count(server) == 0
        first_batch = outbox_stamps(profile)
        assert len(first_batch) == 200

        # Killed after committing the batch, before its answer reached the laptop.
        trap = proxy.trap(PUSH, Point.AFTER_RESPONSE)
        running = worker.submit(run_sync, profile, proxy.url)
        trap.wait_hit()
        server.kill()
        trap.release(drop=True)
        report = running.result(timeout=60)
        assert not report.ok
        server.start()
        assert applied_count(server) == len(first_batch)
        assert outbox_stamps(profile) == first_batch

        report = synced(profile, proxy.url)
        assert report.duplicates == len(first_batch)
        # Every entry, including the batches' extracts written by the first run.
        assert report.pushed == outbox_total(profile) - len(first_batch)
        assert_recovered(server, profile)


# -- 5. a batch replayed twice --------------------------------------------------------------


def _feed(client: SyncClient) -> list[dict[str, Any]]:
    """The whole change feed the client's user sees, and the cursor it ends at."""
    pages, cursor = [], ""
    while True:
        page = client.pull(cursor, 500)
        pages += [record.model_dump(mode="json") for record in page.records]
        cursor = page.cursor
        if not page.has_more:
            return [*pages, {"cursor": cursor}]


def test_batch_replayed_twice(laptop: Path, server: ServerProcess) -> None:
    """The same PushRequest twice: all "duplicate", the records, applied changes and the
    feed unchanged; the engine's own resend is a third replay with the same answer."""
    with opened(laptop) as profile:
        device = device_id(profile)
        with profile.session() as session:
            batch = next_batch(session, HybridClock(device), 200)
        client = SyncClient(server.url)
        try:
            client.login(
                LoginRequest(
                    username="demo.leader", password=SERVER_PASSWORD, device_id=device,
                    device_label="replay",
                )
            )  # fmt: skip
            for change in batch.changes:  # originals first, as the engine sends them
                spec = BY_NAME[change.entity]
                for name in spec.blob_fields:
                    size = int(change.fields.get("size_bytes") or 0)
                    blobs.upload(profile, client, change.fields[name], size, lambda _n: None)
            request = PushRequest(device_id=device, changes=batch.changes)

            first = client.push(request)
            assert first.applied == len(batch.changes) == 200
            records = server_query(server.storage, "SELECT * FROM record ORDER BY rid")
            applied = server_query(
                server.storage, "SELECT * FROM applied_change ORDER BY change_id"
            )
            feed = _feed(client)

            second = client.push(request)
            assert (second.applied, second.rejected, second.conflicts) == (0, 0, 0)
            assert second.duplicates == len(batch.changes)
            assert [o.change_id for o in second.outcomes] == [c.change_id for c in batch.changes]
            assert {o.outcome for o in second.outcomes} == {Outcome.DUPLICATE}
            assert server_query(server.storage, "SELECT * FROM record ORDER BY rid") == records
            assert (
                server_query(server.storage, "SELECT * FROM applied_change ORDER BY change_id")
                == applied
            )
            assert _feed(client) == feed
        finally:
            client.close()

        # The laptop never recorded those answers: its own run is a third replay.
        report = synced(profile, server.url)
        assert report.duplicates == 200
        assert_recovered(server, profile)


# -- 6. clocks two hours apart --------------------------------------------------------------


def _skewed(offset: int) -> Callable[[], int]:
    return lambda: wall_millis() + offset


def _values(profile: OpenProfile, case_id: str, finding_id: str) -> dict[str, Any]:
    with profile.read_session() as session:
        case = session.get(CaseFile, case_id)
        finding = session.get(Finding, finding_id)
        assert case is not None and finding is not None
        conflicts = sorted(
            (c.entity, c.entity_id, c.field, c.loser_value, c.winner_value)
            for c in session.scalars(select(SyncConflict))
        )
        return {
            "summary": case.summary,
            "title": finding.title,
            "description": finding.description,
            "conflicts": conflicts,
        }


def test_clocks_two_hours_apart(laptop: Path, server: ServerProcess, tmp_path: Path) -> None:
    """Laptops two hours ahead and behind converge; the concurrent same-field edit leaves a
    conflict; a later edit of the laptop behind still wins; no server clock goes back."""
    url = server.url
    ahead, behind = _skewed(+TWO_HOURS), _skewed(-TWO_HOURS)
    seen = server_clocks(server)

    def no_clock_went_back() -> dict[tuple[str, str, str], str]:
        now = server_clocks(server)
        assert [key for key, stamp in seen.items() if now.get(key, "") < stamp] == []
        seen.update(now)
        return now

    with opened(laptop) as leader:
        shared = case_in_progress(leader)
        case_id, finding_id = shared.case_id, shared.finding_id
        add_member_account(url, "member.skew", shared.member_code)
        synced(leader, url, ahead)
        no_clock_went_back()
        member = new_laptop(tmp_path / "member", "member.skew")
        try:
            synced(member, url, behind)
            no_clock_went_back()
            summary = ("case_file", case_id, "summary")

            # Offline on both: the same field (summary) and different fields of a finding.
            # The member edits last in real time, but its clock is four hours behind.
            with leader.session() as session:
                session.get(CaseFile, case_id).summary = "summary by the leader"  # type: ignore[union-attr]
                session.get(Finding, finding_id).title = "title by the leader"  # type: ignore[union-attr]
            with member.session() as session:
                session.get(CaseFile, case_id).summary = "summary by the member"  # type: ignore[union-attr]
                session.get(Finding, finding_id).description = "description by the member"  # type: ignore[union-attr]
            synced(member, url, behind)
            member_stamp = no_clock_went_back()[summary]
            # The member's stamp is not four hours behind: its clock observed the leader's.
            leader_first = Stamp.decode(seen[("finding", finding_id, "title")])
            assert Stamp.decode(member_stamp).millis >= leader_first.millis
            conflicted = synced(leader, url, ahead)
            # Concurrent writes of one field: the later stamp wins (section 7), here the
            # leader's clock two hours ahead; the member's value is kept as a conflict.
            assert conflicted.conflicts == 1
            assert no_clock_went_back()[summary] > member_stamp
            synced(member, url, behind)

            expected = [
                (
                    "case_file", case_id, "summary",
                    '"summary by the member"', '"summary by the leader"',
                )
            ]  # fmt: skip
            for profile in (leader, member):
                values = _values(profile, case_id, finding_id)
                assert values["summary"] == "summary by the leader"
                assert values["title"] == "title by the leader"
                assert values["description"] == "description by the member"
                assert values["conflicts"] == expected

            # An edit made after seeing the leader's value is not concurrent: the member
            # (clock behind) wins it, so the leader's skew does not win forever.
            with member.session() as session:
                session.get(CaseFile, case_id).summary = "summary corrected by the member"  # type: ignore[union-attr]
            leader_stamp = seen[summary]
            answer = synced(member, url, behind)
            assert answer.conflicts == 0
            assert no_clock_went_back()[summary] > leader_stamp
            synced(leader, url, ahead)
            no_clock_went_back()
            for profile in (leader, member):
                values = _values(profile, case_id, finding_id)
                assert values["summary"] == "summary corrected by the member"
                assert values["conflicts"] == expected  # no new conflict
            assert _values(leader, case_id, finding_id) == _values(member, case_id, finding_id)
            assert_recovered(server, leader)
            assert_recovered(server, member, sees_all=False)
        finally:
            member.close()
