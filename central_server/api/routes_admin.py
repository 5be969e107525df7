"""Administration over HTTP: accounts and devices (administrators only)."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from central_server.api.deps import AdminDep, StateDep, reject_nul_text
from central_server.api.errors import ApiError, responses
from central_server.db.models import Device, User
from central_server.users import (
    AccountError,
    create_user,
    devices,
    revoke_device,
    revoke_user,
    user_info,
)
from inspector_app.sync.protocol import ErrorCode, Role, UserInfo

router = APIRouter(prefix="/v1/admin", tags=["admin"], dependencies=[Depends(reject_nul_text)])


class NewUser(BaseModel):
    """An account to create."""

    username: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._-]+$")
    display_name: str = Field(min_length=1, max_length=64)
    role: Role
    region_code: str = Field(pattern=r"^[0-9]{6}$")
    password: str = Field(min_length=8, max_length=256)
    staff_code: str | None = Field(default=None, max_length=32)


class DeviceRow(BaseModel):
    """A registered device."""

    device_id: str
    username: str
    label: str
    registered_at: datetime
    last_seen_at: datetime | None
    revoked_at: datetime | None


def _device_row(device: Device, user: User) -> DeviceRow:
    return DeviceRow(
        device_id=device.id,
        username=user.username,
        label=device.label,
        registered_at=device.registered_at,
        last_seen_at=device.last_seen_at,
        revoked_at=device.revoked_at,
    )


@router.post("/users", responses=responses(401, 403, 409, 422, 426))
def add_user(new: NewUser, _admin: AdminDep, state: StateDep) -> UserInfo:
    """Create an account."""
    with state.sessions() as session:
        try:
            user = create_user(session, **new.model_dump())
        except AccountError as error:
            raise ApiError(409, ErrorCode.INVALID, str(error)) from error
        session.commit()
        return user_info(user)


@router.post("/users/{username}/revoke", responses=responses(401, 403, 404, 426))
def revoke_account(username: str, _admin: AdminDep, state: StateDep) -> UserInfo:
    """Lock an account out at its next request, on every device."""
    with state.sessions() as session:
        try:
            user = revoke_user(session, username)
        except AccountError as error:
            raise ApiError(404, ErrorCode.NOT_FOUND, str(error)) from error
        session.commit()
        return user_info(user)


@router.get("/devices", responses=responses(401, 403, 426))
def list_devices(_admin: AdminDep, state: StateDep) -> list[DeviceRow]:
    """Every registered device."""
    with state.sessions() as session:
        return [_device_row(device, user) for device, user in devices(session)]


@router.post("/devices/{device_id}/revoke", responses=responses(401, 403, 404, 426))
def revoke(device_id: str, _admin: AdminDep, state: StateDep) -> DeviceRow:
    """Lock a device out; at its next contact it destroys its local keys."""
    with state.sessions() as session:
        try:
            device = revoke_device(session, device_id)
        except AccountError as error:
            raise ApiError(404, ErrorCode.NOT_FOUND, str(error)) from error
        session.commit()
        owner = session.get(User, device.user_id)
        assert owner is not None
        return _device_row(device, owner)
