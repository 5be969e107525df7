"""Interview records: ordered Q&A with tombstones, validation, warnings, masked identifiers."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from inspector_app.casework.access import NotAllowedError
from inspector_app.interviews.service import (
    QA,
    InterviewInput,
    create_interview,
    interview_detail,
    interview_editor_data,
    interviews_of_case,
    resident_id_valid,
    transcript,
    update_interview,
)
from inspector_app.privacy import mask_identifier
from inspector_app.profiles import OpenProfile
from local_db.models import AuditLogEntry, InterviewEntry
from tests.unit.findings.world import act_as, make_case

START = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
ID_NUMBER = "11010519491231002X"


def _input(world: dict[str, str], **changes: object) -> InterviewInput:
    data = InterviewInput(
        interviewee_name="陈 护士长",
        interviewee_role="血透室护士长",
        interviewee_organisation="康宁医院",
        interviewee_id_type="resident_id",
        interviewee_id_number=ID_NUMBER,
        interviewee_phone="13812345678",
        inspectors_present=(world["leader"], world["member"]),
        recorder_id=world["member"],
        location="血透中心办公室",
        started_at=START,
        ended_at=START + timedelta(minutes=45),
        entries=(
            QA("你在血透室工作多久了？", "八年。"),
            QA("血液滤过是否每次都做？", "不是，医生开了才做。"),
        ),
    )
    return replace(data, **changes)  # type: ignore[arg-type]


def test_mask_identifier() -> None:
    assert mask_identifier("110105194912310021") == "110***********0021"
    assert mask_identifier("13812345678") == "138****5678"
    assert mask_identifier("E1234567") == "E12*4567"
    assert mask_identifier("AB123") == "A**23"
    assert mask_identifier("1234") == "****"
    assert mask_identifier("") == ""
    assert resident_id_valid(ID_NUMBER)
    assert not resident_id_valid("110105194912310021")


def test_create_and_read_in_order(profile: OpenProfile) -> None:
    world = make_case(profile)
    interview_id = create_interview(profile=profile, case_id=world["case"], data=_input(world))
    detail = interview_detail(profile=profile, interview_id=interview_id)
    assert detail.interviewee_name == "陈 护士长"
    assert [e.question for e in detail.entries] == [
        "你在血透室工作多久了？",
        "血液滤过是否每次都做？",
    ]
    assert detail.interviewee_id_number == "110***********002X"
    assert detail.interviewee_phone == "138****5678"
    assert not detail.revealed
    assert detail.warnings == ()
    assert detail.inspector_names == ("王建国", "李敏")
    revealed = interview_detail(profile=profile, interview_id=interview_id, reveal=True)
    assert revealed.interviewee_id_number == ID_NUMBER
    [summary] = interviews_of_case(profile=profile, case_id=world["case"])
    assert summary.question_count == 2
    assert summary.id_number_masked == "110***********002X"
    assert detail.transcript().startswith("Q: 你在血透室工作多久了？\nA: 八年。")
    with profile.read_session() as s:
        details = " ".join(s.scalars(select(AuditLogEntry.detail)))
    assert ID_NUMBER not in details
    assert "陈" not in details


def test_reorder_add_remove_with_tombstones(profile: OpenProfile) -> None:
    world = make_case(profile)
    interview_id = create_interview(profile=profile, case_id=world["case"], data=_input(world))
    first, second = interview_detail(profile=profile, interview_id=interview_id).entries
    update_interview(
        profile=profile,
        interview_id=interview_id,
        data=_input(
            world,
            entries=(
                QA(second.question, "医生开了才做。", second.id),
                QA("谁负责录入收费？", "护士站。"),
            ),
        ),
    )
    entries = interview_detail(profile=profile, interview_id=interview_id).entries
    assert [e.question for e in entries] == ["血液滤过是否每次都做？", "谁负责录入收费？"]
    assert entries[0].id == second.id
    assert entries[0].answer == "医生开了才做。"
    with profile.read_session() as s:
        removed = s.get(InterviewEntry, first.id)
        assert removed is not None
        assert removed.deleted_at is not None
        positions = [
            e.position
            for e in s.scalars(
                select(InterviewEntry)
                .where(InterviewEntry.deleted_at.is_(None))
                .order_by(InterviewEntry.position)
            )
        ]
    assert positions == [1, 2]


def test_validation(profile: OpenProfile) -> None:
    world = make_case(profile)
    with pytest.raises(ValueError, match="name"):
        create_interview(
            profile=profile, case_id=world["case"], data=_input(world, interviewee_name=" ")
        )
    with pytest.raises(ValueError, match="end before"):
        create_interview(
            profile=profile,
            case_id=world["case"],
            data=_input(world, ended_at=START - timedelta(minutes=1)),
        )
    with pytest.raises(ValueError, match="team"):
        create_interview(
            profile=profile,
            case_id=world["case"],
            data=_input(world, inspectors_present=(world["leader"], "stranger")),
        )
    assert interviews_of_case(profile=profile, case_id=world["case"]) == []


def test_draft_with_one_inspector_is_saved_with_a_warning(profile: OpenProfile) -> None:
    world = make_case(profile)
    interview_id = create_interview(
        profile=profile,
        case_id=world["case"],
        data=_input(world, inspectors_present=(world["leader"],), ended_at=None, entries=()),
    )
    warnings = interview_detail(profile=profile, interview_id=interview_id).warnings
    assert any("two inspectors" in w for w in warnings)
    assert any("end time" in w for w in warnings)
    assert any("recorder" in w for w in warnings)
    assert any("questions" in w for w in warnings)
    [summary] = interviews_of_case(profile=profile, case_id=world["case"])
    assert len(summary.warnings) == 4


def test_social_supervisor_never_sees_identifiers(profile: OpenProfile) -> None:
    world = make_case(profile)
    interview_id = create_interview(profile=profile, case_id=world["case"], data=_input(world))
    act_as(profile, world["supervisor"])
    detail = interview_detail(profile=profile, interview_id=interview_id, reveal=True)
    assert ID_NUMBER[-4:] not in detail.interviewee_id_number
    assert "5678" not in detail.interviewee_phone
    assert not detail.revealed
    assert not detail.can_record
    [summary] = interviews_of_case(profile=profile, case_id=world["case"])
    assert ID_NUMBER[-4:] not in summary.id_number_masked
    editor = interview_editor_data(profile=profile, case_id=world["case"])
    assert not editor.sees_identifiers
    assert world["supervisor"] not in [c.inspector_id for c in editor.team]
    with pytest.raises(NotAllowedError):
        update_interview(profile=profile, interview_id=interview_id, data=_input(world))


def test_transcript_in_chinese() -> None:
    from inspector_app import i18n

    i18n.set_language("zh_CN")
    text = transcript([QA("问题一", "回答一"), QA("问题二", "")])
    # Once the catalog translates the prefixes they read 问：/答：; the structure is fixed.
    assert text.count("\n\n") == 1
    assert "问题一\n" in text
