"""Who may call what, and who may see and change which records (acceptance 5 of the sync issue).

One real server for the module, with three teams and five roles set up through the API
(``tests/server/authz_world.py``). Every operation of the published OpenAPI description has
a row in :data:`ENDPOINTS`; a new endpoint without one fails
:func:`test_every_endpoint_has_an_authorization_case`. Each row is then called without a
token, with a bad one, an expired one, a signed-out one, a revoked user's and a revoked
device's, and with each role the endpoint refuses; and once with a role it serves, so every
refusal is known to be about the caller and not about the request.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

import httpx
import pytest

from inspector_app.sync.protocol import ErrorCode, Operation, Outcome
from tests.server.authz_short_lived import EXPIRY_ADMIN, short_lived_server
from tests.server.authz_world import (
    CITY,
    DISTRICT,
    OTHER,
    PASSWORD,
    Actor,
    World,
    build_world,
    make_actor,
    new_account,
    new_id,
    sha256_of,
)
from tests.server.live_server import admin_client, running_server


class Access(Enum):
    """Who an endpoint serves."""

    PUBLIC = "anyone, no token"
    CREDENTIALS = "anyone with a password or refresh token (no bearer token)"
    USER = "any signed-in user"
    ADMIN = "administrators"


@dataclass(frozen=True)
class Targets:
    """What requests name: a blob, an account and a device an administrator could act on."""

    sha: str
    username: str
    device_id: str


@dataclass(frozen=True)
class Call:
    """One concrete request."""

    method: str
    path: str
    options: dict[str, Any]

    def send(self, client: httpx.Client, headers: dict[str, str]) -> httpx.Response:
        """Send with ``headers`` added to the call's own."""
        own = dict(self.options.get("headers", {}))
        options = {key: value for key, value in self.options.items() if key != "headers"}
        return client.request(self.method, self.path, headers={**own, **headers}, **options)


@dataclass(frozen=True)
class Endpoint:
    """An operation of the API, who it serves, and a request that succeeds for them."""

    access: Access
    build: Callable[[Actor, Targets], Call]
    success: int = 200


def _unique_chunk() -> bytes:
    return f"authz chunk {new_id('chunk')}".encode()


def _patch(actor: Actor, targets: Targets) -> Call:
    data = _unique_chunk()
    headers = {
        "Upload-Offset": "0",
        "Upload-Length": str(len(data)),
        "Content-Type": "application/octet-stream",
    }
    return Call(
        "PATCH", f"/v1/blobs/{sha256_of(data)}/upload", {"content": data, "headers": headers}
    )


def _login(actor: Actor, targets: Targets) -> Call:
    body = {"username": actor.username, "password": PASSWORD, "device_id": actor.device_id}
    return Call("POST", "/v1/auth/login", {"json": body})


def _refresh(actor: Actor, targets: Targets) -> Call:
    body = {"refresh_token": actor.refresh_token, "device_id": actor.device_id}
    return Call("POST", "/v1/auth/refresh", {"json": body})


def _new_user(actor: Actor, targets: Targets) -> Call:
    body = {
        "username": new_id("created"),
        "display_name": "新用户",
        "role": "inspector",
        "region_code": CITY,
        "password": "a-long-password",
    }
    return Call("POST", "/v1/admin/users", {"json": body})


