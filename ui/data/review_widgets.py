"""The parts of the review worksheet: the lines table, the line editor, checks and links.

Each part shows what the worksheet's view says and emits what the user asked for; the
worksheet dialog (``review_worksheet.py``) saves it in the background and shows the result.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent, QStandardItemModel
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QToolButton,
    QWidget,
)

from inspector_app.findings.amounts import format_amount_input, parse_amount
from inspector_app.i18n import _, pgettext
from inspector_app.vocabulary import coverage_class_label
from local_db.enums import LineDecision, LinkKind
from ui import formatting
from ui.widgets.card import CardWidget
from ui.widgets.data_table import RIGHT, ROW_ROLE, Column, DataTableWidget

if TYPE_CHECKING:
    from inspector_app.review.view import CheckView, LineView

ROW_COLOURS = {
    LineDecision.DISALLOWED: QColor("#fbe3e1"),
    LineDecision.PARTLY_DISALLOWED: QColor("#fff3cd"),
    LineDecision.ACCEPTED: QColor("#eaf5ea"),
}
ANSWERS = ("yes", "no", "n/a")
DECISION_KEYS = {Qt.Key.Key_A: "a", Qt.Key.Key_D: "d", Qt.Key.Key_P: "p"}


def decision_label(decision: LineDecision) -> str:
    """A line decision as the inspector reads it."""
    return {
        LineDecision.ACCEPTED: pgettext("line decision", "Accepted"),
        LineDecision.DISALLOWED: pgettext("line decision", "Disallowed"),
        LineDecision.PARTLY_DISALLOWED: pgettext("line decision", "Partly disallowed"),
    }[decision]


def answer_label(answer: str) -> str:
    """A medical-file check's answer in words."""
    return {
        "yes": pgettext("check answer", "Yes"),
        "no": pgettext("check answer", "No"),
        "n/a": pgettext("check answer", "N/A"),
    }[answer]


def violation_text(code: str) -> str:
    """``38.1 分解住院、挂床住院`` for a catalogue code; the code itself when unknown."""
    from inspector_app.findings.catalogue import catalogue

    entry = catalogue().get(code) if code else None
    return entry.label() if entry is not None else code


def violation_number(code: str) -> str:
    """``38.3`` for a catalogue code (the article and item), the title for data quality."""
    from inspector_app.findings.catalogue import catalogue

    entry = catalogue().get(code) if code else None
    if entry is None or entry.article is None:
        return entry.title() if entry is not None else code
    return f"{entry.article}.{entry.item}" if entry.item is not None else str(entry.article)


def _decision_text(line: LineView) -> str:
    if not line.decided:
        return pgettext("line decision", "Open")
    if line.decision is LineDecision.PARTLY_DISALLOWED:
        return pgettext("line decision, short", "Partly")
    return decision_label(line.decision)


def _money_or_blank(fen: int) -> str:
    return formatting.money(fen) if fen else ""


LINE_COLUMNS: list[Column[LineView]] = [
    Column(lambda: _("No."), lambda r: str(r.line_no), lambda r: r.line_no, RIGHT, 36),
    Column(lambda: _("Item"), lambda r: r.item_name, stretch=True, tooltip=lambda r: r.item_code),
    Column(lambda: pgettext("coverage class", "Class"),
           lambda r: coverage_class_label(r.coverage_class), width=56),
    Column(lambda: pgettext("quantity, short", "Qty"), lambda r: f"{r.quantity:g}",
           lambda r: r.quantity, RIGHT, 40),
    Column(
        lambda: _("Amount"), lambda r: formatting.money(r.amount_fen), lambda r: r.amount_fen,
        RIGHT, 76,
    ),
    Column(lambda: _("Decision"), _decision_text, width=82, muted=lambda r: not r.decided,
           tooltip=lambda r: decision_label(r.decision) if r.decided else ""),
    Column(
        lambda: _("Disallowed"), lambda r: _money_or_blank(r.disallowed_fen),
        lambda r: r.disallowed_fen, RIGHT, 80,
    ),
    Column(
        lambda: pgettext("fund's share, short", "Fund part"),
        lambda r: _money_or_blank(r.fund_share_fen), lambda r: r.fund_share_fen, RIGHT, 76,
    ),
    Column(
        lambda: pgettext("article of the violation, short", "Art."),
        lambda r: violation_number(r.violation_code), width=48,
        tooltip=lambda r: violation_text(r.violation_code),
    ),
    Column(
        lambda: _("Reason"), lambda r: r.reason, width=90, max_width=180,
        tooltip=lambda r: r.reason,
    ),
]  # fmt: skip


