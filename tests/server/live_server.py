"""A real ``inspector-server`` process on 127.0.0.1 for the sync tests, on a chosen backend.

By default a server keeps everything in its data folder (SQLite, blob folder). Two test
settings move it to the production backends, so the same tests run against both:

* ``INSPECTOR_TEST_SERVER_DATABASE_URL=postgresql://…`` (``scripts/postgres-for-tests.sh``
  sets it): each data folder gets its own empty database ``test_<hex>``, created at its
  server's first start and dropped when the test process exits;
* ``INSPECTOR_TEST_SERVER_BLOBS=s3``: one moto S3 emulator for the test process (started
  when first needed) and a fresh prefix in its bucket for each data folder.

A restart on the same data folder finds the same database and blobs, as a real restart
would. Tests never open the server's storage themselves; these work on every backend:

* :func:`server_row_counts`, :func:`server_query`, :func:`server_database` read the database;
* :func:`server_blob_shas`, :func:`server_partial_shas`, :func:`read_server_blob` the blobs;
* :func:`holding_write_lock` makes pushes wait; :func:`copy_server` copies a stopped
  server's storage to another data folder, :func:`discard_server` deletes it early.

They take what :func:`running_server` yields, or :func:`backend_for` of a data folder (for
a server process a test starts itself with :func:`server_process` and
``Backend.environment()``).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import boto3  # type: ignore[import-untyped]
import httpx
import psycopg
from psycopg import sql
from sqlalchemy import Engine, func, select, text
from sqlalchemy.engine import make_url

from central_server.db.engine import make_engine, sqlite_url
from central_server.db.models import FeedCounter, ServerBase
from central_server.launch import free_port, stop_process, wait_until_ready
from inspector_app.sync.protocol import PROTOCOL_HEADER, PROTOCOL_VERSION
from tests.server.s3_emulator import DUMMY_AWS_ENVIRONMENT, running_s3_emulator

ADMIN = ("demo.admin", "demo-pass-2026")
DATABASE_ENV = "INSPECTOR_TEST_SERVER_DATABASE_URL"
"""A PostgreSQL URL the tests may create databases through (unset: SQLite)."""
BLOBS_ENV = "INSPECTOR_TEST_SERVER_BLOBS"
"""``s3`` for the S3 emulator (unset or ``folder``: the data folder)."""
S3_BUCKET = "inspector-test-blobs"
_AWS_OVERRIDES = ("AWS_PROFILE", "AWS_REGION", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3")


@dataclass(frozen=True)
class Backend:
    """Where one server data folder keeps its database and blobs."""

    database_url: str
    blob_location: str  # a folder, or s3://bucket/prefix
    s3_endpoint: str | None = None

    def environment(self) -> dict[str, str]:
        """The server process's environment: this backend, nothing inherited about storage."""
        environment = dict(os.environ)
        environment.pop("INSPECTOR_SERVER_S3_ENDPOINT", None)
        environment["INSPECTOR_SERVER_DATABASE_URL"] = self.database_url
        environment["INSPECTOR_SERVER_BLOBS"] = self.blob_location
        if self.s3_endpoint is not None:
            for name in _AWS_OVERRIDES:
                environment.pop(name, None)
            environment.update(DUMMY_AWS_ENVIRONMENT)
            environment["INSPECTOR_SERVER_S3_ENDPOINT"] = self.s3_endpoint
        return environment


_BACKENDS: dict[Path, Backend] = {}
_CREATED_DATABASES: list[str] = []
_S3 = contextlib.ExitStack()
_S3_ENDPOINT: list[str] = []  # the running emulator's endpoint, once started


def _admin_conninfo() -> str:
    """The test PostgreSQL URL as libpq reads it (no SQLAlchemy driver name)."""
    url = make_url(os.environ[DATABASE_ENV]).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def _new_database(template: str | None = None) -> str:
    """A fresh PostgreSQL database, empty or a copy of ``template``'s; its URL."""
    name = f"test_{uuid.uuid4().hex[:16]}"
    create = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
    if template is not None:
        create += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
    with psycopg.connect(_admin_conninfo(), autocommit=True) as connection:
        connection.execute(create)
    if not _CREATED_DATABASES:
        atexit.register(_drop_databases)
    _CREATED_DATABASES.append(name)
    url = make_url(os.environ[DATABASE_ENV]).set(database=name)
    return url.render_as_string(hide_password=False)


