"""The demo builder writes consistent reference data, casework and reproducible claims."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from inspector_app.demo import build_demo, load_demo_settlement, partner_claims
from inspector_app.demo.people import id_check_character
from inspector_app.demo.places import INSPECTED_HOSPITAL
from inspector_app.demo.planting import KINDS
from inspector_app.profiles import OpenProfile
from inspector_app.progress import Progress
from local_db.base import Base, SyncedMixin
from local_db.enums import EvidenceKind, InstitutionKind, TaskStatus, TaskType
from local_db.models import (
    CaseFile,
    Claim,
    ClaimLine,
    DocumentSignature,
    EvidenceItem,
    InspectionTask,
    Institution,
    LocalUser,
    OutboxEntry,
    PlantedIrregularity,
    SettlementBatch,
)
from tests.unit.demo.patterns import (
    DETECTORS,
    idle_stays,
    prescription_bursts,
    read_batch,
    readmissions,
)

CLAIMS = 1_500
SEED = 20_261_123
CROSS_BATCH_KIND = "two_institutions_same_day"


def _build(profile: OpenProfile, *, seed: int = SEED, claims: int = CLAIMS) -> str:
    """Build the demo; the inspected hospital's batch id."""
    return build_demo(profile, claims=claims, seed=seed, progress=Progress()).settlement.batch_id


def _partner_batch(profile: OpenProfile, first: str) -> str:
    with profile.read_session() as session:
        return session.scalars(select(SettlementBatch.id).where(SettlementBatch.id != first)).one()


def _claims(session: Session, batch_id: str) -> list[tuple[Any, ...]]:
    """Claims and lines of a batch without the ids, which differ between loads."""
    claim_columns = [c.name for c in Claim.__table__.columns if c.name not in ("id", "batch_id")]
    line_columns = [c.name for c in ClaimLine.__table__.columns if c.name not in ("id", "claim_id")]
    claims = session.execute(text(
        f"SELECT {', '.join(claim_columns)} FROM claim WHERE batch_id = :b ORDER BY id"
    ), {"b": batch_id}).all()  # fmt: skip
    lines = session.execute(text(
        f"SELECT c.settlement_no, {', '.join('l.' + c for c in line_columns)} FROM claim_line l"
        " JOIN claim c ON c.id = l.claim_id WHERE c.batch_id = :b ORDER BY l.claim_id, l.line_no"
    ), {"b": batch_id}).all()  # fmt: skip
    return [tuple(row) for row in claims] + [tuple(row) for row in lines]


def test_same_seed_gives_the_same_claims_and_another_seed_others(profile: OpenProfile) -> None:
    first = _build(profile)
    again = load_demo_settlement(
        profile, institution_code=INSPECTED_HOSPITAL, claims=CLAIMS, seed=SEED, progress=Progress()
    ).batch_id
    other = load_demo_settlement(
        profile, institution_code=INSPECTED_HOSPITAL, claims=CLAIMS, seed=SEED + 1,
        progress=Progress(),
    ).batch_id  # fmt: skip
    with profile.read_session() as session:
        rows = {batch: _claims(session, batch) for batch in (first, again, other)}
        planted = {
            batch: sorted(session.execute(
                select(PlantedIrregularity.kind, PlantedIrregularity.detail)
                .where(PlantedIrregularity.batch_id == batch)
            ).all())
            for batch in (first, again)
        }  # fmt: skip
    assert len(rows[first]) > 10 * CLAIMS
    assert rows[again] == rows[first]
    assert rows[other] != rows[first]
    assert len(set(rows[other]) & set(rows[first])) < CLAIMS // 100
    # Ground truth refers to claim ids, which differ between the loads; the kinds do not
    # (except the pairs shared with the partner hospital's batch, which only the build makes).
    assert [kind for kind, _ in planted[again]] == [
        kind for kind, _ in planted[first] if kind != CROSS_BATCH_KIND
    ]


