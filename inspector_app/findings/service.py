"""Findings of a case: create, change, link to what they rest on, withdraw (never delete).

A finding names a violation type of the catalogue, the amount involved (integer fen), the
proposed handling and the records it rests on: checklist items, evidence, settlement
numbers and interview records, held as case links (``inspector_app.casework.links``). Every
change is filed in the case history with codes and ids only.

A non-compliant checklist answer becomes a finding in one action
(:func:`finding_from_checklist_item`); the conversion itself is the pure function
:func:`draft_from_item`, so it can be tested without any checklist template.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from inspector_app.casework.access import (
    case_access,
    record_case_event,
    require_recording,
)
from inspector_app.casework.links import LinkRef, link, sources_of, targets_of, unlink
from inspector_app.findings.catalogue import (
    FALLBACK_CODE,
    ViolationType,
    catalogue,
    legal_basis_text,
    violation,
)
from inspector_app.i18n import _
from inspector_app.legal import ArticleRef, format_article
from inspector_app.profiles import OpenProfile
from local_db.enums import ChecklistAnswer, EvidenceKind, FindingStatus, Handling, LinkKind
from local_db.models import ChecklistResponse, EvidenceItem, Finding, InterviewRecord

LINK_TARGETS = (LinkKind.CHECKLIST_ITEM, LinkKind.EVIDENCE, LinkKind.CLAIM, LinkKind.INTERVIEW)
LEGAL_BASIS_SEPARATOR = "；"
TITLE_MAX = 256
REF_MAX = 64  # CaseLink.target_ref


class FindingNotFoundError(LookupError):
    """No finding with that id in this profile."""


@dataclass(frozen=True)
class FindingLinks:
    """What a finding rests on, by kind (references as stored in the case links)."""

    checklist_items: tuple[str, ...] = ()
    evidence: tuple[str, ...] = ()
    claims: tuple[str, ...] = ()
    interviews: tuple[str, ...] = ()

    @property
    def count(self) -> int:
        """How many records the finding is linked to."""
        return (
            len(self.checklist_items) + len(self.evidence) + len(self.claims) + len(self.interviews)
        )

    def refs(self) -> list[LinkRef]:
        """Every target as a :class:`LinkRef`."""
        return [
            *(LinkRef(LinkKind.CHECKLIST_ITEM, r) for r in self.checklist_items),
            *(LinkRef(LinkKind.EVIDENCE, r) for r in self.evidence),
            *(LinkRef(LinkKind.CLAIM, r) for r in self.claims),
            *(LinkRef(LinkKind.INTERVIEW, r) for r in self.interviews),
        ]

    @classmethod
    def from_refs(cls, refs: Iterable[LinkRef]) -> FindingLinks:
        """Group link targets by kind, keeping their order."""
        by_kind: dict[LinkKind, list[str]] = {kind: [] for kind in LINK_TARGETS}
        for ref in refs:
            if ref.kind in by_kind and ref.ref not in by_kind[ref.kind]:
                by_kind[ref.kind].append(ref.ref)
        return cls(
            checklist_items=tuple(by_kind[LinkKind.CHECKLIST_ITEM]),
            evidence=tuple(by_kind[LinkKind.EVIDENCE]),
            claims=tuple(by_kind[LinkKind.CLAIM]),
            interviews=tuple(by_kind[LinkKind.INTERVIEW]),
        )


@dataclass(frozen=True)
class FindingRow:
    """One finding as the UI and the documents show it."""

    id: str
    case_id: str
    violation_code: str
    title: str
    description: str
    legal_basis: str
    amount_fen: int
    status: FindingStatus
    handling: tuple[Handling, ...]
    links: FindingLinks
    created_at: datetime
    updated_at: datetime

    @property
    def violation(self) -> ViolationType | None:
        """The catalogue entry (None for a code the catalogue no longer has)."""
        return catalogue().get(self.violation_code)

    @property
    def withdrawn(self) -> bool:
        """Withdrawn findings stay in the case file but count for nothing."""
        return self.status is FindingStatus.WITHDRAWN


@dataclass(frozen=True)
class FindingsView:
    """A case's findings, their total and whether the user may change them."""

    rows: list[FindingRow]
    can_record: bool

    @property
    def total_fen(self) -> int:
        """Sum of the amounts of findings not withdrawn."""
        return sum(row.amount_fen for row in self.rows if not row.withdrawn)