ENDPOINTS: dict[tuple[str, str], Endpoint] = {
    ("GET", "/health"): Endpoint(Access.PUBLIC, lambda a, t: Call("GET", "/health", {})),
    ("GET", "/ready"): Endpoint(Access.PUBLIC, lambda a, t: Call("GET", "/ready", {})),
    ("GET", "/v1/info"): Endpoint(Access.PUBLIC, lambda a, t: Call("GET", "/v1/info", {})),
    ("POST", "/v1/auth/login"): Endpoint(Access.CREDENTIALS, _login),
    ("POST", "/v1/auth/refresh"): Endpoint(Access.CREDENTIALS, _refresh),
    ("POST", "/v1/auth/logout"): Endpoint(
        Access.USER, lambda a, t: Call("POST", "/v1/auth/logout", {}), success=204
    ),
    ("POST", "/v1/sync/push"): Endpoint(
        Access.USER,
        lambda a, t: Call(
            "POST", "/v1/sync/push", {"json": {"device_id": a.device_id, "changes": []}}
        ),
    ),
    ("GET", "/v1/sync/changes"): Endpoint(
        Access.USER, lambda a, t: Call("GET", "/v1/sync/changes", {"params": {"limit": 5}})
    ),
    ("POST", "/v1/blobs/{sha256}/upload"): Endpoint(
        Access.USER,
        lambda a, t: Call(
            "POST", f"/v1/blobs/{sha256_of(_unique_chunk())}/upload", {"json": {"size": 40}}
        ),
    ),
    ("PATCH", "/v1/blobs/{sha256}/upload"): Endpoint(Access.USER, _patch),
    ("GET", "/v1/blobs/{sha256}"): Endpoint(
        Access.USER, lambda a, t: Call("GET", f"/v1/blobs/{t.sha}", {})
    ),
    ("POST", "/v1/admin/users"): Endpoint(Access.ADMIN, _new_user),
    ("POST", "/v1/admin/users/{username}/revoke"): Endpoint(
        Access.ADMIN, lambda a, t: Call("POST", f"/v1/admin/users/{t.username}/revoke", {})
    ),
    ("GET", "/v1/admin/devices"): Endpoint(
        Access.ADMIN, lambda a, t: Call("GET", "/v1/admin/devices", {})
    ),
    ("POST", "/v1/admin/devices/{device_id}/revoke"): Endpoint(
        Access.ADMIN, lambda a, t: Call("POST", f"/v1/admin/devices/{t.device_id}/revoke", {})
    ),
}
GUARDED = [
    key for key, endpoint in ENDPOINTS.items() if endpoint.access in (Access.USER, Access.ADMIN)
]
ADMIN_ONLY = [key for key, endpoint in ENDPOINTS.items() if endpoint.access is Access.ADMIN]


def _ids(key: tuple[str, str]) -> str:
    return f"{key[0]} {key[1]}"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with running_server(tmp_path_factory.mktemp("authz") / "server") as server:
        admin = admin_client(server.url)
        token = admin.headers["Authorization"].removeprefix("Bearer ")
        admin.close()
        built = build_world(server.url, token)
        try:
            yield built
        finally:
            built.close()


@pytest.fixture(scope="module")
def bystander(world: World) -> Actor:
    """An inspector whose account and device the refused admin requests name (and must spare)."""
    return new_account(world, new_id("bystander"), "inspector")


@pytest.fixture(scope="module")
def caller(world: World) -> Actor:
    """An inspector who sends the requests of the table (keeping the tokens it is given)."""
    return new_account(world, new_id("caller"), "inspector")


def _send(actor: Actor, call: Call, headers: dict[str, str]) -> httpx.Response:
    """Send ``call`` as ``actor``; a token pair in the answer becomes the actor's."""
    answer = call.send(actor.client, headers)
    if answer.status_code == 200 and "refresh_token" in answer.text:
        actor.access_token = answer.json()["access_token"]
        actor.refresh_token = answer.json()["refresh_token"]
    return answer


def _targets(world: World, bystander: Actor) -> Targets:
    return Targets(world.teams["a"].sha, bystander.username, bystander.device_id)


def _code(answer: httpx.Response) -> str:
    body: dict[str, Any] = answer.json()
    return str(body.get("code"))


def _still_standing(actor: Actor) -> None:
    """The account and device still work: nothing was revoked."""
    answer = actor.client.get("/v1/sync/changes", params={"limit": 1}, headers=actor.bearer)
    assert answer.status_code == 200, answer.text


# ---------------------------------------------------------------- the table covers the API


def test_every_endpoint_has_an_authorization_case(world: World) -> None:
    described = httpx.get(f"{world.url}/openapi.json").json()
    operations = {
        (method.upper(), path) for path, methods in described["paths"].items() for method in methods
    }
    assert operations == set(ENDPOINTS), "add a row to ENDPOINTS for every new endpoint"
    assert ("POST", "/v1/auth/logout") in operations
    secured = {
        (m.upper(), p)
        for p, ms in described["paths"].items()
        for m, op in ms.items()
        if op.get("security")
    }
    assert secured == set(GUARDED), "the description must say which operations need a token"


