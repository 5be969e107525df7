"""The server's logs: one JSON object per request, and never a record's content.

A distinctive marker goes into every place a request can carry patient data (record
fields, a rejected change, a malformed body, a path); the log of the real server process
must name the requests and never the marker. An unhandled error is logged as a 500 with
the exception's type only, since its message may quote the request.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
from fastapi import FastAPI

from central_server.api.app import create_app
from central_server.config import ServerConfig
from central_server.db.engine import sqlite_url
from central_server.logs import LOGGER, JsonFormatter
from central_server.state import open_state
from inspector_app.sync.hlc import HybridClock
from inspector_app.sync.protocol import PROTOCOL_HEADER, PROTOCOL_VERSION
from local_db.types import utc_now
from tests.server.live_server import running_server

MARKER = "患者王小明-LOGMARKER-110101199001011234"
HEADERS = {PROTOCOL_HEADER: str(PROTOCOL_VERSION)}
NOW = utc_now().isoformat()


CLOCK = HybridClock("log-test-device")


def _change(entity: str, entity_id: str, fields: dict[str, object]) -> dict[str, object]:
    return {
        "change_id": str(uuid.uuid4()),
        "entity": entity,
        "entity_id": entity_id,
        "operation": "insert",
        "hlc": CLOCK.now(),
        "fields": fields,
        "base": {},
        "actor": "demo.leader",
        "at": NOW,
    }


@contextlib.contextmanager
def _signed_in(url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=url, headers=HEADERS, timeout=30) as client:
        yield _logged_in(client)


def _logged_in(client: httpx.Client) -> httpx.Client:
    login = client.post("/v1/auth/login", json={
        "username": "demo.leader", "password": "demo-pass-2026", "device_id": "log-test-device",
    })  # fmt: skip
    assert login.status_code == 200, login.text
    client.headers["Authorization"] = f"Bearer {login.json()['access_token']}"
    return client


def test_requests_are_logged_without_record_content(tmp_path: Path) -> None:
    with running_server(tmp_path / "data") as server, _signed_in(server.url) as client:
        task_id, case_id = str(uuid.uuid4()), str(uuid.uuid4())
        accepted = [
            _change("inspection_task", task_id, {
                "task_number": "LOG-1", "title": MARKER, "task_type": "thematic",
                "origin": "plan", "status": "on_site", "region_code": "990100",
                "institution_id": None, "planned_start": "2026-11-24",
                "planned_end": "2026-11-25", "sealed": False, "notes": MARKER,
            }),
            _change("case_file", case_id, {
                "task_id": task_id, "case_number": "LOG-C-1", "status": "open",
                "summary": MARKER,
            }),
        ]  # fmt: skip
        # A finding of a case the server does not have: refused, its fields never logged.
        orphan = {"case_id": str(uuid.uuid4()), "title": MARKER, "description": MARKER}
        refused = [_change("finding", str(uuid.uuid4()), orphan)]
        pushed = client.post(
            "/v1/sync/push", json={"device_id": "log-test-device", "changes": accepted + refused}
        )
        assert pushed.status_code == 200, pushed.text
        assert pushed.json()["applied"] == 2 and pushed.json()["rejected"] == 1
        malformed = client.post("/v1/sync/push", content=f'{{"device_id": "{MARKER}"'.encode())
        assert malformed.status_code == 422
        missing = client.get(f"/v1/no-such-route/{MARKER}")
        assert missing.status_code == 404
        assert client.get("/v1/sync/changes").status_code == 200
        log_text = (tmp_path / f"server-{server.url.rsplit(':', 1)[1]}.log").read_text("utf-8")

    assert "LOGMARKER" not in log_text and "110101199001011234" not in log_text
    entries = [json.loads(line) for line in log_text.splitlines() if line.startswith("{")]
    requests = [entry for entry in entries if entry.get("event") == "request"]
    seen = {(entry["method"], entry["route"], entry["status"]) for entry in requests}
    assert ("POST", "/v1/sync/push", 200) in seen
    assert ("POST", "/v1/sync/push", 422) in seen
    assert ("GET", "/v1/sync/changes", 200) in seen
    assert ("GET", "unmatched", 404) in seen
    assert all(isinstance(entry["ms"], float | int) for entry in requests)


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(JsonFormatter())
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


async def _get(app: FastAPI, path: str) -> httpx.Response:
    """One request to the app in this process, answered as the server would answer it."""
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://server") as client:
        return await client.get(path, headers=HEADERS)


def test_an_unhandled_error_is_logged_as_500_without_its_message(tmp_path: Path) -> None:
    config = ServerConfig(tmp_path, sqlite_url(tmp_path), str(tmp_path / "blobs"))
    state = open_state(config)
    app = create_app(state)

    @app.get("/v1/broken")
    def broken() -> None:
        raise RuntimeError(f"failed on {MARKER}")

    collect = _Collect()
    LOGGER.addHandler(collect)
    previous = LOGGER.level
    LOGGER.setLevel(logging.INFO)
    try:
        answer = asyncio.run(_get(app, "/v1/broken"))
    finally:
        LOGGER.removeHandler(collect)
        LOGGER.setLevel(previous)
        state.engine.dispose()
    assert answer.status_code == 500
    assert MARKER not in answer.text
    entries = [json.loads(line) for line in collect.lines]
    failed = [entry for entry in entries if entry["event"] == "request failed"]
    assert len(failed) == 1, entries
    assert failed[0]["status"] == 500 and failed[0]["route"] == "/v1/broken"
    assert failed[0]["error"] == "RuntimeError"
    assert not any("LOGMARKER" in line for line in collect.lines)
