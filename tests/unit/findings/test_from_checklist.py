"""A non-compliant checklist answer becomes a finding in one action."""

from __future__ import annotations

import importlib.util

import pytest
from sqlalchemy import select

from inspector_app import i18n
from inspector_app.casework.links import LinkRef, link
from inspector_app.findings.catalogue import violation
from inspector_app.findings.service import (
    draft_from_item,
    finding_detail,
    finding_from_checklist_item,
    findings_of_case,
    withdraw_finding,
)
from inspector_app.legal import ArticleRef, format_article
from inspector_app.profiles import OpenProfile
from local_db.enums import ChecklistAnswer, FindingStatus, LinkKind
from local_db.models import AuditLogEntry
from tests.unit.findings.world import make_case


def test_draft_takes_question_first_code_and_both_legal_bases() -> None:
    draft = draft_from_item(
        item_code="HD-03",
        question="血液透析是否存在重复收费？",
        violation_codes=["art38.3", "art40.3"],
        legal_basis=[ArticleRef("local", 12, note="医保服务协议")],
        note="抽查 20 份，3 份重复",
    )
    assert draft.violation_code == "art38.3"
    assert draft.title == "血液透析是否存在重复收费？"
    assert draft.description == "抽查 20 份，3 份重复"
    assert draft.handling == violation("art38.3").handling
    catalogue_part, item_part = draft.legal_basis.split("；")
    assert catalogue_part.endswith("Art. 38(3)")
    assert "Local rules" in item_part


def test_draft_without_codes_falls_back_to_art38_7() -> None:
    draft = draft_from_item(
        item_code="HD-09", question="", violation_codes=["art99.9"], legal_basis=[]
    )
    assert draft.violation_code == "art38.7"
    assert "HD-09" in draft.title


def test_draft_legal_basis_is_not_repeated() -> None:
    i18n.set_language("zh_CN")
    draft = draft_from_item(
        item_code="X",
        question="q",
        violation_codes=["art38.1"],
        legal_basis=[ArticleRef("regulation", 38, 1)],
    )
    assert draft.legal_basis == format_article(ArticleRef("regulation", 38, 1))
    assert draft.legal_basis.endswith("第三十八条第一项")


def test_one_action_links_item_and_its_evidence(profile: OpenProfile) -> None:
    world = make_case(profile)
    with profile.session() as s:
        # The evidence tab links evidence → checklist item.
        link(
            s,
            world["case"],
            LinkRef(LinkKind.EVIDENCE, world["evidence"]),
            LinkRef(LinkKind.CHECKLIST_ITEM, "HD-01"),
        )
    finding_id = finding_from_checklist_item(
        profile=profile, case_id=world["case"], item_code="HD-01", amount_fen=88_000
    )
    row = finding_detail(profile=profile, finding_id=finding_id)
    assert row.status is FindingStatus.DRAFT
    assert row.amount_fen == 88_000
    assert row.description == "透析记录与收费明细不符"  # the answer's note
    assert row.links.checklist_items == ("HD-01",)
    assert row.links.evidence == (world["evidence"],)
    assert row.handling  # the catalogue's default
    # Again: the same finding, not a second one.
    assert (
        finding_from_checklist_item(profile=profile, case_id=world["case"], item_code="HD-01")
        == finding_id
    )
    assert len(findings_of_case(profile=profile, case_id=world["case"])) == 1
    with profile.read_session() as s:
        actions = list(s.scalars(select(AuditLogEntry.action)))
    assert actions.count("finding.created_from_checklist") == 1
    # A withdrawn finding does not block a new one.
    withdraw_finding(profile=profile, finding_id=finding_id)
    again = finding_from_checklist_item(profile=profile, case_id=world["case"], item_code="HD-01")
    assert again != finding_id


@pytest.mark.skipif(
    importlib.util.find_spec("inspector_app.checklists.service") is None,
    reason="inspector_app.checklists.service (checklist_item) is not merged yet",
)
def test_with_a_shipped_template(profile: OpenProfile) -> None:
    from inspector_app.checklists import service as checklists
    from inspector_app.checklists.templates import shipped_templates

    templates = [t for t in shipped_templates() if any(i.violations for i in t.items())]
    if not templates:
        pytest.skip("no shipped checklist template names violation codes yet")
    template = templates[-1]
    item = next(i for i in template.items() if i.violations and i.condition is None)
    world = make_case(profile, answers=False)
    checklists.start_checklist(profile=profile, case_id=world["case"], template_code=template.code)
    checklists.answer_item(
        profile=profile,
        case_id=world["case"],
        item_code=item.code,
        answer=ChecklistAnswer.NON_COMPLIANT,
        note="现场核查不符",
    )
    finding_id = finding_from_checklist_item(
        profile=profile, case_id=world["case"], item_code=item.code
    )
    row = finding_detail(profile=profile, finding_id=finding_id)
    assert row.title == " ".join(item.question.text().split())[:256]
    assert row.violation_code == item.violations[0]
    assert row.description == "现场核查不符"
    assert row.links.checklist_items == (item.code,)
    for ref in item.legal_basis:
        assert format_article(ref) in row.legal_basis
