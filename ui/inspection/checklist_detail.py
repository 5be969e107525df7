"""The right-hand pane of the checklist: one item in full, its answer, note and evidence.

It renders an :class:`~inspector_app.checklists.templates.Item` with the case's state for it
and reports what the user does through signals; the tab decides what to write. Answer keys
(1 compliant, 2 non-compliant, 3 not applicable, 0 not checked) are handled by the tab so
they work from the tree; the buttons show them in their tooltips.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from inspector_app.checklists.templates import Item, severity_label
from inspector_app.checklists.view import ChecklistView, describe_condition
from inspector_app.i18n import _, ngettext
from inspector_app.legal import format_article
from inspector_app.vocabulary import checklist_answer_label
from local_db.enums import ChecklistAnswer

# The answer buttons: answer, object name, key.
ANSWER_BUTTONS = (
    (ChecklistAnswer.COMPLIANT, "answerCompliant", "1"),
    (ChecklistAnswer.NON_COMPLIANT, "answerNonCompliant", "2"),
    (ChecklistAnswer.NOT_APPLICABLE, "answerNotApplicable", "3"),
    (ChecklistAnswer.UNCHECKED, "answerUnchecked", "0"),
)


def _heading(parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setObjectName("cardSubtitle")
    return label


def _body(parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class NoteEdit(QPlainTextEdit):
    """The note editor: commits on focus-out and on Ctrl+Enter; Escape returns to the tree."""

    committed = Signal()
    escaped = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if enter and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.committed.emit()
            self.escaped.emit()
            return
        if event.key() == Qt.Key.Key_Escape:
            self.committed.emit()
            self.escaped.emit()
            return
        super().keyPressEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self.committed.emit()
        super().focusOutEvent(event)


class ChecklistDetailWidget(QScrollArea):
    """One item: question, guidance, legal basis, expected evidence, answer, note, evidence."""

    answered = Signal(object)  # ChecklistAnswer
    note_committed = Signal(str, str)  # item code, text
    attach_requested = Signal()
    finding_requested = Signal()
    back_to_list = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        self.item: Item | None = None
        self.view: ChecklistView | None = None
        self._note_code: str | None = None
        self.page = page = QWidget(self)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(12, 0, 4, 0)
        layout.setSpacing(6)
        self._build_item(page, layout)
        self._build_answers(page, layout)
        self.headings: dict[str, QLabel] = {}
        self.texts: dict[str, QLabel] = {}
        for key in ("guidance", "legal_basis", "evidence"):
            self.headings[key] = _heading(page)
            self.texts[key] = _body(page)
            self.texts[key].setObjectName(f"checklist_{key}")
            layout.addWidget(self.headings[key])
            layout.addWidget(self.texts[key])
        self._build_note_and_evidence(page, layout)
        layout.addStretch(1)
        self.setWidget(page)
        self.retranslate()
        self.show_item(None, None)

    def _build_item(self, page: QWidget, layout: QVBoxLayout) -> None:
        self.code_label = QLabel(page)
        self.code_label.setObjectName("checklistItemCode")
        self.question = QLabel(page)
        self.question.setObjectName("checklistQuestion")
        self.question.setWordWrap(True)
        self.question.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.question.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.1)
        self.question.setFont(font)
        self.condition = _body(page)
        self.condition.setObjectName("checklistCondition")
        layout.addWidget(self.code_label)
        layout.addWidget(self.question)
        layout.addWidget(self.condition)

    def _build_answers(self, page: QWidget, layout: QVBoxLayout) -> None:
        self.answer_buttons: dict[ChecklistAnswer, QPushButton] = {}
        self.answer_group = QButtonGroup(self)
        self.answer_group.setExclusive(True)
        buttons = QHBoxLayout()
        for answer, name, _key in ANSWER_BUTTONS:
            button = QPushButton(page)
            button.setObjectName(name)
            button.setCheckable(True)
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            button.clicked.connect(lambda _checked=False, a=answer: self.answered.emit(a))
            self.answer_group.addButton(button)
            self.answer_buttons[answer] = button
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)

    def _build_note_and_evidence(self, page: QWidget, layout: QVBoxLayout) -> None:
        self.note_heading = _heading(page)
        self.note = NoteEdit(page)
        self.note.setObjectName("checklistNote")
        self.note.setTabChangesFocus(True)
        self.note.setFixedHeight(72)
        self.note.committed.connect(self._commit_note)
        self.note.escaped.connect(self.back_to_list)
        layout.addWidget(self.note_heading)
        layout.addWidget(self.note)
        self.evidence_heading = _heading(page)
        self.evidence_list = QListWidget(page)
        self.evidence_list.setObjectName("checklistEvidence")
        self.evidence_list.setMaximumHeight(96)
        actions = QHBoxLayout()
        self.attach_button = QPushButton(page)
        self.attach_button.setObjectName("attachEvidenceButton")
        self.attach_button.clicked.connect(self.attach_requested)
        self.finding_button = QPushButton(page)
        self.finding_button.setObjectName("createFindingButton")
        self.finding_button.clicked.connect(self.finding_requested)
        actions.addWidget(self.attach_button)
        actions.addWidget(self.finding_button)
        actions.addStretch(1)
        layout.addWidget(self.evidence_heading)
        layout.addWidget(self.evidence_list)
        layout.addLayout(actions)

    def retranslate(self) -> None:
        """Static texts, then the item again in the active language."""
        for answer, _name, key in ANSWER_BUTTONS:
            button = self.answer_buttons[answer]
            button.setText(f"{checklist_answer_label(answer)}  ({key})")
            button.setToolTip(_("Answer with the key {key}").format(key=key))
        self.headings["guidance"].setText(_("How to check"))
        self.headings["legal_basis"].setText(_("Legal basis"))
        self.headings["evidence"].setText(_("Evidence expected"))
        self.note_heading.setText(_("Note (N; saved when you leave the field or press Ctrl+Enter)"))
        self.note.setPlaceholderText(_("What you saw, where, who was present…"))
        self.evidence_heading.setText(_("Linked evidence"))
        self.attach_button.setText(_("Attach evidence…"))
        self.finding_button.setText(_("Create finding…"))
        self.finding_button.setToolTip(_("Available for a non-compliant answer"))
        self.show_item(self.item, self.view)

    def show_item(self, item: Item | None, view: ChecklistView | None) -> None:
        """Render ``item`` with the case's state in ``view`` (None: nothing selected)."""
        if self.item is not None and (item is None or item.code != self.item.code):
            self._commit_note()
        self.item, self.view = item, view
        page = self.page
        if item is None or view is None:
            page.setEnabled(False)
            self.code_label.setText("")
            self.question.setText(_("Choose an item in the list."))
            self.condition.setVisible(False)
            for label in self.texts.values():
                label.setText("")
            self._set_note("", None)
            self.evidence_list.clear()
            for button in self.answer_buttons.values():
                button.setChecked(False)
            return
        page.setEnabled(True)
        facts = [item.code, severity_label(item.severity)]
        facts.append(_("required") if item.required else _("optional"))
        self.code_label.setText(" · ".join(facts))
        self.question.setText(item.question.text())
        explanation = describe_condition(view, item)
        self.condition.setText(explanation)
        self.condition.setVisible(bool(explanation))
        self.texts["guidance"].setText(item.guidance.text())
        self.texts["legal_basis"].setText("\n".join(format_article(r) for r in item.legal_basis))
        self.texts["evidence"].setText(item.evidence.text())
        answer = view.answer(item.code)
        self.answer_buttons[answer].setChecked(True)
        if not (self.note.hasFocus() and self._note_code == item.code):
            # Never overwrite what the user is typing when a saved answer comes back.
            self._set_note(view.notes.get(item.code, ""), item.code)
        self._show_evidence(view, item)
        recording = view.can_record
        for button in self.answer_buttons.values():
            button.setEnabled(recording)
        self.note.setReadOnly(not recording)
        self.attach_button.setEnabled(recording)
        self.finding_button.setEnabled(recording and answer is ChecklistAnswer.NON_COMPLIANT)

    def _show_evidence(self, view: ChecklistView, item: Item) -> None:
        self.evidence_list.clear()
        links = view.evidence.get(item.code, ())
        for link in links:
            text = link.caption or link.evidence_id
            if link.withdrawn:
                text = _("{caption} (withdrawn)").format(caption=text)
            QListWidgetItem(text, self.evidence_list)
        findings = view.findings.get(item.code, 0)
        if findings:
            QListWidgetItem(
                ngettext(
                    "{n} finding rests on this item", "{n} findings rest on this item", findings
                ).format(n=findings),
                self.evidence_list,
            )
        if not links and not findings:
            placeholder = QListWidgetItem(_("No evidence linked yet."), self.evidence_list)
            placeholder.setFlags(Qt.ItemFlag.NoItemFlags)

    def _set_note(self, text: str, code: str | None) -> None:
        self._note_code = None
        if self.note.toPlainText() != text:
            self.note.setPlainText(text)
        self._note_code = code

    def _commit_note(self) -> None:
        """Report the note if it differs from the stored one."""
        code, view = self._note_code, self.view
        if code is None or view is None or self.note.isReadOnly():
            return
        text = self.note.toPlainText().strip()
        if text != view.notes.get(code, ""):
            self.note_committed.emit(code, text)

    def focus_note(self) -> None:
        """Put the cursor at the end of the note (the N key)."""
        if self.item is None:
            return
        self.note.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.note.moveCursor(self.note.textCursor().MoveOperation.End)
