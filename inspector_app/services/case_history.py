"""A case's history: every state change filed under it in the append-only audit log.

The log stores stable action codes (``task.opened``); this module turns them into words in
the active language. A code this version does not know is shown as stored, so an entry
written by a newer version or another module is never hidden.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, or_, select

from inspector_app.casework.access import case_access
from inspector_app.i18n import _, pgettext
from inspector_app.profiles import OpenProfile
from inspector_app.vocabulary import rectification_status_label
from local_db.enums import RectificationStatus
from local_db.models import AuditLogEntry, LocalUser


def _rectification(detail: str) -> str:
    try:
        status = rectification_status_label(RectificationStatus(detail))
    except ValueError:
        status = detail
    return _("Follow-up check of an earlier finding recorded: {status}").format(status=status)


# Action code → words (some use the entry's detail, which holds codes only).
ACTION_WORDS: dict[str, Callable[[str], str]] = {
    "task.created": lambda _d: pgettext("history", "Task created"),
    "task.opened": lambda _d: pgettext("history", "Sealed task opened on site"),
    "task.open_failed": lambda _d: pgettext("history", "Failed attempt to open the sealed task"),
    "task.assigned": lambda _d: pgettext("history", "Task set back to assigned"),
    "task.on_site": lambda _d: pgettext("history", "On-site work started"),
    "task.drafting": lambda _d: pgettext("history", "On-site work finished; drafting documents"),
    "task.closed": lambda _d: pgettext("history", "Inspection closed"),
    "case.opened": lambda d: pgettext("history", "Case file {number} opened").format(number=d),
    "arrival.recorded": lambda _d: pgettext("history", "Arrival on site recorded"),
    "arrival.changed": lambda _d: pgettext("history", "Arrival record corrected"),
    "rectification.set": _rectification,
}


def describe_action(action: str, detail: str = "") -> str:
    """Words for an audit action code; unknown codes are returned as stored."""
    words = ACTION_WORDS.get(action)
    return words(detail) if words is not None else action


@dataclass(frozen=True)
class HistoryRow:
    """One entry of a case's history."""

    at: datetime
    actor: str  # username as logged
    actor_name: str  # display name when the user is known on this computer
    action: str
    description: str


def case_history(*, profile: OpenProfile, case_id: str) -> list[HistoryRow]:
    """The case's audit entries, oldest first, with translated descriptions.

    Raises:
        CaseNotFoundError: no such case.
    """
    with profile.read_session() as session:
        access = case_access(session, profile, case_id)
        names = dict(session.execute(select(LocalUser.username, LocalUser.display_name)).all())
        # Entries filed under the case, and those about its task from before the case existed
        # (e.g. failed attempts to open a sealed task).
        entries = session.scalars(
            select(AuditLogEntry)
            .where(
                or_(
                    AuditLogEntry.case_id == case_id,
                    and_(
                        AuditLogEntry.case_id.is_(None),
                        AuditLogEntry.entity == "inspection_task",
                        AuditLogEntry.entity_id == access.task_id,
                    ),
                )
            )
            .order_by(AuditLogEntry.at, AuditLogEntry.id)
        ).all()
        return [
            HistoryRow(
                at=entry.at,
                actor=entry.actor,
                actor_name=names.get(entry.actor, entry.actor),
                action=entry.action,
                description=describe_action(entry.action, entry.detail),
            )
            for entry in entries
        ]
