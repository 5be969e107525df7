"""Errors as ``ErrorBody`` JSON with a stable code, never a stack trace."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse

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
