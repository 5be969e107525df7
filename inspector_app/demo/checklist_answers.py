"""Demo checklist answers written against the real shipped templates.

Each demo case is pinned to the stored version of its template, like a case started in the
application; a closed case has every visible item answered, an open one about two thirds.
The item that best matches a finding's violation type is answered non-compliant and linked
to the finding, so the demo shows the path from answer to finding.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from inspector_app.checklists.service import store_shipped_templates, stored_template
from inspector_app.checklists.templates import Template, shipped_templates
from inspector_app.checklists.view import item_visible
from local_db.enums import ChecklistAnswer, LinkKind
from local_db.models import CaseChecklist, CaseLink, ChecklistResponse

OPEN_CASE_SHARE = 2 / 3


def _newest(code: str) -> Template:
    candidates = [t for t in shipped_templates() if t.code == code]
    return max(candidates, key=lambda t: t.version_key)


def _non_compliant_items(template: Template, violation_codes: Sequence[str]) -> dict[str, str]:
    """For each violation code, the first unconditional item that names it (code → item)."""
    chosen: dict[str, str] = {}
    for code in violation_codes:
        for rank in (0, None):  # an item naming it first, else any item naming it
            match = next(
                (
                    item.code
                    for item in template.items()
                    if item.condition is None
                    and item.code not in chosen.values()
                    and (item.violations[:1] == (code,) if rank == 0 else code in item.violations)
                ),
                None,
            )
            if match is not None:
                chosen[code] = match
                break
    return chosen


def answer_demo_checklist(
    session: Session,
    *,
    case_id: str,
    template_code: str,
    complete: bool,
    findings: Sequence[tuple[str, str]],
) -> None:
    """Pin ``template_code`` to the case and answer it; link findings to their items.

    Args:
        complete: answer every visible item (else about two thirds, the rest still open).
        findings: ``(finding id, violation code)`` pairs to tie to non-compliant answers.
    """
    store_shipped_templates(session)
    newest = _newest(template_code)
    template = stored_template(session, newest.code, newest.version)
    session.add(
        CaseChecklist(
            case_id=case_id,
            template_code=template.code,
            template_version=template.version,
            template_sha256=template.sha256,
        )
    )
    failing = _non_compliant_items(template, [code for _, code in findings])
    failing_items = set(failing.values())
    items = list(template.items())
    limit = len(items) if complete else int(len(items) * OPEN_CASE_SHARE)
    answers: dict[str, ChecklistAnswer] = {}
    visible: set[str] = set()
    for position, item in enumerate(items):
        if not item_visible(item, visible, answers):
            continue
        visible.add(item.code)
        if position >= limit and item.code not in failing_items:
            continue
        if item.code in failing_items:
            answer, note = ChecklistAnswer.NON_COMPLIANT, "现场核查发现问题，见问题清单。"
        else:
            answer, note = ChecklistAnswer.COMPLIANT, ""
        answers[item.code] = answer
        session.add(
            ChecklistResponse(
                case_id=case_id,
                template_code=template.code,
                template_version=template.version,
                item_code=item.code,
                answer=answer,
                note=note,
            )
        )
    for finding_id, code in findings:
        if code in failing:
            session.add(
                CaseLink(
                    case_id=case_id,
                    source_kind=LinkKind.FINDING,
                    source_id=finding_id,
                    target_kind=LinkKind.CHECKLIST_ITEM,
                    target_ref=failing[code],
                )
            )
