"""Every shipped rule finds its planted irregularities in the demo data, and nothing else.

The demo (``inspector_app.demo``) plants each kind in ~0.3 % of the claims and records the
ground truth. A rule's flagged claims are its flags' claims and, for pair patterns, their
related claims in the same batch; recall is the share of the planted claims flagged,
precision the share of flagged claims planted with the rule's kind. The clean background
is built so that no rule fires on it by chance (see docs/screening.md), so both are 1.0.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from inspector_app.demo import build_demo
from inspector_app.profiles import OpenProfile, unlock_profile
from inspector_app.progress import Progress
from inspector_app.screening import run_screening, shipped_ruleset
from local_db.models import Claim, PlantedIrregularity, ScreeningFlag, SettlementBatch
from tests.conftest import TEST_PASSWORD

CLAIMS = 20_000
SEED = 20_261_123
# Rule → the demo's planted kind it must find.
PLANTED_KIND = {
    "READMISSION": "readmission_15d",
    "LONG_STAY": "los_outlier",
    "STAY_WITHOUT_CARE": "stay_without_care",
    "OUTPATIENT_IN_STAY": "outpatient_during_stay",
    "OVERLAPPING_STAYS": "overlapping_stay",
    "TWO_INSTITUTIONS": "two_institutions_same_day",
    "SEX_ITEM": "sex_inconsistent",
    "AGE_ITEM": "age_inconsistent",
    "LEVEL_ITEM": "level_restricted",
    "PRICE_ABOVE_CATALOGUE": "price_above_catalogue",
    "OVER_DAILY_LIMIT": "over_quantity",
    "AFTER_DISCHARGE": "after_discharge",
    "DUPLICATE_CHARGE": "duplicate_charge",
    "QUANTITY_MISMATCH": "quantity_mismatch",
    "TRACE_CODE_REUSE": "duplicate_trace_code",
    "PRESCRIPTION_BURST": "burst_prescriptions",
    "AFTER_DEATH": "after_death",
}
# Documented minimum precision per rule on the demo (docs/screening.md): 1.0 for every rule,
# because the demo's clean claims respect every rule by construction.
MIN_PRECISION = dict.fromkeys(PLANTED_KIND, 1.0)


@dataclass(frozen=True)
class Measured:
    """Per rule, over both demo batches: planted, flagged and correctly flagged claims."""

    planted: dict[str, set[int]]
    flagged: dict[str, set[int]]


def _measure(profile: OpenProfile, batch_id: str, measured: Measured) -> None:
    run = run_screening(profile=profile, batch_id=batch_id, progress=Progress())
    with profile.read_session() as session:
        ours = set(session.scalars(select(Claim.id).where(Claim.batch_id == batch_id)))
        for code, claim_id, related in session.execute(
            select(ScreeningFlag.rule_code, ScreeningFlag.claim_id, ScreeningFlag.related_claim_id)
            .where(ScreeningFlag.run_id == run.run_id)
        ):  # fmt: skip
            measured.flagged[code] |= {claim_id} | ({related} & ours if related else set())
        for kind, claim_id in session.execute(
            select(PlantedIrregularity.kind, PlantedIrregularity.claim_id).where(
                PlantedIrregularity.batch_id == batch_id
            )
        ):
            measured.planted.setdefault(kind, set()).add(claim_id)


@pytest.fixture(scope="module")
def measured(
    template_profile: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Measured]:
    """The demo built once for the module, both batches screened with every rule."""
    folder = tmp_path_factory.mktemp("screening-demo") / "profile"
    shutil.copytree(template_profile, folder)
    profile = unlock_profile(path=folder, password=TEST_PASSWORD)
    try:
        build_demo(profile, claims=CLAIMS, seed=SEED, progress=Progress(), seal=False)
        result = Measured(planted={}, flagged={code: set() for code in PLANTED_KIND})
        with profile.read_session() as session:
            batches = session.scalars(select(SettlementBatch.id)).all()
        assert len(batches) == 2
        for batch_id in batches:
            _measure(profile, batch_id, result)
        yield result
    finally:
        profile.close()


def test_every_shipped_rule_has_a_planted_kind() -> None:
    assert {rule.code for rule in shipped_ruleset().rules} == set(PLANTED_KIND)


@pytest.mark.parametrize("code", sorted(PLANTED_KIND))
def test_recall_is_complete_and_precision_meets_its_threshold(
    measured: Measured, code: str
) -> None:
    planted = measured.planted.get(PLANTED_KIND[code], set())
    flagged = measured.flagged[code]
    assert planted, f"the demo planted no {PLANTED_KIND[code]}"
    found = planted & flagged
    assert len(found) / len(planted) == 1.0, sorted(planted - flagged)[:10]
    assert len(found) / len(flagged) >= MIN_PRECISION[code], sorted(flagged - planted)[:10]
