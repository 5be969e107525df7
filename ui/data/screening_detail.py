"""One screening flag in full: the reason, the legal basis, the claim and its lines, the review.

The detail is read in the background (:func:`ui.data.screening_data.load_detail`) and shown
by :class:`FlagDetailWidget`, which also holds the review controls. The widget only asks:
the screening tab records the decision and makes the finding, then shows the outcome here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from inspector_app.i18n import _
from inspector_app.vocabulary import visit_type_label
from local_db.enums import FlagReviewStatus
from ui import formatting
from ui.data.screening_data import age_on, review_byline, sex_label
from ui.data.screening_labels import badge_style, status_label
from ui.data.screening_lines import FactsGrid, LinesTable

if TYPE_CHECKING:
    from inspector_app.findings.service import FindingRow
    from ui.data.screening_data import FlagDetail

DECISIONS = (
    FlagReviewStatus.CONFIRMED,
    FlagReviewStatus.DATA_QUALITY,
    FlagReviewStatus.DISMISSED,
)
# The key that records each decision (the tab's flags table and this widget both use them).
DECISION_KEYS = {
    Qt.Key.Key_C: FlagReviewStatus.CONFIRMED,
    Qt.Key.Key_Q: FlagReviewStatus.DATA_QUALITY,
    Qt.Key.Key_D: FlagReviewStatus.DISMISSED,
}
NOTE_REQUIRED = frozenset({FlagReviewStatus.DATA_QUALITY, FlagReviewStatus.DISMISSED})


class FlagDetailWidget(QWidget):
    """The selected flag: why, on what basis, which claim and lines, and the team's decision.

    ``decided(status, note)`` asks to record a decision; ``finding_requested`` asks to make
    the finding of a confirmed flag. Neither writes anything itself.
    """

    decided = Signal(object, str)
    finding_requested = Signal()
    note_done = Signal()  # Ctrl+Enter in the note: back to the flags

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.detail: FlagDetail | None = None
        self.can_record = False
        self.busy = False
        self.finding: FindingRow | None = None
        self.pending: FlagReviewStatus | None = None
        self.expected: int | None = None  # the selected flag, whose detail may still be coming
        self._build()
        self.retranslate()
        self.show_detail(None)

    def _build(self) -> None:
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self._build_flag())
        splitter.addWidget(self._build_claim())
        splitter.setChildrenCollapsible(False)
        # The flag's words keep a readable measure; the lines take what is left.
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([370, 630])
        self.placeholder = QLabel(self)
        self.placeholder.setObjectName("emptyStateMessage")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.content = splitter
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addWidget(self.placeholder)
        layout.addWidget(splitter, 1)

    def _build_flag(self) -> QWidget:
        """Left: the flag, why and on what basis."""
        self.rule_title = QLabel(self)
        self.rule_title.setObjectName("sectionTitle")
        self.rule_title.setWordWrap(True)
        self.badge = QLabel(self)
        self.badge.setObjectName("flagStatus")
        title_row = QHBoxLayout()
        title_row.addWidget(self.rule_title, 1)
        title_row.addWidget(self.badge, 0, Qt.AlignmentFlag.AlignTop)
        self.reason = QLabel(self)
        self.reason.setObjectName("flagReason")
        self.reason.setWordWrap(True)
        self.reason.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.amount = QLabel(self)
        self.amount.setObjectName("fieldHelp")
        self.amount.setWordWrap(True)
        self.basis = QLabel(self)
        self.basis.setObjectName("fieldHelp")
        self.basis.setWordWrap(True)
        self.fraud = QLabel(self)
        self.fraud.setObjectName("fieldHelp")
        self.fraud.setWordWrap(True)
        self.related = QLabel(self)
        self.related.setObjectName("fieldHelp")
        self.related.setWordWrap(True)
        # The supporting facts scroll in a short window; the reason and the review controls
        # stay in view.
        facts = QWidget(self)
        facts_layout = QVBoxLayout(facts)
        facts_layout.setContentsMargins(0, 0, 4, 0)
        facts_layout.setSpacing(6)
        for label in (self.amount, self.basis, self.fraud, self.related):
            facts_layout.addWidget(label)
        facts_layout.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(facts)
        left = QWidget(self)
        left.setMinimumWidth(300)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 8, 0)
        left_layout.setSpacing(6)
        left_layout.addLayout(title_row)
        left_layout.addWidget(self.reason)
        left_layout.addWidget(scroll, 1)
        line = QFrame(self)
        line.setFrameShape(QFrame.Shape.HLine)
        line.setStyleSheet("color: #e1e5eb;")
        left_layout.addWidget(line)
        left_layout.addWidget(self._build_review())
        return left

    def _build_review(self) -> QWidget:
        """The decision controls and the finding."""
        self.review_title = QLabel(self)
        self.review_title.setObjectName("cardSubtitle")
        self.review_state = QLabel(self)
        self.review_state.setObjectName("reviewState")
        self.review_state.setWordWrap(True)
        self.note = QPlainTextEdit(self)
        self.note.setObjectName("flagNote")
        self.note.setTabChangesFocus(True)
        self.note.setFixedHeight(46)
        self.note.installEventFilter(self)
        self.buttons: dict[FlagReviewStatus, QPushButton] = {}
        decisions = QHBoxLayout()
        decisions.setSpacing(6)
        for status in DECISIONS:
            button = QPushButton(self)
            button.setObjectName(f"decide_{status.value}")
            button.clicked.connect(lambda _checked=False, s=status: self.request(s))
            self.buttons[status] = button
            decisions.addWidget(button)
        decisions.addStretch(1)
        self.error_label = QLabel(self)
        self.error_label.setObjectName("errorText")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.finding_button = QPushButton(self)
        self.finding_button.setObjectName("createFinding")
        self.finding_button.clicked.connect(self.finding_requested)
        self.finding_label = QLabel(self)
        self.finding_label.setObjectName("fieldHelp")
        self.finding_label.setWordWrap(True)
        finding_row = QHBoxLayout()
        finding_row.addWidget(self.finding_button, 0, Qt.AlignmentFlag.AlignTop)
        finding_row.addWidget(self.finding_label, 1)
        box = QWidget(self)
        box_layout = QVBoxLayout(box)
        box_layout.setContentsMargins(0, 0, 0, 0)
        box_layout.setSpacing(6)
        box_layout.addWidget(self.review_title)
        box_layout.addWidget(self.review_state)
        box_layout.addWidget(self.note)
        box_layout.addLayout(decisions)
        box_layout.addWidget(self.error_label)
        box_layout.addLayout(finding_row)
        return box

    def _build_claim(self) -> QWidget:
        """Right: the claim and its lines (and the related claim's)."""
        self.claim_title = QLabel(self)
        self.claim_title.setObjectName("cardSubtitle")
        self.facts = FactsGrid(self)
        self.lines = LinesTable(self)
        self.lines.setObjectName("flagLines")
        self.related_lines = LinesTable(self)
        self.related_lines.setObjectName("relatedLines")
        self.line_tabs = QTabWidget(self)
        self.line_tabs.setDocumentMode(True)
        self.line_tabs.addTab(self.lines, "")
        self.line_tabs.addTab(self.related_lines, "")
        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(8, 0, 0, 0)
        right_layout.setSpacing(6)
        right_layout.addWidget(self.claim_title)
        right_layout.addWidget(self.facts)
        right_layout.addWidget(self.line_tabs, 1)
        return right

    # ------------------------------------------------------------- language

    def retranslate(self) -> None:
        """Re-read every text (the flag's reason is re-read by the tab)."""
        self.placeholder.setText(_("Select a flag to see why it was raised and to review it."))
        self.review_title.setText(_("Review"))
        self.note.setPlaceholderText(
            _("Note (required to dismiss or to mark a data-quality issue)")
        )  # fmt: skip
        self.buttons[FlagReviewStatus.CONFIRMED].setText(_("Confirm (C)"))
        self.buttons[FlagReviewStatus.DATA_QUALITY].setText(_("Data quality (Q)"))
        self.buttons[FlagReviewStatus.DISMISSED].setText(_("Dismiss (D)"))
        for status, button in self.buttons.items():
            button.setToolTip(
                {
                    FlagReviewStatus.CONFIRMED: _(
                        "The record shows the irregularity: the flag can become a finding."
                    ),
                    FlagReviewStatus.DATA_QUALITY: _(
                        "A data or code-mapping error, not a violation (say what was wrong)."
                    ),
                    FlagReviewStatus.DISMISSED: _(
                        "The record explains it: no irregularity (say why)."
                    ),
                }[status]
            )
        self.finding_button.setText(_("Create finding…"))
        self.lines.retranslate()
        self.related_lines.retranslate()
        self._show()

    # ------------------------------------------------------------- showing

    def show_detail(self, detail: FlagDetail | None, *, keep_note: bool = False) -> None:
        """Show ``detail`` (None: nothing selected)."""
        changed = detail is None or self.detail is None or detail.flag.id != self.detail.flag.id
        self.detail = detail
        if changed:
            self.pending = None
            self.show_error("")
        if not keep_note:
            review = detail.review if detail is not None else None
            self.note.setPlainText(review.note if review is not None else "")
        self._show()
        if detail is not None and changed:
            self.lines.show_lines(detail.claim.lines, detail.flagged_lines)
            related = detail.related
            self.related_lines.show_lines(related.lines if related else [], frozenset())
            self.line_tabs.setCurrentIndex(0)

    def expect(self, flag_id: int | None) -> None:
        """The flag ``flag_id`` was selected; its detail is on its way.

        Until it arrives the detail (and its note) shown is another flag's: the decisions
        wait, so that a key pressed meanwhile cannot record that note on the new flag.
        """
        self.expected = flag_id
        if not self.current():
            self.pending = None
        self._update_enabled()

    def current(self) -> bool:
        """True when the detail shown is the selected flag's (decisions may be taken)."""
        detail = self.detail
        return detail is not None and (self.expected is None or detail.flag.id == self.expected)

    def set_recording(self, can_record: bool) -> None:
        """Whether the user may decide (the tab's banner says why not)."""
        self.can_record = can_record
        self._update_enabled()

    def set_busy(self, busy: bool) -> None:
        """A decision or a finding is being written: the controls wait."""
        self.busy = busy
        self._update_enabled()

    def set_finding(self, finding: FindingRow | None) -> None:
        """The finding the flag's review led to (None: none, or not known here)."""
        self.finding = finding
        self._show()

    def show_error(self, message: str) -> None:
        """Show ``message`` under the decisions (empty hides it)."""
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))

    @property
    def status(self) -> FlagReviewStatus | None:
        """The shown flag's review state."""
        detail = self.detail
        if detail is None:
            return None
        return detail.review.status if detail.review is not None else detail.flag.status

    def live_finding(self) -> FindingRow | None:
        """The review's finding unless it was withdrawn (then another can be made)."""
        finding = self.finding
        return None if finding is None or finding.withdrawn else finding

    def _show(self) -> None:
        detail = self.detail
        self.placeholder.setVisible(detail is None)
        self.content.setVisible(detail is not None)
        if detail is None:
            return
        flag, rule = detail.flag, detail.rule
        self.rule_title.setText(rule.title.text() if rule is not None else flag.rule_code)
        status = self.status
        self.badge.setText(status_label(status))
        self.badge.setStyleSheet(badge_style(status))
        self.reason.setText(flag.reason)
        money = formatting.money(flag.amount_fen)
        how = rule.amount_description.text() if rule is not None else ""
        self.amount.setText(
            _("Amount at stake {amount}: {how}").format(amount=money, how=how)
            if how
            else _("Amount at stake {amount}").format(amount=money)
        )
        self.basis.setText(
            _("Legal basis: {basis}").format(basis=detail.legal_basis) if detail.legal_basis else ""
        )
        self.basis.setVisible(bool(detail.legal_basis))
        fraud = rule.fraud_alternative_text() if rule is not None else ""
        self.fraud.setText(fraud)
        self.fraud.setVisible(bool(fraud))
        self._show_related(detail)
        self._show_review(detail)
        self._show_claim(detail)
        self._update_enabled()

    def _show_related(self, detail: FlagDetail) -> None:
        related = detail.related
        self.related.setVisible(related is not None)
        self.line_tabs.setTabVisible(1, related is not None)
        self.line_tabs.setTabText(
            0, _("Lines of this claim ({count})").format(count=len(detail.claim.lines))
        )
        if related is None:
            return
        self.line_tabs.setTabText(
            1, _("Lines of {number} ({count})").format(
                number=related.settlement_no, count=len(related.lines)
            )
        )  # fmt: skip
        header = related.header
        if header is not None:
            stay = header.admission_date + (
                f" – {header.discharge_date}" if header.discharge_date else ""
            )
            text = _("Related claim {number}: {visit}, {department}, {stay}, {diagnosis}").format(
                number=related.settlement_no, visit=visit_type_label(header.visit_type),
                department=header.department, stay=stay, diagnosis=header.diagnosis,
            )  # fmt: skip
        elif related.institution:
            text = _("Related claim {number} at {institution}").format(
                number=related.settlement_no, institution=related.institution
            )
        else:
            text = _("Related claim {number}").format(number=related.settlement_no)
        self.related.setText(text)

    def _show_review(self, detail: FlagDetail) -> None:
        review = detail.review
        if review is None:
            self.review_state.setText(_("Not reviewed yet. Check the medical record, then decide."))
        else:
            parts = [status_label(review.status)]
            byline = review_byline(review)
            if byline:
                parts.append(byline)
            text = " · ".join(parts)
            if review.note:
                text += "\n" + _("Note: {note}").format(note=review.note)
            self.review_state.setText(text)
        finding = self.finding
        if finding is not None and not finding.withdrawn:
            self.finding_label.setText(
                _("Finding “{title}” was made from this flag; it is in the case's Findings "
                  "tab.").format(title=finding.title)
            )  # fmt: skip
        elif finding is not None:
            self.finding_label.setText(
                _("The finding “{title}” was withdrawn; a new one can be made.").format(
                    title=finding.title
                )
            )
        elif self.status is FlagReviewStatus.CONFIRMED:
            self.finding_label.setText(_("Confirmed: this flag can now become a finding."))
        else:
            self.finding_label.setText(_("Only a confirmed flag can become a finding."))

    def _show_claim(self, detail: FlagDetail) -> None:
        flag, header = detail.flag, detail.claim.header
        self.claim_title.setText(_("Claim {number}").format(number=flag.settlement_no))
        stay = flag.admission_date + (f" – {flag.discharge_date}" if flag.discharge_date else "")
        pairs = [
            (_("Visit type"), visit_type_label(flag.visit_type)),
            (_("Department"), flag.department),
            (_("Doctor"), f"{flag.doctor_name} ({flag.doctor_code})"),
            (_("Dates"), stay),
        ]
        if header is not None:
            age = age_on(header.patient_birth_date, header.admission_date)
            patient = " · ".join(
                part
                for part in (
                    header.patient,
                    sex_label(header.patient_sex),
                    _("{age} years").format(age=age) if age is not None else "",
                )
                if part
            )
            pairs += [
                (_("Patient"), patient),
                (
                    _("Total / fund"),
                    f"{formatting.money(header.total_fen)} / {formatting.money(header.fund_fen)}",
                ),
                (_("Diagnosis"), header.diagnosis),
            ]
        self.facts.set_pairs(pairs, wide=(_("Diagnosis"),))

    def _update_enabled(self) -> None:
        able = self.current() and self.can_record and not self.busy
        for button in self.buttons.values():
            button.setEnabled(able)
        self.note.setReadOnly(not able)
        finding_free = self.live_finding() is None
        self.finding_button.setEnabled(
            able and self.status is FlagReviewStatus.CONFIRMED and finding_free
        )

    # ---------------------------------------------------------------- asking

    def request(self, status: FlagReviewStatus) -> bool:
        """Ask to record ``status``; a dismissal or data-quality decision needs the note first.

        Returns True when the decision was passed on (``decided`` emitted).
        """
        if not self.current() or not self.can_record or self.busy:
            return False
        note = self.note.toPlainText().strip()
        if status in NOTE_REQUIRED and not note:
            self.pending = status
            self.show_error(_("Say why in the note, then press Ctrl+Enter (or the button again)."))
            self.note.setFocus(Qt.FocusReason.ShortcutFocusReason)
            return False
        self.pending = None
        self.show_error("")
        self.decided.emit(status, note)
        return True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.note and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            if enter and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
                if self.pending is not None and self.request(self.pending):
                    self.note_done.emit()
                return True
            if event.key() == Qt.Key.Key_Escape:
                self.pending = None
                self.show_error("")
                self.note_done.emit()
                return True
        return super().eventFilter(watched, event)
