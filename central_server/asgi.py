"""The ASGI app built from the environment, for worker processes and process managers.

``inspector-server --workers N`` hands this factory to uvicorn, which imports it in each
worker process; behind another process manager use
``INSPECTOR_SERVER_DATA=DIR uvicorn central_server.asgi:create --factory``. Each process
opens its own state (connection pool, blob store, clock with a per-process replica id):
processes share only the database and the blob store, like replicas on separate machines.
"""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import FastAPI

from central_server import logs
from central_server.config import from_environment
from central_server.state import open_state

DATA_VARIABLE = "INSPECTOR_SERVER_DATA"


def create() -> FastAPI:
    """A server app for the data folder named by :data:`DATA_VARIABLE`."""
    from central_server.api.app import create_app

    data = os.environ.get(DATA_VARIABLE)
    if not data:
        raise RuntimeError(f"set {DATA_VARIABLE} to the server's data folder")
    logs.configure()
    return create_app(open_state(from_environment(Path(data))))
