"""Accounts and records for the authorization tests, made through the real API only.

Two teams work in region 990100 (示范市): team A on a task in its district 990102, team B on
a task in the city itself; a third team works in another province (980100). Each team's
leader publishes the team's inspector records, task, membership, a case, a finding and an
evidence item whose original is uploaded first, exactly as a laptop would push them. Team
A's leader also sets up a sealed flying-inspection task. Supervisors sit in the city, in the
district and in the other province. Every value is synthetic.
"""

from __future__ import annotations

import hashlib
import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx

from inspector_app.sync.hlc import Stamp, wall_millis
from inspector_app.sync.protocol import (
    PROTOCOL_HEADER,
    PROTOCOL_VERSION,
    Change,
    Operation,
    Outcome,
    PushRequest,
    PushResponse,
)

PASSWORD = "authz-pass-2026"
CITY, DISTRICT, OTHER = "990100", "990102", "980100"
PROVINCE = "990000"
HEADERS = {PROTOCOL_HEADER: str(PROTOCOL_VERSION)}
_IDS = itertools.count(1)


def new_id(prefix: str) -> str:
    """A fresh identifier (the desktop would use UUID v7 text; any ID_PATTERN text will do)."""
    return f"{prefix}-{next(_IDS):05d}"


def sha256_of(data: bytes) -> str:
    """The blob address of ``data``."""
    return hashlib.sha256(data).hexdigest()


@dataclass
class Actor:
    """One signed-in account on one device, speaking the protocol like a laptop."""

    username: str
    role: str
    region: str
    staff_code: str | None
    device_id: str
    client: httpx.Client
    access_token: str = ""
    refresh_token: str = ""
    _counter: itertools.count[int] = field(default_factory=itertools.count)

    @property
    def bearer(self) -> dict[str, str]:
        """The ``Authorization`` header of the current access token."""
        return {"Authorization": f"Bearer {self.access_token}"}

    def sign_in(self) -> dict[str, Any]:
        """Password sign-in on this actor's device; keeps and returns the token pair."""
        answer = self.client.post(
            "/v1/auth/login",
            json={"username": self.username, "password": PASSWORD, "device_id": self.device_id},
        )
        assert answer.status_code == 200, answer.text
        pair: dict[str, Any] = answer.json()
        self.access_token, self.refresh_token = pair["access_token"], pair["refresh_token"]
        return pair

    def change(
        self,
        entity: str,
        entity_id: str,
        fields: dict[str, Any],
        *,
        operation: Operation = Operation.INSERT,
        base: dict[str, str | None] | None = None,
    ) -> Change:
        """An outbox entry of this device, stamped now."""
        stamp = Stamp(wall_millis(), next(self._counter), self.device_id).encode()
        return Change(
            change_id=new_id(f"chg-{self.device_id}"),
            entity=entity,
            entity_id=entity_id,
            operation=operation,
            hlc=stamp,
            fields=fields,
            base=base or {},
            actor=self.username,
            at=datetime.now(UTC),
        )

    def push(self, *changes: Change) -> PushResponse:
        """Push a batch; the HTTP answer must be 200 (outcomes may still be rejections)."""
        request = PushRequest(device_id=self.device_id, changes=list(changes))
        answer = self.client.post(
            "/v1/sync/push", json=request.model_dump(mode="json"), headers=self.bearer
        )
        assert answer.status_code == 200, answer.text
        return PushResponse.model_validate(answer.json())

    def push_applied(self, *changes: Change) -> None:
        """Push a batch that must be applied whole."""
        response = self.push(*changes)
        assert all(o.outcome is Outcome.APPLIED for o in response.outcomes), response

    def pull(self) -> dict[tuple[str, str], dict[str, Any]]:
        """Everything the feed delivers from the beginning: ``(entity, id) -> record``."""
        records: dict[tuple[str, str], dict[str, Any]] = {}
        cursor = ""
        while True:
            answer = self.client.get(
                "/v1/sync/changes", params={"cursor": cursor, "limit": 200}, headers=self.bearer
            )
            assert answer.status_code == 200, answer.text
            page = answer.json()
            for record in page["records"]:
                records[(record["entity"], record["entity_id"])] = record
            cursor = page["cursor"]
            if not page["has_more"]:
                return records

    def upload(self, data: bytes) -> httpx.Response:
        """Announce and send ``data`` in one chunk; the answer of the last request."""
        sha = sha256_of(data)
        started = self.client.post(
            f"/v1/blobs/{sha}/upload", json={"size": len(data)}, headers=self.bearer
        )
        if started.status_code != 200 or started.json()["complete"]:
            return started
        offset = started.json()["received"]
        return self.client.patch(
            f"/v1/blobs/{sha}/upload",
            content=data[offset:],
            headers={
                **self.bearer,
                "Upload-Offset": str(offset),
                "Upload-Length": str(len(data)),
                "Content-Type": "application/octet-stream",
            },
        )

    def download(self, sha: str, range_header: str | None = None) -> httpx.Response:
        """``GET /v1/blobs/{sha}`` with this actor's token."""
        headers = dict(self.bearer)
        if range_header:
            headers["Range"] = range_header
        return self.client.get(f"/v1/blobs/{sha}", headers=headers)