def _drop_database(connection: psycopg.Connection[Any], name: str) -> None:
    drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
    connection.execute(drop)
    if name in _CREATED_DATABASES:
        _CREATED_DATABASES.remove(name)


def _drop_databases() -> None:
    """Drop this process's databases (at exit: a restarted server may need them until then)."""
    with (
        contextlib.suppress(psycopg.Error),
        psycopg.connect(_admin_conninfo(), autocommit=True) as connection,
    ):
        while _CREATED_DATABASES:
            _drop_database(connection, _CREATED_DATABASES[-1])


def s3_endpoint() -> str:
    """The emulator of this test process (started on first use, with the test bucket)."""
    if not _S3_ENDPOINT:
        endpoint = _S3.enter_context(running_s3_emulator())
        atexit.register(_S3.close)
        _s3_client(endpoint).create_bucket(Bucket=S3_BUCKET)
        _S3_ENDPOINT.append(endpoint)
    return _S3_ENDPOINT[0]


def _s3_client(endpoint: str) -> Any:
    credentials = DUMMY_AWS_ENVIRONMENT
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=credentials["AWS_DEFAULT_REGION"],
        aws_access_key_id=credentials["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=credentials["AWS_SECRET_ACCESS_KEY"],
        aws_session_token=credentials["AWS_SESSION_TOKEN"],
    )


def backend_for(data_dir: Path) -> Backend:
    """The backend of ``data_dir``'s server: chosen (and created) at its first start."""
    key = data_dir.resolve()
    if key in _BACKENDS:
        return _BACKENDS[key]
    database_url = sqlite_url(data_dir)
    if os.environ.get(DATABASE_ENV):
        if not os.environ[DATABASE_ENV].startswith("postgresql"):
            raise ValueError(f"{DATABASE_ENV} must be a postgresql:// URL")
        database_url = _new_database()
    blobs = os.environ.get(BLOBS_ENV) or "folder"
    if blobs == "s3":
        backend = Backend(database_url, f"s3://{S3_BUCKET}/{uuid.uuid4().hex}", s3_endpoint())
    elif blobs == "folder":
        backend = Backend(database_url, str(data_dir / "blobs"))
    else:
        raise ValueError(f"{BLOBS_ENV} is 's3' or 'folder', not {blobs!r}")
    _BACKENDS[key] = backend
    return backend


def copy_server(source_dir: Path, target_dir: Path) -> Backend:
    """Give ``target_dir`` a copy of all that ``source_dir``'s server stored: its data folder,
    database and blobs, on whichever backend. A server started on ``target_dir`` then resumes
    where the source stopped. The source server must be stopped (PostgreSQL copies only a
    database nobody is connected to); ``target_dir`` must not exist yet."""
    key = target_dir.resolve()
    if key in _BACKENDS:
        raise ValueError(f"{target_dir} already has its storage")
    source = backend_for(source_dir)
    shutil.copytree(source_dir, target_dir)
    database_url = sqlite_url(target_dir)
    if not source.database_url.startswith("sqlite"):
        database_url = _new_database(template=make_url(source.database_url).database)
    blob_location = str(target_dir / "blobs")
    if source.s3_endpoint is not None:
        blob_location = f"s3://{S3_BUCKET}/{uuid.uuid4().hex}"
        client = _s3_client(source.s3_endpoint)
        bucket, old_prefix, keys = _s3_objects(source)
        new_prefix = _s3_prefix(blob_location)
        for object_key in keys:
            client.copy_object(
                Bucket=bucket,
                Key=new_prefix + object_key.removeprefix(old_prefix),
                CopySource={"Bucket": bucket, "Key": object_key},
            )
    backend = Backend(database_url, blob_location, source.s3_endpoint)
    _BACKENDS[key] = backend
    return backend


