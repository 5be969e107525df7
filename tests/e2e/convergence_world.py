"""The three laptops and the server of the sync convergence test, prepared once, restored fast.

Building the starting point (a real server, the team leader's demo profile published, two
team members signed in on fresh profiles that received the case) takes seconds; a hypothesis
run needs it once per example. So it is built once per test module and each example starts
from copies: the server's data folder and the three profile folders are copied, and a new
server process is started on the copy (about 0.7 s, spent in the background while the
previous example runs). The kept sign-ins are restored too, so no example pays for three
password checks.

A server whose storage is not its data folder (PostgreSQL, the S3 emulator; see
``tests/server/live_server.py``) cannot be copied that way: each example then builds its
starting point from scratch, which is slower but runs the same test.
"""

from __future__ import annotations

import contextlib
import itertools
import shutil
import ssl
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

import httpx
from sqlalchemy import select

from inspector_app.profiles import OpenProfile, create_profile, unlock_profile
from inspector_app.sync import credentials
from inspector_app.sync.client import SyncClient
from inspector_app.sync.engine import RetryPolicy, SyncEngine, SyncReport
from local_db.enums import TeamRole, UserRole
from local_db.models import CaseFile, Finding, InspectionTask, Inspector, TeamMembership
from tests.conftest import FAST_KDF, TEST_PASSWORD
from tests.e2e.sync_support import SERVER_PASSWORD, add_member_account
from tests.server.live_server import LiveServer, running_server

LEADER = "demo.leader"
MEMBERS = ("member.one", "member.two")
CLIENTS = (LEADER, *MEMBERS)
FAST_RETRY = RetryPolicy(attempts=2, first_delay=0.05)
_TLS = ssl.create_default_context()


@dataclass(frozen=True)
class Case:
    """The shared case everyone works on, and what is needed to add to it."""

    case_id: str
    task_id: str
    violation_code: str


@dataclass(frozen=True)
class Snapshot:
    """Prepared folders to copy for each example (``server_dir`` None: build afresh)."""

    demo_template: Path
    case: Case
    server_dir: Path | None = None
    profiles: tuple[tuple[str, Path], ...] = ()
    logins: tuple[tuple[str, credentials.StoredLogin], ...] = ()


class Example:
    """One example's running server and open laptops; :meth:`close` stops and closes all."""

    def __init__(self, server: LiveServer, clients: dict[str, OpenProfile], case: Case) -> None:
        self.server = server
        self.clients = clients
        self.case = case
        self.stack = contextlib.ExitStack()

    def close(self) -> None:
        """Close every profile, then stop the server."""
        with self.stack:
            for profile in self.clients.values():
                profile.close()


def plain_transport() -> httpx.HTTPTransport:
    """httpx's own transport, sharing one TLS context (building one costs ~70 ms of CPU, and
    a run of this test makes hundreds of clients; the server speaks plain HTTP anyway)."""
    return httpx.HTTPTransport(verify=_TLS)


def sync(profile: OpenProfile, url: str, client: SyncClient | None = None) -> SyncReport:
    """One sync run of ``profile`` (through ``client``, e.g. one with a faulty transport)."""
    client = client or SyncClient(url, transport=plain_transport())
    engine = SyncEngine(profile, url, password=SERVER_PASSWORD, retry=FAST_RETRY, client=client)
    return engine.run()


def _synced(profile: OpenProfile, url: str) -> None:
    report = sync(profile, url)
    assert report.ok, report.failures


def _shared_case(leader: OpenProfile) -> tuple[Case, list[str]]:
    """The demo's case in progress and the staff codes of two of its members."""
    with leader.read_session() as session:
        task = session.scalar(select(InspectionTask).where(InspectionTask.task_number.like("%001")))
        assert task is not None
        case = session.scalar(select(CaseFile).where(CaseFile.task_id == task.id))
        assert case is not None
        codes = session.scalars(
            select(Inspector.staff_code)
            .join(TeamMembership, TeamMembership.inspector_id == Inspector.id)
            .where(TeamMembership.task_id == task.id, TeamMembership.role == TeamRole.MEMBER)
            .order_by(Inspector.staff_code)
        ).all()
        code = session.scalars(select(Finding.violation_code).where(Finding.case_id == case.id))
        return Case(case.id, task.id, code.first() or ""), list(codes[: len(MEMBERS)])


def _create_accounts(url: str, staff_codes: list[str]) -> None:
    for username, staff_code in zip(MEMBERS, staff_codes, strict=True):
        add_member_account(url, username, staff_code)


