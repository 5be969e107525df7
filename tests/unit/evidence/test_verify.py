"""`verify_case` passes on an intact case and finds every kind of tampering, with where."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from inspector_app.casework.access import CaseNotFoundError
from inspector_app.evidence.catalog import EvidenceSummary
from inspector_app.evidence.recording import add_evidence, withdraw_evidence
from inspector_app.evidence.store import CHUNK_SIZE, blob_path
from inspector_app.evidence.verify import VerifyReport, verify_case
from inspector_app.profiles import OpenProfile
from local_db.enums import EvidenceKind
from local_db.models import CustodyEvent
from tests.unit.evidence.conftest import CASE_NUMBER, image_bytes, raw_sql


@pytest.fixture
def items(profile: OpenProfile, case_id: str) -> list[EvidenceSummary]:
    """Three items: a photo, a multi-chunk document, a small note."""
    sources: list[tuple[bytes, EvidenceKind, str]] = [
        (image_bytes(), EvidenceKind.PHOTO, "护士站排班表"),
        (bytes(range(256)) * (CHUNK_SIZE // 128), EvidenceKind.DOCUMENT, "透析记录扫描件"),
        (b"note", EvidenceKind.DOCUMENT, "现场说明"),
    ]
    return [
        add_evidence(profile=profile, case_id=case_id, source=data, kind=kind, caption=caption)
        for data, kind, caption in sources
    ]


def _codes(report: VerifyReport) -> set[str]:
    return {problem.code for problem in report.problems}


def test_an_intact_case_passes_by_id_and_by_number(
    profile: OpenProfile, case_id: str, items: list[EvidenceSummary]
) -> None:
    for ref in (case_id, CASE_NUMBER):
        report = verify_case(profile=profile, case_ref=ref)
        assert report.ok, report.lines()
        assert report.items_checked == 3 and report.originals_checked == 3
        assert [lane.events for lane in report.lanes] == [3]
        assert report.lines()[-1] == "intact"


def test_an_empty_case_passes_and_an_unknown_case_is_refused(
    profile: OpenProfile, case_id: str
) -> None:
    assert verify_case(profile=profile, case_ref=case_id).ok
    with pytest.raises(CaseNotFoundError):
        verify_case(profile=profile, case_ref="AJ-0000-000")


def test_detects_one_flipped_byte_in_an_original(
    profile: OpenProfile, case_id: str, items: list[EvidenceSummary]
) -> None:
    target = items[1]
    path = blob_path(profile, target.sha256)
    data = bytearray(path.read_bytes())
    data[CHUNK_SIZE + 100] ^= 0x01  # inside the second chunk
    path.write_bytes(bytes(data))
    report = verify_case(profile=profile, case_ref=case_id)
    assert not report.ok
    assert _codes(report) == {"blob.broken"}
    (problem,) = report.problems
    assert problem.evidence_id == target.id and problem.caption == "透析记录扫描件"
    assert problem.file == str(path.relative_to(profile.path))


def test_detects_a_missing_or_truncated_original(
    profile: OpenProfile, case_id: str, items: list[EvidenceSummary]
) -> None:
    blob_path(profile, items[0].sha256).unlink()
    path = blob_path(profile, items[1].sha256)
    path.write_bytes(path.read_bytes()[: -(CHUNK_SIZE // 2)])
    report = verify_case(profile=profile, case_ref=case_id)
    broken = {p.evidence_id for p in report.problems if p.code == "blob.broken"}
    assert broken == {items[0].id, items[1].id}
    assert any("missing" in p.message for p in report.problems)


def test_detects_originals_swapped_between_names(
    profile: OpenProfile, case_id: str, items: list[EvidenceSummary]
) -> None:
    first, third = blob_path(profile, items[0].sha256), blob_path(profile, items[2].sha256)
    a, b = first.read_bytes(), third.read_bytes()
    first.write_bytes(b)
    third.write_bytes(a)
    report = verify_case(profile=profile, case_ref=case_id)
    assert {p.evidence_id for p in report.problems} == {items[0].id, items[2].id}


def test_detects_a_deleted_evidence_row(
    profile: OpenProfile, case_id: str, items: list[EvidenceSummary]
) -> None:
    victim = items[1]
    # An attacker with the database key drops the trigger and removes the row.
    raw_sql(
        profile,
        "DROP TRIGGER evidence_item_no_delete",
        "DELETE FROM evidence_thumbnail WHERE evidence_id = :id",
        "DELETE FROM evidence_item WHERE id = :id",
        id=victim.id,
    )
    report = verify_case(profile=profile, case_ref=case_id)
    assert _codes(report) == {"item.missing"}
    (problem,) = report.problems
    assert (problem.evidence_id, problem.seq, problem.caption) == (victim.id, 2, "透析记录扫描件")
    assert "event 2" in problem.where()


def test_detects_an_edited_custody_event(
    profile: OpenProfile, case_id: str, items: list[EvidenceSummary]
) -> None:
    with profile.read_session() as session:
        event = session.scalars(select(CustodyEvent).where(CustodyEvent.seq == 2)).one()
        body = json.loads(event.body)
    body["caption"] = "已篡改"
    raw_sql(
        profile,
        "DROP TRIGGER custody_event_no_update",
        "UPDATE custody_event SET body = :body WHERE id = :id",
        body=json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")),
        id=event.id,
    )
    report = verify_case(profile=profile, case_ref=case_id)
    assert "chain.hash" in _codes(report)
    assert "item.altered" in _codes(report)  # the row no longer matches the body
    assert all(p.seq in (2, None) for p in report.problems)


def test_detects_a_rehashed_event_by_its_signature_and_the_next_link(
    profile: OpenProfile, case_id: str, items: list[EvidenceSummary]
) -> None:
    from inspector_app.evidence.chain import chain_hash

    with profile.read_session() as session:
        event = session.scalars(select(CustodyEvent).where(CustodyEvent.seq == 2)).one()
        body = event.body.replace("透析记录扫描件", "另一份文件")
        rehashed = chain_hash(event.prev_hash, body)
    raw_sql(
        profile,
        "DROP TRIGGER custody_event_no_update",
        "DROP TRIGGER evidence_item_fixed_content",
        "UPDATE custody_event SET body = :body, chain_hash = :hash WHERE id = :id",
        "UPDATE evidence_item SET caption = '另一份文件', chain_hash = :hash WHERE id = :item",
        body=body,
        hash=rehashed,
        id=event.id,
        item=items[1].id,
    )
    report = verify_case(profile=profile, case_ref=case_id)
    assert "chain.signature" in _codes(report)
    assert "chain.link" in _codes(report)  # event 3 still points at the old hash
    assert "chain.hash" not in _codes(report)


def test_detects_a_deleted_custody_event(
    profile: OpenProfile, case_id: str, items: list[EvidenceSummary]
) -> None:
    raw_sql(
        profile,
        "DROP TRIGGER custody_event_no_delete",
        "DELETE FROM custody_event WHERE seq = 2",
    )
    report = verify_case(profile=profile, case_ref=case_id)
    assert {"chain.gap", "item.unrecorded"} <= _codes(report)


def test_detects_an_edited_caption_on_the_row(
    profile: OpenProfile, case_id: str, items: list[EvidenceSummary]
) -> None:
    raw_sql(
        profile,
        "UPDATE evidence_item SET caption = '改过的说明' WHERE id = :id",
        id=items[2].id,
    )
    report = verify_case(profile=profile, case_ref=case_id)
    assert _codes(report) == {"item.altered"}
    assert "caption" in report.problems[0].message


def test_withdrawn_item_keeps_its_place_and_the_case_stays_intact(
    profile: OpenProfile, case_id: str, items: list[EvidenceSummary]
) -> None:
    withdraw_evidence(profile=profile, evidence_id=items[0].id, reason="与本案无关")
    report = verify_case(profile=profile, case_ref=case_id)
    assert report.ok, report.lines()
    assert report.items_checked == 3 and report.lanes[0].events == 4
    # Quietly "un-withdrawing" it (the columns are not trigger-protected) is detected.
    raw_sql(
        profile,
        "UPDATE evidence_item SET withdrawn_at = NULL, withdrawn_reason = NULL WHERE id = :id",
        id=items[0].id,
    )
    assert _codes(verify_case(profile=profile, case_ref=case_id)) == {"item.withdrawal"}


def test_reports_the_lane_heads(
    profile: OpenProfile, case_id: str, items: list[EvidenceSummary], tmp_path: Path
) -> None:
    report = verify_case(profile=profile, case_ref=case_id)
    (lane,) = report.lanes
    with profile.read_session() as session:
        last = session.scalars(select(CustodyEvent).where(CustodyEvent.seq == 3)).one()
    assert lane.head_hash == last.chain_hash and lane.device_id == items[0].device_id