def discard_server(data_dir: Path) -> None:
    """Delete now what ``data_dir``'s stopped server stored outside its folder (its PostgreSQL
    database, its S3 objects) rather than when the tests end; the folder is the caller's."""
    backend = _BACKENDS.pop(data_dir.resolve(), None)
    if backend is None:
        return
    if not backend.database_url.startswith("sqlite"):
        with psycopg.connect(_admin_conninfo(), autocommit=True) as connection:
            _drop_database(connection, str(make_url(backend.database_url).database))
    if backend.s3_endpoint is not None:
        client = _s3_client(backend.s3_endpoint)
        bucket, _prefix, keys = _s3_objects(backend)
        for start in range(0, len(keys), 1000):
            batch = [{"Key": key} for key in keys[start : start + 1000]]
            client.delete_objects(Bucket=bucket, Delete={"Objects": batch, "Quiet": True})


class LiveServer(str):
    """A running (or stopped) test server: its URL as a ``str``, and where it keeps data."""

    data_dir: Path
    backend: Backend
    pid: int

    def __new__(cls, url: str, data_dir: Path, backend: Backend, pid: int) -> LiveServer:
        server = super().__new__(cls, url)
        server.data_dir = data_dir
        server.backend = backend
        server.pid = pid
        return server

    @property
    def url(self) -> str:
        """The base URL, ``http://127.0.0.1:PORT``."""
        return str.__str__(self)


# ---------------------------------------------------------------- the process


@contextlib.contextmanager
def running_server(
    data_dir: Path, *, port: int | None = None, demo: bool = True, workers: int = 1
) -> Iterator[LiveServer]:
    """Start the server, wait until it is ready, yield it (its URL, a ``str``), stop it.

    Started again on the same ``data_dir``, it finds the data of the previous run.
    """
    backend = backend_for(data_dir)
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
    if workers != 1:
        command += ["--workers", str(workers)]
    log_path = data_dir.parent / f"server-{port}.log"
    with server_process(command, port, log_path, env=backend.environment()) as process:
        yield LiveServer(f"http://127.0.0.1:{port}", data_dir, backend, process.pid)


@contextlib.contextmanager
def server_process(
    command: list[str],
    port: int,
    log_path: Path,
    *,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
) -> Iterator[subprocess.Popen[bytes]]:
    """Run a server ``command`` that listens on ``port`` of 127.0.0.1, its output going to
    ``log_path``; yield the process once ``/ready`` answers, stop it when done.

    :func:`running_server` starts ``inspector-server`` through it; a test serving the app
    otherwise (another configuration, another launcher) uses it to start the same way.
    """
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=cwd)
        try:
            wait_until_ready(process, f"http://127.0.0.1:{port}", log_path)
            yield process
        finally:
            stop_process(process)


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


def admin_post(url: str, path: str, payload: dict[str, Any] | None = None) -> httpx.Response:
    """One POST as the demo administrator (an account to create, a device to revoke, …): its
    answer, after checking it succeeded."""
    client = admin_client(url)
    try:
        response = client.post(path, json=payload)
        response.raise_for_status()
        return response
    finally:
        client.close()


# ---------------------------------------------------------------- looking inside

Storage = LiveServer | Backend
"""What the helpers below read: a server from :func:`running_server`, or the
:class:`Backend` of a data folder (:func:`backend_for`) for a process started otherwise."""


def _backend(storage: Storage) -> Backend:
    if isinstance(storage, LiveServer):
        return storage.backend
    if isinstance(storage, Backend):
        return storage
    raise TypeError("pass what running_server yielded or backend_for(data_dir), not a URL")


@contextlib.contextmanager
def server_database(storage: Storage) -> Iterator[Engine]:
    """An engine on the server's database (SQLite file or PostgreSQL), for any query."""
    engine = make_engine(_backend(storage).database_url)
    try:
        yield engine
    finally:
        engine.dispose()


def server_query(storage: Storage, statement: str, **params: Any) -> list[tuple[Any, ...]]:
    """The rows of one SQL query on the server's database (``:name`` parameters)."""
    with server_database(storage) as engine, engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(statement), params)]


