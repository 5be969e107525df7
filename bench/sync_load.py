"""Many clients syncing against one server process at once (asyncio, one connection each).

Each client has its own account, device and access token, and its own task and case on
the server. A *round* is what a desktop sync does when it has a little to send: push one
batch (the case's summary edited, plus new findings) and pull the feed until ``has_more``
is false (the client's own records come back, as they do for the desktop). All clients
start their rounds together and run them back to back (closed loop, no think time), so
every request meets the others in flight. The baseline, measured on the same server just
before, is one client running the same rounds alone.

Requests are the protocol's own models (``inspector_app.sync.protocol``), sent the way the
desktop client sends them, with its timeouts. An error is any exception, any non-2xx
answer, and any change the server rejected; the benchmark expects none.
"""

from __future__ import annotations

import asyncio
import math
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import httpx

from bench.sync_server import ADMIN
from inspector_app.sync.client import TIMEOUT
from inspector_app.sync.hlc import HybridClock
from inspector_app.sync.protocol import (
    PROTOCOL_HEADER,
    PROTOCOL_VERSION,
    Change,
    Operation,
    PullResponse,
    PushRequest,
    PushResponse,
)
from local_db.types import utc_now

PASSWORD = "bench-load-password"
REGION = "990100"
FINDINGS_PER_ROUND = 4
SETUP_CONCURRENCY = 8  # account creation and sign-in hash passwords (argon2id): ~0.2 s each
_JSON = {"Content-Type": "application/json"}


@dataclass
class Tally:
    """Latencies per request type and per round, and the errors seen."""

    seconds: defaultdict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: defaultdict[str, int] = field(default_factory=lambda: defaultdict(int))
    rounds: int = 0
    wall_seconds: float = 0.0

    @property
    def requests(self) -> int:
        """Requests answered (any status), rounds excluded."""
        return sum(len(v) for k, v in self.seconds.items() if k != "round")

    @property
    def error_count(self) -> int:
        """Every exception, non-2xx answer and rejected change."""
        return sum(self.errors.values())


class LoadClient:
    """One simulated laptop: its sign-in, its case, its cursor and its clock."""

    def __init__(self, url: str, username: str) -> None:
        self.username = username
        self.device_id = f"bench-{uuid.uuid4()}"
        self.http = httpx.AsyncClient(
            base_url=url, timeout=TIMEOUT, headers={PROTOCOL_HEADER: str(PROTOCOL_VERSION)}
        )
        self.clock = HybridClock(self.device_id)
        self.task_id = str(uuid.uuid4())
        self.case_id = str(uuid.uuid4())
        self.summary_clock: str | None = None
        self.cursor = ""
        self.edits = 0

    async def sign_in(self) -> None:
        """Log in with the password (registers the device)."""
        response = await self.http.post(
            "/v1/auth/login",
            json={
                "username": self.username,
                "password": PASSWORD,
                "device_id": self.device_id,
                "device_label": "bench",
            },
        )
        response.raise_for_status()
        self.http.headers["Authorization"] = f"Bearer {response.json()['access_token']}"

    def _change(
        self, entity: str, entity_id: str, operation: Operation, fields: dict[str, Any]
    ) -> Change:
        base: dict[str, str | None] = {}
        if entity == "case_file" and operation is Operation.UPDATE:
            base = {"summary": self.summary_clock}
        return Change(
            change_id=str(uuid.uuid4()),
            entity=entity,
            entity_id=entity_id,
            operation=operation,
            hlc=self.clock.now(),
            fields=fields,
            base=base,
            actor=self.username,
            at=utc_now(),
        )

    def opening_changes(self) -> list[Change]:
        """The client's task and its case (sent once, before the measured rounds)."""
        task = self._change(
            "inspection_task",
            self.task_id,
            Operation.INSERT,
            {
                "task_number": f"LOAD-{self.username}",
                "title": "专项检查（负载测试）",
                "task_type": "thematic",
                "origin": "plan",
                "status": "on_site",
                "region_code": REGION,
                "institution_id": None,
                "planned_start": "2026-11-02",
                "planned_end": "2026-11-06",
                "sealed": False,
                "notes": "",
            },
        )
        case = self._change(
            "case_file",
            self.case_id,
            Operation.INSERT,
            {
                "task_id": self.task_id,
                "case_number": f"LOAD-C-{self.username}",
                "status": "open",
                "summary": "",
            },
        )
        self.summary_clock = case.hlc
        return [task, case]

    def round_changes(self) -> list[Change]:
        """A small batch: the case summary edited, and a few new findings."""
        self.edits += 1
        summary = self._change(
            "case_file",
            self.case_id,
            Operation.UPDATE,
            {"summary": f"第 {self.edits} 次修改：现场核查进行中，已调取收费明细。"},
        )
        self.summary_clock = summary.hlc
        findings = [
            self._change(
                "finding",
                str(uuid.uuid4()),
                Operation.INSERT,
                {
                    "case_id": self.case_id,
                    "violation_code": "art38.2",
                    "title": f"问题 {self.edits}-{n}：超标准收费",
                    "description": "病历记录与收费明细不符，存在超标准收取诊疗费用的情况。",
                    "legal_basis": "",
                    "amount_fen": 12_345 + n,
                    "status": "draft",
                    "handling": "[]",
                },
            )
            for n in range(FINDINGS_PER_ROUND)
        ]
        return [summary, *findings]

    async def _timed(
        self, tally: Tally, kind: str, method: str, path: str, **kwargs: Any
    ) -> httpx.Response | None:
        started = time.perf_counter()
        try:
            response = await self.http.request(method, path, **kwargs)
        except httpx.HTTPError as error:
            tally.errors[f"{kind}: {type(error).__name__}"] += 1
            return None
        finally:
            tally.seconds[kind].append(time.perf_counter() - started)
        if not response.is_success:
            tally.errors[f"{kind}: HTTP {response.status_code}"] += 1
            return None
        return response

    async def push(self, tally: Tally, changes: list[Change]) -> None:
        """One push; rejected changes count as errors."""
        body = PushRequest(device_id=self.device_id, changes=changes).model_dump_json()
        response = await self._timed(
            tally, "push", "POST", "/v1/sync/push", content=body, headers=_JSON
        )
        if response is not None:
            answer = PushResponse.model_validate_json(response.content)
            if answer.rejected:
                tally.errors["push: rejected change"] += answer.rejected

    async def pull(self, tally: Tally) -> None:
        """Pull pages until the feed has no more."""
        while True:
            params = {"cursor": self.cursor, "limit": 500}
            response = await self._timed(tally, "pull", "GET", "/v1/sync/changes", params=params)
            if response is None:
                return
            page = PullResponse.model_validate_json(response.content)
            self.cursor = page.cursor
            if not page.has_more:
                return

    async def sync_round(self, tally: Tally) -> None:
        """Push a small batch, then pull to the end of the feed; the round is timed too."""
        started = time.perf_counter()
        await self.push(tally, self.round_changes())
        await self.pull(tally)
        tally.seconds["round"].append(time.perf_counter() - started)
        tally.rounds += 1