# ---------------------------------------------------------------- credentials


@pytest.mark.parametrize("key", list(ENDPOINTS), ids=_ids)
def test_without_a_token_only_public_endpoints_answer(
    world: World, bystander: Actor, caller: Actor, key: tuple[str, str]
) -> None:
    endpoint = ENDPOINTS[key]
    answer = _send(caller, endpoint.build(caller, _targets(world, bystander)), {})
    if endpoint.access is Access.PUBLIC:
        assert answer.status_code == 200, answer.text
    elif endpoint.access is Access.CREDENTIALS:
        assert answer.status_code == 200, answer.text  # the body carries the credential
    else:
        assert answer.status_code == 401, answer.text
        assert _code(answer) == "token_invalid"
        _still_standing(bystander)


@pytest.mark.parametrize("key", GUARDED, ids=_ids)
@pytest.mark.parametrize(
    "token",
    ["not-a-token", "Bearer-looking-but-unknown-0123456789abcdef", "refresh"],
    ids=["garbage", "unknown", "refresh-token-as-access"],
)
def test_a_bad_token_is_refused(
    world: World, bystander: Actor, caller: Actor, key: tuple[str, str], token: str
) -> None:
    text = caller.refresh_token if token == "refresh" else token
    call = ENDPOINTS[key].build(caller, _targets(world, bystander))
    answer = _send(caller, call, {"Authorization": f"Bearer {text}"})
    assert answer.status_code == 401, answer.text
    assert _code(answer) == "token_invalid"
    _still_standing(bystander)


def test_credentials_endpoints_refuse_wrong_credentials(world: World, bystander: Actor) -> None:
    client = bystander.client
    wrong = client.post(
        "/v1/auth/login",
        json={"username": bystander.username, "password": "wrong-password", "device_id": "x"},
    )
    assert (wrong.status_code, _code(wrong)) == (401, "bad_credentials")
    unknown = client.post(
        "/v1/auth/login",
        json={"username": "nobody.here", "password": "wrong-password", "device_id": "x"},
    )
    assert (unknown.status_code, _code(unknown)) == (401, "bad_credentials")
    # A device id registered to another account is not taken over.
    taken = client.post(
        "/v1/auth/login",
        json={
            "username": bystander.username,
            "password": PASSWORD,
            "device_id": world.actor("leader.b").device_id,
        },
    )
    assert (taken.status_code, _code(taken)) == (403, "device_revoked")
    for refresh_token, device in (
        ("x" * 43, bystander.device_id),  # unknown
        (bystander.access_token, bystander.device_id),  # an access token
        (bystander.refresh_token, world.actor("leader.b").device_id),  # another device's
    ):
        answer = client.post(
            "/v1/auth/refresh", json={"refresh_token": refresh_token, "device_id": device}
        )
        assert (answer.status_code, _code(answer)) == (401, "token_invalid"), answer.text
    _still_standing(world.actor("leader.b"))


def test_expired_tokens_are_refused_everywhere(tmp_path: Path) -> None:
    ttl = 3.0
    with short_lived_server(tmp_path / "short", ttl) as url:
        username, password = EXPIRY_ADMIN
        admin = make_actor(url, username, "admin", "990000")
        with admin.client:
            login = {"username": username, "password": password, "device_id": admin.device_id}
            pair = admin.client.post("/v1/auth/login", json=login).json()
            admin.access_token, admin.refresh_token = pair["access_token"], pair["refresh_token"]
            targets = Targets("0" * 64, "nobody", "no-such-device")
            devices = ENDPOINTS[("GET", "/v1/admin/devices")].build(admin, targets)
            assert devices.send(admin.client, admin.bearer).status_code == 200  # while fresh
            time.sleep(ttl + 0.5)
            for key in GUARDED:
                answer = ENDPOINTS[key].build(admin, targets).send(admin.client, admin.bearer)
                assert (answer.status_code, _code(answer)) == (401, "token_expired"), key
            renewal = {"refresh_token": admin.refresh_token, "device_id": admin.device_id}
            refreshed = admin.client.post("/v1/auth/refresh", json=renewal)
            assert (refreshed.status_code, _code(refreshed)) == (401, "token_expired")


