"""The Qt-free services the shell reads through (they import no Qt; see tests/unit for the rest).

Kept beside the UI tests because they were written with the shell; they use no Qt and can
move to tests/unit/services unchanged.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from inspector_app import vocabulary
from inspector_app.i18n import set_language
from inspector_app.profiles import OpenProfile
from inspector_app.services.case_files import case_export_folder, list_case_files
from inspector_app.services.overview import TaskNotFoundError, inspection_overview
from inspector_app.services.settlement_summary import data_summary
from inspector_app.services.sync_status import pending_change_count, sync_overview
from inspector_app.services.tasks import list_tasks
from local_db import enums
from tests.ui import seed as world
from ui import formatting


def test_list_tasks_hides_the_target_of_sealed_tasks(
    profile: OpenProfile, seeded: dict[str, str]
) -> None:
    rows = {row.number: row for row in list_tasks(profile=profile)}
    assert list(rows) == [world.SEALED_TASK, world.OPEN_TASK, "RC-2025-031"]
    sealed = rows[world.SEALED_TASK]
    assert sealed.institution_name is None and sealed.institution_kind is None
    assert sealed.target_hidden and sealed.leader_name == "王建国"
    assert rows[world.OPEN_TASK].institution_name == world.HOSPITAL
    assert rows["RC-2025-031"].leader_name is None


def test_inspection_overview_counts_in_the_database(
    profile: OpenProfile, seeded: dict[str, str]
) -> None:
    overview = inspection_overview(profile=profile, task_id=seeded["open_task"])
    assert overview.institution is not None and overview.institution.name == world.HOSPITAL
    assert [m.role for m in overview.team] == [
        enums.TeamRole.LEADER,
        enums.TeamRole.MEMBER,
        enums.TeamRole.EXPERT,
    ]
    case = overview.case
    assert case is not None and case.number == world.CASE_NUMBER
    assert case.answer_counts[enums.ChecklistAnswer.COMPLIANT] == 5
    assert case.answer_counts[enums.ChecklistAnswer.NOT_APPLICABLE] == 0
    assert case.answered == 7
    assert case.findings_total_fen == 1_322_567
    assert len(case.interviews) == 1
    sealed = inspection_overview(profile=profile, task_id=seeded["sealed_task"])
    assert sealed.institution is None and sealed.case is None
    with pytest.raises(TaskNotFoundError):
        inspection_overview(profile=profile, task_id="nope")


def test_data_summary_uses_the_stored_counts(profile: OpenProfile, seeded: dict[str, str]) -> None:
    summary = data_summary(profile=profile)
    assert len(summary.batches) == 1
    assert summary.claim_count == 1_000_000
    assert summary.line_count == 10_234_567
    assert summary.total_fen == 123_456_789_012


def test_sync_overview_groups_the_outbox(profile: OpenProfile, seeded: dict[str, str]) -> None:
    overview = sync_overview(profile=profile, latest=5)
    assert overview.pending_total == pending_change_count(profile=profile)
    assert sum(group.count for group in overview.by_entity) == overview.pending_total
    assert {group.entity for group in overview.by_entity} >= {"inspection_task", "finding"}
    assert len(overview.latest) == 5
    assert [c.seq for c in overview.latest] == sorted(
        (c.seq for c in overview.latest), reverse=True
    )
    assert overview.server_url == "" and overview.signed_in_as == ""
    assert overview.failed == [] and overview.conflicts == [] and overview.parked == []
    assert overview.last_run is None and overview.last_contact is None


def test_case_files_find_their_exported_documents(
    profile: OpenProfile, seeded: dict[str, str]
) -> None:
    [case] = list_case_files(profile=profile)
    assert case.number == world.CASE_NUMBER and case.documents == []
    folder = case_export_folder(profile=profile, case_number=case.number)
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "笔录.pdf").write_bytes(b"x" * 10)
    (folder.parent / f"{case.number}-notice.pdf").write_bytes(b"y")
    (folder.parent / "unrelated.pdf").write_bytes(b"z")
    [case] = list_case_files(profile=profile)
    assert sorted(d.name for d in case.documents) == [f"{case.number}-notice.pdf", "笔录.pdf"]
    assert case_export_folder(profile=profile, case_number="A/B:C").name == "A_B_C"


def test_every_code_has_a_label_in_both_languages() -> None:
    labels = {
        enums.TaskType: vocabulary.task_type_label,
        enums.TaskOrigin: vocabulary.task_origin_label,
        enums.TaskStatus: vocabulary.task_status_label,
        enums.CaseStatus: vocabulary.case_status_label,
        enums.InstitutionKind: vocabulary.institution_kind_label,
        enums.InstitutionLevel: vocabulary.institution_level_label,
        enums.TeamRole: vocabulary.team_role_label,
        enums.UserRole: vocabulary.user_role_label,
        enums.ChecklistAnswer: vocabulary.checklist_answer_label,
        enums.OutboxOperation: vocabulary.outbox_operation_label,
    }
    for language in ("en", "zh_CN"):
        set_language(language)
        for enum, label in labels.items():
            for member in enum:
                assert label(member)  # type: ignore[operator]
    set_language("en")
    assert vocabulary.finding_status_label("unknown_code") == "unknown_code"
    assert vocabulary.sync_entity_label("finding") == "Finding"


def test_formatting() -> None:
    assert formatting.money(123_456_789) == "¥1,234,567.89"
    assert formatting.money(-5) == "-¥0.05"
    assert formatting.money(0) == "¥0.00"
    assert formatting.count(1_000_000) == "1,000,000"
    assert formatting.file_size(512) == "512 B"
    assert formatting.file_size(2048) == "2.0 KB"
    assert formatting.period("2025-01-01", "2025-12-31") == "2025-01-01 to 2025-12-31"
    when = datetime(2026, 3, 2, 1, 30, tzinfo=UTC)
    assert formatting.local_time(when) == when.astimezone().strftime("%Y-%m-%d %H:%M")
    assert formatting.local_time(None) == ""