@dataclass(frozen=True)
class FindingDraft:
    """What a new finding from a checklist item starts with (see :func:`draft_from_item`)."""

    violation_code: str
    title: str
    description: str
    legal_basis: str
    handling: tuple[Handling, ...]


@dataclass(frozen=True)
class EvidenceChoice:
    """An evidence item of the case a finding may rest on."""

    id: str
    caption: str
    kind: EvidenceKind
    captured_at: datetime
    sha256: str


@dataclass(frozen=True)
class ChecklistChoice:
    """A checklist answer of the case a finding may rest on."""

    item_code: str
    answer: ChecklistAnswer
    note: str
    question: str = ""


@dataclass(frozen=True)
class InterviewChoice:
    """An interview record of the case a finding may rest on."""

    id: str
    interviewee_name: str
    interviewee_role: str
    started_at: datetime


@dataclass(frozen=True)
class LinkChoices:
    """Everything in a case a finding could be linked to (for the editor's lists)."""

    checklist: list[ChecklistChoice] = field(default_factory=list)
    evidence: list[EvidenceChoice] = field(default_factory=list)
    interviews: list[InterviewChoice] = field(default_factory=list)


# ------------------------------------------------------------------ pure helpers


def compose_legal_basis(code: str, extra: Iterable[str] = ()) -> str:
    """The catalogue entry's article first, then further references, without repeats."""
    parts: list[str] = []
    for raw in (legal_basis_text(code), *extra):
        part = raw.strip()
        if part and part not in parts:
            parts.append(part)
    return LEGAL_BASIS_SEPARATOR.join(parts)


def draft_from_item(
    *,
    item_code: str,
    question: str,
    violation_codes: Sequence[str],
    legal_basis: Sequence[ArticleRef],
    note: str = "",
) -> FindingDraft:
    """Turn a checklist item (its question, violation codes, legal basis) into a draft.

    The item's first violation code is the default; an item without one (or with codes
    the catalogue lacks) falls back to Art. 38(7), "other violations causing fund loss".
    """
    known = [code for code in violation_codes if catalogue().get(code) is not None]
    code = known[0] if known else FALLBACK_CODE
    entry = violation(code)
    title = question.strip() or _("Non-compliant checklist item {code}").format(code=item_code)
    return FindingDraft(
        violation_code=code,
        title=title[:TITLE_MAX],
        description=note.strip(),
        legal_basis=compose_legal_basis(code, (format_article(ref) for ref in legal_basis)),
        handling=entry.handling,
    )


def _handling_json(handling: Iterable[Handling | str]) -> str:
    values = [Handling(value) for value in handling]
    return json.dumps(sorted(set(values), key=list(Handling).index))


def _handling_of(text: str) -> tuple[Handling, ...]:
    try:
        values: Any = json.loads(text or "[]")
    except ValueError:
        return ()
    known = {member.value for member in Handling}
    return tuple(Handling(v) for v in values if isinstance(v, str) and v in known)


def _clean_title(title: str) -> str:
    title = " ".join(title.split())
    if not title:
        raise ValueError(_("A finding needs a title."))
    if len(title) > TITLE_MAX:
        raise ValueError(_("The title is too long (at most {n} characters).").format(n=TITLE_MAX))
    return title


def _check_amount(amount_fen: int) -> int:
    if not isinstance(amount_fen, int) or isinstance(amount_fen, bool):
        raise TypeError("amounts are integer fen")
    if amount_fen < 0:
        raise ValueError(_("The amount cannot be negative."))
    return amount_fen


