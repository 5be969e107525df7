"""What a finding rests on: checklist answers, evidence, settlement numbers, interviews.

Four checkable lists in tabs, filled from the case (``link_choices``). Anything the finding
is already linked to is listed and checked even when the case no longer offers it (withdrawn
evidence, an item of a retired template), so saving the selection never drops a link
silently.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from inspector_app.casework.links import LinkRef
from inspector_app.findings.service import FindingLinks, LinkChoices
from inspector_app.i18n import _
from inspector_app.vocabulary import checklist_answer_label
from local_db.enums import ChecklistAnswer, LinkKind
from ui import formatting

REF_ROLE = Qt.ItemDataRole.UserRole + 1
MUTED = QColor("#6b7785")


def _checkable(parent: QListWidget, text: str, ref: str, checked: bool) -> QListWidgetItem:
    item = QListWidgetItem(text, parent)
    item.setData(REF_ROLE, ref)
    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
    item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
    return item


class FindingLinksWidget(QTabWidget):
    """The links section of the finding editor."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("findingLinks")
        self.setDocumentMode(True)
        self.setMinimumHeight(150)
        self.checklist = QListWidget(self)
        self.checklist.setObjectName("linkChecklist")
        self.evidence = QListWidget(self)
        self.evidence.setObjectName("linkEvidence")
        self.interviews = QListWidget(self)
        self.interviews.setObjectName("linkInterviews")
        self.claims = QPlainTextEdit(self)
        self.claims.setObjectName("linkClaims")
        self.claims.setTabChangesFocus(True)
        self.claims_help = QLabel(self)
        self.claims_help.setObjectName("fieldHelp")
        self.claims_help.setWordWrap(True)
        claims_page = QWidget(self)
        claims_layout = QVBoxLayout(claims_page)
        claims_layout.setContentsMargins(0, 6, 0, 0)
        claims_layout.addWidget(self.claims_help)
        claims_layout.addWidget(self.claims, 1)
        for page in (self.checklist, self.evidence, claims_page, self.interviews):
            self.addTab(page, "")
        self.retranslate()

    def retranslate(self) -> None:
        """Re-read every text."""
        self._set_tab_texts()
        self.claims_help.setText(
            _("Settlement numbers (结算流水号) of the claims concerned, one per line.")
        )

    def _set_tab_texts(self) -> None:
        counts = (
            len(self._checked(self.checklist)),
            len(self._checked(self.evidence)),
            len(self._claims()),
            len(self._checked(self.interviews)),
        )
        titles = (_("Checklist items"), _("Evidence"), _("Settlement records"), _("Interviews"))
        for index, (title, n) in enumerate(zip(titles, counts, strict=True)):
            self.setTabText(index, f"{title} ({n})" if n else title)

    def set_choices(self, choices: LinkChoices, current: FindingLinks | None) -> None:
        """List what the case offers, checking what ``current`` links to."""
        linked = current or FindingLinks()
        self._fill_checklist(choices, linked)
        self._fill_evidence(choices, linked)
        self._fill_interviews(choices, linked)
        self.claims.setPlainText("\n".join(linked.claims))
        for widget in (self.checklist, self.evidence, self.interviews):
            widget.itemChanged.connect(self._set_tab_texts)
        self.claims.textChanged.connect(self._set_tab_texts)
        self._set_tab_texts()

    def _fill_checklist(self, choices: LinkChoices, linked: FindingLinks) -> None:
        self.checklist.clear()
        for choice in choices.checklist:
            text = f"{choice.item_code}  ·  {checklist_answer_label(choice.answer)}"
            if choice.question:
                text += f"  —  {choice.question}"
            item = _checkable(
                self.checklist, text, choice.item_code, choice.item_code in linked.checklist_items
            )
            item.setToolTip("\n".join(part for part in (choice.question, choice.note) if part))
            if choice.answer is not ChecklistAnswer.NON_COMPLIANT:
                item.setForeground(QBrush(MUTED))  # answers that are not non-compliant
        offered = {choice.item_code for choice in choices.checklist}
        for code in linked.checklist_items:
            if code not in offered:
                _checkable(self.checklist, code, code, True)

    def _fill_evidence(self, choices: LinkChoices, linked: FindingLinks) -> None:
        self.evidence.clear()
        for evidence in choices.evidence:
            text = _("{caption}  ·  {time}  ·  SHA-256 {hash}…").format(
                caption=evidence.caption,
                time=formatting.local_time(evidence.captured_at),
                hash=evidence.sha256[:12],
            )
            _checkable(self.evidence, text, evidence.id, evidence.id in linked.evidence)
        offered = {evidence.id for evidence in choices.evidence}
        for ref in linked.evidence:
            if ref not in offered:
                text = _("Evidence no longer listed ({id})").format(id=ref)
                _checkable(self.evidence, text, ref, True)

    def _fill_interviews(self, choices: LinkChoices, linked: FindingLinks) -> None:
        self.interviews.clear()
        for interview in choices.interviews:
            text = "  ·  ".join(
                part
                for part in (
                    interview.interviewee_name,
                    interview.interviewee_role,
                    formatting.local_time(interview.started_at),
                )
                if part
            )
            _checkable(self.interviews, text, interview.id, interview.id in linked.interviews)
        offered = {interview.id for interview in choices.interviews}
        for ref in linked.interviews:
            if ref not in offered:
                _checkable(self.interviews, ref, ref, True)

    @staticmethod
    def _checked(widget: QListWidget) -> list[str]:
        return [
            str(widget.item(row).data(REF_ROLE))
            for row in range(widget.count())
            if widget.item(row).checkState() == Qt.CheckState.Checked
        ]

    def _claims(self) -> list[str]:
        numbers: list[str] = []
        for line in self.claims.toPlainText().replace(",", "\n").replace("，", "\n").splitlines():
            number = line.strip()
            if number and number not in numbers:
                numbers.append(number)
        return numbers

    def check(self, kind: LinkKind, ref: str, checked: bool = True) -> bool:
        """Check (or uncheck) the entry for ``ref``; False when it is not listed."""
        widget = {
            LinkKind.CHECKLIST_ITEM: self.checklist,
            LinkKind.EVIDENCE: self.evidence,
            LinkKind.INTERVIEW: self.interviews,
        }[kind]
        for row in range(widget.count()):
            item = widget.item(row)
            if item is not None and item.data(REF_ROLE) == ref:
                item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
                return True
        return False

    def selected(self) -> list[LinkRef]:
        """Every checked or typed target."""
        return [
            *(LinkRef(LinkKind.CHECKLIST_ITEM, r) for r in self._checked(self.checklist)),
            *(LinkRef(LinkKind.EVIDENCE, r) for r in self._checked(self.evidence)),
            *(LinkRef(LinkKind.CLAIM, r) for r in self._claims()),
            *(LinkRef(LinkKind.INTERVIEW, r) for r in self._checked(self.interviews)),
        ]
