"""schemathesis against the live server's OpenAPI description (acceptance 5 of the sync issue).

For every operation, schema-valid and schema-violating requests (derandomized, so every run
sends the same ones) must never make the server fail (5xx), and every answer must be one the
description documents, with the documented body, content type and headers. Signed in as an
administrator (every operation reachable), then with no token at all. Signing out and the
revocations run with a sign-in of their own, so that what they revoke ends nothing else.
Odd inputs that random generation rarely reaches (naive times, ranges, huge numbers, bodies
that are not UTF-8) are sent by hand at the end.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import APIOperation, Case, GenerationMode
from schemathesis.checks import CheckFunction, not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    missing_required_header,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from central_server.demo import DEMO_SERVER_PASSWORD
from inspector_app.sync.protocol import PROTOCOL_HEADER, PROTOCOL_VERSION
from tests.server.live_server import running_server

CHECKS: list[CheckFunction] = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    missing_required_header,
]
EXAMPLES = 20
# A sign-in checks an argon2 hash (on purpose slow): fewer examples there.
EXAMPLES_BY_OPERATION = {"POST /v1/auth/login": 6}
DISRUPTIVE = {
    "POST /v1/auth/logout",
    "POST /v1/admin/users/{username}/revoke",
    "POST /v1/admin/devices/{device_id}/revoke",
}
PROTOCOL = {PROTOCOL_HEADER: str(PROTOCOL_VERSION)}
ADMIN = ("demo.admin", DEMO_SERVER_PASSWORD)  # seeded by ``--demo``
Operation = APIOperation[Any, Any, Any, Any]
AnyCase = Case[Operation]


@dataclass(frozen=True)
class Target:
    """The live server, its described operations, and an administrator's sign-in maker."""

    url: str
    operations: dict[str, Operation]
    sign_in: Callable[[str], tuple[str, str]]  # device id -> (access token, device id)


@pytest.fixture(scope="module")
def target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Target]:
    with running_server(tmp_path_factory.mktemp("fuzz") / "server") as server:
        schema = schemathesis.openapi.from_url(f"{server.url}/openapi.json")
        loaded = list(schema.get_all_operations())
        assert all(isinstance(result, Ok) for result in loaded), loaded
        operations = {op.label: op for op in (r.ok() for r in loaded if isinstance(r, Ok))}

        def sign_in(device_id: str) -> tuple[str, str]:
            answer = httpx.post(
                f"{server.url}/v1/auth/login",
                headers=PROTOCOL,
                json={"username": ADMIN[0], "password": ADMIN[1], "device_id": device_id},
            )
            assert answer.status_code == 200, answer.text
            return str(answer.json()["access_token"]), device_id

        yield Target(server.url, operations, sign_in)


def _fuzz(
    target: Target,
    label: str,
    headers: dict[str, str],
    adjust: Callable[[AnyCase], None] = lambda case: None,
) -> int:
    """Send derandomized valid and invalid requests to one operation; returns how many."""
    valid = _fuzz_mode(target, label, GenerationMode.POSITIVE, headers, adjust)
    try:
        invalid = _fuzz_mode(target, label, GenerationMode.NEGATIVE, headers, lambda case: None)
    except Unsatisfiable:
        invalid = 0  # nothing in the operation can be made invalid (no parameters, no body)
    return valid + invalid


