"""Each shipped rule fires on its positive case and not on the near miss beside it."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from inspector_app.profiles import OpenProfile
from local_db.models import ScreeningFlag
from tests.unit.screening.world import (
    BED,
    DRUG,
    DRUG2,
    GYNAE,
    INJECTION,
    MRI,
    NURSING,
    PAEDIATRIC,
    TEST,
    Claim,
    Line,
    World,
    add_death,
    flagged,
    load_claims,
    make_world,
    screen,
)


def pid(number: int) -> str:
    """A distinct 18-character ID number."""
    return f"99010219800101{number:04d}"


def stay(number: str, patient: int, admitted: str, discharged: str, **extra: object) -> Claim:
    """An inpatient claim with one bed line and one drug line on the admission day."""
    lines = extra.pop("lines", [Line(BED, admitted), Line(DRUG, admitted)])
    return Claim(
        number, admitted, patient=pid(patient), visit="inpatient", discharged=discharged,
        lines=lines, **extra,  # type: ignore[arg-type]
    )  # fmt: skip


def visit(number: str, patient: int, day: str, *lines: Line, **extra: object) -> Claim:
    """An outpatient claim (one drug line unless lines are given)."""
    return Claim(number, day, patient=pid(patient), lines=list(lines) or [Line(DRUG, day)],
                 **extra)  # type: ignore[arg-type]  # fmt: skip


@pytest.fixture
def world(profile: OpenProfile) -> World:
    return make_world(profile)


def test_readmission_within_the_window_for_the_same_diagnosis(
    profile: OpenProfile, world: World
) -> None:
    batch = load_claims(profile, world, [
        stay("P1", 1, "2025-03-01", "2025-03-10"),
        stay("P2", 1, "2025-03-20", "2025-03-25"),  # 10 days later: a readmission
        stay("Q1", 2, "2025-03-01", "2025-03-10"),
        stay("Q2", 2, "2025-03-27", "2025-03-30"),  # 17 days later: outside 15
        stay("R1", 3, "2025-03-01", "2025-03-10"),
        stay("R2", 3, "2025-03-15", "2025-03-20", diagnosis="J18.900"),  # another illness
    ])  # fmt: skip
    assert flagged(profile, batch, "READMISSION") == {"P2"}
    assert flagged(profile, batch, "READMISSION", window_days=20) == {"P2", "Q2"}
    assert flagged(profile, batch, "READMISSION", diagnosis_prefix_length=0) == {"P2", "R2"}


def test_long_stay_against_the_diagnosis_median(profile: OpenProfile, world: World) -> None:
    usual = [stay(f"N{n}", 10 + n, "2025-03-01", "2025-03-05") for n in range(6)]
    batch = load_claims(profile, world, [
        *usual,
        stay("LONG", 1, "2025-03-01", "2025-04-05"),  # 35 days, median 4
        stay("NEAR", 2, "2025-03-01", "2025-03-30"),  # 29 days: under the 30-day floor
    ])  # fmt: skip
    assert flagged(profile, batch, "LONG_STAY") == {"LONG"}
    assert flagged(profile, batch, "LONG_STAY", min_days=20) == {"LONG", "NEAR"}
    assert flagged(profile, batch, "LONG_STAY", min_cases=20) == set()


def test_stay_with_a_week_of_nothing_but_bed_and_nursing(
    profile: OpenProfile, world: World
) -> None:
    days = [f"2025-03-{d:02d}" for d in range(1, 21)]
    idle = [Line(BED, days[0], quantity=19)]
    idle += [Line(DRUG, day) for day in days[:5]] + [Line(NURSING, day) for day in days[5:]]
    cared = [Line(BED, days[0], quantity=19)] + [Line(DRUG, day) for day in days[::3]]
    batch = load_claims(profile, world, [
        stay("IDLE", 1, days[0], days[-1], lines=idle),
        stay("CARED", 2, days[0], days[-1], lines=cared),  # care every third day
    ])  # fmt: skip
    assert flagged(profile, batch, "STAY_WITHOUT_CARE") == {"IDLE"}
    assert flagged(profile, batch, "STAY_WITHOUT_CARE", idle_days=2) == {"IDLE", "CARED"}


def test_outpatient_visit_inside_a_stay(profile: OpenProfile, world: World) -> None:
    batch = load_claims(profile, world, [
        stay("S1", 1, "2025-03-01", "2025-03-10"),
        visit("IN", 1, "2025-03-05"),
        visit("ON_ADMISSION", 1, "2025-03-01"),
        visit("ON_DISCHARGE", 1, "2025-03-10"),
        visit("OTHER", 2, "2025-03-05"),
    ])  # fmt: skip
    assert flagged(profile, batch, "OUTPATIENT_IN_STAY") == {"IN"}


def test_overlapping_stays_but_not_a_transfer_on_the_discharge_day(
    profile: OpenProfile, world: World
) -> None:
    batch = load_claims(profile, world, [
        stay("A1", 1, "2025-03-01", "2025-03-10"),
        stay("A2", 1, "2025-03-08", "2025-03-15"),
        stay("B1", 2, "2025-03-01", "2025-03-10"),
        stay("B2", 2, "2025-03-10", "2025-03-15"),
    ])  # fmt: skip
    assert flagged(profile, batch, "OVERLAPPING_STAYS") == {"A2"}


def test_same_patient_at_another_institution_on_the_same_day(
    profile: OpenProfile, world: World
) -> None:
    ours = load_claims(profile, world, [
        visit("SAME_DAY", 1, "2025-03-05"),
        visit("NEXT_DAY", 2, "2025-03-05"),
        visit("IN_THEIR_STAY", 3, "2025-03-05"),
        visit("THEIR_ADMISSION", 4, "2025-03-05"),
    ])  # fmt: skip
    load_claims(profile, world, [
        visit("T1", 1, "2025-03-05"),
        visit("T2", 2, "2025-03-06"),
        stay("T3", 3, "2025-03-01", "2025-03-10"),
        stay("T4", 4, "2025-03-05", "2025-03-10"),
    ], institution="H3")  # fmt: skip
    assert flagged(profile, ours, "TWO_INSTITUTIONS") == {"SAME_DAY", "IN_THEIR_STAY"}


def test_item_restricted_to_women_billed_for_a_man(profile: OpenProfile, world: World) -> None:
    batch = load_claims(profile, world, [
        visit("MAN", 1, "2025-03-05", Line(GYNAE, "2025-03-05")),
        visit("WOMAN", 2, "2025-03-05", Line(GYNAE, "2025-03-05"), sex="F"),
    ])  # fmt: skip
    assert flagged(profile, batch, "SEX_ITEM") == {"MAN"}


def test_paediatric_item_by_age_on_the_day_of_service(profile: OpenProfile, world: World) -> None:
    batch = load_claims(profile, world, [
        visit("ADULT", 1, "2025-03-05", Line(PAEDIATRIC, "2025-03-05")),
        visit("CHILD", 2, "2025-03-05", Line(PAEDIATRIC, "2025-03-05"), birth="2015-06-01"),
        visit("FOURTEEN", 3, "2025-03-05", Line(PAEDIATRIC, "2025-03-05"), birth="2011-03-05"),
        visit("THIRTEEN", 4, "2025-03-05", Line(PAEDIATRIC, "2025-03-05"), birth="2011-03-06"),
    ])  # fmt: skip
    assert flagged(profile, batch, "AGE_ITEM") == {"ADULT", "FOURTEEN"}


def test_grade_three_item_at_a_grade_two_hospital(profile: OpenProfile, world: World) -> None:
    claims = [visit("MRI", 1, "2025-03-05", Line(MRI, "2025-03-05"))]
    grade_two = load_claims(profile, world, claims)
    grade_three = load_claims(profile, world, claims, institution="H3")
    assert flagged(profile, grade_two, "LEVEL_ITEM") == {"MRI"}
    assert flagged(profile, grade_three, "LEVEL_ITEM") == set()


def test_unit_price_above_the_catalogue(profile: OpenProfile, world: World) -> None:
    batch = load_claims(profile, world, [
        visit("DEAR", 1, "2025-03-05", Line(DRUG, "2025-03-05", quantity=2, price=1100)),
        visit("RIGHT", 2, "2025-03-05", Line(DRUG, "2025-03-05", price=1000)),
        visit("CHEAP", 3, "2025-03-05", Line(DRUG, "2025-03-05", price=900)),
    ])  # fmt: skip
    assert flagged(profile, batch, "PRICE_ABOVE_CATALOGUE") == {"DEAR"}
    assert flagged(profile, batch, "PRICE_ABOVE_CATALOGUE", tolerance_fen=100) == set()
    run = screen(profile, batch, "PRICE_ABOVE_CATALOGUE")
    with profile.read_session() as session:
        flag = session.scalars(select(ScreeningFlag).where(ScreeningFlag.run_id == run)).one()
    assert flag.amount_fen == 200  # (1100 − 1000) × 2
    assert json.loads(flag.detail)["catalogue_price_fen"] == 1000


def test_daily_limit_summed_over_the_day(profile: OpenProfile, world: World) -> None:
    day, later = "2025-03-05", "15:00:00"
    batch = load_claims(profile, world, [
        visit("TWO_LINES", 1, day, Line(INJECTION, day, 3), Line(INJECTION, day, 3, time=later)),
        visit("WITHIN", 2, day, Line(INJECTION, day, 2), Line(INJECTION, day, 2, time=later)),
        visit("ONE_LINE", 3, day, Line(INJECTION, day, 5)),
        visit("TWO_DAYS", 4, day, Line(INJECTION, day, 3), Line(INJECTION, "2025-03-06", 3)),
    ])  # fmt: skip
    assert flagged(profile, batch, "OVER_DAILY_LIMIT") == {"TWO_LINES", "ONE_LINE"}


def test_service_dated_after_discharge(profile: OpenProfile, world: World) -> None:
    lines = [Line(BED, "2025-03-01", 9), Line(TEST, "2025-03-11")]
    batch = load_claims(profile, world, [
        stay("LATE", 1, "2025-03-01", "2025-03-10", lines=lines),
        stay("ON_TIME", 2, "2025-03-01", "2025-03-10",
             lines=[Line(BED, "2025-03-01", 9), Line(TEST, "2025-03-10")]),
        visit("OUTPATIENT", 3, "2025-03-10", Line(TEST, "2025-03-11")),
    ])  # fmt: skip
    assert flagged(profile, batch, "AFTER_DISCHARGE") == {"LATE"}
    assert flagged(profile, batch, "AFTER_DISCHARGE", grace_days=1) == set()


def test_duplicate_charge_is_the_same_line_twice(profile: OpenProfile, world: World) -> None:
    day = "2025-03-05"
    batch = load_claims(profile, world, [
        visit("TWICE", 1, day, Line(TEST, day), Line(TEST, day, time="10:00:00")),
        visit("OTHER_QUANTITY", 2, day, Line(DRUG, day, 1), Line(DRUG, day, 2)),
        visit("OTHER_DAY", 3, day, Line(TEST, day), Line(TEST, "2025-03-06")),
        visit("REPEATABLE", 4, day, Line(INJECTION, day), Line(INJECTION, day)),
    ])  # fmt: skip
    assert flagged(profile, batch, "DUPLICATE_CHARGE") == {"TWICE"}


def test_billed_quantity_against_the_order(profile: OpenProfile, world: World) -> None:
    day = "2025-03-05"
    batch = load_claims(profile, world, [
        visit("MORE", 1, day, Line(DRUG, day, quantity=3, ordered=2)),
        visit("LESS", 2, day, Line(DRUG, day, quantity=1, ordered=2)),
        visit("SAME", 3, day, Line(DRUG, day, quantity=2, ordered=2)),
        visit("NO_ORDER", 4, day, Line(DRUG, day, quantity=2, ordered=None)),
    ])  # fmt: skip
    assert flagged(profile, batch, "QUANTITY_MISMATCH") == {"MORE", "LESS"}
    assert flagged(profile, batch, "QUANTITY_MISMATCH", billed_above_only=True) == {"MORE"}


def test_traceability_code_settled_twice(profile: OpenProfile, world: World) -> None:
    day = "2025-03-05"
    code = "89000010000000000001"
    batch = load_claims(profile, world, [
        visit("FIRST", 1, day, Line(DRUG, day, trace=code)),
        visit("AGAIN", 2, "2025-03-07", Line(DRUG, "2025-03-07", trace=code)),
        visit("OWN_BOX", 3, day, Line(DRUG2, day, trace="89000010000000000002")),
        visit("NO_CODE", 4, day, Line(DRUG2, day)),
    ])  # fmt: skip
    run = screen(profile, batch, "TRACE_CODE_REUSE")
    assert flagged(profile, batch, "TRACE_CODE_REUSE") == {"AGAIN"}
    with profile.read_session() as session:
        flag = session.scalars(select(ScreeningFlag).where(ScreeningFlag.run_id == run)).one()
        assert flag.related_claim_id is not None
        assert json.loads(flag.detail)["other_settlement_no"] == "FIRST"


def _rx(doctor: str, number: int, second: int) -> Claim:
    minute, rest = divmod(second, 60)
    time = f"18:{minute:02d}:{rest:02d}"
    return Claim(f"{doctor}-{number}", "2025-03-05", patient=pid(number), doctor=doctor,
                 lines=[Line(DRUG, "2025-03-05", time=time)])  # fmt: skip


def test_prescription_burst_of_one_doctor_within_a_minute(
    profile: OpenProfile, world: World
) -> None:
    burst = [_rx("D1", n, 6 * n) for n in range(8)]  # 8 within 42 s
    seven = [_rx("D2", 100 + n, 6 * n) for n in range(7)]  # only 7
    spread = [_rx("D3", 200 + n, 10 * n) for n in range(8)]  # 8 over 70 s
    batch = load_claims(profile, world, [*burst, *seven, *spread])
    assert flagged(profile, batch, "PRESCRIPTION_BURST") == {c.number for c in burst}
    wider = flagged(profile, batch, "PRESCRIPTION_BURST", window_seconds=80, count=7)
    assert wider == {c.number for c in burst + seven + spread}


def test_care_after_the_recorded_death(profile: OpenProfile, world: World) -> None:
    add_death(profile, pid(1), "2025-03-01")
    add_death(profile, pid(2), "2025-03-10")
    add_death(profile, pid(3), "2025-03-05")
    batch = load_claims(profile, world, [
        visit("AFTER", 1, "2025-03-05"),
        visit("BEFORE", 2, "2025-03-05"),
        visit("SAME_DAY", 3, "2025-03-05"),
        visit("ALIVE", 4, "2025-03-05"),
    ])  # fmt: skip
    assert flagged(profile, batch, "AFTER_DEATH") == {"AFTER"}
