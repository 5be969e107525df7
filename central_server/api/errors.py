"""Errors as ``ErrorBody`` JSON with a stable code, never a stack trace."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from inspector_app.sync.protocol import ErrorBody, ErrorCode


class ApiError(Exception):
    """An answer other than success, with its HTTP status and protocol code."""

    def __init__(
        self, status: int, code: ErrorCode, message: str, detail: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.detail = detail or {}


def error_response(status: int, code: ErrorCode, message: str, **detail: Any) -> JSONResponse:
    """The JSON response of an error."""
    body = ErrorBody(code=code, message=message, detail=detail)
    return JSONResponse(status_code=status, content=body.model_dump(mode="json"))


async def handle_api_error(_request: Request, error: Exception) -> JSONResponse:
    """FastAPI exception handler for :class:`ApiError`."""
    assert isinstance(error, ApiError)
    return error_response(error.status, error.code, error.message, **error.detail)


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries documenting the error answers of a route."""
    return {status: {"model": ErrorBody} for status in statuses}


# The framework's own refusals (no route, wrong method, unreadable body) get the same
# ``ErrorBody`` as ours; an unreadable body is an invalid request like any other (422).
_FRAMEWORK_MESSAGES = {
    404: (ErrorCode.NOT_FOUND, "No such path."),
    405: (ErrorCode.INVALID, "This path does not take that method."),
    422: (ErrorCode.INVALID, "The request body could not be read."),
}


async def handle_http_error(request: Request, error: Exception) -> JSONResponse:
    """FastAPI exception handler for Starlette's ``HTTPException`` (routing and body errors)."""
    assert isinstance(error, StarletteHTTPException)
    status = 422 if error.status_code == 400 else error.status_code
    code, message = _FRAMEWORK_MESSAGES.get(status, (ErrorCode.INVALID, str(error.detail)))
    response = error_response(status, code, message)
    if status == 405:
        response.headers["Allow"] = ", ".join(sorted(allowed_methods(request)))
    return response


def allowed_methods(request: Request) -> set[str]:
    """Every method some route takes on this path (Starlette names only the first route's)."""
    routes = request.app.router.routes

    def served(method: str) -> bool:
        scope = {**request.scope, "method": method}
        return any(route.matches(scope)[0] is Match.FULL for route in routes)

    return {method for method in _METHODS if served(method)}


_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