def _fuzz_mode(
    target: Target,
    label: str,
    mode: GenerationMode,
    headers: dict[str, str],
    adjust: Callable[[AnyCase], None],
) -> int:
    sent = 0

    @given(target.operations[label].as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES_BY_OPERATION.get(label, EXAMPLES),
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    def exchange(case: AnyCase) -> None:
        nonlocal sent
        adjust(case)
        response = case.call(base_url=target.url, headers=headers, timeout=30)
        sent += 1
        case.validate_response(response, checks=CHECKS, headers=headers)

    exchange()
    return sent


def _own_device(device_id: str) -> Callable[[AnyCase], None]:
    """A valid push names the signed-in device; otherwise it stops at that check (403)."""

    def adjust(case: AnyCase) -> None:
        if case.operation.label == "POST /v1/sync/push" and isinstance(case.body, dict):
            case.body["device_id"] = device_id

    return adjust


def test_described_operations_are_what_the_server_serves(target: Target) -> None:
    assert len(target.operations) == 15
    assert target.operations.keys() >= DISRUPTIVE


def test_signed_in_requests_never_fail_the_server(target: Target) -> None:
    token, device_id = target.sign_in("fuzz-admin-laptop")
    headers = {**PROTOCOL, "Authorization": f"Bearer {token}"}
    sent = 0
    for label in sorted(target.operations.keys() - DISRUPTIVE):
        sent += _fuzz(target, label, headers, _own_device(device_id))
    assert sent > 200
    still = httpx.get(f"{target.url}/v1/admin/devices", headers=headers)
    assert still.status_code == 200, "the run must have stayed signed in"


def test_sign_out_and_revocations_never_fail_the_server(target: Target) -> None:
    for number, label in enumerate(sorted(DISRUPTIVE)):
        token, _ = target.sign_in(f"fuzz-disruptive-{number}")
        _fuzz(target, label, {**PROTOCOL, "Authorization": f"Bearer {token}"})


def test_requests_without_a_token_never_fail_the_server(target: Target) -> None:
    sent = sum(_fuzz(target, label, dict(PROTOCOL)) for label in sorted(target.operations))
    assert sent > 200


# ---------------------------------------------------------------- odd inputs, by hand


@pytest.fixture(scope="module")
def admin(target: Target) -> Iterator[tuple[httpx.Client, str]]:
    token, device_id = target.sign_in("fuzz-by-hand-laptop")
    headers = {**PROTOCOL, "Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=target.url, headers=headers, timeout=30) as client:
        yield client, device_id


def _change(device_id: str, number: int, **overrides: Any) -> dict[str, Any]:
    change = {
        "change_id": f"odd-{number}",
        "entity": "inspection_task",
        "entity_id": f"odd-task-{number}",
        "operation": "insert",
        "hlc": f"001767225600000.{number:06d}.{device_id}",
        "fields": {"title": "奇怪的输入", "region_code": "990100"},
        "base": {},
        "actor": "demo.admin",
        "at": "2026-01-01T08:00:00+08:00",
    }
    change.update(overrides)
    return change


ODD_PUSHES: dict[str, tuple[dict[str, Any], int, str | None]] = {
    # name: (overrides of one change, HTTP status, rejection code of the change or None)
    "time without offset": ({"at": "2026-01-01T08:00:00"}, 422, None),
    "far-past time": ({"at": "0001-01-01T00:00:00+00:00"}, 200, None),
    "far-future time": ({"at": "9999-12-31T23:59:59+14:00"}, 200, "invalid"),
    "region code that is an object": (
        {"fields": {"title": "x", "region_code": {"code": "990100"}}}, 200, "invalid"),
    "region code too long": ({"fields": {"title": "x", "region_code": "9" * 40}}, 200, "invalid"),
    "number beyond 64 bits": ({"fields": {"region_code": "990100", "n": 10**40}}, 200, None),
    "parent id that is a list": (
        {"entity": "case_file", "fields": {"task_id": ["odd-task-2"]}}, 200, "invalid"),
    "unknown entity": ({"entity": "no_such_entity"}, 200, "invalid"),
    # PostgreSQL cannot store NUL in text: refused on every backend alike.
    "author with a NUL character": ({"actor": "demo\u0000admin"}, 422, None),
    "parent id with a NUL character": (
        {"entity": "case_file", "fields": {"task_id": "odd\u0000task"}}, 422, None),
    "clock stamp that is not one": ({"hlc": "yesterday"}, 422, None),
}  # fmt: skip


@pytest.mark.parametrize("name", list(ODD_PUSHES))
def test_odd_pushes_are_answered_not_failed(admin: tuple[httpx.Client, str], name: str) -> None:
    client, device_id = admin
    overrides, status, code = ODD_PUSHES[name]
    number = list(ODD_PUSHES).index(name) + 1
    body = {"device_id": device_id, "changes": [_change(device_id, number, **overrides)]}
    answer = client.post("/v1/sync/push", json=body)
    assert answer.status_code == status, answer.text
    if status == 200:
        outcome = answer.json()["outcomes"][0]
        assert outcome["code"] == code, outcome
    else:
        assert answer.json()["code"] == "invalid"


@pytest.fixture(scope="module")
def odd_case(admin: tuple[httpx.Client, str]) -> str:
    """A task and a case for the odd records below to sit in; the case id."""
    client, device_id = admin
    task = _change(device_id, 900, entity_id="odd-parent-task")
    case = _change(device_id, 901, entity="case_file", entity_id="odd-parent-case",
                   fields={"task_id": "odd-parent-task"})  # fmt: skip
    answer = client.post("/v1/sync/push", json={"device_id": device_id, "changes": [task, case]})
    assert answer.json()["applied"] == 2, answer.text
    return "odd-parent-case"


ODD_FIELDS: dict[str, tuple[int, str, dict[str, Any]]] = {
    "membership-without-inspector": (910, "team_membership", {"task_id": "odd-parent-task"}),
    "blob-field-object": (911, "evidence_item", {"case_id": "odd-parent-case", "sha256": {"x": 1}}),
    "staff-code-object": (912, "inspector", {"region_code": "990100", "staff_code": {"x": 1}}),
}


@pytest.mark.parametrize("name", list(ODD_FIELDS))
def test_odd_fields_of_known_entities_are_refused_not_failed(
    admin: tuple[httpx.Client, str], odd_case: str, name: str
) -> None:
    client, device_id = admin
    number, entity, fields = ODD_FIELDS[name]
    change = _change(device_id, number, entity=entity, entity_id=f"odd-{name}", fields=fields)
    answer = client.post("/v1/sync/push", json={"device_id": device_id, "changes": [change]})
    assert answer.status_code == 200, answer.text
    assert answer.json()["outcomes"][0]["outcome"] == "rejected"


def test_odd_transport_input_is_answered_not_failed(admin: tuple[httpx.Client, str]) -> None:
    client, _ = admin
    sha = "ab" * 32
    for body, content_type in ((b"\xff\xfe{\x00", "application/json"), (b"{", "application/json")):
        answer = client.post("/v1/sync/push", content=body, headers={"Content-Type": content_type})
        assert (answer.status_code, answer.json()["code"]) == (422, "invalid"), answer.text
    for cursor in ("x:1:99999999999999999999999999:1", "::::", "e:-1:-5:-7", "é" * 200):
        assert client.get("/v1/sync/changes", params={"cursor": cursor}).status_code == 200
    for offset, length in (("-1", "5"), ("99999999999999999999999999", "1"), ("0", "x")):
        answer = client.patch(
            f"/v1/blobs/{sha}/upload",
            content=b"z",
            headers={"Upload-Offset": offset, "Upload-Length": length},
        )
        assert 400 <= answer.status_code < 500, answer.text
    for value in (
        "bytes=-5",
        "bytes=9-3",
        "bytes=0-99999999999999999999999",
        "bytes=x-y",
        "lines=1-2",
    ):
        assert client.get(f"/v1/blobs/{sha}", headers={"Range": value}).status_code == 404
    for path in ("/v1/blobs/ABC", "/v1/blobs/" + "0" * 65, "/v1/blobs/%00", "/v1/nothing"):
        answer = client.get(path)
        assert 400 <= answer.status_code < 500 and answer.json()["code"], path
    for path in ("/v1/admin/users/de%00mo/revoke", "/v1/admin/devices/x%00/revoke"):
        answer = client.post(path)
        assert (answer.status_code, answer.json()["code"]) == (422, "invalid"), path
    login = {"username": "demo\u0000admin", "password": "x", "device_id": "odd-laptop"}
    answer = client.post("/v1/auth/login", json=login)
    assert (answer.status_code, answer.json()["code"]) == (422, "invalid")
    wrong_method = client.put(f"/v1/blobs/{sha}/upload")
    assert wrong_method.status_code == 405
    assert set(wrong_method.headers["Allow"].split(", ")) == {"POST", "PATCH"}
    assert client.get("/ready").status_code == 200
