"""Write the demo's reference data through the ORM: regions, institutions, inspectors, user,
and the insurance catalogue (医保目录) the screening rules compare billed lines with.

Institutions and inspectors are synced entities, so they go through the session like any
service write: the outbox hook records an insert for each. Regions are parents of the
others' foreign keys and are flushed first (the unit of work does not order tables that
are linked by a foreign key without a relationship).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from inspector_app.demo.items import CATALOGUE_VERSION, ITEMS, PAEDIATRIC_MAX_AGE, Item
from inspector_app.demo.people import unique_names
from inspector_app.demo.places import (
    CITY,
    CITY_BUREAU,
    COUNTIES,
    EXPERT_POOL,
    INSPECTOR_REGISTER,
    INSTITUTIONS,
    PROVINCE,
    PROVINCE_BUREAU,
)
from local_db.enums import InstitutionLevel
from local_db.models import Inspector, Institution, LocalUser, MedicalItem, Region


@dataclass(frozen=True)
class InspectorRef:
    """An inspector of the register, as the task builder needs it."""

    id: str
    name: str
    specialty: str
    organisation: str


@dataclass(frozen=True)
class ReferenceData:
    """Ids of what :func:`add_reference_data` wrote."""

    region_name: str
    counties: int
    institutions: dict[str, Institution]  # by institution code
    inspectors: list[InspectorRef]  # the profile's user first
    user_name: str

    def by_specialty(self, specialty: str, *, skip: int = 0) -> InspectorRef:
        """The ``skip``-th inspector (after the user) with ``specialty``."""
        matching = [
            i
            for i in self.inspectors[1:]
            if i.specialty == specialty and i.organisation != EXPERT_POOL
        ]
        return matching[skip % len(matching)]

    def expert(self, specialty: str) -> InspectorRef:
        """An outside expert of the provincial pool with ``specialty``."""
        return next(
            i for i in self.inspectors if i.organisation == EXPERT_POOL and i.specialty == specialty
        )


def _regions(session: Session) -> None:
    session.add(Region(code=PROVINCE[0], name=PROVINCE[1]))
    session.flush()
    session.add(Region(code=CITY[0], name=CITY[1], parent_code=PROVINCE[0]))
    session.flush()
    session.add_all(Region(code=code, name=name, parent_code=CITY[0]) for code, name in COUNTIES)
    session.flush()


def _institutions(session: Session, rng: np.random.Generator, taken: set[str]) -> list[Institution]:
    representatives = unique_names(rng, [bool(rng.random() < 0.6) for _ in INSTITUTIONS], taken)
    rows = [
        Institution(
            code=place.code,
            name=place.name,
            kind=place.kind,
            level=place.level,
            region_code=place.region_code,
            address=place.address,
            legal_representative=representative,
        )
        for place, representative in zip(INSTITUTIONS, representatives, strict=True)
    ]
    session.add_all(rows)
    return rows


def _inspectors(
    session: Session, rng: np.random.Generator, taken: set[str], user: LocalUser
) -> list[Inspector]:
    specialties = [(org, spec) for org, spec, count in INSPECTOR_REGISTER for _ in range(count)]
    # The profile's own user heads the register (a medical inspector of the city bureau).
    sexes = [bool(rng.random() < 0.5) for _ in specialties[1:]]
    names = [user.display_name, *unique_names(rng, sexes, taken)]
    rows = []
    for number, (name, (organisation, specialty)) in enumerate(
        zip(names, specialties, strict=True), start=1
    ):
        region = PROVINCE[0] if organisation == PROVINCE_BUREAU else CITY[0]
        official = organisation in (CITY_BUREAU, PROVINCE_BUREAU)
        rows.append(
            Inspector(
                staff_code=f"YB{region}{number:03d}",
                name=name,
                organisation=organisation,
                region_code=region,
                specialty=specialty,
                enforcement_id=f"{region}2026{number:04d}" if official else "",
            )
        )
    session.add_all(rows)
    return rows


def medical_item_row(item: Item) -> dict[str, object]:
    """The ``medical_item`` row of one demo catalogue entry."""
    return {
        "code": item.code,
        "name": item.name,
        "category": item.category,
        "unit": item.unit,
        "price_fen": item.price_fen,
        "coverage_class": item.coverage,
        "setting": int(item.setting),
        "sex": item.sex,
        "min_age": None,
        "max_age": PAEDIATRIC_MAX_AGE if item.paediatric else None,
        "daily_limit": float(item.daily_limit) if item.daily_limit else None,
        "min_level": InstitutionLevel(item.min_level) if item.min_level else None,
        "catalogue_version": CATALOGUE_VERSION,
    }


def ensure_demo_catalogue(session: Session) -> None:
    """Write the demo catalogue into ``medical_item`` unless its entries are there already."""
    present = set(session.scalars(select(MedicalItem.code)))
    missing = [medical_item_row(item) for item in ITEMS if item.code not in present]
    if missing:
        session.execute(insert(MedicalItem), missing)


def add_reference_data(session: Session, *, seed: int, user_id: str) -> ReferenceData:
    """Add the fictional region, 12 institutions, 15 inspectors and the catalogue."""
    rng = np.random.default_rng([seed, 1])
    user = session.get_one(LocalUser, user_id)
    taken = {user.display_name}
    _regions(session)
    institutions = _institutions(session, rng, taken)
    inspectors = _inspectors(session, rng, taken, user)
    ensure_demo_catalogue(session)
    session.flush()
    user.inspector_id = inspectors[0].id
    user.region_code = CITY[0]
    return ReferenceData(
        region_name=f"{PROVINCE[1]}{CITY[1]}",
        counties=len(COUNTIES),
        institutions={row.code: row for row in institutions},
        inspectors=[InspectorRef(i.id, i.name, i.specialty, i.organisation) for i in inspectors],
        user_name=user.display_name,
    )