def _check_handling(code: str, handling: Iterable[Handling | str]) -> str:
    text = _handling_json(handling)
    if not violation(code).is_violation and text != "[]":
        raise ValueError(_("A data-quality outcome is not a violation and proposes no handling."))
    return text


# ------------------------------------------------------------------ session helpers


def _finding(session: Session, finding_id: str) -> Finding:
    finding = session.get(Finding, finding_id)
    if finding is None or finding.deleted_at is not None:
        raise FindingNotFoundError(_("The finding no longer exists."))
    return finding


def _check_target(session: Session, case_id: str, target: LinkRef) -> LinkRef:
    ref = target.ref.strip()
    if target.kind not in LINK_TARGETS:
        raise ValueError(f"a finding cannot link to {target.kind}")
    if not ref or len(ref) > REF_MAX:
        raise ValueError(_("“{ref}” is not a valid reference.").format(ref=ref[:REF_MAX]))
    row: EvidenceItem | InterviewRecord | None = None
    if target.kind is LinkKind.EVIDENCE:
        row = session.get(EvidenceItem, ref)
    elif target.kind is LinkKind.INTERVIEW:
        row = session.get(InterviewRecord, ref)
    if target.kind in {LinkKind.EVIDENCE, LinkKind.INTERVIEW} and (
        row is None or row.case_id != case_id or row.deleted_at is not None
    ):
        raise LookupError(_("The linked record is not part of this case."))
    return LinkRef(target.kind, ref)


def _links(session: Session, case_id: str, finding_id: str) -> FindingLinks:
    return FindingLinks.from_refs(
        targets_of(session, case_id, LinkRef(LinkKind.FINDING, finding_id))
    )


def _row(session: Session, finding: Finding) -> FindingRow:
    return FindingRow(
        id=finding.id,
        case_id=finding.case_id,
        violation_code=finding.violation_code,
        title=finding.title,
        description=finding.description,
        legal_basis=finding.legal_basis,
        amount_fen=finding.amount_fen,
        status=FindingStatus(finding.status),
        handling=_handling_of(finding.handling),
        links=_links(session, finding.case_id, finding.id),
        created_at=finding.created_at,
        updated_at=finding.updated_at,
    )


def _set_links(
    profile: OpenProfile, session: Session, finding: Finding, wanted: Iterable[LinkRef]
) -> None:
    source = LinkRef(LinkKind.FINDING, finding.id)
    targets = {_check_target(session, finding.case_id, t) for t in wanted}
    current = set(targets_of(session, finding.case_id, source))
    for target in sorted(targets - current, key=lambda t: (t.kind, t.ref)):
        link(session, finding.case_id, source, target)
        _audit_link(profile, session, finding, "finding.linked", target)
    for target in sorted(current - targets, key=lambda t: (t.kind, t.ref)):
        if target.kind in LINK_TARGETS:
            unlink(session, finding.case_id, source, target)
            _audit_link(profile, session, finding, "finding.unlinked", target)


def _audit_link(
    profile: OpenProfile, session: Session, finding: Finding, action: str, target: LinkRef
) -> None:
    record_case_event(
        profile,
        session,
        finding.case_id,
        action,
        entity="finding",
        entity_id=finding.id,
        detail=f"{target.kind.value}:{target.ref}",
    )


def insert_finding(
    profile: OpenProfile,
    session: Session,
    *,
    case_id: str,
    violation_code: str,
    title: str,
    description: str,
    legal_basis: str,
    amount_fen: int,
    handling: Iterable[Handling | str],
    status: FindingStatus,
    links: Iterable[LinkRef],
    action: str,
) -> Finding:
    """Add a finding with its links and history entry in the caller's transaction.

    For callers that must create a finding together with their own rows (a checklist
    answer, a confirmed screening flag) so that a failure leaves neither; access checks are
    the caller's.
    """
    finding = Finding(
        case_id=case_id,
        violation_code=violation(violation_code).code,
        title=_clean_title(title),
        description=description.strip(),
        legal_basis=legal_basis,
        amount_fen=_check_amount(amount_fen),
        status=FindingStatus(status),
        handling=_check_handling(violation_code, handling),
    )
    session.add(finding)
    session.flush()
    record_case_event(
        profile,
        session,
        case_id,
        action,
        entity="finding",
        entity_id=finding.id,
        detail=f"violation={finding.violation_code} status={finding.status}",
    )
    _set_links(profile, session, finding, links)
    return finding


