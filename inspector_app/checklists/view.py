"""What the checklist screen shows for one case, computed in one place (and Qt-free).

Visibility follows the conditions in one pass, top to bottom (the validator guarantees a
condition refers to an earlier item); an item is visible only if the item its condition
refers to is itself visible. Answers to hidden items keep their stored value but count
nowhere: not in progress, not as open required items. The UI recomputes a view locally
(:meth:`ChecklistView.with_answer`) for an instant response, then takes the service's view.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from inspector_app.checklists.diff import TemplateDiff
from inspector_app.checklists.templates import Item, LocalText, Section, Template
from inspector_app.i18n import _
from inspector_app.vocabulary import checklist_answer_label
from local_db.enums import ChecklistAnswer, EvidenceKind, InstitutionKind

UNCHECKED = ChecklistAnswer.UNCHECKED


@dataclass(frozen=True)
class SectionProgress:
    """Answered and visible items of a section (or of the whole checklist)."""

    answered: int
    visible: int

    @property
    def complete(self) -> bool:
        """Every visible item has an answer."""
        return self.answered >= self.visible


@dataclass(frozen=True)
class EvidenceLink:
    """One evidence item linked to a checklist item."""

    evidence_id: str
    caption: str
    kind: EvidenceKind
    withdrawn: bool


@dataclass(frozen=True)
class PinnedChecklist:
    """A template version the case is pinned to, read from the stored copy.

    ``upgrade`` is the move to the newest available version, when there is a newer one.
    """

    template: Template
    upgrade: TemplateDiff | None = None


@dataclass(frozen=True)
class RetiredAnswer:
    """An answer to an item the pinned version no longer has (kept after a migration)."""

    item_code: str
    template_code: str
    template_version: str
    answer: ChecklistAnswer
    note: str


@dataclass(frozen=True)
class TemplateChoice:
    """A template the case could start, newest version."""

    code: str
    version: str
    title: LocalText
    applies_to: tuple[InstitutionKind, ...]
    thematic: bool
    item_count: int


def visible_codes(
    templates: tuple[Template, ...], answers: Mapping[str, ChecklistAnswer]
) -> set[str]:
    """The items shown, given the answers (conditions evaluated top to bottom)."""
    visible: set[str] = set()
    for template in templates:
        for item in template.items():
            if item_visible(item, visible, answers):
                visible.add(item.code)
    return visible


def item_visible(item: Item, visible: set[str], answers: Mapping[str, ChecklistAnswer]) -> bool:
    """Whether ``item`` shows, given the items shown before it and the answers so far."""
    condition = item.condition
    return condition is None or (
        condition.item in visible and condition.holds(answers.get(condition.item, UNCHECKED))
    )


@dataclass(frozen=True)
class ChecklistView:
    """Everything the checklist screen needs about one case, in one read."""

    case_id: str
    can_record: bool
    institution_kind: InstitutionKind | None
    checklists: tuple[PinnedChecklist, ...]
    answers: dict[str, ChecklistAnswer]
    notes: dict[str, str]
    evidence: dict[str, tuple[EvidenceLink, ...]] = field(default_factory=dict)
    findings: dict[str, int] = field(default_factory=dict)
    retired: tuple[RetiredAnswer, ...] = ()
    choices: tuple[TemplateChoice, ...] = ()
    default_choice: str | None = None
    # Derived by ``derive``; never passed by hand.
    visible: frozenset[str] = frozenset()
    progress: dict[tuple[str, str], SectionProgress] = field(default_factory=dict)
    required_open: tuple[str, ...] = ()

    def derive(self) -> ChecklistView:
        """This view with its derived fields (visibility, progress, open required) computed."""
        templates = self.templates
        visible = visible_codes(templates, self.answers)
        progress: dict[tuple[str, str], SectionProgress] = {}
        open_required: list[str] = []
        for template in templates:
            for section in template.sections:
                shown = [item for item in section.items if item.code in visible]
                answered = sum(1 for item in shown if self.answer(item.code) != UNCHECKED)
                progress[(template.code, section.code)] = SectionProgress(answered, len(shown))
                open_required += [
                    item.code
                    for item in shown
                    if item.required and self.answer(item.code) == UNCHECKED
                ]
        return replace(
            self,
            visible=frozenset(visible),
            progress=progress,
            required_open=tuple(open_required),
        )

    @property
    def templates(self) -> tuple[Template, ...]:
        """The pinned template versions, in the order they were started."""
        return tuple(pinned.template for pinned in self.checklists)

    @property
    def started(self) -> bool:
        """The case has at least one pinned checklist."""
        return bool(self.checklists)

    @property
    def total(self) -> SectionProgress:
        """Answered and visible items over every pinned checklist."""
        return SectionProgress(
            sum(p.answered for p in self.progress.values()),
            sum(p.visible for p in self.progress.values()),
        )

    def answer(self, code: str) -> ChecklistAnswer:
        """The answer to item ``code`` (not yet checked when there is none)."""
        return self.answers.get(code, UNCHECKED)

    def item(self, code: str) -> Item:
        """Item ``code`` as the pinned version has it; KeyError if no pinned version does."""
        for template in self.templates:
            found = template.items_by_code.get(code)
            if found is not None:
                return found
        raise KeyError(code)

    def template_of(self, code: str) -> Template:
        """The pinned template holding item ``code``."""
        for template in self.templates:
            if code in template.items_by_code:
                return template
        raise KeyError(code)

    def section(self, template_code: str, section_code: str) -> Section:
        """A section of a pinned template."""
        for template in self.templates:
            if template.code == template_code:
                for section in template.sections:
                    if section.code == section_code:
                        return section
        raise KeyError((template_code, section_code))

    def with_answer(self, code: str, answer: ChecklistAnswer) -> ChecklistView:
        """This view with item ``code`` answered ``answer`` (visibility and progress redone)."""
        return replace(self, answers={**self.answers, code: answer}).derive()

    def with_note(self, code: str, note: str) -> ChecklistView:
        """This view with the note of item ``code`` replaced."""
        return replace(self, notes={**self.notes, code: note})


def describe_condition(view: ChecklistView, item: Item) -> str:
    """Why a conditional item is asked, in the active language ("" for unconditional ones)."""
    condition = item.condition
    if condition is None:
        return ""
    try:
        question = view.item(condition.item).question.text()
    except KeyError:
        question = ""
    answers = " / ".join(
        checklist_answer_label(answer)
        for answer in ChecklistAnswer
        if answer in condition.answer_in
    )
    return _("Asked only when {code} ({question}) is answered: {answers}.").format(
        code=condition.item, question=question, answers=answers
    )