@pytest.mark.parametrize("what", ["user", "device"])
def test_a_revoked_user_or_device_is_refused_everywhere(world: World, what: str) -> None:
    # Administrators, so that nothing but the revocation can explain a refusal.
    victim = new_account(world, new_id(f"revoked-{what}"), "admin")
    bystander = new_account(world, new_id("bystander"), "inspector")
    targets = _targets(world, bystander)
    path = (
        f"/v1/admin/users/{victim.username}/revoke"
        if what == "user"
        else f"/v1/admin/devices/{victim.device_id}/revoke"
    )
    assert world.admin.client.post(path, headers=world.admin.bearer).status_code == 200
    expected = f"{what}_revoked"
    for key in GUARDED:
        answer = ENDPOINTS[key].build(victim, targets).send(victim.client, victim.bearer)
        assert (answer.status_code, _code(answer)) == (403, expected), (key, answer.text)
    for key in (("POST", "/v1/auth/login"), ("POST", "/v1/auth/refresh")):
        answer = ENDPOINTS[key].build(victim, targets).send(victim.client, {})
        assert (answer.status_code, _code(answer)) == (403, expected), (key, answer.text)
    _still_standing(bystander)


@pytest.mark.parametrize("username", ["inspector.a", "leader.a", "supervisor.city"])
@pytest.mark.parametrize("key", ADMIN_ONLY, ids=_ids)
def test_only_administrators_use_the_admin_endpoints(
    world: World, bystander: Actor, username: str, key: tuple[str, str]
) -> None:
    actor = world.actor(username)
    answer = (
        ENDPOINTS[key].build(actor, _targets(world, bystander)).send(actor.client, actor.bearer)
    )
    assert (answer.status_code, _code(answer)) == (403, "forbidden"), answer.text
    _still_standing(bystander)
    _still_standing(actor)


@pytest.mark.parametrize("key", list(ENDPOINTS), ids=_ids)
def test_the_right_caller_is_served(
    world: World, bystander: Actor, caller: Actor, key: tuple[str, str]
) -> None:
    """The requests above are sound: refused only because of who sent them."""
    endpoint, targets = ENDPOINTS[key], _targets(world, bystander)
    victim = None
    if key[1].endswith("/revoke"):  # this time the revocation happens: not the bystander
        victim = new_account(world, new_id("revoked"), "inspector")
        targets = _targets(world, victim)
    if endpoint.access is Access.ADMIN:
        caller = world.admin
    elif key == ("POST", "/v1/auth/logout"):  # signs the caller out: a caller of its own
        caller = new_account(world, new_id("signing-out"), "inspector")
    elif key == ("GET", "/v1/blobs/{sha256}"):
        caller = world.actor("inspector.a")  # the blob of team A's case
    headers = {} if endpoint.access in (Access.PUBLIC, Access.CREDENTIALS) else caller.bearer
    answer = _send(caller, endpoint.build(caller, targets), headers)
    assert answer.status_code == endpoint.success, answer.text
    if victim is not None:
        refused = victim.client.get("/v1/sync/changes", headers=victim.bearer)
        assert refused.status_code == 403


# ---------------------------------------------------------------- signing out


