"""Open a sealed flying inspection on site: an explicit, logged, irreversible act of the leader.

Opening decrypts the sealed payload with the opening code and, in one transaction, puts the
institution into the local register, points the task at it, records who opened it, when and
where the laptop says it is, moves the task on site, opens the case file, and drops the
ciphertext and the wrapped key (the target is now in the clear in the encrypted database; the
sealed copy has no further use). A trigger makes ``opened_at`` / ``opened_by`` final, and this
service refuses to open a task twice. A wrong code is logged as a failed attempt (never the
code itself) in its own transaction, so the log keeps it although the opening failed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from inspector_app.casework.access import NotAllowedError
from inspector_app.i18n import _
from inspector_app.profiles import OpenProfile
from inspector_app.sealing.opening_code import normalise_opening_code
from inspector_app.sealing.payload import (
    SealedInstitution,
    SealedTask,
    SealedTaskDamagedError,
    WrongOpeningCodeError,
    unseal_task_payload,
)
from inspector_app.services.task_access import require_leader
from inspector_app.services.task_status import ensure_case_file, move_task
from local_db.enums import TaskStatus
from local_db.models import Institution, Region
from local_db.types import utc_now


@dataclass(frozen=True)
class Location:
    """Where the laptop (or the team) says it is at opening.

    ``source`` is ``"positioning"`` (the operating system's location service), ``"stated"``
    (typed by the team) or ``"unknown"``.
    """

    text: str = ""
    latitude: float | None = None
    longitude: float | None = None
    accuracy_m: float | None = None
    source: str = "stated"

    def to_json(self) -> dict[str, Any]:
        """The stored form (``InspectionTask.opened_location``)."""
        return {
            "text": self.text,
            "lat": self.latitude,
            "lon": self.longitude,
            "accuracy": self.accuracy_m,
            "source": self.source,
        }


UNKNOWN_LOCATION = Location(source="unknown")


@dataclass(frozen=True)
class OpenedTask:
    """What opening revealed and created."""

    task_id: str
    case_id: str
    case_number: str
    institution_id: str
    institution_name: str
    institution_code: str
    leads: list[str]
    opened_at: datetime
    opened_by: str


class AlreadyOpenedError(NotAllowedError):
    """The task was opened before; opening is irreversible and happens once."""


def _institution(session: Session, record: SealedInstitution, fallback_region: str) -> Institution:
    existing = session.scalars(select(Institution).where(Institution.code == record.code)).first()
    if existing is not None:
        return existing  # synced meanwhile: the register's record wins
    region = record.region_code
    if session.get(Region, region) is None:
        region = fallback_region  # the region table has not synced that county yet
    institution = Institution(
        code=record.code,
        name=record.name,
        kind=record.kind,
        level=record.level,
        region_code=region,
        address=record.address,
        legal_representative=record.legal_representative,
        phone=record.phone,
    )
    session.add(institution)
    session.flush()
    return institution


def open_sealed_task(
    *, profile: OpenProfile, task_id: str, opening_code: str, location: Location | None
) -> OpenedTask:
    """Open the sealed task ``task_id`` with ``opening_code`` (team leader only, once).

    Raises:
        MistypedOpeningCodeError: the code is malformed (nothing is logged or derived).
        WrongOpeningCodeError: the code does not open the task (the attempt is logged).
        AlreadyOpenedError: the task was opened before.
        NotAllowedError: not the team leader, or the task is not sealed.
        SealedTaskDamagedError: the sealed part is missing or unreadable.
        TaskNotFoundError: no such task.
    """
    code = normalise_opening_code(opening_code)
    with profile.read_session() as session:
        task = require_leader(session, profile, task_id)
        _refuse_unopenable(task.sealed, task.opened_at)
        if task.sealed_payload is None or task.seal_envelope is None:
            raise SealedTaskDamagedError(
                _("The sealed part of this task is missing; ask the organiser to send it again.")
            )
        sealed = SealedTask(payload=task.sealed_payload, envelope=task.seal_envelope)
        number = task.task_number
    try:
        payload = unseal_task_payload(
            task_id=task_id, task_number=number, sealed=sealed, opening_code=code
        )
    except WrongOpeningCodeError:
        with profile.session() as session:
            profile.audit(
                session, "task.open_failed", entity="inspection_task", entity_id=task_id,
                detail="wrong opening code",
            )  # fmt: skip
        raise
    place = location or UNKNOWN_LOCATION
    with profile.session() as session:
        task = require_leader(session, profile, task_id)
        _refuse_unopenable(task.sealed, task.opened_at)
        institution = _institution(session, payload.institution, task.region_code)
        now = utc_now()
        task.institution_id = institution.id
        task.opened_at = now
        task.opened_by = profile.actor
        task.opened_location = json.dumps(place.to_json(), ensure_ascii=False)
        task.leads = json.dumps(payload.leads, ensure_ascii=False)
        if payload.title:
            task.title = payload.title
        # The key is released: the ciphertext and the wrapped key have no further use.
        task.sealed_payload = None
        task.seal_envelope = None
        case = ensure_case_file(session, profile, task)
        profile.audit(
            session, "task.opened", entity="inspection_task", entity_id=task.id,
            detail=f"institution={institution.id}; location={place.source}", case_id=case.id,
        )  # fmt: skip
        move_task(session, profile, task, TaskStatus.ON_SITE, case.id)
        return OpenedTask(
            task_id=task.id,
            case_id=case.id,
            case_number=case.case_number,
            institution_id=institution.id,
            institution_name=institution.name,
            institution_code=institution.code,
            leads=list(payload.leads),
            opened_at=now,
            opened_by=profile.actor,
        )


def _refuse_unopenable(sealed: bool, opened_at: datetime | None) -> None:
    if not sealed:
        raise NotAllowedError(_("This task is not sealed; there is nothing to open."))
    if opened_at is not None:
        raise AlreadyOpenedError(
            _(
                "This task was already opened on {when}; opening cannot be undone or repeated."
            ).format(when=opened_at.astimezone().strftime("%Y-%m-%d %H:%M"))
        )
