"""A real ``inspector-server`` process on 127.0.0.1 for the sync benchmarks, and its accounts.

The benchmarks do not import the test tree; process start and readiness come from
``central_server.launch``, as in the tests' ``live_server``. They always measure the
embedded default backend (SQLite in WAL mode and the folder blob store under the data
folder), so any storage override in the environment is dropped. The process runs with
``--demo`` (the demo regions and accounts).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import keyring
from keyring.backend import KeyringBackend

from central_server.launch import free_port, stop_process, wait_until_ready
from inspector_app.sync.protocol import PROTOCOL_HEADER, PROTOCOL_VERSION

ADMIN = ("demo.admin", "demo-pass-2026")
DEMO_PASSWORD = "demo-pass-2026"
"""The server password of every demo account (``central_server.demo``)."""
_STORAGE_OVERRIDES = (
    "INSPECTOR_SERVER_DATABASE_URL",
    "INSPECTOR_SERVER_BLOBS",
    "INSPECTOR_SERVER_S3_ENDPOINT",
)


@contextlib.contextmanager
def running_servers(*data_dirs: Path) -> Iterator[list[str]]:
    """Start one demo server per data folder (in parallel: start-up migrates and seeds),
    wait until each answers ``/ready``, yield their URLs, stop them."""
    environment = {k: v for k, v in os.environ.items() if k not in _STORAGE_OVERRIDES}
    with contextlib.ExitStack() as stack:
        started: list[tuple[subprocess.Popen[bytes], str, str]] = []
        for data_dir in data_dirs:
            port = free_port()
            data_dir.mkdir(parents=True, exist_ok=True)
            log = stack.enter_context((data_dir.parent / f"server-{port}.log").open("wb"))
            command = [sys.executable, "-m", "central_server.cli", "--data", str(data_dir)]
            command += ["--port", str(port), "--demo"]
            process = subprocess.Popen(
                command, stdout=log, stderr=subprocess.STDOUT, env=environment
            )
            stack.callback(stop_process, process)
            started.append((process, f"http://127.0.0.1:{port}", log.name))
        for process, url, log_name in started:
            wait_until_ready(process, url, log_name, timeout=60)
        yield [url for _process, url, _log in started]


def signed_in(url: str, username: str, password: str, device_id: str) -> httpx.Client:
    """An HTTP client speaking the protocol, signed in as ``username`` on ``device_id``."""
    client = httpx.Client(
        base_url=url, headers={PROTOCOL_HEADER: str(PROTOCOL_VERSION)}, timeout=60
    )
    response = client.post(
        "/v1/auth/login",
        json={"username": username, "password": password, "device_id": device_id},
    )
    response.raise_for_status()
    client.headers["Authorization"] = f"Bearer {response.json()['access_token']}"
    return client


def admin_client(url: str) -> httpx.Client:
    """An HTTP client signed in as the demo administrator."""
    return signed_in(url, *ADMIN, device_id="bench-admin-console")


class MemoryKeyring(KeyringBackend):
    """A process-local keyring, so a sync run keeps its sign-in as on a desktop with one.

    Without a usable keyring every run would sign in with the password (argon2id on the
    server): the no-change round trip would measure that instead of the kept sign-in.
    """

    priority = 1

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.store.pop((service, username), None)


@contextlib.contextmanager
def memory_keyring() -> Iterator[None]:
    """Use a :class:`MemoryKeyring` inside the block (the previous one is put back)."""
    previous: Any = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    try:
        yield
    finally:
        keyring.set_keyring(previous)