@dataclass
class Team:
    """One team's records: ids of what its leader published, and its evidence original."""

    leader: Actor
    members: list[Actor]
    region: str
    task_id: str = ""
    case_id: str = ""
    finding_id: str = ""
    evidence_id: str = ""
    membership_ids: list[str] = field(default_factory=list)
    conflict_ids: list[str] = field(default_factory=list)
    inspector_ids: list[str] = field(default_factory=list)
    institution_id: str = ""
    original: bytes = b""

    @property
    def sha(self) -> str:
        """The SHA-256 of the team's evidence original."""
        return sha256_of(self.original)

    def record_ids(self) -> set[tuple[str, str]]:
        """Every task-scoped record of the team (what outsiders must never receive)."""
        return {
            ("inspection_task", self.task_id),
            ("case_file", self.case_id),
            ("finding", self.finding_id),
            ("evidence_item", self.evidence_id),
            *(("team_membership", m) for m in self.membership_ids),
            *(("sync_conflict", c) for c in self.conflict_ids),
        }


@dataclass
class World:
    """The server's URL, its accounts by username, and the three teams."""

    url: str
    admin: Actor
    actors: dict[str, Actor]
    teams: dict[str, Team]
    sealed_task_id: str = ""
    sealed_fields: dict[str, Any] = field(default_factory=dict)
    extras: list[Actor] = field(default_factory=list)  # accounts made by single tests

    def actor(self, username: str) -> Actor:
        """A signed-in account of the world."""
        return self.actors[username]

    def close(self) -> None:
        """Close every actor's HTTP client."""
        for actor in (self.admin, *self.actors.values(), *self.extras):
            actor.client.close()


def make_actor(
    url: str, username: str, role: str, region: str, staff_code: str | None = None
) -> Actor:
    """An actor with its own HTTP client and device (not signed in, not created)."""
    client = httpx.Client(base_url=url, headers=HEADERS, timeout=30)
    return Actor(username, role, region, staff_code, f"laptop-{username}", client)


def create_account(admin: Actor, actor: Actor) -> None:
    """Create ``actor``'s account through the admin API."""
    answer = admin.client.post(
        "/v1/admin/users",
        json={
            "username": actor.username,
            "display_name": f"测试 {actor.username}",
            "role": actor.role,
            "region_code": actor.region,
            "password": PASSWORD,
            "staff_code": actor.staff_code,
        },
        headers=admin.bearer,
    )
    assert answer.status_code == 200, answer.text


def new_account(world: World, username: str, role: str, region: str = CITY) -> Actor:
    """A throwaway account, signed in (for tests that revoke or sign out)."""
    actor = make_actor(world.url, username, role, region)
    world.extras.append(actor)
    create_account(world.admin, actor)
    actor.sign_in()
    return actor


