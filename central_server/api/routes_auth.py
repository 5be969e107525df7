"""Sign-in, token refresh and sign-out."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Response
from sqlalchemy.orm import Session

from central_server.api.deps import PrincipalDep, StateDep, check_standing, reject_nul_text
from central_server.api.errors import ApiError, responses
from central_server.auth import tokens
from central_server.auth.passwords import verify_password
from central_server.db.models import Device, User, utc_now
from central_server.users import user_info
from inspector_app.sync.protocol import ErrorCode, LoginRequest, RefreshRequest, TokenPair

router = APIRouter(prefix="/v1/auth", tags=["auth"], dependencies=[Depends(reject_nul_text)])


def _pair(
    state: StateDep, session: Session, user: User, device: Device, family: str | None
) -> TokenPair:
    issued = tokens.issue_pair(session, state.config, user, device, family)
    session.commit()
    return TokenPair(
        access_token=issued.access_token,
        access_expires_at=issued.access_expires_at,
        refresh_token=issued.refresh_token,
        refresh_expires_at=issued.refresh_expires_at,
        offline_grant_days=state.offline_grant_days(),
        server_time=utc_now(),
        user=user_info(user),
    )


@router.post("/login", responses=responses(401, 403, 422))
def login(request: LoginRequest, state: StateDep) -> TokenPair:
    """Password sign-in; registers the device on its first sign-in."""
    # Sessions live inside handlers, never in a yielded dependency (see routes_sync.push).
    with state.sessions() as session:
        user = session.query(User).filter(User.username == request.username).one_or_none()
        stored_hash = user.password_hash if user else None
        session.rollback()  # no connection held while argon2 works (a fifth of a second)
        if not verify_password(stored_hash, request.password) or user is None:
            raise ApiError(401, ErrorCode.BAD_CREDENTIALS, "Wrong username or password.")
        device = session.get(Device, request.device_id)
        if device is None:
            device = Device(id=request.device_id, user_id=user.id, label=request.device_label)
            session.add(device)
            session.flush()
        check_standing(user, device)
        device.last_seen_at = utc_now()
        return _pair(state, session, user, device, None)


@router.post("/refresh", responses=responses(401, 403, 422))
def refresh(request: RefreshRequest, state: StateDep) -> TokenPair:
    """A new token pair for a refresh token, which is spent; a spent one revokes its family."""
    with state.sessions() as session:
        token = tokens.find(session, request.refresh_token, tokens.REFRESH)
        if token is None or token.device_id != request.device_id:
            raise ApiError(401, ErrorCode.TOKEN_INVALID, "Sign in again.")
        user, device = session.get(User, token.user_id), session.get(Device, token.device_id)
        assert user is not None and device is not None
        check_standing(user, device)
        if token.spent_at is not None:
            tokens.revoke_family(session, token.family)
            session.commit()
            raise ApiError(
                401, ErrorCode.TOKEN_INVALID, "This sign-in was used elsewhere; sign in again."
            )
        if token.revoked_at is not None:
            raise ApiError(401, ErrorCode.TOKEN_INVALID, "Sign in again.")
        if token.expires_at <= utc_now():
            raise ApiError(401, ErrorCode.TOKEN_EXPIRED, "The sign-in has expired; sign in again.")
        token.spent_at = utc_now()
        return _pair(state, session, user, device, token.family)


@router.post("/logout", status_code=204, response_class=Response, responses=responses(401, 403))
def logout(principal: PrincipalDep, state: StateDep) -> Response:
    """Sign out: revoke this sign-in's access and refresh tokens.

    Other sign-ins of the user (other laptops, other logins) stay valid; the device stays
    registered. Revoking a lost laptop is the administrator's device revocation instead.
    """
    with state.sessions() as session:
        tokens.revoke_family(session, principal.sign_in)
        session.commit()
    return Response(status_code=204)