def test_sign_out_revokes_only_that_sign_in(world: World) -> None:
    actor = new_account(world, new_id("signing-out"), "inspector")
    first = (actor.access_token, actor.refresh_token)
    second = actor.sign_in()  # a second sign-in (family) on the same laptop
    actor.access_token, actor.refresh_token = first

    answer = actor.client.post("/v1/auth/logout", headers=actor.bearer)
    assert answer.status_code == 204, answer.text
    assert answer.content == b""

    targets = Targets(world.teams["a"].sha, "demo.inspector", "no-such-device")
    for key in GUARDED:
        refused = ENDPOINTS[key].build(actor, targets).send(actor.client, actor.bearer)
        assert (refused.status_code, _code(refused)) == (401, "token_invalid"), key
    refreshed = actor.client.post(
        "/v1/auth/refresh", json={"refresh_token": first[1], "device_id": actor.device_id}
    )
    assert (refreshed.status_code, _code(refreshed)) == (401, "token_invalid")

    # The other sign-in, and a new one, still work: signing out revokes no account or device.
    actor.access_token, actor.refresh_token = second["access_token"], second["refresh_token"]
    _still_standing(actor)
    renewed = actor.client.post(
        "/v1/auth/refresh",
        json={"refresh_token": actor.refresh_token, "device_id": actor.device_id},
    )
    assert renewed.status_code == 200, renewed.text
    actor.sign_in()
    _still_standing(actor)