class _DecisionColours(QSortFilterProxyModel):
    """Tints decided lines: green accepted, amber partly, red disallowed."""

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if role == Qt.ItemDataRole.BackgroundRole:
            line = super().data(index, ROW_ROLE)
            return ROW_COLOURS[line.decision] if line is not None and line.decided else None
        return super().data(index, role)


class LineTable(DataTableWidget["LineView"]):
    """The claim's lines; A / D / P ask to decide the current line from the keyboard."""

    decision_key = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(LINE_COLUMNS, parent, proxy=_DecisionColours())
        self.setObjectName("reviewLines")

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = DECISION_KEYS.get(Qt.Key(event.key()))
        plain = not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if key is not None and plain:
            self.decision_key.emit(key)
            event.accept()
            return
        super().keyPressEvent(event)

    def move_down(self) -> None:
        """Select the next line in display order, if any."""
        row = self.currentIndex().row() + 1
        if 0 < row < self.proxy.rowCount():
            self.selectRow(row)

    def select_line(self, line_no: int) -> None:
        """Select the line numbered ``line_no``."""
        for row in range(self.proxy.rowCount()):
            if self.proxy.index(row, 0).data(ROW_ROLE).line_no == line_no:
                self.selectRow(row)
                return


class LineEditor(QFrame):
    """The decision on the current line: accepted or disallowed (an amount up to the line's,
    less than all of it meaning "partly"), with a violation type and a reason.

    ``save_requested`` asks to save :meth:`decision`; ``accept_rest_requested`` to accept
    every open line.
    """

    save_requested = Signal()
    accept_rest_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self.line: LineView | None = None
        self.editable = False
        self.title = QLabel(self)
        self.title.setObjectName("cardSubtitle")
        self.decisions = QButtonGroup(self)
        self.buttons: dict[LineDecision, QRadioButton] = {}
        for decision in LineDecision:
            button = QRadioButton(self)
            button.setObjectName(f"decision_{decision.value}")
            self.decisions.addButton(button)
            self.buttons[decision] = button
            button.toggled.connect(self._toggled)
        self.amount = QLineEdit(self)
        self.amount.setObjectName("disallowedAmount")
        self.amount.setAlignment(RIGHT)
        self.amount.setMaximumWidth(130)
        self.amount.returnPressed.connect(self.save_requested)
        self.amount_help = QLabel(self)
        self.amount_help.setObjectName("fieldHelp")
        self.violation = QComboBox(self)
        self.violation.setObjectName("violationType")
        self.violation.setMinimumContentsLength(22)
        self.violation.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.reason = QLineEdit(self)
        self.reason.setObjectName("lineReason")
        self.reason.setMaxLength(2000)
        self.reason.returnPressed.connect(self.save_requested)
        self.save_button = QPushButton(self)
        self.save_button.setObjectName("saveLine")
        self.save_button.clicked.connect(self.save_requested)
        self.accept_rest_button = QPushButton(self)
        self.accept_rest_button.clicked.connect(self.accept_rest_requested)
        self.labels = [QLabel(self) for _ in range(4)]
        self._lay_out()

    def _lay_out(self) -> None:
        grid = QGridLayout(self)
        grid.setContentsMargins(12, 8, 12, 8)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(6)
        choices = QHBoxLayout()
        for button in self.buttons.values():
            choices.addWidget(button)
        choices.addStretch(1)
        amount_row = QHBoxLayout()
        amount_row.addWidget(self.amount)
        amount_row.addWidget(self.amount_help, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.accept_rest_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        grid.addWidget(self.title, 0, 0, 1, 4)
        grid.addWidget(self.labels[0], 1, 0)
        grid.addLayout(choices, 1, 1, 1, 3)
        grid.addWidget(self.labels[1], 2, 0)
        grid.addLayout(amount_row, 2, 1)
        grid.addWidget(self.labels[2], 2, 2)
        grid.addWidget(self.violation, 2, 3)
        grid.addWidget(self.labels[3], 3, 0)
        grid.addWidget(self.reason, 3, 1, 1, 3)
        grid.addLayout(buttons, 4, 0, 1, 4)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 2)

    def retranslate(self) -> None:
        """Re-read every text (the violation list too)."""
        for decision, button in self.buttons.items():
            button.setText(decision_label(decision))
        texts = (_("Decision"), _("Disallowed (¥)"), _("Violation"), _("Reason"))
        for label, text in zip(self.labels, texts, strict=True):
            label.setText(text)
        self.reason.setPlaceholderText(_("What the medical file shows (needed to disallow)"))
        self.save_button.setText(_("Save line"))
        self.accept_rest_button.setText(_("Accept all open lines"))
        self._fill_violations()
        self._show_texts()  # keeps what was typed and not saved yet

    def _fill_violations(self) -> None:
        from inspector_app.findings.catalogue import group_label, grouped

        current = self.violation.currentData()
        self.violation.clear()
        self.violation.addItem(_("Choose a violation type…"), "")
        model = self.violation.model()
        for group, entries in grouped():
            if group == "data_quality":
                continue  # a data-quality outcome is no reason to disallow a line
            self.violation.addItem(group_label(group), None)
            if isinstance(model, QStandardItemModel):  # a group heading is not a choice
                heading = model.item(self.violation.count() - 1)
                if heading is not None:
                    heading.setEnabled(False)
            for entry in entries:
                self.violation.addItem("    " + entry.label(), entry.code)
                self.violation.setItemData(
                    self.violation.count() - 1, entry.description(), Qt.ItemDataRole.ToolTipRole
                )
        self.set_violation(current or "")

    def set_violation(self, code: str) -> None:
        """Choose violation type ``code`` (``""``: none)."""
        self.violation.setCurrentIndex(max(0, self.violation.findData(code)))

    def violation_code(self) -> str:
        """The chosen violation type's code (``""`` when none)."""
        return str(self.violation.currentData() or "")

    def show_line(self, line: LineView | None) -> None:
        """Fill the editor with ``line``'s decision (what was typed and not saved is dropped)."""
        self.line = line
        self._show_texts()
        if line is None:
            return
        self.buttons[line.decision].setChecked(True)
        self.amount.setText(format_amount_input(line.disallowed_fen or line.amount_fen))
        self.set_violation(line.violation_code)
        self.reason.setText(line.reason)
        self._toggled()

    def update_line(self, line: LineView) -> None:
        """Take the saved state of the line being edited without dropping unsaved input:
        a save of something else (a check, a link) must not wipe a reason being typed."""
        if self.line is not None and self.line.line_no == line.line_no and self.is_dirty():
            self.line = line
            self._show_texts()
            if self._state() == _saved_state(line):
                self.show_line(line)  # what was typed is what is now saved
            return
        self.show_line(line)

    def is_dirty(self) -> bool:
        """Whether the editor holds a decision that differs from the line's saved one."""
        return self.line is not None and self._state() != _saved_state(self.line)

    def _state(self) -> tuple[object, ...]:
        line = self.line
        assert line is not None
        decision = self._chosen() if self.decisions.checkedButton() else LineDecision.ACCEPTED
        if decision is LineDecision.ACCEPTED:
            return (LineDecision.ACCEPTED,)
        amount: object
        try:
            amount = parse_amount(self.amount.text())
        except ValueError:
            amount = self.amount.text()
        if decision is LineDecision.DISALLOWED or amount == line.amount_fen:
            decision, amount = LineDecision.DISALLOWED, line.amount_fen
        return decision, amount, self.violation_code(), self.reason.text().strip()

    def _show_texts(self) -> None:
        line = self.line
        if line is None:
            self.title.setText(_("Select a line"))
            self.amount_help.setText("")
            return
        self.title.setText(
            _("Line {number}: {item} · {amount}").format(
                number=line.line_no, item=line.item_name, amount=formatting.money(line.amount_fen)
            )
        )
        self.amount_help.setText(_("of {amount}").format(amount=formatting.money(line.amount_fen)))

    def choose(self, decision: LineDecision) -> None:
        """Select ``decision`` (a disallowance starts from the line's whole amount)."""
        self.buttons[decision].setChecked(True)

    def set_editable(self, editable: bool) -> None:
        """Allow or forbid changes (read-only users, a completed review, a save running)."""
        self.editable = editable
        for widget in (*self.buttons.values(), self.save_button, self.accept_rest_button):
            widget.setEnabled(editable)
        self._toggled()

    def _chosen(self) -> LineDecision:
        return next(d for d, b in self.buttons.items() if b.isChecked())

    def _toggled(self, *_args: object) -> None:
        decision = self._chosen() if self.decisions.checkedButton() else LineDecision.ACCEPTED
        disallowing = decision is not LineDecision.ACCEPTED
        editable = self.editable and self.line is not None
        self.amount.setEnabled(editable and decision is LineDecision.PARTLY_DISALLOWED)
        self.violation.setEnabled(editable and disallowing)
        self.reason.setEnabled(editable and disallowing)
        if self.line is not None and decision is LineDecision.DISALLOWED:
            self.amount.setText(format_amount_input(self.line.amount_fen))

    def decision(self) -> tuple[LineDecision, int | None, str, str]:
        """(decision, disallowed fen or None for the whole line, violation code, reason).

        A disallowed amount below the line's makes the decision "partly disallowed".

        Raises:
            ValueError: an amount that does not fit the line, or no violation type.
        """
        line = self.line
        assert line is not None
        decision = self._chosen()
        if decision is LineDecision.ACCEPTED:
            return decision, None, "", ""
        amount = parse_amount(self.amount.text())
        if not 0 < amount <= line.amount_fen:
            raise ValueError(
                _("The disallowed amount must be more than 0 and at most the line's amount.")
            )
        code = self.violation_code()
        if not code:
            raise ValueError(_("Choose the violation type of the disallowed line."))
        if amount == line.amount_fen:
            return LineDecision.DISALLOWED, None, code, self.reason.text()
        return LineDecision.PARTLY_DISALLOWED, amount, code, self.reason.text()


