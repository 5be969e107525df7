"""One synchronisation run: sign in, send blobs then changes, pull the feed, fetch blobs.

Order matters for safety. Blobs go up before the records that point to them; each batch's
stamps are committed before it is sent; a batch is marked pushed only from the server's
answer, which comes after the server's commit. The feed is applied page by page, each page
and its cursor in one local transaction, so a kill at any point loses nothing: the next
run resends (the server answers "duplicate") or re-reads the page.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import TypeVar

from sqlalchemy import select

from inspector_app.i18n import _
from inspector_app.profiles import OpenProfile
from inspector_app.sync import blobs, credentials, local_state
from inspector_app.sync.apply import apply_records, retry_parked
from inspector_app.sync.client import (
    AuthenticationError,
    RevokedError,
    ServerRefusedError,
    ServerUnreachableError,
    SyncClient,
    SyncError,
    update_required,
)
from inspector_app.sync.entities import BY_NAME
from inspector_app.sync.extracts import (
    load_received_extracts,
    wanted_extracts,
    write_missing_extracts,
)
from inspector_app.sync.hlc import HybridClock, wall_millis
from inspector_app.sync.outbox_batches import next_batch, pending_fields, record_outcomes
from inspector_app.sync.protocol import (
    MIN_PROTOCOL_VERSION,
    PROTOCOL_VERSION,
    Change,
    ErrorCode,
    LoginRequest,
    Outcome,
    PushRequest,
    RefreshRequest,
    TokenPair,
)
from inspector_app.sync.revocation import destroy_key_material
from local_db.models import (
    EvidenceItem,
    Inspector,
    IssuedDocument,
    LocalUser,
    Region,
    SyncParked,
)
from local_db.types import utc_now

T = TypeVar("T")
UNREACHABLE = "unreachable"
PUSH_BATCH = 200
PULL_PAGE = 500


@dataclass
class SyncReport:
    """What went up, what came down, and what failed (with reasons)."""

    pushed: int = 0
    duplicates: int = 0
    rejected: int = 0
    conflicts: int = 0
    pulled: int = 0
    unchanged: int = 0
    """Records received that were here already as the server holds them (own pushes)."""
    parked: int = 0
    blobs_up: int = 0
    bytes_up: int = 0
    blobs_down: int = 0
    bytes_down: int = 0
    extracts_written: int = 0
    """Settlement batches whose rows were packed into an extract to go up."""
    extracts_loaded: int = 0
    """Settlement batches whose rows were loaded from an extract that came down."""
    screening_restored: int = 0
    """Screening runs made elsewhere whose flags were re-created here."""
    failures: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    """Things worth telling that are not failures (a synced sample or screening run whose
    units or flags cannot be re-created on this laptop)."""
    sign_in_needed: bool = False
    """No kept sign-in works and no password was given: ask the user for it."""
    revoked: bool = False
    """The server revoked the user or this device; the profile's keys are destroyed."""
    error_code: str = ""
    """Why the run stopped: an ErrorCode value, ``unreachable``, or empty when it finished."""

    @property
    def ok(self) -> bool:
        """Nothing failed and the server refused nothing."""
        return not self.failures and not self.rejected


@dataclass(frozen=True)
class SyncProgressEvent:
    """Where a run is: its phase and the items and bytes moved so far."""

    phase: str
    items: int
    bytes: int


