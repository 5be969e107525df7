"""``inspector-server --workers N``: several processes share one data folder correctly."""

from __future__ import annotations

import contextlib
from pathlib import Path

import httpx

from inspector_app.sync.protocol import PROTOCOL_HEADER, PROTOCOL_VERSION
from tests.server.live_server import running_server

HEADERS = {PROTOCOL_HEADER: str(PROTOCOL_VERSION)}


def _children(pid: int) -> list[int]:
    """Process ids whose parent is ``pid`` (Linux /proc)."""
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        with contextlib.suppress(OSError):
            fields = dict(
                line.split(":\t", 1) for line in status.read_text().splitlines() if ":\t" in line
            )
            if fields.get("PPid", "").strip() == str(pid):
                found.append(int(status.parent.name))
    return found


def test_two_worker_processes_serve_one_data_folder(tmp_path: Path) -> None:
    with running_server(tmp_path / "data", workers=2) as server:
        assert len(_children(server.pid)) >= 2
        # New connections are spread over the workers; every answer must agree.
        epochs, tokens = set(), set()
        for attempt in range(12):
            with httpx.Client(base_url=server.url, headers=HEADERS) as client:
                signed_in = client.post("/v1/auth/login", json={
                    "username": "demo.inspector", "password": "demo-pass-2026",
                    "device_id": f"worker-test-{attempt}",
                })  # fmt: skip
                assert signed_in.status_code == 200, signed_in.text
                token = signed_in.json()["access_token"]
                tokens.add(token)
                page = client.get("/v1/sync/changes", headers={"Authorization": f"Bearer {token}"})
                assert page.status_code == 200, page.text
                epochs.add(page.json()["epoch"])
        assert len(epochs) == 1
        assert len(tokens) == 12
