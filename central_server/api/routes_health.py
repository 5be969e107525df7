"""Liveness, readiness and what a client needs to know before signing in."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import text

from central_server.api.deps import StateDep
from central_server.db.migrate import alembic_head
from central_server.sync.feed import epoch
from inspector_app.sync.protocol import (
    MAX_CHUNK_BYTES,
    MAX_PUSH_CHANGES,
    MIN_PROTOCOL_VERSION,
    PROTOCOL_VERSION,
    ServerInfo,
)
from inspector_app.version import __version__

router = APIRouter(tags=["health"])


class Readiness(BaseModel):
    """``ready`` (200) or ``unavailable`` (503) with what is wrong."""

    status: str
    problems: list[str]


@router.get("/health")
def health() -> dict[str, str]:
    """The process answers (liveness)."""
    return {"status": "ok"}


@router.get(
    "/ready",
    response_model=Readiness,
    responses={503: {"model": Readiness, "description": "Not ready"}},
)
def ready(state: StateDep) -> JSONResponse:
    """The database is reachable and current and the blob store is writable (readiness)."""
    problems: list[str] = []
    try:
        with state.engine.connect() as connection:
            current = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        if current != alembic_head():
            problems.append("database schema is not current")
    except Exception as error:
        problems.append(f"database: {type(error).__name__}")
    try:
        state.store.check()
    except Exception as error:
        problems.append(f"blob store: {type(error).__name__}")
    status = 503 if problems else 200
    answer = Readiness(status="ready" if not problems else "unavailable", problems=problems)
    return JSONResponse(answer.model_dump(), status)


@router.get("/v1/info")
def info(state: StateDep) -> ServerInfo:
    """Versions and limits; the only /v1 route a client of any protocol version may call."""
    with state.sessions() as session:
        current_epoch = epoch(session)
    return ServerInfo(
        name="Fund Inspector central server",
        version=__version__,
        protocol_version=PROTOCOL_VERSION,
        min_protocol_version=MIN_PROTOCOL_VERSION,
        epoch=current_epoch,
        max_push_changes=MAX_PUSH_CHANGES,
        max_chunk_bytes=MAX_CHUNK_BYTES,
    )