# ------------------------------------------------------------------ services


def create_finding(
    *,
    profile: OpenProfile,
    case_id: str,
    violation_code: str,
    title: str,
    description: str = "",
    amount_fen: int = 0,
    handling: Iterable[Handling | str] = (),
    status: FindingStatus = FindingStatus.DRAFT,
    links: Iterable[LinkRef] = (),
    legal_basis: str | None = None,
) -> str:
    """Record a finding in a case; returns its id.

    ``legal_basis`` defaults to the catalogue entry's article.

    Raises:
        NotAllowedError: the user may not record in this case.
        UnknownViolationError: the code is not in the catalogue.
        ValueError: empty title, negative amount, handling for a data-quality outcome.
    """
    with profile.session() as session:
        require_recording(session, profile, case_id)
        finding = insert_finding(
            profile,
            session,
            case_id=case_id,
            violation_code=violation_code,
            title=title,
            description=description,
            legal_basis=legal_basis
            if legal_basis is not None
            else compose_legal_basis(violation_code),
            amount_fen=amount_fen,
            handling=handling,
            status=status,
            links=links,
            action="finding.created",
        )
        return finding.id


def update_finding(
    *,
    profile: OpenProfile,
    finding_id: str,
    violation_code: str | None = None,
    title: str | None = None,
    description: str | None = None,
    amount_fen: int | None = None,
    handling: Iterable[Handling | str] | None = None,
    status: FindingStatus | None = None,
    links: Iterable[LinkRef] | None = None,
) -> FindingRow:
    """Change the given fields of a finding (None leaves a field as it is).

    ``links``, when given, is the complete new set of targets: missing ones are unlinked.
    Changing the violation type swaps the catalogue's article in the legal basis and keeps
    the references that came from checklist items.
    """
    with profile.session() as session:
        finding = _finding(session, finding_id)
        require_recording(session, profile, finding.case_id)
        changed: list[str] = []
        old_code, old_status = finding.violation_code, FindingStatus(finding.status)
        code = violation(violation_code).code if violation_code is not None else old_code
        if code != old_code:
            previous = legal_basis_text(old_code)
            kept = [p for p in finding.legal_basis.split(LEGAL_BASIS_SEPARATOR) if p != previous]
            finding.violation_code = code
            finding.legal_basis = compose_legal_basis(code, kept)
            changed.append("violation")
        updates: dict[str, Any] = {}
        if title is not None:
            updates["title"] = _clean_title(title)
        if description is not None:
            updates["description"] = description.strip()
        if amount_fen is not None:
            updates["amount_fen"] = _check_amount(amount_fen)
        if handling is not None:
            updates["handling"] = _check_handling(code, handling)
        elif code != old_code and not violation(code).is_violation:
            updates["handling"] = "[]"
        if status is not None:
            updates["status"] = FindingStatus(status)
        for name, value in updates.items():
            if getattr(finding, name) != value:
                setattr(finding, name, value)
                changed.append(name)
        if changed:
            record_case_event(
                profile,
                session,
                finding.case_id,
                "finding.updated",
                entity="finding",
                entity_id=finding.id,
                detail=f"violation={finding.violation_code} fields={','.join(changed)}",
            )
        if status is not None and status != old_status:
            record_case_event(
                profile,
                session,
                finding.case_id,
                "finding.status",
                entity="finding",
                entity_id=finding.id,
                detail=f"{old_status.value}->{FindingStatus(status).value}",
            )
        if links is not None:
            _set_links(profile, session, finding, links)
        session.flush()
        return _row(session, finding)