def _saved_state(line: LineView) -> tuple[object, ...]:
    """What :meth:`LineEditor._state` reads when the editor shows ``line`` as saved."""
    if line.decision is LineDecision.ACCEPTED:
        return (LineDecision.ACCEPTED,)
    amount = line.disallowed_fen or line.amount_fen
    decision = line.decision
    if decision is LineDecision.DISALLOWED or amount == line.amount_fen:
        decision, amount = LineDecision.DISALLOWED, line.amount_fen
    return decision, amount, line.violation_code, line.reason.strip()


class ChecksWidget(CardWidget):
    """The medical-file checks of the claim's visit type, each answered yes / no / n.a.

    ``answered(key, answer)`` asks to record an answer; ``""`` clears it (clicking the
    chosen answer again).
    """

    answered = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(4)
        self.grid.setVerticalSpacing(2)
        self.grid.setColumnStretch(0, 1)
        holder = QWidget(self)
        holder.setLayout(self.grid)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(holder)
        self.content.addWidget(scroll)
        self.rows: list[tuple[CheckView, QLabel, dict[str, QToolButton]]] = []

    def show_checks(self, checks: list[CheckView]) -> None:
        """Show ``checks`` with their answers."""
        if [c.key for c in checks] != [c.key for c, _label, _buttons in self.rows]:
            self._rebuild(checks)
        self.rows = [(check, label, buttons) for check, (_c, label, buttons) in
                     zip(checks, self.rows, strict=True)]  # fmt: skip
        for check, label, buttons in self.rows:
            label.setText(check.title)
            label.setToolTip(check.detail)
            for answer, button in buttons.items():
                button.setChecked(check.answer == answer)
                button.setText(answer_label(answer))

    def _rebuild(self, checks: list[CheckView]) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.rows = []
        for row, check in enumerate(checks):
            label = QLabel(self)
            label.setWordWrap(True)
            self.grid.addWidget(label, row, 0)
            buttons: dict[str, QToolButton] = {}
            for column, answer in enumerate(ANSWERS, start=1):
                button = QToolButton(self)
                button.setObjectName(f"check_{check.key}_{answer}")
                button.setCheckable(True)
                button.setMinimumWidth(44)
                button.clicked.connect(lambda _c=False, c=check.key, a=answer: self._clicked(c, a))
                self.grid.addWidget(button, row, column, Qt.AlignmentFlag.AlignTop)
                buttons[answer] = button
            self.rows.append((check, label, buttons))
        self.grid.setRowStretch(len(checks), 1)

    def _clicked(self, key: str, answer: str) -> None:
        current = next((c.answer for c, _label, _buttons in self.rows if c.key == key), "")
        self.show_checks([c for c, _label, _buttons in self.rows])  # the saved answer shows
        self.answered.emit(key, "" if current == answer else answer)

    def set_editable(self, editable: bool) -> None:
        """Allow or forbid answering."""
        for _check, _label, buttons in self.rows:
            for button in buttons.values():
                button.setEnabled(editable)


