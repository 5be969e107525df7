"""Request dependencies: the server state and the signed-in principal.

There is deliberately no database-session dependency: FastAPI closes a yielded dependency
after the response, on a pool thread, so under load every thread waited for a connection
held by a request waiting for a thread. Handlers open ``state.sessions()`` themselves.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from central_server.api.errors import ApiError
from central_server.auth import tokens
from central_server.db.models import Device, User, utc_now
from central_server.state import ServerState
from central_server.sync.access import Principal
from inspector_app.sync.protocol import ErrorCode, Role

_BEARER = HTTPBearer(auto_error=False)
LAST_SEEN_RESOLUTION = timedelta(minutes=1)


def get_state(request: Request) -> ServerState:
    """The process's server state."""
    state: ServerState = request.app.state.server
    return state


StateDep = Annotated[ServerState, Depends(get_state)]


def revoked_error(*, device: bool) -> ApiError:
    """The answer that makes a client destroy its keys."""
    if device:
        return ApiError(
            403, ErrorCode.DEVICE_REVOKED, "This device has been revoked by the administrator."
        )
    return ApiError(403, ErrorCode.USER_REVOKED, "This account has been revoked.")


def check_standing(user: User, device: Device) -> None:
    """Refuse a revoked user or device."""
    if user.revoked_at is not None:
        raise revoked_error(device=False)
    if device.revoked_at is not None or device.user_id != user.id:
        raise revoked_error(device=True)


def principal_of(user: User, device: Device, sign_in: str = "") -> Principal:
    """The principal of a user on a device (``sign_in``: the token family, if any)."""
    return Principal(
        user_id=user.id,
        username=user.username,
        role=Role(user.role),
        region_code=user.region_code,
        staff_code=user.staff_code,
        device_id=device.id,
        view_version=user.view_version,
        sign_in=sign_in,
    )


def get_principal(
    state: StateDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_BEARER)],
) -> Principal:
    """The principal of a valid access token; 401 otherwise, 403 when revoked."""
    if credentials is None:
        raise ApiError(401, ErrorCode.TOKEN_INVALID, "Sign in first.")
    with state.sessions() as session:
        token = tokens.find(session, credentials.credentials, tokens.ACCESS)
        if token is None or token.revoked_at is not None:
            user = session.get(User, token.user_id) if token else None
            device = session.get(Device, token.device_id) if token else None
            if user is not None and device is not None:
                check_standing(user, device)
            raise ApiError(401, ErrorCode.TOKEN_INVALID, "The sign-in is no longer valid.")
        user, device = session.get(User, token.user_id), session.get(Device, token.device_id)
        assert user is not None and device is not None
        check_standing(user, device)
        now = utc_now()
        if token.expires_at <= now:
            raise ApiError(401, ErrorCode.TOKEN_EXPIRED, "The access token has expired.")
        if device.last_seen_at is None or now - device.last_seen_at > LAST_SEEN_RESOLUTION:
            device.last_seen_at = now
            session.commit()
        return principal_of(user, device, token.family)


PrincipalDep = Annotated[Principal, Depends(get_principal)]


def require_admin(principal: PrincipalDep) -> Principal:
    """Only administrators pass."""
    if principal.role is not Role.ADMIN:
        raise ApiError(403, ErrorCode.FORBIDDEN, "Administrators only.")
    return principal


AdminDep = Annotated[Principal, Depends(require_admin)]


# A NUL escape in a JSON string (``\u0000`` after an even number of backslashes).
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")


async def reject_nul_text(request: Request) -> None:
    """Refuse text holding a NUL character (U+0000) in a JSON body or a path parameter.

    No field of the protocol has a use for it, and PostgreSQL cannot store it in a text
    column: without this check such a request would fail there (500) and pass on SQLite.
    Routers whose requests carry text depend on it (blob chunks are bytes: not looked at).
    """
    if any("\x00" in value for value in request.path_params.values()):
        raise ApiError(422, ErrorCode.INVALID, "Text may not contain NUL characters.")
    media_type = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if media_type.endswith("json") and _JSON_NUL.search(await request.body()):
        raise ApiError(422, ErrorCode.INVALID, "Text may not contain NUL characters.")
