"""Pinning, answering and reading a case's checklist in a real encrypted profile."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from inspector_app.casework.access import NotAllowedError
from inspector_app.casework.links import LinkRef, link
from inspector_app.checklists.migration import available_upgrades, migrate_checklist
from inspector_app.checklists.service import (
    answer_item,
    checklist_item,
    checklist_view,
    default_template_code,
    set_note,
    start_checklist,
    store_templates,
)
from inspector_app.profiles import OpenProfile
from local_db.enums import CaseStatus, ChecklistAnswer, EvidenceKind, InstitutionKind, LinkKind
from local_db.models import (
    AuditLogEntry,
    CaseChecklist,
    ChecklistMigration,
    ChecklistResponse,
    ChecklistTemplate,
    EvidenceItem,
)
from tests.unit.checklists import factory
from tests.unit.checklists.conftest import CODE, add_case

C, N = ChecklistAnswer.COMPLIANT, ChecklistAnswer.NON_COMPLIANT


def _version_b() -> dict[str, object]:
    """2026.2: WARD-01 reworded, BILL-02 removed, BILL-03 added."""
    doc = factory.document(version="2026.2", changes="WARD-01 reworded; BILL-02 dropped")
    doc["sections"][0]["items"][0] = factory.item("WARD-01", question="Reworded WARD-01")
    doc["sections"][1]["items"] = [factory.item("BILL-01"), factory.item("BILL-03")]
    return doc


def _events(profile: OpenProfile, action: str) -> list[AuditLogEntry]:
    with profile.read_session() as s:
        return list(s.scalars(select(AuditLogEntry).where(AuditLogEntry.action == action)))


def test_start_pins_the_newest_version_once(profile: OpenProfile, case_id: str) -> None:
    view = start_checklist(profile=profile, case_id=case_id, template_code=CODE)
    assert [p.template.version for p in view.checklists] == ["2026.1"]
    again = start_checklist(profile=profile, case_id=case_id, template_code=CODE)
    assert again.checklists == view.checklists
    with profile.read_session() as s:
        pin = s.scalars(select(CaseChecklist)).one()
        stored = s.scalars(select(ChecklistTemplate).where(ChecklistTemplate.code == CODE)).one()
    assert (pin.template_version, pin.template_sha256) == ("2026.1", stored.sha256)
    assert stored.content == factory.template().source_text
    assert [e.detail for e in _events(profile, "checklist.started")] == [f"{CODE} 2026.1"]


def test_stored_versions_are_never_modified(profile: OpenProfile, case_id: str) -> None:
    changed = factory.document()
    changed["sections"][0]["items"][0] = factory.item("WARD-01", question="Other text")
    with profile.session() as s:
        assert store_templates(s, [factory.template(changed)]) == 0
    view = start_checklist(profile=profile, case_id=case_id, template_code=CODE)
    assert view.item("WARD-01").question.en == "Question WARD-01"


def test_answers_are_stored_and_audited_with_codes_only(profile: OpenProfile, case_id: str) -> None:
    start_checklist(profile=profile, case_id=case_id, template_code=CODE)
    view = answer_item(profile=profile, case_id=case_id, item_code="WARD-01", answer=C)
    assert view.answer("WARD-01") is C
    answer_item(profile=profile, case_id=case_id, item_code="WARD-01", answer=C)  # no change
    view = answer_item(
        profile=profile, case_id=case_id, item_code="WARD-01", answer=N, note="床头卡与登记不符"
    )
    assert view.notes["WARD-01"] == "床头卡与登记不符"
    view = set_note(profile=profile, case_id=case_id, item_code="WARD-02", note=" 无 ")
    assert view.notes["WARD-02"] == "无" and view.answer("WARD-02") is ChecklistAnswer.UNCHECKED
    with profile.read_session() as s:
        rows = {r.item_code: r for r in s.scalars(select(ChecklistResponse))}
    assert rows["WARD-01"].answer is N and rows["WARD-01"].template_version == "2026.1"
    answered = _events(profile, "checklist.answered")
    assert [e.detail for e in answered] == [
        "WARD-01 unchecked->compliant",
        "WARD-01 compliant->non_compliant",
    ]
    assert all(e.case_id == case_id for e in answered)
    notes = _events(profile, "checklist.note")
    assert [e.detail for e in notes] == ["WARD-01", "WARD-02"]  # never the note's text


def test_conditional_item_and_progress_follow_the_answers(
    profile: OpenProfile, case_id: str
) -> None:
    start_checklist(profile=profile, case_id=case_id, template_code=CODE)
    view = answer_item(profile=profile, case_id=case_id, item_code="WARD-02", answer=N)
    assert "WARD-03" in view.visible
    assert view.total == type(view.total)(answered=1, visible=5)
    view = answer_item(profile=profile, case_id=case_id, item_code="WARD-03", answer=C)
    view = answer_item(profile=profile, case_id=case_id, item_code="WARD-02", answer=C)
    assert "WARD-03" not in view.visible
    assert view.answer("WARD-03") is C
    assert view.total.answered == 1
    assert view.required_open == ("WARD-01", "BILL-01")


def test_unknown_item_and_read_only_case_are_refused(profile: OpenProfile, case_id: str) -> None:
    start_checklist(profile=profile, case_id=case_id, template_code=CODE)
    with pytest.raises(LookupError):
        answer_item(profile=profile, case_id=case_id, item_code="WARD-99", answer=C)
    closed = add_case(profile, number="AJ-T-002", status=CaseStatus.CLOSED)
    with pytest.raises(NotAllowedError):
        start_checklist(profile=profile, case_id=closed, template_code=CODE)
    assert not checklist_view(profile=profile, case_id=closed).can_record


def test_case_keeps_its_version_after_a_new_one_is_stored(
    profile: OpenProfile, case_id: str
) -> None:
    start_checklist(profile=profile, case_id=case_id, template_code=CODE)
    with profile.session() as s:
        store_templates(s, [factory.template(_version_b())])
        assert checklist_item(s, case_id, "WARD-01").question.en == "Question WARD-01"
    view = checklist_view(profile=profile, case_id=case_id)
    assert view.checklists[0].template.version == "2026.1"
    assert view.item("WARD-01").question.en == "Question WARD-01"
    assert "BILL-03" not in view.visible
    # A new case starts on the newest version.
    other = add_case(profile, number="AJ-T-003")
    newer = start_checklist(profile=profile, case_id=other, template_code=CODE)
    assert newer.item("WARD-01").question.en == "Reworded WARD-01"


def test_migration_records_the_changes_and_keeps_every_answer(
    profile: OpenProfile, case_id: str
) -> None:
    start_checklist(profile=profile, case_id=case_id, template_code=CODE)
    answer_item(profile=profile, case_id=case_id, item_code="WARD-01", answer=C)
    answer_item(profile=profile, case_id=case_id, item_code="BILL-02", answer=N, note="x")
    with profile.session() as s:
        store_templates(s, [factory.template(_version_b())])
    (upgrade,) = available_upgrades(profile=profile, case_id=case_id)
    assert (upgrade.from_version, upgrade.to_version) == ("2026.1", "2026.2")
    assert upgrade.added == ("BILL-03",) and upgrade.removed == ("BILL-02",)
    assert [(c.code, c.fields) for c in upgrade.changed] == [("WARD-01", ("question",))]

    report = migrate_checklist(
        profile=profile, case_id=case_id, template_code=CODE, to_version="2026.2"
    )
    assert (report.answers_carried, report.answers_retired) == (1, 1)
    with profile.read_session() as s:
        record = s.scalars(select(ChecklistMigration)).one()
        responses = {r.item_code: r for r in s.scalars(select(ChecklistResponse))}
        pin = s.scalars(select(CaseChecklist)).one()
    assert (record.from_version, record.to_version) == ("2026.1", "2026.2")
    changes = json.loads(record.changes)
    assert changes["added"] == ["BILL-03"] and changes["removed"] == ["BILL-02"]
    assert changes["changed"] == [{"item": "WARD-01", "fields": ["question"]}]
    assert changes["answers_carried"] == 1
    assert pin.template_version == "2026.2"
    assert responses["WARD-01"].template_version == "2026.2"
    assert responses["BILL-02"].answer is N and responses["BILL-02"].template_version == "2026.1"
    view = checklist_view(profile=profile, case_id=case_id)
    assert view.item("WARD-01").question.en == "Reworded WARD-01"
    assert view.answer("WARD-01") is C
    assert [(r.item_code, r.answer, r.template_version) for r in view.retired] == [
        ("BILL-02", N, "2026.1")
    ]
    assert view.checklists[0].upgrade is None
    (event,) = _events(profile, "checklist.migrated")
    assert event.detail == f"{CODE} 2026.1->2026.2 +1 -1 ~1"
    with profile.session() as s:
        assert checklist_item(s, case_id, "BILL-02").code == "BILL-02"  # retired, still readable
    with pytest.raises(ValueError, match="not newer"):
        migrate_checklist(profile=profile, case_id=case_id, template_code=CODE, to_version="2026.1")


def test_linked_evidence_is_listed_per_item(profile: OpenProfile, case_id: str) -> None:
    start_checklist(profile=profile, case_id=case_id, template_code=CODE)
    with profile.session() as s:
        evidence = EvidenceItem(
            case_id=case_id,
            kind=EvidenceKind.PHOTO,
            caption="病区床头卡照片",
            media_type="image/jpeg",
            size_bytes=10,
            sha256="0" * 64,
            captured_at=datetime(2026, 3, 2, tzinfo=UTC),
            captured_by="test.inspector",
        )
        s.add(evidence)
        s.flush()
        link(
            s,
            case_id,
            LinkRef(LinkKind.EVIDENCE, evidence.id),
            LinkRef(LinkKind.CHECKLIST_ITEM, "WARD-01"),
        )
    view = checklist_view(profile=profile, case_id=case_id)
    assert [e.caption for e in view.evidence["WARD-01"]] == ["病区床头卡照片"]
    assert "WARD-02" not in view.evidence


def test_templates_sharing_item_codes_cannot_both_be_started(
    profile: OpenProfile, case_id: str
) -> None:
    with profile.session() as s:
        store_templates(
            s, [factory.template(factory.document(code="test_thematic", thematic=True))]
        )
    start_checklist(profile=profile, case_id=case_id, template_code=CODE)
    with pytest.raises(ValueError, match="WARD-01"):
        start_checklist(profile=profile, case_id=case_id, template_code="test_thematic")
    with profile.read_session() as s:
        assert s.scalar(select(func.count()).select_from(CaseChecklist)) == 1


def test_view_offers_templates_and_a_default_for_the_institution(
    profile: OpenProfile, case_id: str
) -> None:
    view = checklist_view(profile=profile, case_id=case_id)
    assert not view.started
    assert view.institution_kind is InstitutionKind.HOSPITAL
    assert CODE in {c.code for c in view.choices}
    general = factory.template()
    thematic = factory.template(factory.document(code="test_dialysis", thematic=True))
    assert default_template_code(InstitutionKind.HOSPITAL, [thematic, general]) == CODE
    assert default_template_code(InstitutionKind.PHARMACY, [general]) is None
    assert default_template_code(None) is None