def withdraw_finding(*, profile: OpenProfile, finding_id: str, reason: str = "") -> FindingRow:
    """Withdraw a finding: the row stays in the case file, marked withdrawn, with the reason."""
    with profile.session() as session:
        finding = _finding(session, finding_id)
        require_recording(session, profile, finding.case_id)
        old_status = FindingStatus(finding.status)
        if old_status is FindingStatus.WITHDRAWN:
            return _row(session, finding)
        finding.status = FindingStatus.WITHDRAWN
        reason = reason.strip()
        if reason:
            note = _("Withdrawn: {reason}").format(reason=reason)
            finding.description = f"{finding.description}\n\n{note}".strip()
        record_case_event(
            profile,
            session,
            finding.case_id,
            "finding.withdrawn",
            entity="finding",
            entity_id=finding.id,
            detail=f"{old_status.value}->withdrawn",
        )
        session.flush()
        return _row(session, finding)


def link_finding(*, profile: OpenProfile, finding_id: str, target: LinkRef) -> None:
    """Link a finding to a checklist item, evidence item, settlement number or interview."""
    with profile.session() as session:
        finding = _finding(session, finding_id)
        require_recording(session, profile, finding.case_id)
        target = _check_target(session, finding.case_id, target)
        link(session, finding.case_id, LinkRef(LinkKind.FINDING, finding.id), target)
        _audit_link(profile, session, finding, "finding.linked", target)


def unlink_finding(*, profile: OpenProfile, finding_id: str, target: LinkRef) -> bool:
    """Remove one link of a finding; False when there was none."""
    with profile.session() as session:
        finding = _finding(session, finding_id)
        require_recording(session, profile, finding.case_id)
        removed = unlink(session, finding.case_id, LinkRef(LinkKind.FINDING, finding.id), target)
        if removed:
            _audit_link(profile, session, finding, "finding.unlinked", target)
        return removed


def findings_of_case(*, profile: OpenProfile, case_id: str) -> list[FindingRow]:
    """The case's findings (withdrawn ones included), oldest first, with their links."""
    with profile.read_session() as session:
        case_access(session, profile, case_id)
        return [
            _row(session, finding)
            for finding in session.scalars(
                select(Finding)
                .where(Finding.case_id == case_id, Finding.deleted_at.is_(None))
                .order_by(Finding.created_at, Finding.id)
            )
        ]


def findings_view(*, profile: OpenProfile, case_id: str) -> FindingsView:
    """The case's findings and whether the user may change them (one read for the tab)."""
    rows = findings_of_case(profile=profile, case_id=case_id)
    with profile.read_session() as session:
        access = case_access(session, profile, case_id)
    return FindingsView(rows=rows, can_record=access.can_record)


def finding_detail(*, profile: OpenProfile, finding_id: str) -> FindingRow:
    """One finding with its links."""
    with profile.read_session() as session:
        return _row(session, _finding(session, finding_id))