def test_each_planted_kind_is_exactly_what_an_independent_check_finds(
    profile: OpenProfile,
) -> None:
    # Enough claims that doctors settle several a day and patients have several stays.
    claims_made = 20_000
    first = _build(profile, claims=claims_made)
    planted_somewhere: set[str] = set()
    for batch_id in (first, _partner_batch(profile, first)):
        with profile.read_session() as session:
            batch = read_batch(session, batch_id)
            truth: dict[str, set[int]] = {kind: set() for kind in KINDS}
            for kind, claim_id in session.execute(
                select(PlantedIrregularity.kind, PlantedIrregularity.claim_id).where(
                    PlantedIrregularity.batch_id == batch_id
                )
            ):
                truth[kind].add(claim_id)
        assert set(DETECTORS) == set(KINDS)
        for kind, detector in DETECTORS.items():
            assert detector(batch) == truth[kind], (batch.level, kind)
        planted_somewhere |= {kind for kind, claims in truth.items() if claims}
        planted_claims = set().union(*truth.values())
        assert 0.02 <= len(planted_claims) / len(batch.claims) <= 0.07
        # Clean data keeps a margin: stays > 30 days apart, prescriptions > 1 minute apart,
        # care at least every fourth day of a stay.
        assert readmissions(batch, days=30) == truth["readmission_15d"]
        assert prescription_bursts(batch, size=2) == truth["burst_prescriptions"]
        assert idle_stays(batch, days=4) == truth["stay_without_care"]
    # Institution-level items are planted where the level is too low: the partner hospital.
    assert planted_somewhere == set(KINDS)


def test_ground_truth_details_point_at_the_rows(profile: OpenProfile) -> None:
    batch = _build(profile)
    with profile.read_session() as session:
        rows = session.execute(
            select(PlantedIrregularity.claim_id, PlantedIrregularity.kind,
                   PlantedIrregularity.detail).where(PlantedIrregularity.batch_id == batch)
        ).all()  # fmt: skip
        for claim_id, kind, raw in rows:
            detail = json.loads(raw)
            if "other_claim_id" in detail:
                partner = session.execute(
                    select(PlantedIrregularity.kind, PlantedIrregularity.detail)
                    .where(PlantedIrregularity.claim_id == detail["other_claim_id"])
                ).one()  # fmt: skip
                assert partner.kind == kind
                assert json.loads(partner.detail)["other_claim_id"] == claim_id
            if "line_no" in detail:
                line = session.scalars(
                    select(ClaimLine).filter_by(claim_id=claim_id, line_no=detail["line_no"])
                ).one()
                assert line.item_code == detail["item_code"]
            if kind == "duplicate_trace_code":
                assert line.trace_code == detail["trace_code"]


def test_claims_add_up_and_identify_patients_consistently(profile: OpenProfile) -> None:
    batch = _build(profile)
    people: dict[str, tuple[str, str, str]] = {}
    _check_claims(profile, batch, people, CLAIMS)
    _check_claims(profile, _partner_batch(profile, batch), people, partner_claims(CLAIMS))
    with profile.read_session() as session:
        shared = session.scalar(text(
            "SELECT count(DISTINCT a.patient_id_no) FROM claim a JOIN claim b"
            " ON a.patient_id_no = b.patient_id_no AND a.batch_id != b.batch_id"
        ))  # fmt: skip
    # Only the borrowed patients (planted pairs and near misses) are in both batches.
    assert shared is not None and 0 < shared <= 4 * partner_claims(CLAIMS) * 3 // 500 + 12


def _check_claims(
    profile: OpenProfile, batch: str, people: dict[str, tuple[str, str, str]], count: int
) -> None:
    with profile.read_session() as session:
        claims = session.scalars(select(Claim).where(Claim.batch_id == batch)).all()
        line_sums = dict(session.execute(
            select(ClaimLine.claim_id, func.sum(ClaimLine.amount_fen)).group_by(ClaimLine.claim_id)
        ).all())  # fmt: skip
        bad_amounts = session.scalar(
            select(func.count()).where(
                ClaimLine.amount_fen != ClaimLine.unit_price_fen * ClaimLine.quantity
            )
        )
        stored = session.get_one(SettlementBatch, batch)
    assert bad_amounts == 0
    assert stored.claim_count == len(claims) == count
    assert stored.total_fen == sum(c.total_fen for c in claims)
    for claim in claims:
        assert claim.total_fen == line_sums[claim.id]
        assert claim.fund_fen + claim.account_fen + claim.self_fen == claim.total_fen
        assert min(claim.fund_fen, claim.account_fen, claim.self_fen) >= 0
        number = claim.patient_id_no
        assert number.startswith("99") and len(number) == 18
        assert id_check_character(number[:17]) == number[17]
        assert number[6:14] == claim.patient_birth_date.replace("-", "")
        assert claim.patient_sex == ("M" if int(number[16]) % 2 else "F")
        person = (claim.patient_name, claim.patient_sex, claim.patient_birth_date)
        assert people.setdefault(number, person) == person


def test_id_check_character_matches_the_standard_example() -> None:
    # The worked example of GB 11643-1999.
    assert id_check_character("11010519491231002") == "X"


