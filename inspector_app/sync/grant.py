"""The offline grant: how long a laptop may work without reaching the central server.

An inspector on site is offline for days, and an expired sign-in must never stop the work.
But a laptop that never comes back would also never learn that its user or device was
revoked, so the organisation sets a grant (days, sent with every sign-in): within it the
profile opens and works with no network at all; past it, the profile opens only after a
successful contact with the server (a sign-in), which renews the grant or, for a revoked
account, destroys the keys. A profile never linked to a server has no grant to run out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from inspector_app.i18n import _
from inspector_app.profiles import OpenProfile, ProfileError
from inspector_app.sync import local_state
from local_db.types import utc_now


@dataclass(frozen=True)
class OfflineGrant:
    """Where a profile stands with its offline grant."""

    server_url: str
    last_contact: datetime | None
    days: int

    @property
    def linked(self) -> bool:
        """The profile has reached a server at least once (only then does a grant apply)."""
        return self.last_contact is not None and bool(self.server_url)

    @property
    def expires_at(self) -> datetime | None:
        """When local work stops being allowed without a contact (None: never)."""
        if self.last_contact is None or self.days <= 0:
            return None
        return self.last_contact + timedelta(days=self.days)

    def expired(self, now: datetime | None = None) -> bool:
        """True when the grant has run out and the server must be reached first."""
        expires = self.expires_at
        return self.linked and expires is not None and (now or utc_now()) >= expires

    def days_left(self, now: datetime | None = None) -> int | None:
        """Whole days left (0 on the last day), or None when no grant applies."""
        expires = self.expires_at
        if not self.linked or expires is None:
            return None
        return max(0, (expires - (now or utc_now())).days)


def offline_grant(session: Session) -> OfflineGrant:
    """The profile's grant as its last contact with the server left it."""
    text = local_state.get(session, local_state.OFFLINE_GRANT_DAYS)
    try:
        days = int(text) if text else 0
    except ValueError:
        days = 0
    return OfflineGrant(
        server_url=local_state.get(session, local_state.SERVER_URL),
        last_contact=local_state.last_contact(session),
        days=days,
    )


class OfflineGrantExpiredError(ProfileError):
    """Local work needs a contact with the server first; ``str()`` says which and since when."""

    def __init__(self, grant: OfflineGrant, reason: str = "") -> None:
        expires = grant.expires_at
        message = _(
            "This profile last reached the central server on {contact}; the organisation "
            "allows {days} days of work without contact, which ended on {expires}. "
            "Connect to {server} and sign in to continue; nothing local was changed."
        ).format(
            contact=_local_date(grant.last_contact),
            days=grant.days,
            expires=_local_date(expires),
            server=grant.server_url,
        )
        if reason:
            message = _("{message} ({reason})").format(message=message, reason=reason)
        super().__init__(message)
        self.grant = grant


def _local_date(moment: datetime | None) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M") if moment else "—"


def renew_if_expired(profile: OpenProfile, *, server_password: str | None = None) -> None:
    """Let ``profile`` be used: within its grant at once, past it only after a check-in.

    The check-in signs in afresh through the server (a kept refresh token, else
    ``server_password``), which renews the grant. Raises OfflineGrantExpiredError when the
    server cannot be reached or the sign-in needs the password, and ProfileRevokedError
    when the server revoked the account or device (the keys are destroyed by then).
    """
    from inspector_app.profiles import read_profile_info, refuse_revoked
    from inspector_app.sync.engine import RetryPolicy, SyncEngine

    with profile.read_session() as session:
        grant = offline_grant(session)
    if not grant.expired():
        return
    report = SyncEngine(
        profile, grant.server_url, password=server_password, retry=RetryPolicy(attempts=1)
    ).check_in()
    if report.revoked:
        refuse_revoked(read_profile_info(profile.path))
    if not report.ok:
        raise OfflineGrantExpiredError(grant, " ".join(report.failures))


def admit(profile: OpenProfile, *, server_password: str | None = None) -> OpenProfile:
    """``profile`` when it may be used now (see :func:`renew_if_expired`); closed otherwise."""
    try:
        renew_if_expired(profile, server_password=server_password)
    except BaseException:
        profile.close()
        raise
    return profile
