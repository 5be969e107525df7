"""The on-site record's own words: the team's narrative and the representative's statement.

The rest of the on-site inspection record (team, times, checklist, findings) comes from the
case file; these fields are what the team types at the end of the visit, with the
institution's representative reading along.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from inspector_app.casework.access import case_access, record_case_event, require_recording
from inspector_app.documents.signatures import representative_name
from inspector_app.i18n import _
from inspector_app.profiles import OpenProfile
from local_db.models import ArrivalRecord, CaseFile, OnsiteRecord

MAX_TEXT = 20_000


@dataclass(frozen=True)
class OnsiteRecordText:
    """What the team writes into the on-site record (times aware UTC, None: not given)."""

    started_at: datetime | None
    ended_at: datetime | None
    narrative: str
    representative_name: str
    representative_position: str
    representative_statement: str


@dataclass(frozen=True)
class OnsiteRecordForm:
    """The editor's content and whether the user may change it."""

    text: OnsiteRecordText
    can_record: bool


def onsite_record(*, profile: OpenProfile, case_id: str) -> OnsiteRecordForm:
    """The on-site record's text, with defaults from the arrival when nothing is written yet.

    Raises:
        CaseNotFoundError: no such case.
    """
    with profile.read_session() as session:
        access = case_access(session, profile, case_id)
        record = session.scalar(select(OnsiteRecord).where(OnsiteRecord.case_id == case_id))
        arrival = session.scalar(select(ArrivalRecord).where(ArrivalRecord.case_id == case_id))
        case = session.get(CaseFile, case_id)
        assert case is not None
        if record is not None:
            text = OnsiteRecordText(
                started_at=record.started_at or (arrival.arrived_at if arrival else None),
                ended_at=record.ended_at,
                narrative=record.narrative,
                representative_name=record.representative_name,
                representative_position=record.representative_position,
                representative_statement=record.representative_statement,
            )
        else:
            text = OnsiteRecordText(
                started_at=arrival.arrived_at if arrival else None,
                ended_at=None,
                narrative=arrival.notes if arrival else "",
                representative_name=representative_name(session, case),
                representative_position="",
                representative_statement="",
            )
        return OnsiteRecordForm(text=text, can_record=access.can_record)


def save_onsite_record(*, profile: OpenProfile, case_id: str, text: OnsiteRecordText) -> None:
    """Keep the team's narrative and the representative's statement.

    Raises:
        NotAllowedError: the case is closed or the user may not record.
        ValueError: times not timezone-aware, the end before the start, or text too long.
    """
    for moment in (text.started_at, text.ended_at):
        if moment is not None and moment.tzinfo is None:
            raise ValueError("times must be timezone-aware")
    if text.started_at and text.ended_at and text.ended_at < text.started_at:
        raise ValueError(_("The inspection cannot end before it started."))
    if max(len(text.narrative), len(text.representative_statement)) > MAX_TEXT:
        raise ValueError(_("The text is too long (at most 20,000 characters)."))
    with profile.session() as session:
        require_recording(session, profile, case_id)
        record = session.scalar(select(OnsiteRecord).where(OnsiteRecord.case_id == case_id))
        if record is None:
            record = OnsiteRecord(case_id=case_id)
            session.add(record)
        record.started_at = text.started_at
        record.ended_at = text.ended_at
        record.narrative = text.narrative.strip()
        record.representative_name = text.representative_name.strip()[:64]
        record.representative_position = text.representative_position.strip()[:64]
        record.representative_statement = text.representative_statement.strip()
        session.flush()
        record_case_event(
            profile, session, case_id, "onsite_record.saved", entity="onsite_record",
            entity_id=record.id,
        )  # fmt: skip
