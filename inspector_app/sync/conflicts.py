"""Resolve a sync conflict: keep the value the server kept, or take the one it set aside.

The server never drops a value: when two people change one field at the same time, the later
clock stamp wins and the other value arrives in a ``sync_conflict`` record for a person to
look at. Resolving is two ordinary local edits in one transaction, so both travel through the
outbox like any other change and reach every laptop of the team: taking the other value
writes it into the record's field (stamped and pushed, its base the clock the server kept,
so the server takes it without a new conflict), and the conflict record is marked resolved.
"""

from __future__ import annotations

import json
from typing import Literal

from sqlalchemy import inspect

from inspector_app.i18n import _
from inspector_app.profiles import OpenProfile
from inspector_app.sync.apply import _from_json, synced_models
from inspector_app.sync.entities import BY_NAME
from local_db.base import SYNC_BOOKKEEPING_COLUMNS, SyncedMixin
from local_db.models import SyncConflict

Keep = Literal["winner", "other"]
OPEN = "open"
RESOLVED = "resolved"


class ConflictResolutionError(ValueError):
    """The conflict cannot be resolved (gone, already resolved); ``str()`` says why."""


def resolve_conflict(*, profile: OpenProfile, conflict_id: str, keep: Keep) -> None:
    """Resolve ``conflict_id`` by keeping the server's value (``"winner"``) or the other one.

    Raises:
        ConflictResolutionError: the conflict is unknown or already resolved, its record is
            not (or no longer) on this computer, or its field cannot be changed.
    """
    if keep not in ("winner", "other"):
        raise ValueError(f"keep must be 'winner' or 'other', not {keep!r}")
    with profile.session() as session:
        conflict = session.get(SyncConflict, conflict_id)
        if conflict is None or conflict.is_deleted:
            raise ConflictResolutionError(_("This conflict is not on this computer."))
        if conflict.status != OPEN:
            raise ConflictResolutionError(
                _("This conflict was already resolved by {name}.").format(
                    name=conflict.resolved_by or "—"
                )
            )
        model = synced_models().get(conflict.entity)
        record = session.get(model, conflict.entity_id) if model is not None else None
        if record is None or (isinstance(record, SyncedMixin) and record.is_deleted):
            raise ConflictResolutionError(
                _(
                    "The record of this conflict is not on this computer any more (it was "
                    "deleted, or has not arrived yet); nothing was changed."
                )
            )
        if keep == "other":
            attribute = inspect(type(record)).column_attrs.get(conflict.field)
            spec = BY_NAME.get(conflict.entity)
            if (
                attribute is None
                or conflict.field in SYNC_BOOKKEEPING_COLUMNS
                or (spec is not None and spec.is_fixed(conflict.field))
            ):
                raise ConflictResolutionError(
                    _("The field “{field}” of this record cannot be changed.").format(
                        field=conflict.field
                    )
                )
            value = _from_json(attribute.columns[0], json.loads(conflict.loser_value))
            setattr(record, conflict.field, value)
            session.flush()  # the edit's outbox row first, then the resolution's
        conflict.status = RESOLVED
        conflict.resolved_by = profile.actor
        conflict.resolution = keep
        profile.audit(
            session,
            "sync.conflict_resolved",
            entity="sync_conflict",
            entity_id=conflict.id,
            detail=f"{conflict.entity}.{conflict.field}: {keep}",
            case_id=conflict.case_id,
        )