@contextlib.contextmanager
def built(demo_template: Path, root: Path) -> Iterator[Example]:
    """A new server and three laptops: the leader published the demo, the members received it."""
    leader_dir = root / "profiles" / LEADER
    shutil.copytree(demo_template, leader_dir)
    leader = unlock_profile(path=leader_dir, password=TEST_PASSWORD)
    case, staff_codes = _shared_case(leader)
    clients = {LEADER: leader}
    with running_server(root / "server") as server:
        example = Example(server, clients, case)
        try:
            _create_accounts(server.url, staff_codes)
            _synced(leader, server.url)
            for username in MEMBERS:
                clients[username] = create_profile(
                    path=root / "profiles" / username,
                    password=TEST_PASSWORD,
                    display_name="组员",
                    username=username,
                    role=UserRole.INSPECTOR,
                    kdf=FAST_KDF,
                )
                _synced(clients[username], server.url)
            yield example
        finally:
            example.close()


def restorable(server: LiveServer) -> bool:
    """True when the server keeps everything in its data folder (a copy is a full restore)."""
    return server.backend.database_url.startswith("sqlite") and server.backend.s3_endpoint is None


def prepare(demo_template: Path, root: Path) -> Snapshot:
    """Build the starting point once and keep its folders (closed) under ``root``."""
    with built(demo_template, root) as example:
        case = example.case
        if not restorable(example.server):
            return Snapshot(demo_template, case)
        profiles = tuple((name, profile.path) for name, profile in example.clients.items())
        logins = []
        for name, profile in example.clients.items():
            login = credentials.load(profile.info.profile_id)
            assert login is not None
            logins.append((name, login))
        server_dir = example.server.data_dir
    return Snapshot(demo_template, case, server_dir, profiles, tuple(logins))


class Servers:
    """Servers on copies of the snapshot's data folder: the next one always starting (and the
    last one stopping) in the background while an example runs, so examples do not wait."""

    def __init__(self, snapshot: Snapshot, root: Path, *, spare: bool = True) -> None:
        assert snapshot.server_dir is not None
        self.source = snapshot.server_dir
        self.root = root
        self.spare = spare  # start the next server as soon as one is taken
        self._numbers = itertools.count()
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="convergence")
        self._next: Future[tuple[LiveServer, contextlib.ExitStack] | None] = self._worker.submit(
            self._start
        )

    def _start(self) -> tuple[LiveServer, contextlib.ExitStack]:
        server_dir = self.root / f"server-{next(self._numbers)}"
        shutil.copytree(self.source, server_dir)
        stack = contextlib.ExitStack()
        stack.callback(shutil.rmtree, server_dir, ignore_errors=True)
        return stack.enter_context(running_server(server_dir)), stack

    def take(self) -> tuple[LiveServer, contextlib.ExitStack]:
        """A running server on a fresh copy; pass its stack to :meth:`stop` when done."""
        taken = self._next.result()
        if taken is None:
            raise RuntimeError("this pool had one server (spare=False) and gave it away")
        self._next = self._worker.submit(self._start if self.spare else _no_server)
        return taken

    def stop(self, stack: contextlib.ExitStack) -> None:
        """Stop a server in the background."""
        self._worker.submit(stack.close)

    def close(self) -> None:
        """Stop the server that was waiting for the next example, and the worker."""
        try:
            spare = self._next.result()
            if spare is not None:
                spare[1].close()
        finally:
            self._worker.shutdown(wait=True)


def _no_server() -> None:
    return None


def start_example(snapshot: Snapshot, root: Path, servers: Servers | None) -> Example:
    """A fresh copy of the starting point, running (the caller closes it).

    ``servers`` hands out servers on copies of the snapshot's; None builds everything anew.
    """
    if servers is None:
        stack = contextlib.ExitStack()
        example = stack.enter_context(built(snapshot.demo_template, root))
        example.stack.push(stack)
        return example
    server, server_stack = servers.take()
    clients: dict[str, OpenProfile] = {}
    example = Example(server, clients, snapshot.case)
    example.stack.callback(servers.stop, server_stack)
    try:
        logins = dict(snapshot.logins)
        for name, folder in snapshot.profiles:
            copy = root / "profiles" / name
            shutil.copytree(folder, copy)
            clients[name] = unlock_profile(path=copy, password=TEST_PASSWORD)
            login = replace(logins[name], server_url=server.url)
            credentials.save(clients[name].info.profile_id, login)
    except BaseException:
        example.close()
        raise
    return example
