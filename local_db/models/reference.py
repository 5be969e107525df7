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


class MedicalItem(Base):
    """One entry of the medical-insurance catalogue (医保目录) with its payment limits.

    Screening rules compare billed lines against it: price cap, daily quantity limit, sex
    and age restrictions, the lowest institution level allowed to bill it and the setting
    (1 outpatient, 2 inpatient, 3 both). Reference data: replaced as a whole per version.
    """

    __tablename__ = "medical_item"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    category: Mapped[str] = mapped_column(String(16))
    unit: Mapped[str] = mapped_column(String(16))
    price_fen: Mapped[int]
    coverage_class: Mapped[str] = mapped_column(String(4))
    setting: Mapped[int] = mapped_column(default=3)
    sex: Mapped[str] = mapped_column(String(1), default="")
    min_age: Mapped[int | None] = mapped_column(default=None)
    max_age: Mapped[int | None] = mapped_column(default=None)
    daily_limit: Mapped[float | None] = mapped_column(default=None)
    min_level: Mapped[InstitutionLevel | None] = mapped_column(
        enum_type(InstitutionLevel), default=None
    )
    catalogue_version: Mapped[str] = mapped_column(String(32), default="")


class DeathRecord(Base):
    """A death known to the fund (civil-affairs and public-security data exchange).

    Used only to screen for services billed after a person's death.
    """

    __tablename__ = "death_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    id_no: Mapped[str] = mapped_column(String(18), index=True)
    death_date: Mapped[str] = mapped_column(String(10))
    source: Mapped[str] = mapped_column(String(64), default="")
