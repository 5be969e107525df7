"""Synthetic demo data: a fictional region, its institutions, inspectors, cases and claims.

Everything is invented (names are random combinations of characters, region codes start
with the unassigned prefix ``99``) and reproducible from a seed. The settlement claims carry
planted irregularities recorded as ground truth, so screening rules can be measured.
"""

from __future__ import annotations

from dataclasses import dataclass

from inspector_app.demo.build import build_demo, partner_claims
from inspector_app.demo.settlement import (
    MissingInstitutionError,
    SettlementSummary,
    load_demo_settlement,
)
from inspector_app.demo.summary import DemoSummary
from local_db.enums import UserRole


@dataclass(frozen=True)
class DemoUser:
    """The account a demo profile is created for."""

    username: str
    display_name: str
    role: UserRole


DEMO_USER = DemoUser(username="demo.leader", display_name="沈亦舟", role=UserRole.TEAM_LEADER)

__all__ = [
    "DEMO_USER",
    "DemoSummary",
    "DemoUser",
    "MissingInstitutionError",
    "SettlementSummary",
    "build_demo",
    "load_demo_settlement",
    "partner_claims",
]