def test_reference_data_and_casework(profile: OpenProfile) -> None:
    _build(profile)
    with profile.read_session() as session:
        kinds = Counter(session.scalars(select(Institution.kind)))
        tasks = session.scalars(select(InspectionTask)).all()
        user = session.get_one(LocalUser, profile.user_id)
        cases = {case.task_id: case for case in session.scalars(select(CaseFile))}
        evidence = session.scalar(select(func.count()).select_from(EvidenceItem))
        signatures = session.scalar(
            select(func.count()).where(EvidenceItem.kind == EvidenceKind.SIGNATURE)
        )
        assert signatures and signatures == session.scalar(
            select(func.count()).where(DocumentSignature.evidence_id.is_not(None))
        )
        regions = session.scalars(text("SELECT code FROM region")).all()
    assert set(kinds) == set(InstitutionKind)
    assert sum(kinds.values()) >= 10
    assert len({task.status for task in tasks}) >= 4
    assert {TaskType.FLYING, TaskType.ROUTINE, TaskType.THEMATIC, TaskType.CROSS} <= {
        task.task_type for task in tasks
    }
    sealed = [task for task in tasks if task.sealed]
    assert sealed and all(t.institution_id is None and t.task_type is TaskType.FLYING
                          for t in sealed)  # fmt: skip
    for task in tasks:
        assert (task.id in cases) == (task.status is not TaskStatus.ASSIGNED)
    assert user.inspector_id is not None and user.region_code in regions
    assert all(code.startswith("99") for code in regions)
    # Evidence is recorded through the evidence service (signed, chained), never faked: the
    # on-site case's three items, one record in each closed case, and the signatures on the
    # closed cases' documents.
    assert evidence == 3 + 2 + signatures
    from inspector_app.evidence.verify import verify_case

    assert all(verify_case(profile=profile, case_ref=case.id).ok for case in cases.values())


def test_outbox_has_every_synced_row_once_and_no_claims(profile: OpenProfile) -> None:
    _build(profile)
    synced = [m.class_ for m in Base.registry.mappers if issubclass(m.class_, SyncedMixin)]
    with profile.read_session() as session:
        entries = Counter(
            (entity, entity_id) for entity, entity_id in session.execute(
                select(OutboxEntry.entity, OutboxEntry.entity_id)
            )
        )  # fmt: skip
        rows = {
            (model.__sync_entity__, row_id)
            for model in synced
            for row_id in session.scalars(select(model.id))
        }
    assert set(entries) == rows
    # Rows written once have one entry; sealing the closed cases then changes their case
    # file, task and signature slots (each change is an entry of its own).
    changed = {entity for (entity, _id), count in entries.items() if count > 1}
    assert changed <= {"case_file", "inspection_task", "document_signature"}, changed
    by_entity = Counter(entity for entity, _ in entries)
    assert by_entity["settlement_batch"] == 2
    assert {"institution", "inspector", "inspection_task", "team_membership", "case_file",
            "finding", "checklist_response", "interview_record"} <= set(by_entity)  # fmt: skip
    assert not {"claim", "claim_line", "planted_irregularity"} & set(by_entity)


def test_summary_lines_are_sentences_with_the_counts(profile: OpenProfile) -> None:
    summary = build_demo(profile, claims=CLAIMS, seed=SEED, progress=Progress())
    lines = summary.lines()
    assert summary.claims == CLAIMS
    assert f"{CLAIMS:,} claims" in lines
    assert any(line.startswith("12 designated institutions") for line in lines)


def test_too_few_claims_is_refused_before_anything_is_written(profile: OpenProfile) -> None:
    with pytest.raises(ValueError, match="claims"):
        build_demo(profile, claims=10, seed=1, progress=Progress())
    with profile.read_session() as session:
        assert session.scalar(select(func.count()).select_from(Institution)) == 0


def test_the_demo_leaves_its_analysis_half_done(profile: OpenProfile) -> None:
    """``inspector demo`` screens the batch, decides flags, draws and partly reviews a sample."""
    from inspector_app.demo.analysis import REVIEWED, SAMPLE_SIZE
    from inspector_app.review import review_progress
    from inspector_app.sampling import redraw
    from local_db.models import FlagReview, SampleDraw, ScreeningRun

    build_demo(profile, claims=600, seed=SEED, progress=Progress(), analysis=True)
    with profile.read_session() as session:
        assert len(session.scalars(select(ScreeningRun)).all()) == 1
        assert len(session.scalars(select(FlagReview)).all()) == 3
        draw = session.scalars(select(SampleDraw)).one()
    assert draw.sample_size >= SAMPLE_SIZE
    assert review_progress(profile, draw.id).done == REVIEWED
    assert redraw(profile, draw.id).matched
