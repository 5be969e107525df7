"""Checklist templates (versioned reference data) and a case's answers to them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from local_db.base import Base, SyncedMixin
from local_db.enums import ChecklistAnswer, InstitutionKind
from local_db.models._columns import enum_type
from local_db.types import UTCDateTime


class ChecklistTemplate(Base):
    """One published version of a checklist template; immutable once stored.

    ``content`` keeps the template document exactly as loaded, and ``sha256`` its hash, so
    a case pinned to this version can always show the questions it was answered against.
    """

    __tablename__ = "checklist_template"
    __table_args__ = (UniqueConstraint("code", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64))
    version: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(128))
    institution_kind: Mapped[InstitutionKind | None] = mapped_column(
        enum_type(InstitutionKind), default=None
    )
    content: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ChecklistResponse(SyncedMixin, Base):
    """The answer to one checklist item within one case."""

    __tablename__ = "checklist_response"
    __sync_entity__ = "checklist_response"
    __natural_id__ = True
    __table_args__ = (UniqueConstraint("case_id", "item_code"),)

    case_id: Mapped[str] = mapped_column(ForeignKey("case_file.id"), index=True)
    template_code: Mapped[str] = mapped_column(String(64))
    template_version: Mapped[str] = mapped_column(String(16))
    item_code: Mapped[str] = mapped_column(String(32))
    answer: Mapped[ChecklistAnswer] = mapped_column(enum_type(ChecklistAnswer))
    note: Mapped[str] = mapped_column(Text, default="")


class CaseChecklist(SyncedMixin, Base):
    """A checklist template version a case is pinned to.

    A case keeps the version it started with; moving it to a newer one is an explicit act
    recorded in :class:`ChecklistMigration`.
    """

    __tablename__ = "case_checklist"
    __sync_entity__ = "case_checklist"
    __natural_id__ = True
    __table_args__ = (UniqueConstraint("case_id", "template_code"),)

    case_id: Mapped[str] = mapped_column(ForeignKey("case_file.id"), index=True)
    template_code: Mapped[str] = mapped_column(String(64))
    template_version: Mapped[str] = mapped_column(String(16))
    template_sha256: Mapped[str] = mapped_column(String(64))


class ChecklistMigration(SyncedMixin, Base):
    """The record of moving a case's checklist from one template version to another.

    ``changes`` is JSON: the items added, removed and changed, and the answers carried over.
    """

    __tablename__ = "checklist_migration"
    __sync_entity__ = "checklist_migration"

    case_id: Mapped[str] = mapped_column(ForeignKey("case_file.id"), index=True)
    template_code: Mapped[str] = mapped_column(String(64))
    from_version: Mapped[str] = mapped_column(String(16))
    to_version: Mapped[str] = mapped_column(String(16))
    changes: Mapped[str] = mapped_column(Text)