ProgressCallback = Callable[[SyncProgressEvent], None]


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with jitter for unreachable-server errors."""

    attempts: int = 4
    first_delay: float = 0.5
    max_delay: float = 8.0

    def delays(self) -> list[float]:
        return [
            min(self.max_delay, self.first_delay * 2**n) * random.uniform(0.8, 1.2)
            for n in range(self.attempts - 1)
        ]


class SyncEngine:
    """Synchronises one open profile with one server."""

    def __init__(
        self,
        profile: OpenProfile,
        server_url: str,
        *,
        password: str | None = None,
        progress: ProgressCallback | None = None,
        retry: RetryPolicy | None = None,
        client: SyncClient | None = None,
        wall: Callable[[], int] = wall_millis,
    ) -> None:
        self.profile = profile
        self.server_url = server_url.rstrip("/")
        self.password = password
        self.progress = progress
        self.retry = retry or RetryPolicy()
        self.client = client or SyncClient(self.server_url)
        self.report = SyncReport()
        self._items = 0
        self._bytes = 0
        self._device = ""
        self._wall = wall
        self._clock = HybridClock("unset", wall=wall)

    # -- plumbing --------------------------------------------------------------------------

    def _emit(self, phase: str) -> None:
        if self.progress is not None:
            self.progress(SyncProgressEvent(phase, self._items, self._bytes))

    def _moved(self, count: int) -> None:
        self._bytes += count

    def _call(self, action: Callable[[], T]) -> T:
        """Run one request, retrying unreachable-server errors and one expired token."""
        refreshed = False
        for delay in [*self.retry.delays(), None]:
            try:
                return action()
            except AuthenticationError:
                if refreshed:
                    raise
                refreshed = True
                self._sign_in(force_refresh=True)
            except ServerUnreachableError:
                if delay is None:
                    raise
                time.sleep(delay)
        raise AssertionError("unreachable")

    # -- sign-in ---------------------------------------------------------------------------

    def _device_id(self) -> str:
        """This laptop's device id (created on first use); read once per run."""
        from inspector_app.evidence.device import device_identity

        with self.profile.session() as session:
            return device_identity(session).device_id

    def _keep(self, pair: TokenPair) -> None:
        credentials.save(
            self.profile.info.profile_id,
            credentials.StoredLogin(
                server_url=self.server_url,
                username=pair.user.username,
                access_token=pair.access_token,
                access_expires_at=pair.access_expires_at.isoformat(),
                refresh_token=pair.refresh_token,
                refresh_expires_at=pair.refresh_expires_at.isoformat(),
            ),
        )
        with self.profile.session() as session:
            local_state.put(session, local_state.OFFLINE_GRANT_DAYS, str(pair.offline_grant_days))
            local_state.put(session, local_state.USERNAME, pair.user.username)
            local_state.put(session, local_state.SERVER_URL, self.server_url)
            local_state.put(session, local_state.STAFF_CODE, pair.user.staff_code or "")
            local_state.put(session, local_state.REGION_CODE, pair.user.region_code)

    def _sign_in(self, *, force_refresh: bool = False) -> None:
        device_id = self._device
        stored = credentials.load(self.profile.info.profile_id)
        if stored is not None and stored.server_url == self.server_url:
            expires = datetime.fromisoformat(stored.access_expires_at)
            if not force_refresh and expires - utc_now() > timedelta(seconds=30):
                self.client.access_token = stored.access_token
                return
            try:
                pair = self.client.refresh(
                    RefreshRequest(refresh_token=stored.refresh_token, device_id=device_id)
                )
            except AuthenticationError:
                credentials.forget(self.profile.info.profile_id)
            else:
                self._keep(pair)
                return
        if not self.password:
            raise AuthenticationError(
                401,
                ErrorCode.TOKEN_INVALID,
                _("Sign in to the server first (the password is needed once)."),
                {},
            )
        pair = self.client.login(
            LoginRequest(
                username=self.profile.info.username,
                password=self.password,
                device_id=device_id,
                device_label=self.profile.info.display_name,
            )
        )
        self._keep(pair)

    # -- the run ---------------------------------------------------------------------------

    def run(self) -> SyncReport:
        """One full sync; failures are collected in the report, never half-applied."""
        return self._guarded(self._full_run)

    def check_in(self) -> SyncReport:
        """Only reach the server and sign in afresh (renews the offline grant).

        The sign-in is forced through the server (a refresh, or the password), never taken
        from a still-valid kept token, so a revocation is learnt here too.
        """
        return self._guarded(self._check_in)

    def sign_out(self) -> SyncReport:
        """End the kept sign-in on the server and forget it here (local work is untouched).

        Offline, the tokens are forgotten all the same; the server's copies then expire by
        themselves, and nothing on this computer can use them any more.
        """
        return self._guarded(self._sign_out, contact=False)

    def _sign_out(self) -> None:
        stored = credentials.load(self.profile.info.profile_id)
        credentials.forget(self.profile.info.profile_id)
        if stored is None or stored.server_url != self.server_url:
            return
        self.client.access_token = stored.access_token
        try:
            self.client.logout()
        except AuthenticationError:
            # Expired access token: a refresh proves the sign-in, then it is ended.
            self._device = self._device_id()
            try:
                pair = self.client.refresh(
                    RefreshRequest(refresh_token=stored.refresh_token, device_id=self._device)
                )
            except AuthenticationError:
                return  # the refresh token is dead too: nothing left to end
            self.client.access_token = pair.access_token
            self.client.logout()

    def _guarded(self, work: Callable[[], None], *, contact: bool = True) -> SyncReport:
        try:
            work()
            if contact:
                with self.profile.session() as session:
                    local_state.put(session, local_state.LAST_CONTACT, utc_now().isoformat())
        except RevokedError as error:
            self.report.failures.append(str(error))
            self.report.error_code = error.code.value
            self.report.revoked = True
            destroy_key_material(self.profile)
        except AuthenticationError as error:
            self.report.failures.append(str(error))
            self.report.error_code = error.code.value
            self.report.sign_in_needed = not self.password
        except ServerRefusedError as error:
            self.report.failures.append(str(error))
            self.report.error_code = error.code.value
        except SyncError as error:
            self.report.failures.append(str(error))
            self.report.error_code = UNREACHABLE
        finally:
            self.client.close()
        self._emit("done")
        return self.report

    def _connect(self, *, fresh_sign_in: bool = False) -> None:
        info = self._call(self.client.info)
        if (
            info.min_protocol_version > PROTOCOL_VERSION
            or info.protocol_version < MIN_PROTOCOL_VERSION
        ):
            raise update_required()
        self._device = self._device_id()
        with self.profile.read_session() as session:
            self._clock = HybridClock(
                self._device, local_state.get(session, local_state.CLOCK) or None, self._wall
            )
        self._call(partial(self._sign_in, force_refresh=fresh_sign_in))

    def _check_in(self) -> None:
        self._connect(fresh_sign_in=True)

    def _full_run(self) -> None:
        self._connect()
        self.report.extracts_written = write_missing_extracts(self.profile).written
        self._push()
        self._pull()
        self._load_extracts()
        self._link_inspector()

    def _load_extracts(self) -> None:
        """Rows of batches whose extract came down; then the records that waited for them."""
        loaded = load_received_extracts(self.profile)
        self.report.extracts_loaded += loaded.loaded
        self.report.screening_restored += loaded.screening_runs
        self.report.failures.extend(loaded.failures)
        self.report.notices.extend(loaded.notices)
        if loaded.loaded:
            with self.profile.session() as session:
                pending = pending_fields(session)
                for _round in range(10):
                    if not retry_parked(session, pending).unparked:
                        break
            with self.profile.read_session() as session:
                self.report.parked = len(session.scalars(select(SyncParked.entity)).all())

    def _push(self) -> None:
        self._emit("push")
        refused: list[int] = []
        while True:
            with self.profile.session() as session:
                batch = next_batch(session, self._clock, PUSH_BATCH, refused)
                local_state.put(session, local_state.CLOCK, self._clock.last)
            if not batch.changes:
                return
            self._upload_blobs(batch.changes)
            request = PushRequest(device_id=self._device, changes=batch.changes)
            response = self._call(partial(self.client.push, request))
            with self.profile.session() as session:
                record_outcomes(session, batch, response.outcomes)
            self.report.pushed += response.applied
            self.report.duplicates += response.duplicates
            self.report.rejected += response.rejected
            self.report.conflicts += response.conflicts
            self._items += len(batch.changes)
            for seq, change, outcome in zip(
                batch.seqs, batch.changes, response.outcomes, strict=True
            ):
                if outcome.outcome is Outcome.REJECTED:
                    refused.append(seq)
                    self.report.failures.append(
                        _("{entity} {id}: {reason}").format(
                            entity=change.entity, id=change.entity_id, reason=outcome.reason
                        )
                    )
            self._emit("push")

    def _upload_blobs(self, changes: list[Change]) -> None:
        for change in changes:
            spec = BY_NAME.get(change.entity)
            if spec is None:
                continue
            for name in spec.blob_fields:
                sha = change.fields.get(name)
                if not sha or not blobs.has_local(self.profile, sha):
                    continue
                size = int(change.fields.get(spec.size_field) or 0)
                sent = self._call(
                    partial(blobs.upload, self.profile, self.client, sha, size, self._moved)
                )
                if sent:
                    self.report.blobs_up += 1
                    self.report.bytes_up += size
                    self._emit("upload")

    def _pull(self) -> None:
        self._emit("pull")
        while True:
            with self.profile.read_session() as session:
                cursor = local_state.get(session, local_state.CURSOR)
            page = self._call(partial(self.client.pull, cursor, PULL_PAGE))
            with self.profile.session() as session:
                pending = pending_fields(session)
                report = apply_records(session, page.records, pending)
                for _round in range(10):
                    if not retry_parked(session, pending).unparked:
                        break
                local_state.put(session, local_state.CURSOR, page.cursor)
                local_state.put(session, local_state.EPOCH, page.epoch)
                for record in page.records:
                    for stamp in record.clocks.values():
                        self._clock.observe(stamp)
                local_state.put(session, local_state.CLOCK, self._clock.last)
            self.report.pulled += report.applied
            self.report.unchanged += report.unchanged
            self._items += len(page.records)
            self._emit("pull")
            if not page.has_more:
                break
        with self.profile.read_session() as session:
            self.report.parked = len(session.scalars(select(SyncParked.entity)).all())
            # Every original the records point to, so one an earlier, interrupted run did not
            # fetch is fetched now.
            wanted = set(session.scalars(select(EvidenceItem.sha256)))
            wanted |= set(session.scalars(select(IssuedDocument.sha256)))
            wanted |= wanted_extracts(session)
        for sha in sorted(wanted):
            if blobs.has_local(self.profile, sha):
                continue
            size = self._call(partial(blobs.download, self.profile, self.client, sha, self._moved))
            self.report.blobs_down += 1
            self.report.bytes_down += size
            self._emit("download")

    def _link_inspector(self) -> None:
        """Tie the profile's user to its region and register entry once they have arrived."""
        with self.profile.session() as session:
            staff_code = local_state.get(session, local_state.STAFF_CODE)
            region_code = local_state.get(session, local_state.REGION_CODE)
            user = session.get(LocalUser, self.profile.user_id)
            if user is None:
                return
            region: Region | None = session.get(Region, region_code) if region_code else None
            if user.region_code is None and region is not None:
                user.region_code = region.code
            if not staff_code or user.inspector_id is not None:
                return
            inspector = session.scalar(select(Inspector).where(Inspector.staff_code == staff_code))
            if inspector is not None:
                user.inspector_id = inspector.id
