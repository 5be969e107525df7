"""How a server instance is set up: where its data lives and how long tokens last.

The embedded default keeps everything under one data folder (``server.db`` and ``blobs/``);
a database URL and an ``s3://bucket/prefix`` blob location move them out for replicas that
share nothing but those two.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from central_server.db.engine import sqlite_url

DEFAULT_OFFLINE_GRANT_DAYS = 14


@dataclass(frozen=True)
class ServerConfig:
    """Everything an app instance needs; build one with :func:`from_environment`."""

    data_dir: Path
    database_url: str
    blob_location: str  # a folder path or s3://bucket[/prefix]
    access_ttl: timedelta = timedelta(minutes=15)
    refresh_ttl: timedelta = timedelta(days=30)
    replica_id: str = field(default_factory=lambda: f"server-{os.getpid()}")
    s3_endpoint_url: str | None = None


def from_environment(data_dir: Path) -> ServerConfig:
    """Defaults under ``data_dir``, overridden by INSPECTOR_SERVER_DATABASE_URL,
    INSPECTOR_SERVER_BLOBS (folder or s3://bucket/prefix) and INSPECTOR_SERVER_S3_ENDPOINT."""
    return ServerConfig(
        data_dir=data_dir,
        database_url=os.environ.get("INSPECTOR_SERVER_DATABASE_URL") or sqlite_url(data_dir),
        blob_location=os.environ.get("INSPECTOR_SERVER_BLOBS") or str(data_dir / "blobs"),
        s3_endpoint_url=os.environ.get("INSPECTOR_SERVER_S3_ENDPOINT") or None,
    )
