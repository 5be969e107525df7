"""The FastAPI application: routers, protocol negotiation, error bodies, request logs."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from central_server.api import routes_admin, routes_auth, routes_blobs, routes_health, routes_sync
from central_server.api.errors import (
    ApiError,
    error_response,
    handle_api_error,
    handle_http_error,
)
from central_server.api.openapi import amend
from central_server.logs import LOGGER
from central_server.state import ServerState
from inspector_app.sync.protocol import (
    MIN_PROTOCOL_VERSION,
    PROTOCOL_HEADER,
    PROTOCOL_VERSION,
    ErrorCode,
)
from inspector_app.version import __version__

UPDATE_MESSAGE = (
    "This version of Fund Inspector is too old for the server. Please update the application; "
    "your local work is kept and will sync after the update."
)
# Reachable by any client version: how it learns what the server speaks.
UNVERSIONED = frozenset({"/v1/info"})


def _version_refusal(request: Request) -> JSONResponse | None:
    path = request.url.path
    if not path.startswith("/v1/") or path in UNVERSIONED:
        return None
    header = request.headers.get(PROTOCOL_HEADER, "")
    version = int(header) if header.isdigit() else 0
    if MIN_PROTOCOL_VERSION <= version <= PROTOCOL_VERSION:
        return None
    message = (
        UPDATE_MESSAGE
        if version < MIN_PROTOCOL_VERSION
        else ("The server is older than this application; ask the administrator to update it.")
    )
    return error_response(
        426,
        ErrorCode.PROTOCOL_UNSUPPORTED,
        message,
        server_protocol=PROTOCOL_VERSION,
        min_protocol=MIN_PROTOCOL_VERSION,
    )


async def _validation_error(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    fields = [".".join(str(part) for part in item["loc"]) for item in error.errors()]
    return error_response(422, ErrorCode.INVALID, "The request is not valid.", fields=fields)


class ServerApp(FastAPI):
    """FastAPI publishing the amended description (``central_server.api.openapi``)."""

    def openapi(self) -> dict[str, Any]:
        if self.openapi_schema is None:
            self.openapi_schema = amend(super().openapi(), UNVERSIONED)
        return self.openapi_schema


def create_app(state: ServerState) -> FastAPI:
    """An app serving ``state`` (one per process; replicas share only DB and blob store)."""
    app = ServerApp(
        title="Fund Inspector central server",
        version=__version__,
        description="Sync and review API of Fund Inspector (医保基金现场检查). "
        "See docs/sync-protocol.md.",
    )
    app.state.server = state
    app.add_exception_handler(ApiError, handle_api_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, handle_http_error)
    for router in (routes_health, routes_auth, routes_sync, routes_blobs, routes_admin):
        app.include_router(router.router)

    @app.middleware("http")
    async def negotiate_and_log(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        started = time.perf_counter()

        def fields(status: int) -> dict[str, object]:
            route = request.scope.get("route")
            return {
                "method": request.method,
                "route": getattr(route, "path", "unmatched"),
                "status": status,
                "ms": round((time.perf_counter() - started) * 1000, 1),
            }

        refusal = _version_refusal(request)
        try:
            response = refusal if refusal is not None else await call_next(request)
        except Exception as error:
            # The type only: a message can quote the request's values (patient data).
            LOGGER.error("request failed", extra=fields(500) | {"error": type(error).__name__})
            raise
        LOGGER.info("request", extra=fields(response.status_code))
        return response

    return app
