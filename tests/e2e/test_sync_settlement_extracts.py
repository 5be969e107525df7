"""Settlement data reaches the team through the sync, as extracts (real server on 127.0.0.1).

Claims never sync row by row: the laptop holding a batch's rows packs them into one blob,
the extract, and the team's other laptops load them from it. Then a sample drawn on one
laptop has its units on the others (replayed from the seed, verified by frame hash), a
claim review made anywhere points on every laptop to that laptop's own row of the same
claim, and an extract prepared for an upcoming inspection reaches that task's team and no
one else.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from inspector_app.profiles import OpenProfile
from inspector_app.progress import Progress
from inspector_app.review.worksheet import complete_review, decide_line, open_worksheet
from inspector_app.sampling.draws import default_batch, draw_sample, draw_units
from inspector_app.sampling.frame import FrameDefinition
from inspector_app.screening.engine import run_screening
from inspector_app.settlement_import import ImportRefusedError, ImportSource, import_settlement
from inspector_app.settlement_import.export_csv import export_batch
from inspector_app.settlement_import.service import resolve_task_target
from local_db.enums import LineDecision, SamplingMethod
from local_db.models import (
    Claim,
    ClaimLine,
    ClaimReview,
    InspectionTask,
    InventoryBatch,
    InventoryMovement,
    ScreeningFlag,
    SettlementBatch,
    SyncConflict,
    SyncParked,
)
from tests.e2e.sync_support import add_member_account, case_in_progress, new_laptop, synced
from tests.server.live_server import LiveServer, running_server, server_blob_shas

PORTABLE_RULES = ("READMISSION", "LONG_STAY", "DUPLICATE_CHARGE", "QUANTITY_MISMATCH",
                  "PRESCRIPTION_BURST")  # fmt: skip


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    with running_server(tmp_path / "server") as live:
        yield live


def _rows(profile: OpenProfile, batch_id: str) -> list[tuple[object, ...]]:
    """A batch's claims with their lines, by settlement number (ids are each laptop's own)."""
    with profile.read_session() as session:
        claims = session.execute(
            select(Claim.id, Claim.settlement_no, Claim.patient_id_no, Claim.total_fen)
            .where(Claim.batch_id == batch_id)
            .order_by(Claim.settlement_no)
        ).all()
        lines = {
            claim_id: (count, amount)
            for claim_id, count, amount in session.execute(
                select(ClaimLine.claim_id, func.count(), func.sum(ClaimLine.amount_fen))
                .join(Claim, Claim.id == ClaimLine.claim_id)
                .where(Claim.batch_id == batch_id)
                .group_by(ClaimLine.claim_id)
            )
        }
    return [
        (number, id_no, total, lines.get(claim_id)) for claim_id, number, id_no, total in claims
    ]


def _reviews(profile: OpenProfile, draw_id: str) -> dict[str, tuple[str, int]]:
    """Each review's settlement number → (that laptop's claim's settlement number, audited)."""
    with profile.read_session() as session:
        return {
            review.settlement_no: (claim_number, review.audited_fen)
            for review, claim_number in session.execute(
                select(ClaimReview, Claim.settlement_no)
                .join(Claim, Claim.id == ClaimReview.claim_id)
                .where(ClaimReview.draw_id == draw_id)
            )
        }


def _flags(profile: OpenProfile, run_id: str) -> list[tuple[object, ...]]:
    """A screening run's flags by rule and claim (each laptop's own row ids left out)."""
    with profile.read_session() as session:
        return sorted(
            tuple(row)
            for row in session.execute(
                select(
                    ScreeningFlag.rule_code,
                    Claim.settlement_no,
                    ScreeningFlag.amount_fen,
                    ScreeningFlag.detail,
                )
                .join(Claim, Claim.id == ScreeningFlag.claim_id)
                .where(ScreeningFlag.run_id == run_id)
            )
        )


def _movements(profile: OpenProfile) -> dict[str, list[tuple[object, ...]]]:
    """Every 进销存 load's movements, in their order (ids are each laptop's own)."""
    found: dict[str, list[tuple[object, ...]]] = {}
    with profile.read_session() as session:
        for batch_id in session.scalars(select(InventoryBatch.id)):
            found[batch_id] = [
                tuple(row)
                for row in session.execute(
                    select(
                        InventoryMovement.kind,
                        InventoryMovement.item_code,
                        InventoryMovement.movement_date,
                        InventoryMovement.quantity,
                        InventoryMovement.amount_fen,
                    )
                    .where(InventoryMovement.batch_id == batch_id)
                    .order_by(InventoryMovement.id)
                )
            ]
    return found


def _parked(profile: OpenProfile) -> list[str]:
    with profile.read_session() as session:
        return [f"{p.entity}: {p.reason}" for p in session.scalars(select(SyncParked))]


def _review_one(profile: OpenProfile, draw_id: str, settlement_no: str) -> str:
    view = open_worksheet(profile, draw_id=draw_id, settlement_no=settlement_no)
    assert view.review_id is not None
    line = max(view.lines, key=lambda ln: ln.amount_fen)
    decide_line(profile, review_id=view.review_id, line_no=line.line_no,
                decision=LineDecision.DISALLOWED, violation_code="art38.1",
                reason="无医嘱")  # fmt: skip
    complete_review(profile, review_id=view.review_id)
    return view.review_id