async def _create_accounts(url: str, usernames: list[str]) -> None:
    async with httpx.AsyncClient(
        base_url=url, timeout=TIMEOUT, headers={PROTOCOL_HEADER: str(PROTOCOL_VERSION)}
    ) as admin:
        login = await admin.post(
            "/v1/auth/login",
            json={"username": ADMIN[0], "password": ADMIN[1], "device_id": "bench-load-admin"},
        )
        login.raise_for_status()
        admin.headers["Authorization"] = f"Bearer {login.json()['access_token']}"
        gate = asyncio.Semaphore(SETUP_CONCURRENCY)

        async def create(username: str) -> None:
            async with gate:
                answer = await admin.post(
                    "/v1/admin/users",
                    json={
                        "username": username,
                        "display_name": username,
                        "role": "team_leader",
                        "region_code": REGION,
                        "password": PASSWORD,
                    },
                )
                answer.raise_for_status()

        await asyncio.gather(*(create(name) for name in usernames))


async def _prepare(url: str, usernames: list[str]) -> list[LoadClient]:
    """Accounts, sign-ins, each client's task and case, and a first full pull."""
    await _create_accounts(url, usernames)
    clients = [LoadClient(url, name) for name in usernames]
    gate = asyncio.Semaphore(SETUP_CONCURRENCY)
    setup = Tally()

    async def ready(client: LoadClient) -> None:
        async with gate:
            await client.sign_in()
            await client.push(setup, client.opening_changes())
            await client.pull(setup)

    await asyncio.gather(*(ready(client) for client in clients))
    if setup.error_count:
        raise RuntimeError(f"the load test's set-up failed: {dict(setup.errors)}")
    return clients


async def _rounds(clients: list[LoadClient], rounds: int) -> Tally:
    tally = Tally()

    async def work(client: LoadClient) -> None:
        for _round in range(rounds):
            await client.sync_round(tally)

    started = time.perf_counter()
    await asyncio.gather(*(work(client) for client in clients))
    tally.wall_seconds = time.perf_counter() - started
    return tally


@dataclass(frozen=True)
class LoadResult:
    """The loaded run and the baseline (one client alone, same rounds, same server)."""

    clients: int
    rounds_each: int
    loaded: Tally
    alone: Tally


async def _load(url: str, clients: int, rounds: int) -> LoadResult:
    names = [f"bench.load{n:03d}" for n in range(clients + 1)]
    prepared = await _prepare(url, names)
    try:
        solo, crowd = prepared[0], prepared[1:]
        alone = await _rounds([solo], rounds)
        loaded = await _rounds(crowd, rounds)
    finally:
        await asyncio.gather(*(client.http.aclose() for client in prepared))
    return LoadResult(clients, rounds, loaded, alone)


def run_load(url: str, *, clients: int, rounds: int) -> LoadResult:
    """``clients`` clients doing ``rounds`` rounds each at once, after one client alone."""
    return asyncio.run(_load(url, clients, rounds))


def percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile (``fraction`` 0.5 = median, 0.99 = p99)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = min(len(ordered), max(1, math.ceil(fraction * len(ordered))))
    return ordered[rank - 1]