def link_choices(*, profile: OpenProfile, case_id: str) -> LinkChoices:
    """The case's checklist answers, evidence (not withdrawn) and interviews, for linking."""
    with profile.read_session() as session:
        case_access(session, profile, case_id)
        order = {answer: n for n, answer in enumerate(ChecklistAnswer)}
        responses = session.scalars(
            select(ChecklistResponse).where(
                ChecklistResponse.case_id == case_id, ChecklistResponse.deleted_at.is_(None)
            )
        ).all()
        # Non-compliant answers first: those are what findings rest on.
        responses = sorted(
            responses,
            key=lambda r: (
                r.answer is not ChecklistAnswer.NON_COMPLIANT,
                order[r.answer],
                r.item_code,
            ),
        )
        evidence = session.scalars(
            select(EvidenceItem)
            .where(
                EvidenceItem.case_id == case_id,
                EvidenceItem.deleted_at.is_(None),
                EvidenceItem.withdrawn_at.is_(None),
            )
            .order_by(EvidenceItem.captured_at)
        ).all()
        interviews = session.scalars(
            select(InterviewRecord)
            .where(InterviewRecord.case_id == case_id, InterviewRecord.deleted_at.is_(None))
            .order_by(InterviewRecord.started_at)
        ).all()
        from inspector_app.checklists.service import pinned_templates

        questions = {
            code: item.question.text()
            for template in pinned_templates(session, case_id)
            for code, item in template.items_by_code.items()
        }
        return LinkChoices(
            checklist=[
                ChecklistChoice(r.item_code, r.answer, r.note, questions.get(r.item_code, ""))
                for r in responses
            ],
            evidence=[
                EvidenceChoice(e.id, e.caption, e.kind, e.captured_at, e.sha256) for e in evidence
            ],
            interviews=[
                InterviewChoice(i.id, i.interviewee_name, i.interviewee_role, i.started_at)
                for i in interviews
            ],
        )


# ------------------------------------------------------------ checklist → finding


def _item_draft(session: Session, case_id: str, item_code: str, note: str) -> FindingDraft:
    """The draft from the checklist item's template entry, or from the answer alone.

    When the case's template does not know the item (an answer synced from a template this
    computer lacks), the finding still gets made: with a generic title and Art. 38(7), for
    the inspector to complete in the editor.
    """
    from inspector_app.checklists.service import checklist_item

    try:
        item = checklist_item(session, case_id, item_code)
    except LookupError:
        item = None
    if item is not None:
        return draft_from_item(
            item_code=item_code,
            question=item.question.text(),
            violation_codes=list(item.violations),
            legal_basis=list(item.legal_basis),
            note=note,
        )
    return draft_from_item(
        item_code=item_code, question="", violation_codes=(), legal_basis=(), note=note
    )


def finding_from_checklist_item(
    *, profile: OpenProfile, case_id: str, item_code: str, amount_fen: int = 0
) -> str:
    """Turn a (non-compliant) checklist answer into a draft finding in one action.

    Title from the item's question, violation type from its first catalogue code, legal
    basis from the catalogue and the item, description from the answer's note, handling
    from the catalogue; linked to the item and to the evidence already linked to it. When a
    finding not withdrawn already rests on the item, that finding's id is returned instead.
    """
    with profile.session() as session:
        require_recording(session, profile, case_id)
        item = LinkRef(LinkKind.CHECKLIST_ITEM, item_code)
        for source in sources_of(session, case_id, item, LinkKind.FINDING):
            existing = session.get(Finding, source.ref)
            if (
                existing is not None
                and existing.deleted_at is None
                and existing.status != FindingStatus.WITHDRAWN
            ):
                return existing.id
        response = session.scalar(
            select(ChecklistResponse).where(
                ChecklistResponse.case_id == case_id,
                ChecklistResponse.item_code == item_code,
                ChecklistResponse.deleted_at.is_(None),
            )
        )
        draft = _item_draft(session, case_id, item_code, response.note if response else "")
        evidence = [
            *sources_of(session, case_id, item, LinkKind.EVIDENCE),
            *targets_of(session, case_id, item, LinkKind.EVIDENCE),
        ]
        evidence_refs = [
            LinkRef(LinkKind.EVIDENCE, ref.ref)
            for ref in evidence
            if (row := session.get(EvidenceItem, ref.ref)) is not None
            and row.case_id == case_id
            and row.deleted_at is None
            and row.withdrawn_at is None
        ]
        finding = insert_finding(
            profile,
            session,
            case_id=case_id,
            violation_code=draft.violation_code,
            title=draft.title,
            description=draft.description,
            legal_basis=draft.legal_basis,
            amount_fen=amount_fen,
            handling=draft.handling,
            status=FindingStatus.DRAFT,
            links=[item, *evidence_refs],
            action="finding.created_from_checklist",
        )
        return finding.id
