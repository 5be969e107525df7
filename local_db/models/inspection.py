"""Inspection tasks, their teams and the case file each inspection produces."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from local_db.base import Base, SyncedMixin
from local_db.enums import CaseStatus, TaskOrigin, TaskStatus, TaskType, TeamRole
from local_db.models._columns import enum_type
from local_db.models.reference import Inspector, Institution
from local_db.types import UTCDateTime


class InspectionTask(SyncedMixin, Base):
    """An assignment to inspect one institution (or, while sealed, one region on one date).

    ``institution_id`` is empty for a sealed flying inspection until the team leader opens
    it on site; the sealed part (institution record and leads) then lives only in
    ``sealed_payload``, encrypted under a task key that ``seal_envelope`` wraps under the
    opening code (see docs/sealed-tasks.md). A whistleblower's identity is never stored here:
    ``leads`` holds what to look at, not who said it.
    """

    __tablename__ = "inspection_task"
    __sync_entity__ = "inspection_task"

    task_number: Mapped[str] = mapped_column(String(32), unique=True)
    title: Mapped[str] = mapped_column(String(128))
    task_type: Mapped[TaskType] = mapped_column(enum_type(TaskType))
    origin: Mapped[TaskOrigin] = mapped_column(enum_type(TaskOrigin))
    status: Mapped[TaskStatus] = mapped_column(enum_type(TaskStatus), index=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"))
    institution_id: Mapped[str | None] = mapped_column(
        ForeignKey("institution.id"), default=None, index=True
    )
    planned_start: Mapped[date] = mapped_column(Date)
    planned_end: Mapped[date] = mapped_column(Date)
    sealed: Mapped[bool] = mapped_column(default=False)
    sealed_payload: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    opened_by: Mapped[str | None] = mapped_column(String(64), default=None)
    seal_envelope: Mapped[str | None] = mapped_column(Text, default=None)
    opened_location: Mapped[str] = mapped_column(Text, default="")
    leads: Mapped[str] = mapped_column(Text, default="")
    follows_case_id: Mapped[str | None] = mapped_column(
        ForeignKey("case_file.id", use_alter=True), default=None, index=True
    )
    notes: Mapped[str] = mapped_column(Text, default="")

    institution: Mapped[Institution | None] = relationship()
    team: Mapped[list[TeamMembership]] = relationship(back_populates="task")

    @property
    def sealed_unopened(self) -> bool:
        """Sealed and not yet opened on site: nothing may reveal the target."""
        return self.sealed and self.opened_at is None


class TeamMembership(SyncedMixin, Base):
    """One inspector's place in one task's team."""

    __tablename__ = "team_membership"
    __sync_entity__ = "team_membership"
    __natural_id__ = True
    __table_args__ = (UniqueConstraint("task_id", "inspector_id"),)

    task_id: Mapped[str] = mapped_column(ForeignKey("inspection_task.id"), index=True)
    inspector_id: Mapped[str] = mapped_column(ForeignKey("inspector.id"), index=True)
    role: Mapped[TeamRole] = mapped_column(enum_type(TeamRole))

    task: Mapped[InspectionTask] = relationship(back_populates="team")
    inspector: Mapped[Inspector] = relationship()


class CaseFile(SyncedMixin, Base):
    """The case file (案卷) an inspection builds: answers, evidence, findings, documents."""

    __tablename__ = "case_file"
    __sync_entity__ = "case_file"

    task_id: Mapped[str] = mapped_column(ForeignKey("inspection_task.id"), unique=True)
    case_number: Mapped[str] = mapped_column(String(32), unique=True)
    status: Mapped[CaseStatus] = mapped_column(enum_type(CaseStatus))
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    summary: Mapped[str] = mapped_column(Text, default="")

    task: Mapped[InspectionTask] = relationship(foreign_keys=[task_id])


class ArrivalRecord(SyncedMixin, Base):
    """The team's arrival on site: when, who of the team, who of the institution, what shown.

    The JSON columns hold small lists (inspector ids; ``{"name", "position"}`` objects;
    document descriptions) that are edited together, so one field each is the right grain.
    """

    __tablename__ = "arrival_record"
    __sync_entity__ = "arrival_record"

    case_id: Mapped[str] = mapped_column(ForeignKey("case_file.id"), unique=True)
    arrived_at: Mapped[datetime] = mapped_column(UTCDateTime())
    location: Mapped[str] = mapped_column(String(256), default="")
    team_present: Mapped[str] = mapped_column(Text, default="[]")
    representatives: Mapped[str] = mapped_column(Text, default="[]")
    documents_shown: Mapped[str] = mapped_column(Text, default="[]")
    notes: Mapped[str] = mapped_column(Text, default="")
