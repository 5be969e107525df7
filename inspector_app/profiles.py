"""User profiles: one folder, one encrypted database, one password — usable offline.

A profile folder holds ``profile.json`` (who it belongs to and the password-wrapped database
key; nothing secret in clear) and ``inspector.db`` (SQLCipher). Unlocking derives the key
from the password, unwraps the database key, then opens the database; a wrong password is
detected by the wrap's authentication tag before the database file is opened at all, so it
can never damage data.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from inspector_app.i18n import _
from inspector_app.security import key_cache
from inspector_app.security.key_wrap import (
    KdfParams,
    WrappedKey,
    WrongPasswordError,
    new_database_key,
    unwrap_key,
    wrap_key,
)
from local_db import migrate
from local_db.engine import (
    DatabaseUnreadableError,
    ProfileSession,
    create_profile_engine,
    session_factory,
    verify_key,
)
from local_db.enums import UserRole
from local_db.ids import new_id
from local_db.models import AuditLogEntry, LocalUser
from local_db.outbox import ACTOR_KEY
from local_db.types import utc_now

PROFILE_FILE = "profile.json"
DATABASE_FILE = "inspector.db"
PROFILE_FORMAT = 1
# Set (to the time) when the key was destroyed because the server revoked the user or device.
REVOKED_FIELD = "revoked_at"
KEY_FIELD = "database_key"
MIN_PASSWORD_LENGTH = 8
# Other local accounts must not copy the wrapped key (offline guessing) or the database.
PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


class ProfileError(Exception):
    """A profile could not be created or opened; ``str()`` is a user-facing message."""


class ProfileNotFoundError(ProfileError):
    """No profile at the given folder."""


class ProfileExistsError(ProfileError):
    """A profile already exists where a new one was to be created."""


class IncorrectPasswordError(ProfileError):
    """The password does not open the profile; nothing was changed."""


class ProfileDamagedError(ProfileError):
    """The profile's files are unreadable even with the right key."""


class ProfileRevokedError(ProfileError):
    """The server revoked the profile's user or device and its key was destroyed."""


@dataclass(frozen=True)
class ProfileInfo:
    """What can be known about a profile without its password."""

    path: Path
    profile_id: str
    display_name: str
    username: str
    role: UserRole
    created_at: datetime
    revoked_at: datetime | None = None

    @property
    def database_path(self) -> Path:
        """The encrypted database file."""
        return self.path / DATABASE_FILE


def read_profile_info(path: Path) -> ProfileInfo:
    """Read ``profile.json`` of the profile at ``path``.

    Raises:
        ProfileNotFoundError: no profile there.
        ProfileDamagedError: the file exists but is not a valid profile description.
    """
    return _info_from_json(path, _read_profile_json(path))


def _damaged_description(path: Path) -> ProfileDamagedError:
    return ProfileDamagedError(_("The profile description in {path} is damaged.").format(path=path))


def _info_from_json(path: Path, data: dict[str, Any]) -> ProfileInfo:
    try:
        return ProfileInfo(
            path=path,
            profile_id=str(data["profile_id"]),
            display_name=str(data["display_name"]),
            username=str(data["username"]),
            role=UserRole(data["role"]),
            created_at=datetime.fromisoformat(data["created_at"]),
            revoked_at=(
                datetime.fromisoformat(data[REVOKED_FIELD]) if data.get(REVOKED_FIELD) else None
            ),
        )
    except (KeyError, ValueError, TypeError) as exc:
        raise _damaged_description(path) from exc


def _read_profile_json(path: Path) -> dict[str, Any]:
    file = path / PROFILE_FILE
    if not file.is_file():
        raise ProfileNotFoundError(_("No profile found in {path}.").format(path=path))
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise _damaged_description(path) from exc
    if not isinstance(data, dict) or data.get("format") != PROFILE_FORMAT:
        raise ProfileDamagedError(
            _("The profile in {path} was made by an unknown version.").format(path=path)
        )
    return data


def list_profiles(data_dir: Path) -> list[ProfileInfo]:
    """Profiles found directly under ``data_dir``, skipping unreadable folders."""
    if not data_dir.is_dir():
        return []
    found = []
    for child in sorted(data_dir.iterdir()):
        with contextlib.suppress(ProfileError):
            found.append(read_profile_info(child))
    return found