class LinkList(QWidget):
    """The review's links of one kind, and a choice of the case's records to add.

    ``link_requested(ref)`` and ``unlink_requested(ref)`` ask for the change.
    """

    link_requested = Signal(str)
    unlink_requested = Signal(str)

    def __init__(self, kind: LinkKind, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = kind
        self.title = QLabel(self)
        self.title.setObjectName("cardSubtitle")
        self.listing = QListWidget(self)
        self.listing.setObjectName(f"linked_{kind.value}")
        self.listing.setMaximumHeight(50)
        self.choice = QComboBox(self)
        self.choice.setObjectName(f"choose_{kind.value}")
        self.choice.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.choice.setMinimumContentsLength(10)
        self.add_button, self.remove_button = QPushButton(self), QPushButton(self)
        self.add_button.clicked.connect(self._add)
        self.remove_button.clicked.connect(self._remove)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(4)
        grid.addWidget(self.title, 0, 0, 1, 3)
        grid.addWidget(self.listing, 1, 0, 1, 3)
        grid.addWidget(self.choice, 2, 0)
        grid.addWidget(self.add_button, 2, 1)
        grid.addWidget(self.remove_button, 2, 2)
        grid.setColumnStretch(0, 1)

    def retranslate(self) -> None:
        """Re-read every text."""
        self.title.setText(_("Evidence") if self.kind is LinkKind.EVIDENCE else _("Findings"))
        self.add_button.setText(_("Link"))
        self.remove_button.setText(_("Remove"))

    def show_links(self, linked: tuple[str, ...], texts: dict[str, str]) -> None:
        """``linked`` refs (shown by ``texts``), and the other refs of ``texts`` to add."""
        self.listing.clear()
        for ref in linked:
            item = QListWidgetItem(texts.get(ref, ref), self.listing)
            item.setData(Qt.ItemDataRole.UserRole, ref)
        if not linked:
            QListWidgetItem(_("None linked"), self.listing).setFlags(Qt.ItemFlag.NoItemFlags)
        self.choice.clear()
        for ref, text in texts.items():
            if ref not in linked:
                self.choice.addItem(text, ref)

    def set_editable(self, editable: bool) -> None:
        """Allow or forbid changing the links."""
        for widget in (self.choice, self.add_button, self.remove_button):
            widget.setEnabled(editable)

    def _add(self) -> None:
        ref = self.choice.currentData()
        if ref:
            self.link_requested.emit(str(ref))

    def _remove(self) -> None:
        item = self.listing.currentItem()
        ref = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        if ref:
            self.unlink_requested.emit(str(ref))