def test_sign_out_also_ends_the_refreshed_tokens_of_that_sign_in(world: World) -> None:
    actor = new_account(world, new_id("signing-out"), "inspector")
    old_access = actor.access_token
    renewed = actor.client.post(
        "/v1/auth/refresh",
        json={"refresh_token": actor.refresh_token, "device_id": actor.device_id},
    ).json()
    actor.access_token, actor.refresh_token = renewed["access_token"], renewed["refresh_token"]
    assert actor.client.post("/v1/auth/logout", headers=actor.bearer).status_code == 204
    for token in (old_access, actor.access_token):
        answer = actor.client.get("/v1/sync/changes", headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 401
    again = actor.client.post("/v1/auth/logout", headers=actor.bearer)
    assert (again.status_code, _code(again)) == (401, "token_invalid")


# ---------------------------------------------------------------- what each role sees


def _seen(actor: Actor) -> set[tuple[str, str]]:
    return set(actor.pull())


def test_an_inspector_receives_nothing_of_another_team(world: World) -> None:
    a, b, y = (world.teams[name] for name in "aby")
    for username in ("inspector.a", "leader.a"):
        seen = _seen(world.actor(username))
        assert a.record_ids() <= seen
        # Not the task, case, finding, evidence, team or conflict records of the others.
        assert not seen & b.record_ids(), username
        assert not seen & y.record_ids(), username
    seen_b = _seen(world.actor("inspector.b"))
    assert b.record_ids() <= seen_b
    assert not seen_b & a.record_ids()


def test_supervisors_see_their_region_and_below_and_nothing_else(world: World) -> None:
    a, b, y = (world.teams[name] for name in "aby")
    sealed = ("inspection_task", world.sealed_task_id)
    city = _seen(world.actor("supervisor.city"))  # 990100: the city and its district 990102
    assert a.record_ids() <= city and b.record_ids() <= city and sealed in city
    assert not city & y.record_ids()
    district = _seen(world.actor("supervisor.district"))  # 990102: team A's task only
    assert a.record_ids() <= district
    assert not district & b.record_ids() and sealed not in district
    assert not district & y.record_ids()
    other = _seen(world.actor("supervisor.other"))  # 980100
    assert y.record_ids() <= other
    assert not other & (a.record_ids() | b.record_ids()) and sealed not in other
    admin = _seen(world.admin)
    assert a.record_ids() | b.record_ids() | y.record_ids() | {sealed} <= admin


def test_reference_data_is_visible_by_region_and_regions_to_everyone(world: World) -> None:
    a, b, y = (world.teams[name] for name in "aby")
    register = {
        name: {("inspector", i) for i in team.inspector_ids}
        | {("institution", team.institution_id)}
        for name, team in world.teams.items()
    }
    regions = {("region", code) for code in ("990000", "990100", "990102")}  # server-seeded
    for username, actor in world.actors.items():
        seen = _seen(actor)
        assert regions <= seen, username
        if actor.region in (CITY, DISTRICT):
            # The city's register (both teams') and the district's: a district's tasks name
            # city-level inspectors and institutions, so a district account sees those too.
            assert register["a"] | register["b"] <= seen, username
            assert not seen & register["y"], username
        else:
            assert actor.region == OTHER
            assert register["y"] <= seen and not seen & (register["a"] | register["b"]), username
    assert a.institution_id and b.institution_id and y.institution_id


def test_downloads_follow_the_same_rule_as_the_feed(world: World) -> None:
    """Blob downloads and the feed apply one rule: a blob is served iff the feed delivers a
    record pointing to it (for every account, including the district supervisor who sees
    the reference data of the city above)."""
    blobs = {team.sha: team.original for team in world.teams.values()}
    for actor in (world.admin, *world.actors.values()):
        delivered = {
            record["fields"]["sha256"]
            for (entity, _), record in actor.pull().items()
            if entity == "evidence_item"
        }
        for sha, data in blobs.items():
            answer = actor.download(sha)
            if sha in delivered:
                assert answer.status_code == 200 and answer.content == data, actor.username
                ranged = actor.download(sha, "bytes=5-9")
                assert ranged.status_code == 206 and ranged.content == data[5:10]
            else:
                assert (answer.status_code, _code(answer)) == (404, "not_found"), actor.username
                assert actor.download(sha, "bytes=0-3").status_code == 404
    assert blobs.keys() <= {
        r["fields"]["sha256"] for (e, _), r in world.admin.pull().items() if e == "evidence_item"
    }
    city = world.actor("supervisor.city")
    assert city.download(world.teams["y"].sha).status_code == 404
    assert city.download(world.teams["b"].sha).status_code == 200
    assert world.actor("supervisor.other").download(world.teams["a"].sha).status_code == 404


def test_sealed_tasks_travel_sealed_and_only_to_their_team_and_supervisors(world: World) -> None:
    key = ("inspection_task", world.sealed_task_id)
    for username in ("leader.a", "supervisor.city"):
        record = world.actor(username).pull()[key]
        # The server passes the seal through untouched: no target, ciphertext as pushed.
        assert record["fields"] == world.sealed_fields, username
        assert record["fields"]["institution_id"] is None and record["fields"]["leads"] == []
    for username in ("inspector.a", "leader.b", "inspector.b", "leader.y", "supervisor.district"):
        assert key not in world.actor(username).pull(), username
    # A leader of the same region who is not on the team cannot open it for them.
    outsider = world.actor("leader.b")
    opened = outsider.push(
        outsider.change(
            "inspection_task",
            world.sealed_task_id,
            {"institution_id": world.teams["b"].institution_id, "sealed_payload": None},
            operation=Operation.UPDATE,
        )
    )
    assert opened.outcomes[0].outcome is Outcome.REJECTED
    assert opened.outcomes[0].code == "forbidden"
    assert world.actor("leader.a").pull()[key]["fields"] == world.sealed_fields


# ---------------------------------------------------------------- what each role may change


def test_an_inspector_cannot_change_another_teams_case(world: World) -> None:
    b = world.teams["b"]
    intruder = world.actor("inspector.a")
    before = world.actor("leader.b").pull()
    attempts = [
        intruder.change("finding", b.finding_id, {"title": "改掉"}, operation=Operation.UPDATE),
        intruder.change("case_file", b.case_id, {"title": "改掉"}, operation=Operation.UPDATE),
        intruder.change(
            "inspection_task", b.task_id, {"status": "closed"}, operation=Operation.UPDATE
        ),
        intruder.change(
            "evidence_item",
            b.evidence_id,
            {"withdrawn_at": "2026-07-01T00:00:00+08:00"},
            operation=Operation.UPDATE,
        ),
        intruder.change(
            "finding",
            b.finding_id,
            {"deleted_at": "2026-07-01T00:00:00+08:00"},
            operation=Operation.DELETE,
        ),
        # New records inside team B's case and task, and joining team B.
        intruder.change("finding", new_id("finding-x"), {"case_id": b.case_id, "title": "塞进去"}),
        intruder.change("case_file", new_id("case-x"), {"task_id": b.task_id, "title": "塞进去"}),
        intruder.change(
            "team_membership",
            new_id("member-x"),
            {
                "task_id": b.task_id,
                "inspector_id": world.teams["a"].inspector_ids[1],
                "role": "member",
                "deleted_at": None,
            },
        ),
        # Moving team A's own finding into team B's case.
        intruder.change(
            "finding",
            world.teams["a"].finding_id,
            {"case_id": b.case_id},
            operation=Operation.UPDATE,
        ),
    ]
    response = intruder.push(*attempts)
    assert response.applied == 0 and response.rejected == len(attempts)
    assert {o.code for o in response.outcomes} == {"forbidden"}
    after = world.actor("leader.b").pull()
    for key in b.record_ids():
        assert after[key] == before[key], key
    assert ("finding", attempts[5].entity_id) not in world.admin.pull()
    assert world.teams["a"].finding_id in {i for (e, i) in intruder.pull() if e == "finding"}


def test_a_supervisor_cannot_change_another_regions_case(world: World) -> None:
    y = world.teams["y"]
    supervisor = world.actor("supervisor.city")
    before = world.actor("leader.y").pull()[("finding", y.finding_id)]
    response = supervisor.push(
        supervisor.change("finding", y.finding_id, {"title": "改掉"}, operation=Operation.UPDATE),
        supervisor.change(
            "finding", new_id("finding-x"), {"case_id": y.case_id, "title": "塞进去"}
        ),
    )
    assert [o.code for o in response.outcomes] == ["forbidden", "forbidden"]
    assert world.actor("leader.y").pull()[("finding", y.finding_id)] == before
    # In their own region they may (supervisors review every case there).
    own = supervisor.push(
        supervisor.change(
            "finding",
            world.teams["b"].finding_id,
            {"amount": "1300.00"},
            operation=Operation.UPDATE,
        )
    )
    assert own.applied == 1


def test_a_removed_member_can_no_longer_write(world: World) -> None:
    a = world.teams["a"]
    leader, member = a.leader, world.actor("inspector.a")
    task_id, case_id, membership_id = new_id("task-a2"), new_id("case-a2"), new_id("member-a2")
    leader.push_applied(
        leader.change("inspection_task", task_id, {"title": "复查", "region_code": DISTRICT}),
        leader.change(
            "team_membership",
            membership_id,
            {
                "task_id": task_id,
                "inspector_id": a.inspector_ids[1],
                "role": "member",
                "deleted_at": None,
            },
        ),
        leader.change("case_file", case_id, {"task_id": task_id, "title": "复查案卷"}),
    )
    member.push_applied(member.change("finding", new_id("finding-a2"), {"case_id": case_id}))
    leader.push_applied(
        leader.change(
            "team_membership",
            membership_id,
            {"deleted_at": "2026-07-02T00:00:00+08:00"},
            operation=Operation.DELETE,
        )
    )
    late = member.push(member.change("finding", new_id("finding-a2"), {"case_id": case_id}))
    assert late.outcomes[0].code == "forbidden"


def test_a_batch_is_pushed_only_by_its_own_device(world: World) -> None:
    actor, other = world.actor("inspector.a"), world.actor("inspector.b")
    answer = actor.client.post(
        "/v1/sync/push", json={"device_id": other.device_id, "changes": []}, headers=actor.bearer
    )
    assert (answer.status_code, _code(answer)) == (403, "forbidden")


# ---------------------------------------------------------------- blobs of another team


def test_uploading_never_reveals_or_replaces_another_teams_original(world: World) -> None:
    b = world.teams["b"]
    intruder = world.actor("inspector.a")
    # The server does not say it holds the content: no deduplication for a non-reader.
    started = intruder.client.post(
        f"/v1/blobs/{b.sha}/upload", json={"size": len(b.original)}, headers=intruder.bearer
    )
    assert started.status_code == 200
    assert started.json()["complete"] is False and started.json()["received"] == 0
    # Other bytes under B's hash are refused and change nothing.
    forged = b"forged " + b.original[7:]
    answer = intruder.client.patch(
        f"/v1/blobs/{b.sha}/upload",
        content=forged,
        headers={
            **intruder.bearer,
            "Upload-Offset": "0",
            "Upload-Length": str(len(forged)),
            "Content-Type": "application/octet-stream",
        },
    )
    assert (answer.status_code, _code(answer)) == (422, "hash_mismatch")
    assert intruder.download(b.sha).status_code == 404
    served = world.actor("inspector.b").download(b.sha)
    assert served.status_code == 200 and served.content == b.original
    # Someone who does hold the bytes proves it by sending them all; still no download right.
    assert intruder.upload(b.original).json()["complete"] is True
    assert intruder.download(b.sha).status_code == 404
    # Team B itself deduplicates: it may read the blob already.
    again = world.actor("inspector.b").client.post(
        f"/v1/blobs/{b.sha}/upload",
        json={"size": len(b.original)},
        headers=world.actor("inspector.b").bearer,
    )
    assert again.json()["complete"] is True


def test_naming_another_teams_blob_in_an_own_record_does_not_open_it(world: World) -> None:
    b, a = world.teams["b"], world.teams["a"]
    # A blob of its own, so that this test leaves the others' blobs as they were.
    secret = b"another synthetic original of team b " * 40
    assert b.leader.upload(secret).json()["complete"]
    b.leader.push_applied(
        b.leader.change(
            "evidence_item",
            new_id("evid-b2"),
            {
                "case_id": b.case_id,
                "kind": "photo",
                "sha256": sha256_of(secret),
                "size_bytes": len(secret),
            },
        )
    )
    intruder = a.leader
    response = intruder.push(
        intruder.change(
            "evidence_item",
            new_id("evid-claim"),
            {
                "case_id": a.case_id,
                "kind": "photo",
                "sha256": sha256_of(secret),
                "size_bytes": len(secret),
            },
        )
    )
    assert response.outcomes[0].outcome is Outcome.REJECTED
    assert intruder.download(sha256_of(secret)).status_code == 404


def test_a_change_is_recorded_under_its_pushers_name(world: World) -> None:
    a = world.teams["a"]
    leader = a.leader
    forged = leader.change("finding", a.finding_id, {"title": "forged"}, operation=Operation.UPDATE)
    forged = forged.model_copy(update={"actor": world.teams["b"].leader.username})
    response = leader.push(forged)
    assert response.outcomes[0].outcome is Outcome.REJECTED
    assert response.outcomes[0].code is ErrorCode.FORBIDDEN


def test_a_stamp_far_in_the_future_is_refused_and_not_observed(world: World) -> None:
    a = world.teams["a"]
    leader = a.leader
    future = f"{9_999_999_999_999:015d}"
    change = leader.change(
        "finding", a.finding_id, {"title": "from 2286"}, operation=Operation.UPDATE
    ).model_copy(update={"hlc": f"{future}.000000.{leader.device_id}"})
    response = leader.push(change)
    outcome = response.outcomes[0]
    assert outcome.outcome is Outcome.REJECTED and outcome.retryable
    assert "clock" in outcome.reason
    # The server's clock was not dragged along: a change stamped now still wins a field.
    fresh = leader.change(
        "finding", a.finding_id, {"title": "from now"}, operation=Operation.UPDATE
    )
    leader.push_applied(fresh)
    record = leader.pull()[("finding", a.finding_id)]
    assert record["fields"]["title"] == "from now"
    assert not any(stamp.startswith(future) for stamp in record["clocks"].values())


def test_an_uploader_is_not_asked_for_the_bytes_again(world: World) -> None:
    """Uploaded in full, then the push did not land: the next run skips the upload, while
    another user, who never held the bytes, must send them (no oracle)."""
    uploader, other = world.teams["a"].leader, world.teams["b"].leader
    data = b"an original whose record never arrived " * 50
    sha = sha256_of(data)
    assert uploader.upload(data).json()["complete"]
    again = uploader.client.post(
        f"/v1/blobs/{sha}/upload", json={"size": len(data)}, headers=uploader.bearer
    )
    assert again.json()["complete"] is True
    stranger = other.client.post(
        f"/v1/blobs/{sha}/upload", json={"size": len(data)}, headers=other.bearer
    )
    assert stranger.json()["complete"] is False and stranger.json()["received"] == 0