def _write_atomically(file: Path, text: str) -> None:
    temporary = file.with_suffix(".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE_MODE)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    temporary.replace(file)


class OpenProfile:
    """An unlocked profile: its engine and a way to open sessions that act as its user."""

    def __init__(self, info: ProfileInfo, engine: Engine, user_id: str, key: bytes) -> None:
        self.info = info
        self.engine = engine
        self.user_id = user_id
        self._key = key
        self._derived: dict[str, bytes] = {}
        self._sessions: sessionmaker[ProfileSession] = session_factory(engine)

    def derive_key(self, purpose: str) -> bytes:
        """A 256-bit key for one purpose (e.g. ``"evidence-blobs"``), derived from the DB key.

        HKDF-SHA256 with the profile id as salt: files encrypted outside the database (evidence
        originals) need no second secret, and no purpose's key reveals another's. Derived once
        per purpose (naming every blob of a case would otherwise run HKDF per file).
        """
        derived = self._derived.get(purpose)
        if derived is None:
            from cryptography.hazmat.primitives import hashes
            from cryptography.hazmat.primitives.kdf.hkdf import HKDF

            derived = HKDF(
                algorithm=hashes.SHA256(),
                length=32,
                salt=self.info.profile_id.encode(),
                info=f"fund-inspector/{purpose}".encode(),
            ).derive(self._key)
            self._derived[purpose] = derived
        return derived

    @property
    def path(self) -> Path:
        """The profile folder (0700): the database, and beside it the encrypted evidence store."""
        return self.info.path

    @property
    def actor(self) -> str:
        """The name written into created_by / updated_by and the audit log."""
        return self.info.username

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        """A session acting as the profile's user; commits on success, rolls back on error."""
        with self._sessions() as session:
            session.info[ACTOR_KEY] = self.actor
            with session.begin():
                yield session

    def read_session(self) -> Session:
        """A session for reads (the caller closes it); it can still write with an actor."""
        session = self._sessions()
        session.info[ACTOR_KEY] = self.actor
        return session

    def audit(
        self,
        session: Session,
        action: str,
        *,
        entity: str = "",
        entity_id: str = "",
        detail: str = "",
        case_id: str | None = None,
    ) -> None:
        """Append to the audit log (ids and actions only, never patient data).

        ``case_id`` files the entry under a case, so the case's history shows it.
        """
        session.add(
            AuditLogEntry(
                actor=self.actor,
                action=action,
                entity=entity,
                entity_id=entity_id,
                detail=detail,
                case_id=case_id,
            )
        )

    def close(self) -> None:
        """Release every connection (checkpointing the WAL)."""
        self.engine.dispose()

    def discard_keys(self) -> None:
        """Close the database and drop the keys this object holds (after revocation)."""
        self.engine.dispose()
        self._key = b""
        self._derived.clear()


def _unreadable(info: ProfileInfo) -> ProfileDamagedError:
    return ProfileDamagedError(
        _(
            "The database of profile “{name}” cannot be read: the file is damaged or "
            "is not a Fund Inspector database. It was not modified."
        ).format(name=info.display_name)
    )


def _open_database(info: ProfileInfo, key: bytes) -> OpenProfile:
    if not info.database_path.is_file():
        raise ProfileDamagedError(
            _("The database file of profile “{name}” is missing from {path}.").format(
                name=info.display_name, path=info.path
            )
        )
    try:
        verify_key(info.database_path, key)
    except DatabaseUnreadableError as exc:
        raise _unreadable(info) from exc
    engine = create_profile_engine(info.database_path, key)
    try:
        migrate.upgrade(engine)
        sessions = session_factory(engine)
        with sessions() as session:
            user = session.query(LocalUser).filter_by(username=info.username).one_or_none()
            if user is None:
                raise ProfileDamagedError(
                    _("The profile database in {path} has no user record.").format(path=info.path)
                )
            user_id = user.id
    except DatabaseUnreadableError as exc:
        engine.dispose()
        raise _unreadable(info) from exc
    except BaseException:
        engine.dispose()
        raise
    return OpenProfile(info, engine, user_id, key)


def create_profile(
    *,
    path: Path,
    password: str,
    display_name: str,
    username: str,
    role: UserRole = UserRole.INSPECTOR,
    kdf: KdfParams | None = None,
) -> OpenProfile:
    """Create a profile folder with a new encrypted database and return it unlocked.

    Raises:
        ProfileExistsError: ``path`` already holds a profile.
        ProfileError: the password is too short.
    """
    if (path / PROFILE_FILE).exists() or (path / DATABASE_FILE).exists():
        raise ProfileExistsError(_("A profile already exists in {path}.").format(path=path))
    if path.exists() and (not path.is_dir() or any(path.iterdir())):
        raise ProfileError(
            _("The folder {path} is not empty; choose an empty or a new folder.").format(path=path)
        )
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ProfileError(
            _("The password must have at least {n} characters.").format(n=MIN_PASSWORD_LENGTH)
        )
    profile_id = new_id()
    key = new_database_key()
    wrapped = wrap_key(key, password, associated_data=profile_id.encode(), params=kdf)
    document = {
        "format": PROFILE_FORMAT,
        "profile_id": profile_id,
        "display_name": display_name,
        "username": username,
        "role": role.value,
        "created_at": utc_now().isoformat(),
        "database": DATABASE_FILE,
        KEY_FIELD: wrapped.to_json(),
    }
    # Built in a hidden sibling folder and renamed into place when complete: a crash or a
    # kill part-way leaves no half-made profile where the user will look for one.
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = path.parent / f".{path.name}.creating-{profile_id}"
    try:
        staging.mkdir(mode=PRIVATE_DIR_MODE)
        database = staging / DATABASE_FILE
        engine = create_profile_engine(database, key)
        engine.connect().close()
        database.chmod(PRIVATE_FILE_MODE)
        migrate.upgrade(engine)
        with session_factory(engine)() as session, session.begin():
            session.info[ACTOR_KEY] = username
            session.add(LocalUser(username=username, display_name=display_name, role=role))
            session.add(AuditLogEntry(actor=username, action="profile.created"))
        engine.dispose()
        _write_atomically(
            staging / PROFILE_FILE, json.dumps(document, indent=2, ensure_ascii=False)
        )
        if path.exists():
            path.rmdir()  # checked empty above
        staging.rename(path)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return _open_database(read_profile_info(path), key)


def unlock_profile(*, path: Path, password: str, remember: bool = False) -> OpenProfile:
    """Open the profile at ``path`` with ``password``; works with no network.

    Args:
        remember: cache the unwrapped key in the OS keyring for this desktop session.

    Raises:
        IncorrectPasswordError: wrong password; no file was opened or changed.
        ProfileNotFoundError, ProfileDamagedError: see their docs.
    """
    data = _read_profile_json(path)
    info = _info_from_json(path, data)
    refuse_revoked(info)
    try:
        wrapped = WrappedKey.from_json(data[KEY_FIELD])
    except (KeyError, ValueError, TypeError) as exc:
        raise _damaged_description(path) from exc
    try:
        key = unwrap_key(wrapped, password, associated_data=info.profile_id.encode())
    except WrongPasswordError as exc:
        raise IncorrectPasswordError(
            _("Incorrect password for profile “{name}”. Nothing was opened or changed.").format(
                name=info.display_name
            )
        ) from exc
    profile = _open_database(info, key)
    if remember:
        key_cache.remember(info.profile_id, key)
    with profile.session() as session:
        profile.audit(session, "profile.unlocked")
    return profile


def unlock_with_cached_key(path: Path) -> OpenProfile | None:
    """Open the profile with a key cached earlier in this desktop session, if any."""
    info = read_profile_info(path)
    refuse_revoked(info)
    key = key_cache.recall(info.profile_id)
    if key is None:
        return None
    try:
        profile = _open_database(info, key)
    except ProfileDamagedError:
        key_cache.forget(info.profile_id)
        return None
    with profile.session() as session:
        profile.audit(session, "profile.unlocked", detail="session key cache")
    return profile


def refuse_revoked(info: ProfileInfo) -> None:
    """Raise ProfileRevokedError when ``info`` describes a profile whose key was destroyed."""
    if info.revoked_at is not None:
        key_cache.forget(info.profile_id)
        raise ProfileRevokedError(
            _(
                "Profile “{name}” can no longer be opened: the central server revoked its "
                "account or this computer on {date}, and its key was destroyed."
            ).format(name=info.display_name, date=info.revoked_at.astimezone().strftime("%Y-%m-%d"))
        )


def shred_profile_key(path: Path) -> None:
    """Destroy the only stored copy of the database key (crypto-shredding).

    The database and the evidence store are encrypted under that key (the evidence key is
    derived from it), so once ``profile.json`` no longer holds the wrapped key nothing in
    the folder can be read, by the password or otherwise. The rest of the description
    stays, so the login screen can say what happened instead of "damaged". The file is
    replaced atomically; the session key cache entry goes too.
    """
    data = _read_profile_json(path)
    data.pop(KEY_FIELD, None)
    data[REVOKED_FIELD] = utc_now().isoformat()
    _write_atomically(path / PROFILE_FILE, json.dumps(data, indent=2, ensure_ascii=False))
    key_cache.forget(str(data.get("profile_id", "")))


def lock_profile(profile: OpenProfile) -> None:
    """Close the profile and forget its cached key."""
    key_cache.forget(profile.info.profile_id)
    profile.close()