def test_a_batch_its_draw_and_its_reviews_reach_the_team(
    demo_profile: OpenProfile, tmp_path: Path, server: LiveServer
) -> None:
    leader = demo_profile
    shared = case_in_progress(leader)
    batch_id = default_batch(leader, shared.case_id)
    assert batch_id is not None
    draw = draw_sample(
        leader, case_id=shared.case_id, frame=FrameDefinition(batch_id=batch_id),
        method=SamplingMethod.SIMPLE_RANDOM, size=8, seed=77,
    )  # fmt: skip
    units = [unit.settlement_no for unit in draw_units(leader, draw.draw_id)]
    # Rules over the batch's own rows are found again on any laptop that holds the rows;
    # rules that read reference data (catalogues, registers) or other batches may not be.
    portable = run_screening(profile=leader, batch_id=batch_id, progress=Progress(),
                             only=PORTABLE_RULES)  # fmt: skip
    full = run_screening(profile=leader, batch_id=batch_id, progress=Progress())
    assert portable.flag_count > 0 and full.flag_count > portable.flag_count
    _review_one(leader, draw.draw_id, units[0])
    add_member_account(server, "member.one", shared.member_code)

    sent = synced(leader, server)
    with leader.read_session() as session:
        batches = session.scalars(select(SettlementBatch)).all()
        assert all(b.extract_sha256 is not None for b in batches)
        extract_sha = session.get(SettlementBatch, batch_id).extract_sha256  # type: ignore[union-attr]
        loads = session.scalars(select(InventoryBatch)).all()
        assert all(load.extract_sha256 is not None for load in loads)
    assert sent.extracts_written == len(batches) + len(loads)
    # Its own records come back from the feed and are recognised by their clocks.
    assert sent.unchanged > 100 and sent.pulled < sent.unchanged / 10
    assert extract_sha in server_blob_shas(server)

    member = new_laptop(tmp_path / "member", "member.one")
    try:
        received = synced(member, server)
        assert received.extracts_loaded >= 1
        assert _rows(member, batch_id) == _rows(leader, batch_id)
        assert [u.settlement_no for u in draw_units(member, draw.draw_id)] == units
        assert _reviews(member, draw.draw_id) == _reviews(leader, draw.draw_id)
        assert _reviews(member, draw.draw_id)[units[0]][0] == units[0]
        assert _parked(member) == []
        stock = _movements(member)
        assert stock and all(stock.values())
        assert stock == {k: v for k, v in _movements(leader).items() if k in stock}
        assert received.screening_restored == 1
        assert _flags(member, portable.run_id) == _flags(leader, portable.run_id)
        assert _flags(member, full.run_id) == []  # not shown half: told instead
        assert any(full.run_id in note and "TWO_INSTITUTIONS" in note for note in received.notices)

        # The member reviews another claim; the leader receives it on its own claim row.
        _review_one(member, draw.draw_id, units[1])
        synced(member, server)
        again = synced(leader, server)
        assert again.extracts_loaded == 0 and again.extracts_written == 0
        assert set(_reviews(leader, draw.draw_id)) == {units[0], units[1]}
        assert _reviews(leader, draw.draw_id) == _reviews(member, draw.draw_id)
        with leader.read_session() as session:
            assert session.scalar(select(func.count()).select_from(SyncConflict)) == 0
        assert server_blob_shas(server).count(extract_sha) == 1
    finally:
        member.close()


def _task(profile: OpenProfile, number: str) -> InspectionTask:
    with profile.read_session() as session:
        task = session.scalar(select(InspectionTask).where(InspectionTask.task_number == number))
        assert task is not None
        return task


def test_an_extract_prepared_for_a_task_reaches_its_team_only(
    demo_profile: OpenProfile, tmp_path: Path, server: LiveServer
) -> None:
    leader = demo_profile
    shared = case_in_progress(leader)
    source = default_batch(leader, shared.case_id)
    assert source is not None
    exported = export_batch(profile=leader, batch_id=source, folder=tmp_path / "export")
    upcoming = _task(leader, "YBJC2026008")  # assigned; team: the leader and YB990100005
    sealed = _task(leader, "YBJC2026002")
    with pytest.raises(ImportRefusedError, match="sealed"):
        resolve_task_target(leader, sealed.id)
    prepared = import_settlement(
        leader, claims=ImportSource(exported.claims_path),
        lines=ImportSource(exported.lines_path), task_id=upcoming.id, progress=Progress(),
    )  # fmt: skip
    with leader.read_session() as session:
        batch = session.get(SettlementBatch, prepared.batch_id)
        assert batch is not None
        assert (batch.task_id, batch.case_id) == (upcoming.id, None)
        assert batch.institution_id == upcoming.institution_id
    add_member_account(server, "member.five", "YB990100005")
    add_member_account(server, "member.six", "YB990100006")  # on other tasks, not on 008
    synced(leader, server)

    on_team = new_laptop(tmp_path / "five", "member.five")
    elsewhere = new_laptop(tmp_path / "six", "member.six")
    try:
        synced(on_team, server)
        assert _rows(on_team, prepared.batch_id) == _rows(leader, prepared.batch_id)
        assert len(_rows(on_team, prepared.batch_id)) == prepared.claims
        synced(elsewhere, server)
        with elsewhere.read_session() as session:
            assert session.get(SettlementBatch, prepared.batch_id) is None
        assert _rows(elsewhere, prepared.batch_id) == []
    finally:
        on_team.close()
        elsewhere.close()
