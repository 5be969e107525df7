"""A real ``inspector-server`` process on 127.0.0.1 for the sync tests."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

from inspector_app.sync.protocol import PROTOCOL_HEADER, PROTOCOL_VERSION

ADMIN = ("demo.admin", "demo-pass-2026")


def free_port() -> int:
    """A port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def running_server(data_dir: Path, *, port: int | None = None, demo: bool = True) -> Iterator[str]:
    """Start the server, wait until it is ready, yield its URL, stop it."""
    port = port or free_port()
    command = [
        sys.executable,
        "-m",
        "central_server.cli",
        "--data",
        str(data_dir),
        "--port",
        str(port),
    ]
    if demo:
        command.append("--demo")
    log = (data_dir.parent / f"server-{port}.log").open("wb")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=dict(os.environ))
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the server exited: see {log.name}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{url}/ready", timeout=1).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError("the server did not become ready")
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def admin_client(url: str) -> httpx.Client:
    """An HTTP client signed in as the demo administrator."""
    client = httpx.Client(base_url=url, headers={PROTOCOL_HEADER: str(PROTOCOL_VERSION)})
    response = client.post(
        "/v1/auth/login",
        json={"username": ADMIN[0], "password": ADMIN[1], "device_id": "test-admin-console"},
    )
    response.raise_for_status()
    client.headers["Authorization"] = f"Bearer {response.json()['access_token']}"
    return client
