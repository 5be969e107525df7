"""A real server process whose tokens expire within seconds, for the expired-token tests.

Token lifetimes are not a setting of ``inspector-server`` (15 minutes and 30 days), and tests
never write the server's database, so this launcher serves the ordinary app with a
configuration whose lifetimes are short: run ``python -m tests.server.authz_short_lived
--data DIR --port PORT --ttl SECONDS``. It keeps its data in its own folder (SQLite and a
blob folder) whatever backend the suite runs on: expiry is decided by the server, not by
its storage.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

from tests.server.live_server import free_port, server_process

REPOSITORY = Path(__file__).resolve().parents[2]
EXPIRY_ADMIN = ("expiry.admin", "expiry-pass-2026")


def main() -> None:
    """Serve one administrator account (:data:`EXPIRY_ADMIN`) with short token lifetimes."""
    import uvicorn

    from central_server.api.app import create_app
    from central_server.config import ServerConfig
    from central_server.db.engine import sqlite_url
    from central_server.state import open_state
    from central_server.users import create_user
    from inspector_app.sync.protocol import Role

    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--ttl", type=float, required=True)
    args = parser.parse_args()
    lifetime = timedelta(seconds=args.ttl)
    config = ServerConfig(args.data, sqlite_url(args.data), str(args.data / "blobs"))
    state = open_state(dataclasses.replace(config, access_ttl=lifetime, refresh_ttl=lifetime))
    with state.sessions() as session, session.begin():
        create_user(
            session,
            username=EXPIRY_ADMIN[0],
            display_name="过期测试管理员",
            role=Role.ADMIN,
            region_code="990000",
            password=EXPIRY_ADMIN[1],
        )
    uvicorn.run(create_app(state), host="127.0.0.1", port=args.port, log_level="warning")


@contextlib.contextmanager
def short_lived_server(data_dir: Path, ttl_seconds: float) -> Iterator[str]:
    """Start such a server, wait until it is ready, yield its URL, stop it."""
    port = free_port()
    command = [sys.executable, "-m", "tests.server.authz_short_lived",
               "--data", str(data_dir), "--port", str(port), "--ttl", str(ttl_seconds)]  # fmt: skip
    data_dir.mkdir(parents=True, exist_ok=True)
    log_path = data_dir.parent / f"short-lived-{port}.log"
    with server_process(command, port, log_path, cwd=REPOSITORY):
        yield f"http://127.0.0.1:{port}"


if __name__ == "__main__":
    main()
