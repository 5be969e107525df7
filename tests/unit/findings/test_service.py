"""Findings in a real encrypted profile: create, change, link, withdraw, audit, access."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from inspector_app.casework.access import NotAllowedError
from inspector_app.casework.links import LinkRef
from inspector_app.findings.catalogue import UnknownViolationError
from inspector_app.findings.service import (
    FindingNotFoundError,
    create_finding,
    finding_detail,
    findings_of_case,
    findings_view,
    link_choices,
    link_finding,
    unlink_finding,
    update_finding,
    withdraw_finding,
)
from inspector_app.profiles import OpenProfile
from local_db.enums import CaseStatus, FindingStatus, Handling, LinkKind
from local_db.models import AuditLogEntry, Finding
from tests.unit.findings.world import act_as, make_case


def _events(profile: OpenProfile, case_id: str) -> list[tuple[str, str, str]]:
    with profile.read_session() as s:
        return [
            (e.action, e.entity_id, e.detail)
            for e in s.scalars(
                select(AuditLogEntry)
                .where(AuditLogEntry.case_id == case_id)
                .order_by(AuditLogEntry.id)
            )
        ]


def test_create_stores_everything(profile: OpenProfile) -> None:
    world = make_case(profile)
    finding_id = create_finding(
        profile=profile,
        case_id=world["case"],
        violation_code="art38.3",
        title="  血液透析重复收取血液滤过费用 ",
        description="抽查 120 份病历，40 份重复收费",
        amount_fen=1_234_567,
        handling=[Handling.PENALTY, Handling.RECOVERY],
        links=[
            LinkRef(LinkKind.CHECKLIST_ITEM, "HD-01"),
            LinkRef(LinkKind.EVIDENCE, world["evidence"]),
            LinkRef(LinkKind.CLAIM, "JS2025000123"),
        ],
    )
    with profile.read_session() as s:
        row = s.get(Finding, finding_id)
        assert row is not None
        assert row.title == "血液透析重复收取血液滤过费用"
        assert row.amount_fen == 1_234_567
        assert json.loads(row.handling) == ["recovery", "penalty"]
        assert row.legal_basis.endswith("Art. 38(3)")
        assert row.status == FindingStatus.DRAFT
    [listed] = findings_of_case(profile=profile, case_id=world["case"])
    assert listed.id == finding_id
    assert listed.handling == (Handling.RECOVERY, Handling.PENALTY)
    assert listed.links.checklist_items == ("HD-01",)
    assert listed.links.evidence == (world["evidence"],)
    assert listed.links.claims == ("JS2025000123",)
    assert listed.links.count == 3
    actions = [a for a, _, _ in _events(profile, world["case"])]
    assert actions == ["finding.created"] + ["finding.linked"] * 3
    assert all("血液" not in detail for _, _, detail in _events(profile, world["case"]))


def test_validation(profile: OpenProfile) -> None:
    world = make_case(profile)
    base = {"profile": profile, "case_id": world["case"], "violation_code": "art38.1"}
    with pytest.raises(ValueError, match="title"):
        create_finding(**base, title="   ")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="negative"):
        create_finding(**base, title="x", amount_fen=-1)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        create_finding(**base, title="x", amount_fen=12.5)  # type: ignore[arg-type]
    with pytest.raises(UnknownViolationError):
        create_finding(profile=profile, case_id=world["case"], violation_code="x", title="x")
    with pytest.raises(ValueError, match="data-quality"):
        create_finding(
            profile=profile,
            case_id=world["case"],
            violation_code="dq",
            title="编码映射错误",
            handling=[Handling.PENALTY],
        )
    with pytest.raises(LookupError):
        create_finding(
            **base,  # type: ignore[arg-type]
            title="x",
            links=[LinkRef(LinkKind.EVIDENCE, "no-such-evidence")],
        )
    assert findings_of_case(profile=profile, case_id=world["case"]) == []


def test_update_changes_fields_links_and_legal_basis(profile: OpenProfile) -> None:
    world = make_case(profile)
    finding_id = create_finding(
        profile=profile,
        case_id=world["case"],
        violation_code="art38.3",
        title="重复收费",
        legal_basis="《条例》第三十八条第三项；本地协议第十条",
        links=[LinkRef(LinkKind.CHECKLIST_ITEM, "HD-01")],
    )
    row = update_finding(
        profile=profile,
        finding_id=finding_id,
        violation_code="art40.3",
        amount_fen=500_00,
        status=FindingStatus.CONFIRMED,
        links=[LinkRef(LinkKind.EVIDENCE, world["evidence"])],
    )
    assert row.violation_code == "art40.3"
    assert row.legal_basis.startswith("Regulation on the Supervision of Medical Security Funds")
    assert "本地协议第十条" in row.legal_basis
    assert row.amount_fen == 50_000
    assert row.status is FindingStatus.CONFIRMED
    assert row.links.checklist_items == ()
    assert row.links.evidence == (world["evidence"],)
    events = _events(profile, world["case"])
    assert ("finding.status", finding_id, "draft->confirmed") in events
    assert ("finding.unlinked", finding_id, "checklist_item:HD-01") in events
    # Changing to data quality drops the handling, it is not a violation.
    row = update_finding(profile=profile, finding_id=finding_id, violation_code="dq")
    assert row.handling == ()


def test_link_and_unlink(profile: OpenProfile) -> None:
    world = make_case(profile)
    finding_id = create_finding(
        profile=profile, case_id=world["case"], violation_code="art38.2", title="超量开药"
    )
    link_finding(profile=profile, finding_id=finding_id, target=LinkRef(LinkKind.CLAIM, "JS-1"))
    link_finding(profile=profile, finding_id=finding_id, target=LinkRef(LinkKind.CLAIM, "JS-1"))
    assert finding_detail(profile=profile, finding_id=finding_id).links.claims == ("JS-1",)
    assert unlink_finding(
        profile=profile, finding_id=finding_id, target=LinkRef(LinkKind.CLAIM, "JS-1")
    )
    assert not unlink_finding(
        profile=profile, finding_id=finding_id, target=LinkRef(LinkKind.CLAIM, "JS-1")
    )
    assert finding_detail(profile=profile, finding_id=finding_id).links.count == 0


def test_withdraw_keeps_the_row(profile: OpenProfile) -> None:
    world = make_case(profile)
    kept = create_finding(
        profile=profile,
        case_id=world["case"],
        violation_code="art38.1",
        title="挂床",
        amount_fen=100,
    )
    gone = create_finding(
        profile=profile,
        case_id=world["case"],
        violation_code="art38.2",
        title="超量",
        amount_fen=50,
    )
    row = withdraw_finding(profile=profile, finding_id=gone, reason="经核实系录入错误")
    assert row.status is FindingStatus.WITHDRAWN
    assert "经核实系录入错误" in row.description
    view = findings_view(profile=profile, case_id=world["case"])
    assert [r.id for r in view.rows] == [kept, gone]
    assert view.total_fen == 100
    with profile.read_session() as s:
        assert s.get(Finding, gone).deleted_at is None  # type: ignore[union-attr]
    assert ("finding.withdrawn", gone, "draft->withdrawn") in _events(profile, world["case"])
    with pytest.raises(FindingNotFoundError):
        finding_detail(profile=profile, finding_id="nope")


def test_social_supervisor_cannot_record(profile: OpenProfile) -> None:
    world = make_case(profile)
    act_as(profile, world["supervisor"])
    with pytest.raises(NotAllowedError):
        create_finding(profile=profile, case_id=world["case"], violation_code="art38.1", title="x")
    assert not findings_view(profile=profile, case_id=world["case"]).can_record


def test_closed_case_is_read_only(profile: OpenProfile) -> None:
    world = make_case(profile, status=CaseStatus.CLOSED)
    with pytest.raises(NotAllowedError):
        create_finding(profile=profile, case_id=world["case"], violation_code="art38.1", title="x")


def test_link_choices_put_non_compliant_first(profile: OpenProfile) -> None:
    world = make_case(profile)
    choices = link_choices(profile=profile, case_id=world["case"])
    assert [c.item_code for c in choices.checklist] == ["HD-01", "HD-02"]
    assert [e.id for e in choices.evidence] == [world["evidence"]]