def _publish_team(team: Team, name: str, institution_region: str) -> None:
    """The leader pushes the team's register entries, task, case, finding and evidence."""
    leader = team.leader
    team.original = f"synthetic evidence photo of team {name}".encode() * 50
    assert leader.upload(team.original).json()["complete"]
    team.inspector_ids = [new_id(f"insp-{name}") for _ in (leader, *team.members)]
    team.institution_id = new_id(f"inst-{name}")
    team.task_id, team.case_id = new_id(f"task-{name}"), new_id(f"case-{name}")
    team.finding_id, team.evidence_id = new_id(f"finding-{name}"), new_id(f"evid-{name}")
    team.membership_ids = [new_id(f"member-{name}") for _ in team.inspector_ids]
    changes = [
        leader.change(
            "institution",
            team.institution_id,
            {"code": team.institution_id, "name": f"机构{name}", "region_code": institution_region},
        )
    ]
    for inspector_id, person in zip(team.inspector_ids, (leader, *team.members), strict=True):
        changes.append(
            leader.change(
                "inspector",
                inspector_id,
                {
                    "staff_code": person.staff_code,
                    "name": person.username,
                    "region_code": person.region,
                },
            )
        )
    changes.append(
        leader.change(
            "inspection_task",
            team.task_id,
            {
                "title": f"任务{name}",
                "region_code": team.region,
                "status": "in_progress",
                "sealed": False,
                "institution_id": team.institution_id,
            },
        )
    )
    for membership_id, inspector_id, index in zip(
        team.membership_ids, team.inspector_ids, itertools.count(), strict=False
    ):
        changes.append(
            leader.change(
                "team_membership",
                membership_id,
                {
                    "task_id": team.task_id,
                    "inspector_id": inspector_id,
                    "role": "leader" if index == 0 else "member",
                    "deleted_at": None,
                },
            )
        )
    changes += [
        leader.change("case_file", team.case_id, {"task_id": team.task_id, "title": f"案卷{name}"}),
        leader.change(
            "finding",
            team.finding_id,
            {"case_id": team.case_id, "title": f"问题{name}", "amount": "1200.00"},
        ),
        leader.change(
            "evidence_item",
            team.evidence_id,
            {
                "case_id": team.case_id,
                "kind": "photo",
                "sha256": team.sha,
                "size_bytes": len(team.original),
                "media_type": "image/jpeg",
            },
        ),
    ]
    leader.push_applied(*changes)


def _disagree(team: Team) -> None:
    """Leader and member retitle the finding concurrently: the server adds a conflict record."""
    leader, member = team.leader, team.members[0]
    clock = leader.pull()[("finding", team.finding_id)]["clocks"]["title"]
    for actor, title in ((leader, "标题一"), (member, "标题二")):
        actor.push_applied(
            actor.change(
                "finding",
                team.finding_id,
                {"title": title},
                operation=Operation.UPDATE,
                base={"title": clock},
            )
        )
    team.conflict_ids = [
        entity_id
        for (entity, entity_id), record in leader.pull().items()
        if entity == "sync_conflict" and record["fields"]["entity_id"] == team.finding_id
    ]
    assert team.conflict_ids


def _publish_sealed_task(world: World) -> None:
    """Team A's leader sets up a sealed flying inspection with only themself on the team."""
    leader = world.teams["a"].leader
    world.sealed_task_id = new_id("task-sealed")
    world.sealed_fields = {
        "title": "2026年第3批飞行检查",
        "region_code": CITY,
        "status": "planned",
        "sealed": True,
        "institution_id": None,
        "leads": [],
        "sealed_payload": "5f0c" + "ab" * 60,
        "seal_envelope": "9e11" + "cd" * 40,
    }
    leader.push_applied(
        leader.change("inspection_task", world.sealed_task_id, world.sealed_fields),
        leader.change(
            "team_membership",
            new_id("member-sealed"),
            {
                "task_id": world.sealed_task_id,
                "inspector_id": world.teams["a"].inspector_ids[0],
                "role": "leader",
                "deleted_at": None,
            },
        ),
    )


def build_world(url: str, admin_token: str) -> World:
    """Create the accounts, sign everyone in and publish the teams' work."""
    admin = make_actor(url, "demo.admin", "admin", PROVINCE)
    admin.access_token = admin_token
    specs = [
        ("leader.a", "team_leader", CITY, "SA001"),
        ("inspector.a", "inspector", CITY, "SA002"),
        ("leader.b", "team_leader", CITY, "SB001"),
        ("inspector.b", "inspector", CITY, "SB002"),
        ("leader.y", "team_leader", OTHER, "SY001"),
        ("supervisor.city", "supervisor", CITY, None),
        ("supervisor.district", "supervisor", DISTRICT, None),
        ("supervisor.other", "supervisor", OTHER, None),
    ]
    actors = {}
    for username, role, region, staff_code in specs:
        actor = make_actor(url, username, role, region, staff_code)
        create_account(admin, actor)
        actor.sign_in()
        actors[username] = actor
    teams = {
        "a": Team(actors["leader.a"], [actors["inspector.a"]], DISTRICT),
        "b": Team(actors["leader.b"], [actors["inspector.b"]], CITY),
        "y": Team(actors["leader.y"], [], OTHER),
    }
    world = World(url, admin, actors, teams)
    _publish_team(teams["a"], "a", DISTRICT)
    _publish_team(teams["b"], "b", CITY)
    _publish_team(teams["y"], "y", OTHER)
    _disagree(teams["b"])
    _publish_sealed_task(world)
    return world
