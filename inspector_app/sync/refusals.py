"""What a person does with a change the server refused for good: send it again, or drop it.

A refusal for good (no team membership yet, a record outside the user's region, a value the
server cannot hold) leaves the change on this laptop, never sent again, so the laptop's value
and the team's differ until someone decides. *Send again* is for a cause that was fixed
(the administrator added the user to the team): the change goes with the next sync, with its
original stamp. *Take the server's version* drops this laptop's refused changes of the record
and has the next sync fetch the record as the server holds it: the record's remembered
server clocks are forgotten and the feed is read again from its start (records the laptop
already holds as the server does are recognised by their clocks and skipped, so that costs
a read of the feed, not a rewrite of the database).
"""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from inspector_app.i18n import _
from inspector_app.profiles import OpenProfile
from inspector_app.sync import local_state
from local_db.models import OutboxEntry, SyncRecordState


class RefusalActionError(ValueError):
    """The refused change cannot be handled so (gone meanwhile, or not on the server)."""


def _refused(session: Session, seq: int) -> OutboxEntry:
    entry = session.get(OutboxEntry, seq)
    if entry is None or entry.pushed_at is not None or not entry.failed:
        raise RefusalActionError(_("This change is no longer refused; the list was out of date."))
    return entry


def send_again(*, profile: OpenProfile, seq: int) -> None:
    """Put a refused change back in the queue: the next sync sends it (with its stamp)."""
    with profile.session() as session:
        entry = _refused(session, seq)
        entry.failed = False  # attempts keep counting
        profile.audit(session, "sync.refused_sent_again", entity=entry.entity,
                      entity_id=entry.entity_id)  # fmt: skip


def server_has_record(session: Session, entity: str, entity_id: str) -> bool:
    """True when the server holds the record as far as this laptop knows (it received the
    record, or the server accepted a change of it)."""
    return session.get(SyncRecordState, (entity, entity_id)) is not None


def take_server_version(*, profile: OpenProfile, seq: int) -> int:
    """Drop every refused change of the record and fetch it again at the next sync.

    Returns how many refused changes were dropped. Changes of the record still waiting to
    be sent (not refused) stay and go up as usual.

    Raises:
        RefusalActionError: the change is no longer refused, or the server never had the
            record (a refused new record has no server version: send it again instead).
    """
    with profile.session() as session:
        entry = _refused(session, seq)
        entity, entity_id = entry.entity, entry.entity_id
        if not server_has_record(session, entity, entity_id):
            raise RefusalActionError(
                _("The server does not hold this record, so there is no version of it to take; "
                  "send it again once the reason is fixed.")
            )  # fmt: skip
        refused = list(
            session.scalars(
                select(OutboxEntry).where(
                    OutboxEntry.entity == entity,
                    OutboxEntry.entity_id == entity_id,
                    OutboxEntry.pushed_at.is_(None),
                    OutboxEntry.failed.is_(True),
                )
            )
        )
        for row in refused:
            session.delete(row)
        dropped = len(refused)
        session.execute(
            delete(SyncRecordState).where(
                SyncRecordState.entity == entity, SyncRecordState.entity_id == entity_id
            )
        )
        local_state.put(session, local_state.CURSOR, "")
        profile.audit(session, "sync.refused_dropped", entity=entity, entity_id=entity_id,
                      detail=f"changes={dropped}")  # fmt: skip
        return dropped


def refused_record_keys(session: Session) -> set[tuple[str, str]]:
    """Records with refused changes whose server version this laptop could take."""
    rows = session.execute(
        select(OutboxEntry.entity, OutboxEntry.entity_id)
        .join(
            SyncRecordState,
            (SyncRecordState.entity == OutboxEntry.entity)
            & (SyncRecordState.entity_id == OutboxEntry.entity_id),
        )
        .where(OutboxEntry.pushed_at.is_(None), OutboxEntry.failed.is_(True))
    )
    return {(entity, entity_id) for entity, entity_id in rows}
