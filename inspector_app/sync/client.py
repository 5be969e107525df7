"""The HTTP client of the sync protocol: one method per endpoint, errors as exceptions.

Every error the server can give maps to one exception with a user-facing message; network
failures (refused, reset, timed out) become :class:`ServerUnreachableError`, which the
engine retries with backoff and which never blocks local work.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
from pydantic import ValidationError

from inspector_app.i18n import _
from inspector_app.sync.protocol import (
    PROTOCOL_HEADER,
    PROTOCOL_VERSION,
    UPLOAD_OFFSET_HEADER,
    BlobStatus,
    BlobUploadRequest,
    ErrorBody,
    ErrorCode,
    LoginRequest,
    PullResponse,
    PushRequest,
    PushResponse,
    RefreshRequest,
    ServerInfo,
    TokenPair,
)

TIMEOUT = httpx.Timeout(30.0, connect=5.0)
_JSON = {"Content-Type": "application/json"}


class SyncError(Exception):
    """A sync step failed; ``str()`` is a user-facing message."""


class ServerUnreachableError(SyncError):
    """No answer (offline, refused, cut mid-transfer, timed out, 5xx): try again later."""


class ServerRefusedError(SyncError):
    """The server answered with an error; ``code`` says which."""

    def __init__(self, status: int, code: ErrorCode, message: str, detail: dict[str, Any]) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.detail = detail


class UpdateRequiredError(ServerRefusedError):
    """The server no longer speaks this application's protocol."""


class RevokedError(ServerRefusedError):
    """The user or this device was revoked: local keys must be destroyed."""


class AuthenticationError(ServerRefusedError):
    """The sign-in is not (or no longer) valid."""


def update_required(status: int = 426, detail: dict[str, Any] | None = None) -> UpdateRequiredError:
    """The "please update" error, whether the server said it or ``/v1/info`` showed it."""
    message = _(
        "This version of Fund Inspector is too old for the server. Please update the "
        "application; your local work is kept and will sync after the update."
    )
    return UpdateRequiredError(status, ErrorCode.PROTOCOL_UNSUPPORTED, message, detail or {})


def _refusal(response: httpx.Response) -> ServerRefusedError:
    try:
        body = ErrorBody.model_validate_json(response.content)
    except ValidationError:
        return ServerRefusedError(
            response.status_code,
            ErrorCode.UNAVAILABLE,
            _("The server answered {status}.").format(status=response.status_code),
            {},
        )
    kind: type[ServerRefusedError] = ServerRefusedError
    if body.code is ErrorCode.PROTOCOL_UNSUPPORTED:
        return update_required(response.status_code, body.detail)
    if body.code in (ErrorCode.USER_REVOKED, ErrorCode.DEVICE_REVOKED):
        kind = RevokedError
    elif body.code in (
        ErrorCode.BAD_CREDENTIALS,
        ErrorCode.TOKEN_EXPIRED,
        ErrorCode.TOKEN_INVALID,
    ):
        kind = AuthenticationError
    return kind(response.status_code, body.code, body.message, body.detail)


class SyncClient:
    """Talks to one server; holds the access token of the current sign-in."""

    def __init__(self, base_url: str, *, transport: httpx.BaseTransport | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.access_token: str | None = None
        self._http = httpx.Client(
            base_url=self.base_url,
            timeout=TIMEOUT,
            headers={PROTOCOL_HEADER: str(PROTOCOL_VERSION)},
            transport=transport,
        )

    def close(self) -> None:
        """Release the connection pool."""
        self._http.close()

    def _request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = dict(kwargs.pop("headers", {}))
        if self.access_token:
            headers["Authorization"] = f"Bearer {self.access_token}"
        try:
            response = self._http.request(method, path, headers=headers, **kwargs)
        except httpx.HTTPError as error:
            raise ServerUnreachableError(
                _("The server {url} cannot be reached ({reason}).").format(
                    url=self.base_url, reason=type(error).__name__
                )
            ) from error
        if response.status_code >= 500:
            raise ServerUnreachableError(
                _("The server {url} is unavailable ({status}).").format(
                    url=self.base_url, status=response.status_code
                )
            )
        if response.status_code >= 400:
            raise _refusal(response)
        return response

    def info(self) -> ServerInfo:
        """Versions and limits (needs no sign-in)."""
        return ServerInfo.model_validate_json(self._request("GET", "/v1/info").content)

    def login(self, request: LoginRequest) -> TokenPair:
        """Sign in with a password."""
        pair = TokenPair.model_validate_json(
            self._request(
                "POST", "/v1/auth/login", content=request.model_dump_json(), headers=_JSON
            ).content
        )
        self.access_token = pair.access_token
        return pair

    def refresh(self, request: RefreshRequest) -> TokenPair:
        """Trade the refresh token for a new pair."""
        pair = TokenPair.model_validate_json(
            self._request(
                "POST", "/v1/auth/refresh", content=request.model_dump_json(), headers=_JSON
            ).content
        )
        self.access_token = pair.access_token
        return pair

    def logout(self) -> None:
        """End this sign-in on the server (its whole token family); an ended one counts."""
        try:
            self._request("POST", "/v1/auth/logout")
        except AuthenticationError as error:
            if error.code is not ErrorCode.TOKEN_INVALID:
                raise
        self.access_token = None

    def push(self, request: PushRequest) -> PushResponse:
        """Send a batch of changes."""
        response = self._request(
            "POST",
            "/v1/sync/push",
            content=request.model_dump_json(),
            headers=_JSON,
        )
        return PushResponse.model_validate_json(response.content)

    def pull(self, cursor: str, limit: int) -> PullResponse:
        """One page of the change feed."""
        response = self._request(
            "GET", "/v1/sync/changes", params={"cursor": cursor, "limit": limit}
        )
        return PullResponse.model_validate_json(response.content)

    def blob_status(self, sha256: str, size: int) -> BlobStatus:
        """How much of a blob the server holds."""
        body = BlobUploadRequest(size=size).model_dump_json()
        response = self._request(
            "POST",
            f"/v1/blobs/{sha256}/upload",
            content=body,
            headers=_JSON,
        )
        return BlobStatus.model_validate_json(response.content)

    def upload_chunk(self, sha256: str, offset: int, size: int, data: bytes) -> BlobStatus:
        """Append ``data`` at ``offset`` of a ``size``-byte blob."""
        response = self._request(
            "PATCH",
            f"/v1/blobs/{sha256}/upload",
            content=data,
            headers={
                UPLOAD_OFFSET_HEADER: str(offset),
                "Upload-Length": str(size),
                "Content-Type": "application/octet-stream",
            },
        )
        return BlobStatus.model_validate_json(response.content)

    def download(self, sha256: str, start: int = 0) -> Iterator[bytes]:
        """The blob's bytes from ``start``; a cut connection raises ServerUnreachableError."""
        headers = {PROTOCOL_HEADER: str(PROTOCOL_VERSION)}
        if self.access_token:
            headers["Authorization"] = f"Bearer {self.access_token}"
        if start:
            headers["Range"] = f"bytes={start}-"
        try:
            with self._http.stream("GET", f"/v1/blobs/{sha256}", headers=headers) as response:
                if response.status_code >= 400:
                    response.read()
                    raise _refusal(response)
                yield from response.iter_bytes(1024 * 1024)
        except httpx.HTTPError as error:
            raise ServerUnreachableError(
                _("The download from {url} was interrupted ({reason}).").format(
                    url=self.base_url, reason=type(error).__name__
                )
            ) from error
