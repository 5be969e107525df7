"""A case's checklists: pin a template version, answer items, read everything in one view.

A case is pinned to the template version it started with (``CaseChecklist``), and the
questions it shows come from the stored copy of that version (``ChecklistTemplate.content``),
never from the files: a newer file cannot change what an answered question said. Every
change is filed in the case's history (codes only, never free text).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from inspector_app.casework.access import case_access, record_case_event, require_recording
from inspector_app.checklists.diff import diff_templates
from inspector_app.checklists.templates import (
    Item,
    Template,
    parse_template,
    shipped_templates,
    version_key,
)
from inspector_app.checklists.view import (
    ChecklistView,
    EvidenceLink,
    PinnedChecklist,
    RetiredAnswer,
    TemplateChoice,
)
from inspector_app.i18n import _
from inspector_app.profiles import OpenProfile
from local_db.enums import ChecklistAnswer, InstitutionKind, LinkKind
from local_db.models import (
    CaseChecklist,
    CaseFile,
    CaseLink,
    ChecklistResponse,
    ChecklistTemplate,
    EvidenceItem,
    Finding,
    InspectionTask,
    Institution,
)
from local_db.types import utc_now


class ChecklistNotStartedError(LookupError):
    """The case has no pinned checklist holding that item or template."""


# ------------------------------------------------------------------ stored templates


@lru_cache(maxsize=32)
def _parse_stored(content: str, name: str) -> Template:
    # Stored copies skip the catalogue check: a later catalogue must not break an old case.
    return parse_template(content, name, violation_codes=None)


def stored_template(session: Session, code: str, version: str) -> Template:
    """The stored copy of ``code`` at ``version`` (what pinned cases read), else the shipped one.

    Raises:
        LookupError: the version is neither stored in this profile nor shipped.
    """
    row = session.scalar(
        select(ChecklistTemplate).where(
            ChecklistTemplate.code == code, ChecklistTemplate.version == version
        )
    )
    if row is not None:
        return _parse_stored(row.content, f"{code}-{version} (stored)")
    # A case pinned on another laptop arrives by sync without the template it names; the
    # application ships every released version (a version never changes once released).
    for template in shipped_templates():
        if (template.code, template.version) == (code, version):
            return template
    raise LookupError(
        _("Checklist template {code} version {version} is not stored in this profile.").format(
            code=code, version=version
        )
    )


def store_templates(session: Session, templates: Iterable[Template]) -> int:
    """Store the (code, version) pairs not stored yet; stored ones are never modified.

    Returns:
        how many versions were added.
    """
    stored = {
        (code, version)
        for code, version in session.execute(
            select(ChecklistTemplate.code, ChecklistTemplate.version)
        )
    }
    added = 0
    for template in templates:
        if (template.code, template.version) in stored:
            continue
        session.add(
            ChecklistTemplate(
                code=template.code,
                version=template.version,
                title=template.title.zh_CN[:128],
                institution_kind=template.applies_to[0] if len(template.applies_to) == 1 else None,
                content=template.source_text,
                sha256=template.sha256,
                published_at=utc_now(),
            )
        )
        stored.add((template.code, template.version))
        added += 1
    if added:
        session.flush()
    return added


def store_shipped_templates(session: Session) -> int:
    """Store every shipped template version this profile does not hold yet."""
    return store_templates(session, shipped_templates())


def newest_versions(session: Session) -> dict[str, tuple[str, Template | None]]:
    """For each template code, the newest version among shipped and stored ones.

    The value's Template is the shipped one when the newest is shipped, else None (the
    caller reads the stored copy only when it needs it).
    """
    newest: dict[str, tuple[str, Template | None]] = {}
    for code, version in session.execute(select(ChecklistTemplate.code, ChecklistTemplate.version)):
        if code not in newest or version_key(version) > version_key(newest[code][0]):
            newest[code] = (version, None)
    for template in shipped_templates():
        known = newest.get(template.code)
        if known is None or template.version_key >= version_key(known[0]):
            newest[template.code] = (template.version, template)
    return newest


def _newest_template(session: Session, code: str) -> Template | None:
    found = newest_versions(session).get(code)
    if found is None:
        return None
    version, template = found
    return template if template is not None else stored_template(session, code, version)


def default_template_code(
    institution_kind: InstitutionKind | None, templates: Iterable[Template] | None = None
) -> str | None:
    """The general (non-thematic) template for an institution kind, if one is shipped.

    Among several, the one written for that kind alone wins over a shared one.
    """
    if institution_kind is None:
        return None
    candidates = [
        t
        for t in (shipped_templates() if templates is None else templates)
        if not t.thematic and institution_kind in t.applies_to
    ]
    if not candidates:
        return None
    return min(candidates, key=lambda t: (len(t.applies_to), t.code)).code


# ----------------------------------------------------------------------------- reads


def _institution_kind(session: Session, case_id: str) -> InstitutionKind | None:
    return session.scalar(
        select(Institution.kind)
        .join(InspectionTask, InspectionTask.institution_id == Institution.id)
        .join(CaseFile, CaseFile.task_id == InspectionTask.id)
        .where(CaseFile.id == case_id)
    )


def _pins(session: Session, case_id: str) -> list[CaseChecklist]:
    return list(
        session.scalars(
            select(CaseChecklist)
            .where(CaseChecklist.case_id == case_id, CaseChecklist.deleted_at.is_(None))
            .order_by(CaseChecklist.created_at, CaseChecklist.template_code)
        )
    )


def pinned_templates(session: Session, case_id: str) -> list[Template]:
    """The stored template versions the case is pinned to, in the order started."""
    return [
        stored_template(session, p.template_code, p.template_version)
        for p in _pins(session, case_id)
    ]


def _evidence(session: Session, case_id: str) -> dict[str, tuple[EvidenceLink, ...]]:
    rows = session.execute(
        select(
            CaseLink.target_ref,
            EvidenceItem.id,
            EvidenceItem.caption,
            EvidenceItem.kind,
            EvidenceItem.withdrawn_at,
        )
        .join(EvidenceItem, EvidenceItem.id == CaseLink.source_id)
        .where(
            CaseLink.case_id == case_id,
            CaseLink.source_kind == LinkKind.EVIDENCE,
            CaseLink.target_kind == LinkKind.CHECKLIST_ITEM,
            CaseLink.deleted_at.is_(None),
            EvidenceItem.deleted_at.is_(None),
        )
        .order_by(CaseLink.created_at)
    )
    found: dict[str, list[EvidenceLink]] = {}
    for code, evidence_id, caption, kind, withdrawn_at in rows:
        found.setdefault(code, []).append(
            EvidenceLink(evidence_id, caption, kind, withdrawn_at is not None)
        )
    return {code: tuple(links) for code, links in found.items()}


def _findings(session: Session, case_id: str) -> dict[str, int]:
    rows = session.execute(
        select(CaseLink.target_ref, func.count())
        .join(Finding, Finding.id == CaseLink.source_id)
        .where(
            CaseLink.case_id == case_id,
            CaseLink.source_kind == LinkKind.FINDING,
            CaseLink.target_kind == LinkKind.CHECKLIST_ITEM,
            CaseLink.deleted_at.is_(None),
            Finding.deleted_at.is_(None),
        )
        .group_by(CaseLink.target_ref)
    )
    return {code: int(n) for code, n in rows}


def _choices(
    session: Session, newest: dict[str, tuple[str, Template | None]]
) -> tuple[TemplateChoice, ...]:
    choices = []
    for code, (version, shipped) in sorted(newest.items()):
        template = shipped or stored_template(session, code, version)
        choices.append(
            TemplateChoice(
                code=code,
                version=version,
                title=template.title,
                applies_to=template.applies_to,
                thematic=template.thematic,
                item_count=len(template.items_by_code),
            )
        )
    return tuple(choices)


def read_view(session: Session, profile: OpenProfile, case_id: str) -> ChecklistView:
    """:func:`checklist_view` inside an open session."""
    access = case_access(session, profile, case_id)
    newest = newest_versions(session)
    pinned: list[PinnedChecklist] = []
    for template in pinned_templates(session, case_id):
        upgrade = None
        version, shipped = newest.get(template.code, (template.version, None))
        if version_key(version) > template.version_key:
            target = shipped or stored_template(session, template.code, version)
            upgrade = diff_templates(template, target)
        pinned.append(PinnedChecklist(template, upgrade))
    codes = {code for p in pinned for code in p.template.items_by_code}
    answers: dict[str, ChecklistAnswer] = {}
    notes: dict[str, str] = {}
    retired: list[RetiredAnswer] = []
    for response in session.scalars(
        select(ChecklistResponse)
        .where(ChecklistResponse.case_id == case_id, ChecklistResponse.deleted_at.is_(None))
        .order_by(ChecklistResponse.item_code)
    ):
        if response.item_code in codes:
            answers[response.item_code] = response.answer
            if response.note:
                notes[response.item_code] = response.note
        else:
            retired.append(
                RetiredAnswer(
                    response.item_code,
                    response.template_code,
                    response.template_version,
                    response.answer,
                    response.note,
                )
            )
    kind = _institution_kind(session, case_id)
    return ChecklistView(
        case_id=case_id,
        can_record=access.can_record,
        institution_kind=kind,
        checklists=tuple(pinned),
        answers=answers,
        notes=notes,
        evidence=_evidence(session, case_id),
        findings=_findings(session, case_id),
        retired=tuple(retired),
        choices=_choices(session, newest),
        default_choice=default_template_code(kind),
    ).derive()


def checklist_view(*, profile: OpenProfile, case_id: str) -> ChecklistView:
    """Everything the checklist screen shows for ``case_id``, in one read.

    Raises:
        CaseNotFoundError: no such case.
    """
    with profile.read_session() as session:
        return read_view(session, profile, case_id)


def checklist_item(session: Session, case_id: str, item_code: str) -> Item:
    """Item ``item_code`` as the case has it pinned (question, legal basis, violations).

    An item retired by a migration is read from the version its answer was given under.

    Raises:
        ChecklistNotStartedError: no pinned checklist (nor answer) of the case has the item.
    """
    for template in pinned_templates(session, case_id):
        found = template.items_by_code.get(item_code)
        if found is not None:
            return found
    response = session.scalar(
        select(ChecklistResponse).where(
            ChecklistResponse.case_id == case_id, ChecklistResponse.item_code == item_code
        )
    )
    if response is not None:
        try:
            template = stored_template(session, response.template_code, response.template_version)
            return template.item(item_code)
        except LookupError:
            pass
    raise ChecklistNotStartedError(
        _("Item {code} is not part of this case's checklist.").format(code=item_code)
    )


# ---------------------------------------------------------------------------- writes


def check_codes_free(session: Session, case_id: str, template: Template) -> None:
    """Refuse a template whose item codes another pinned template of the case already uses.

    Answers are unique per (case, item code), so two checklists of one case must not share
    codes; template authors give each template its own section codes.
    """
    for other in pinned_templates(session, case_id):
        if other.code == template.code:
            continue
        shared = sorted(set(other.items_by_code) & set(template.items_by_code))
        if shared:
            raise ValueError(
                _(
                    "Checklist {new} cannot be added: its items {codes} are already used by "
                    "checklist {old} in this case."
                ).format(new=template.code, old=other.code, codes=", ".join(shared[:5]))
            )


def start_checklist(*, profile: OpenProfile, case_id: str, template_code: str) -> ChecklistView:
    """Pin the newest version of ``template_code`` to the case (nothing if already pinned).

    Raises:
        NotAllowedError: the user may not record in this case.
        LookupError: no such template.
        ValueError: the template's item codes clash with another checklist of the case.
    """
    with profile.session() as session:
        require_recording(session, profile, case_id)
        store_shipped_templates(session)
        pin = session.scalar(
            select(CaseChecklist).where(
                CaseChecklist.case_id == case_id, CaseChecklist.template_code == template_code
            )
        )
        if pin is None or pin.deleted_at is not None:
            template = _newest_template(session, template_code)
            if template is None:
                raise LookupError(
                    _("No checklist template {code} is installed.").format(code=template_code)
                )
            template = stored_template(session, template.code, template.version)
            check_codes_free(session, case_id, template)
            if pin is None:
                pin = CaseChecklist(case_id=case_id, template_code=template_code)
                session.add(pin)
            pin.deleted_at = pin.deleted_by = None
            pin.template_version = template.version
            pin.template_sha256 = template.sha256
            session.flush()
            record_case_event(
                profile,
                session,
                case_id,
                "checklist.started",
                entity="case_checklist",
                entity_id=pin.id,
                detail=f"{template.code} {template.version}",
            )
    return checklist_view(profile=profile, case_id=case_id)


def _pinned_item(session: Session, case_id: str, item_code: str) -> Template:
    for template in pinned_templates(session, case_id):
        if item_code in template.items_by_code:
            return template
    raise ChecklistNotStartedError(
        _("Item {code} is not part of this case's checklist.").format(code=item_code)
    )


def _response(session: Session, case_id: str, item_code: str) -> ChecklistResponse | None:
    return session.scalar(
        select(ChecklistResponse).where(
            ChecklistResponse.case_id == case_id, ChecklistResponse.item_code == item_code
        )
    )


def _write_response(
    *,
    profile: OpenProfile,
    case_id: str,
    item_code: str,
    answer: ChecklistAnswer | None,
    note: str | None,
) -> None:
    """Create or update the answer row; audit what changed (codes only)."""
    with profile.session() as session:
        require_recording(session, profile, case_id)
        template = _pinned_item(session, case_id, item_code)
        response = _response(session, case_id, item_code)
        before = (
            response.answer
            if response is not None and response.deleted_at is None
            else ChecklistAnswer.UNCHECKED
        )
        old_note = response.note if response is not None and response.deleted_at is None else ""
        new_answer = before if answer is None else answer
        new_note = old_note if note is None else note
        if (new_answer, new_note) == (before, old_note) and (
            response is None or response.template_version == template.version
        ):
            return
        if response is None:
            response = ChecklistResponse(case_id=case_id, item_code=item_code)
            session.add(response)
        response.deleted_at = response.deleted_by = None
        response.template_code = template.code
        response.template_version = template.version
        response.answer = new_answer
        response.note = new_note
        session.flush()
        if new_answer != before:
            record_case_event(
                profile,
                session,
                case_id,
                "checklist.answered",
                entity="checklist_response",
                entity_id=response.id,
                detail=f"{item_code} {before.value}->{new_answer.value}",
            )
        if new_note != old_note:
            record_case_event(
                profile,
                session,
                case_id,
                "checklist.note",
                entity="checklist_response",
                entity_id=response.id,
                detail=item_code,
            )


def answer_item(
    *,
    profile: OpenProfile,
    case_id: str,
    item_code: str,
    answer: ChecklistAnswer,
    note: str | None = None,
) -> ChecklistView:
    """Answer item ``item_code`` (and replace its note unless ``note`` is None).

    Raises:
        NotAllowedError: the user may not record in this case.
        ChecklistNotStartedError: no pinned checklist of the case has the item.
    """
    _write_response(profile=profile, case_id=case_id, item_code=item_code, answer=answer, note=note)
    return checklist_view(profile=profile, case_id=case_id)


def set_note(*, profile: OpenProfile, case_id: str, item_code: str, note: str) -> ChecklistView:
    """Replace the note of item ``item_code`` (its answer stays as it is)."""
    _write_response(
        profile=profile, case_id=case_id, item_code=item_code, answer=None, note=note.strip()
    )
    return checklist_view(profile=profile, case_id=case_id)
