"""A run records what it used and found, leaves no temporary tables, and rolls back on cancel."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select, text

from inspector_app import i18n
from inspector_app.casework.access import NotAllowedError
from inspector_app.profiles import OpenProfile
from inspector_app.progress import Cancelled, Progress
from inspector_app.screening import (
    BatchNotFoundError,
    FlagFilter,
    ParameterError,
    UnknownRuleError,
    flag_facets,
    get_flag,
    list_flags,
    run_screening,
    runs_of_batch,
    shipped_ruleset,
)
from inspector_app.screening import engine as engine_module
from local_db.enums import UserRole
from local_db.models import AuditLogEntry, LocalUser, OutboxEntry, ScreeningFlag, ScreeningRun
from tests.unit.screening.world import (
    DRUG,
    GYNAE,
    TEST,
    Claim,
    Line,
    World,
    load_claims,
    make_world,
)

DAY = "2025-03-05"


@pytest.fixture
def world(profile: OpenProfile) -> World:
    return make_world(profile)


@pytest.fixture
def batch(profile: OpenProfile, world: World) -> str:
    claims = [
        Claim("A-1", DAY, patient="990102198001010001", department="妇科", doctor="D7",
              doctor_name="李医生", lines=[Line(GYNAE, DAY), Line(DRUG, DAY, price=1400)]),
        Claim("A-2", DAY, patient="990102198001010002",
              lines=[Line(TEST, DAY), Line(TEST, DAY, time="11:00:00")]),
        Claim("B-3", DAY, patient="990102198001010003", lines=[Line(DRUG, DAY, price=1100)]),
        Claim("B-4", DAY, patient="990102198001010004", lines=[Line(DRUG, DAY)]),
    ]  # fmt: skip
    return load_claims(profile, world, claims)


def _counts(profile: OpenProfile) -> tuple[int, int, int]:
    with profile.read_session() as session:
        return (
            int(session.scalar(select(func.count()).select_from(ScreeningRun)) or 0),
            int(session.scalar(select(func.count()).select_from(ScreeningFlag)) or 0),
            int(session.scalar(select(func.count()).where(OutboxEntry.entity == "screening_run"))
                or 0),
        )  # fmt: skip


def test_a_run_records_rules_parameters_hash_and_counts(
    profile: OpenProfile, world: World, batch: str
) -> None:
    result = run_screening(
        profile=profile, batch_id=batch, progress=Progress(),
        parameters={"PRICE_ABOVE_CATALOGUE": {"tolerance_fen": 50}},
    )  # fmt: skip
    flagged = {o.code: o.flags for o in result.rules if o.flags}
    assert flagged == {"SEX_ITEM": 1, "PRICE_ABOVE_CATALOGUE": 2, "DUPLICATE_CHARGE": 1}
    assert result.ruleset_sha256 == shipped_ruleset().sha256
    assert set(result.shared_seconds) >= {"scope", "claim_facts", "line_checks"}
    with profile.read_session() as session:
        run = session.get_one(ScreeningRun, result.run_id)
        audit = session.scalars(
            select(AuditLogEntry).where(AuditLogEntry.action == "screening.run")
        ).one()
        temporary = session.execute(text("SELECT name FROM sqlite_temp_master")).all()
    assert (run.batch_id, run.case_id, run.ruleset_version) == (batch, world.case_id, "2026.1")
    assert (run.flag_count, run.flagged_claims) == (4, 3)
    assert run.amount_fen == 1200 + 400 + 100 + 2000  # sex line, price excess ×2, copy
    entries = {entry["code"]: entry for entry in json.loads(run.rules)}
    assert len(entries) == len(shipped_ruleset().select())
    assert entries["PRICE_ABOVE_CATALOGUE"]["parameters"] == {"tolerance_fen": 50}
    assert entries["READMISSION"]["parameters"] == {"window_days": 15, "diagnosis_prefix_length": 3}
    assert entries["SEX_ITEM"]["flags"] == 1 and "seconds" in entries["SEX_ITEM"]
    assert audit.case_id == world.case_id and result.run_id == audit.entity_id
    assert temporary == []
    assert _counts(profile) == (1, 4, 1)
    assert [r.id for r in runs_of_batch(profile=profile, batch_id=batch)] == [result.run_id]


def test_cancelling_between_rules_leaves_nothing(profile: OpenProfile, batch: str) -> None:
    class CancelAtThirdRule(Progress):
        def start(self, label: str, total: int | None = None) -> None:
            super().start(label, total)
            if label.startswith("Screening rule 3 "):
                self.cancel()

    with pytest.raises(Cancelled):
        run_screening(profile=profile, batch_id=batch, progress=CancelAtThirdRule())
    assert _counts(profile) == (0, 0, 0)


def test_cancelling_inside_a_statement_interrupts_it(
    profile: OpenProfile, batch: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine_module, "CANCEL_CHECK_STEPS", 1)

    class CancelledWhileSqliteRuns(Progress):
        @property
        def cancelled(self) -> bool:
            return True

    with pytest.raises(Cancelled):
        run_screening(profile=profile, batch_id=batch, progress=CancelledWhileSqliteRuns())
    assert _counts(profile) == (0, 0, 0)
    with profile.read_session() as session:  # the connection is usable again
        assert session.execute(text("SELECT name FROM sqlite_temp_master")).all() == []


def test_bad_requests_are_refused_before_any_work(
    profile: OpenProfile, world: World, batch: str
) -> None:
    with pytest.raises(UnknownRuleError):
        run_screening(profile=profile, batch_id=batch, progress=Progress(), only=["NOPE"])
    with pytest.raises(ParameterError):
        run_screening(
            profile=profile, batch_id=batch, progress=Progress(),
            parameters={"READMISSION": {"window_days": 0}},
        )  # fmt: skip
    with pytest.raises(BatchNotFoundError):
        run_screening(profile=profile, batch_id="missing", progress=Progress())
    with profile.session() as session:
        session.get_one(LocalUser, profile.user_id).inspector_id = world.people["supervisor"]
    with pytest.raises(NotAllowedError):
        run_screening(profile=profile, batch_id=batch, progress=Progress())
    assert _counts(profile) == (0, 0, 0)


def test_flags_page_filter_and_speak_the_language(profile: OpenProfile, batch: str) -> None:
    run = run_screening(profile=profile, batch_id=batch, progress=Progress()).run_id
    page = list_flags(profile=profile, run_id=run, limit=2)
    assert page.total == 4 and len(page.rows) == 2
    assert [row.amount_fen for row in page.rows] == [2000, 1200]  # largest first
    rest = list_flags(profile=profile, run_id=run, offset=2, limit=2)
    assert {row.id for row in rest.rows}.isdisjoint({row.id for row in page.rows})

    def numbers(**filters: object) -> list[str]:
        rows = list_flags(profile=profile, run_id=run, filters=FlagFilter(**filters)).rows
        return sorted(row.settlement_no for row in rows)  # type: ignore[arg-type]

    assert numbers(rule_codes=("SEX_ITEM",)) == ["A-1"]
    assert numbers(department="妇科") == ["A-1", "A-1"]
    assert numbers(doctor="D7") == numbers(doctor="李") == ["A-1", "A-1"]
    assert numbers(min_amount_fen=1200) == ["A-1", "A-2"]
    assert numbers(search="B-") == ["B-3"]
    facets = flag_facets(profile=profile, run_id=run)
    assert facets.rule_codes == ["DUPLICATE_CHARGE", "PRICE_ABOVE_CATALOGUE", "SEX_ITEM"]
    assert "妇科" in facets.departments and ("D7", "李医生") in facets.doctors
    flag = next(row for row in page.rows if row.rule_code == "SEX_ITEM")
    assert "female patients only; the patient is male" in flag.reason
    i18n.set_language("zh_CN")
    chinese = get_flag(profile=profile, flag_id=flag.id)
    assert "阴道分泌物检查（004000000001）限" in chinese.reason
    assert chinese.rule_title == "限性别项目与患者性别不符"


def test_data_outside_a_case_is_screened_only_by_a_recording_role(
    profile: OpenProfile, world: World
) -> None:
    """Without a case there is no team to ask: the profile owner's own role decides."""
    outside = load_claims(
        profile, world, [Claim("C-1", DAY, lines=[Line(GYNAE, DAY)])], institution="H3"
    )
    with profile.session() as session:
        session.get_one(LocalUser, profile.user_id).role = UserRole.SUPERVISOR
    with pytest.raises(NotAllowedError):
        run_screening(profile=profile, batch_id=outside, progress=Progress())
    assert _counts(profile) == (0, 0, 0)
    for role in (UserRole.INSPECTOR, UserRole.TEAM_LEADER, UserRole.ADMIN):
        with profile.session() as session:
            session.get_one(LocalUser, profile.user_id).role = role
        result = run_screening(
            profile=profile, batch_id=outside, progress=Progress(), only=["SEX_ITEM"]
        )
        assert result.flag_count == 1
