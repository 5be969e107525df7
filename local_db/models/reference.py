"""Reference data: regions, designated institutions and the inspector register."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from local_db.base import Base, SyncedMixin
from local_db.enums import InstitutionKind, InstitutionLevel
from local_db.models._columns import enum_type


class Region(Base):
    """An administrative region (province, city, county), by its GB/T 2260 code."""

    __tablename__ = "region"

    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    parent_code: Mapped[str | None] = mapped_column(
        ForeignKey("region.code"), default=None, index=True
    )


class Institution(SyncedMixin, Base):
    """A designated institution (定点医药机构): hospital, primary clinic or pharmacy."""

    __tablename__ = "institution"
    __sync_entity__ = "institution"

    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    kind: Mapped[InstitutionKind] = mapped_column(enum_type(InstitutionKind))
    level: Mapped[InstitutionLevel] = mapped_column(enum_type(InstitutionLevel))
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    address: Mapped[str] = mapped_column(String(256), default="")
    legal_representative: Mapped[str] = mapped_column(String(64), default="")
    phone: Mapped[str] = mapped_column(String(32), default="")


class Inspector(SyncedMixin, Base):
    """A person on the inspector register (检查人员库)."""

    __tablename__ = "inspector"
    __sync_entity__ = "inspector"

    staff_code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    organisation: Mapped[str] = mapped_column(String(128))
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    specialty: Mapped[str] = mapped_column(String(32), default="")
    enforcement_id: Mapped[str] = mapped_column(String(32), default="")
    phone: Mapped[str] = mapped_column(String(32), default="")
    active: Mapped[bool] = mapped_column(default=True)