def server_row_counts(storage: Storage, *tables: str) -> dict[str, int]:
    """Rows in each named table of the server (every table of its schema when none named)."""
    known = ServerBase.metadata.tables
    unknown = set(tables) - set(known)
    if unknown:
        raise KeyError(f"no such server tables: {sorted(unknown)}")
    with server_database(storage) as engine, engine.connect() as connection:
        return {
            name: int(connection.scalar(select(func.count()).select_from(known[name])) or 0)
            for name in (tables or tuple(known))
        }


@contextlib.contextmanager
def holding_write_lock(storage: Storage) -> Iterator[None]:
    """Make every push wait while inside: the lock its transaction takes first is held here.

    On SQLite this is the database's write lock (every write waits); on PostgreSQL the feed
    counter's row (pushes wait; sign-ins and blob uploads go on).
    """
    with server_database(storage) as engine, engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql("BEGIN IMMEDIATE")
            try:
                yield
            finally:
                connection.exec_driver_sql("ROLLBACK")
            return
        transaction = connection.begin()
        try:
            counter = select(FeedCounter.seq).where(FeedCounter.id == 1).with_for_update()
            connection.execute(counter)
            yield
        finally:
            transaction.rollback()


def _s3_prefix(blob_location: str) -> str:
    """The key prefix of an ``s3://bucket/prefix`` location ("" or ending in "/")."""
    prefix = urlsplit(blob_location).path.strip("/")
    return f"{prefix}/" if prefix else ""


def _s3_objects(backend: Backend, folder: str = "") -> tuple[str, str, list[str]]:
    """Bucket, prefix and every key under ``<prefix><folder>`` of an S3 backend."""
    assert backend.s3_endpoint is not None
    bucket = urlsplit(backend.blob_location).netloc
    prefix = _s3_prefix(backend.blob_location)
    pages = _s3_client(backend.s3_endpoint).get_paginator("list_objects_v2")
    keys = [
        str(entry["Key"])
        for page in pages.paginate(Bucket=bucket, Prefix=prefix + folder)
        for entry in page.get("Contents", [])
    ]
    return bucket, prefix, keys


def _s3_keys(backend: Backend, folder: str) -> list[str]:
    """Keys under ``<prefix><folder>/`` of the backend's bucket, without that prefix."""
    _bucket, prefix, keys = _s3_objects(backend, f"{folder}/")
    return [key.removeprefix(f"{prefix}{folder}/") for key in keys]


def server_blob_shas(storage: Storage) -> list[str]:
    """The SHA-256 names of the verified blobs in the server's store, sorted, one entry per
    stored object (so a blob stored twice would show twice); unfinished uploads excluded."""
    backend = _backend(storage)
    if backend.s3_endpoint is not None:
        return sorted(key.rpartition("/")[2] for key in _s3_keys(backend, "blobs"))
    root = Path(backend.blob_location)
    return sorted(
        path.name
        for path in root.rglob("*")
        if path.is_file() and path.parent != root and path.parent.name != "partial"
    )


def server_partial_shas(storage: Storage) -> set[str]:
    """The SHA-256 of every unfinished upload the store holds a partial of."""
    backend = _backend(storage)
    if backend.s3_endpoint is not None:
        return {key.partition("/")[0] for key in _s3_keys(backend, "partial")}
    partial = Path(backend.blob_location) / "partial"
    return {path.name.removesuffix(".part") for path in partial.glob("*.part")}


def read_server_blob(storage: Storage, sha256: str) -> bytes:
    """A stored blob's bytes, read from the store itself (not through the API)."""
    backend = _backend(storage)
    if backend.s3_endpoint is not None:
        bucket = urlsplit(backend.blob_location).netloc
        key = f"{_s3_prefix(backend.blob_location)}blobs/{sha256[:2]}/{sha256}"
        answer = _s3_client(backend.s3_endpoint).get_object(Bucket=bucket, Key=key)
        return bytes(answer["Body"].read())
    return (Path(backend.blob_location) / sha256[:2] / sha256).read_bytes()
