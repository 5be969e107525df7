"""The flags listing of the screening tab: its columns and its filter bar.

The filters are those :class:`~inspector_app.screening.FlagFilter` offers: review state,
department, doctor (code, or part of the name), a minimum amount at stake and part of the
settlement number; typing pauses briefly before the listing restarts.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from PySide6.QtCore import QStringListModel, Qt, QTimer, Signal
from PySide6.QtWidgets import QComboBox, QCompleter, QHBoxLayout, QLabel, QLineEdit, QWidget

from inspector_app.i18n import _, ngettext
from local_db.enums import FlagReviewStatus
from ui import formatting
from ui.data.screening_labels import STATUS_FILTERS, status_filter_label, status_label
from ui.widgets.data_table import RIGHT, Column

if TYPE_CHECKING:
    from inspector_app.screening import FlagFacets, FlagFilter, FlagRow, ReviewRow
    from ui.widgets.data_table import RowTableModel

FILTER_DELAY_MS = 300  # typing pauses this long before the listing restarts


def _rule_title(code: str) -> str:
    from inspector_app.screening.flags import rule_title

    return rule_title(code)


FLAG_COLUMNS: list[Column[FlagRow]] = [
    Column(lambda: _("Settlement no."), lambda f: f.settlement_no, width=176),
    Column(lambda: _("Rule"), lambda f: _rule_title(f.rule_code), width=120, max_width=210,
           tooltip=lambda f: _rule_title(f.rule_code)),
    Column(lambda: _("Department"), lambda f: f.department, width=84, max_width=120),
    Column(lambda: _("Doctor"), lambda f: f.doctor_name, width=64, max_width=100),
    Column(lambda: _("Amount at stake"), lambda f: formatting.money(f.amount_fen), align=RIGHT,
           width=112),
    Column(lambda: _("Reason"), lambda f: f.reason, stretch=True, tooltip=lambda f: f.reason),
    Column(lambda: _("Review"), lambda f: status_label(f.status), width=64,
           muted=lambda f: f.status is FlagReviewStatus.DISMISSED),
]  # fmt: skip


def show_review_in_rows(model: RowTableModel[FlagRow], review: ReviewRow) -> None:
    """Show ``review`` on every listed flag it covers (the rule's flags on one claim)."""
    for number, row in enumerate(model.rows):
        if row.settlement_no == review.settlement_no and row.rule_code == review.rule_code:
            model.rows[number] = dataclasses.replace(row, status=review.status)
            model.dataChanged.emit(
                model.index(number, 0), model.index(number, model.columnCount() - 1)
            )


class FlagFilterBar(QWidget):
    """Filters of the flags listing and the count beside them; ``changed`` asks to list again."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        self.search = QLineEdit(self)
        self.search.setObjectName("flagSearch")
        self.search.setClearButtonEnabled(True)
        self.status_filter = QComboBox(self)
        self.status_filter.setObjectName("statusFilter")
        for value in STATUS_FILTERS:
            self.status_filter.addItem("", value)
        self.department = QComboBox(self)
        self.department.setObjectName("departmentFilter")
        self.department.setMinimumContentsLength(8)
        self.department.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.department.addItem("", "")
        self.doctor = QLineEdit(self)
        self.doctor.setObjectName("doctorFilter")
        self.doctor.setClearButtonEnabled(True)
        self.doctor_names = QStringListModel(self)
        completer = QCompleter(self.doctor_names, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.doctor.setCompleter(completer)
        self.min_amount = QLineEdit(self)
        self.min_amount.setObjectName("minAmount")
        self.min_amount.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.min_amount.setMinimumWidth(120)
        self.min_amount.setMaximumWidth(150)
        self.count_label = QLabel(self)
        self.count_label.setObjectName("muted")
        layout.addWidget(self.search, 2)
        layout.addWidget(self.status_filter)
        layout.addWidget(self.department)
        layout.addWidget(self.doctor, 2)
        layout.addWidget(self.min_amount, 1)
        layout.addStretch(1)
        layout.addWidget(self.count_label)
        self._delay = QTimer(self)
        self._delay.setSingleShot(True)
        self._delay.setInterval(FILTER_DELAY_MS)
        self._delay.timeout.connect(self.changed)
        for line in (self.search, self.doctor, self.min_amount):
            line.textChanged.connect(self._delay.start)
        self.status_filter.currentIndexChanged.connect(self.changed)
        self.department.currentIndexChanged.connect(self.changed)
        self.retranslate()

    def retranslate(self) -> None:
        """Re-read every text."""
        self.search.setPlaceholderText(_("Settlement no.…"))
        self.doctor.setPlaceholderText(_("Doctor code or name"))
        self.min_amount.setPlaceholderText(_("Min. ¥ at stake"))
        for index in range(self.status_filter.count()):
            self.status_filter.setItemText(
                index, status_filter_label(str(self.status_filter.itemData(index)))
            )
        self.department.setItemText(0, _("All departments"))

    def show_facets(self, facets: FlagFacets) -> None:
        """Offer the run's departments and doctors (the chosen department stays chosen)."""
        box = self.department
        current = box.currentData()
        box.blockSignals(True)
        box.clear()
        box.addItem(_("All departments"), "")
        for department in facets.departments:
            box.addItem(department, department)
        box.setCurrentIndex(max(0, box.findData(current)))
        box.blockSignals(False)
        self.doctor_names.setStringList(sorted({name for _code, name in facets.doctors if name}))

    def flag_filter(self, rule_code: str) -> FlagFilter:
        """The filter the widgets describe, for rule ``rule_code`` ("" for every rule).

        A minimum amount that is not an amount does not filter; its tooltip says why.
        """
        from inspector_app.findings.amounts import parse_amount
        from inspector_app.screening import FlagFilter

        try:
            minimum = parse_amount(self.min_amount.text())
            self.min_amount.setToolTip("")
        except ValueError as exc:
            minimum = 0
            self.min_amount.setToolTip(str(exc))
        return FlagFilter(
            rule_codes=(rule_code,) if rule_code else (),
            status=str(self.status_filter.currentData() or ""),
            department=str(self.department.currentData() or ""),
            doctor=self.doctor.text().strip(),
            min_amount_fen=minimum,
            search=self.search.text().strip(),
        )

    def show_count(self, total: int | None, run_total: int | None) -> None:
        """``797 flags``, or ``12 of 797 flags`` under a filter (None: still counting)."""
        if run_total is None:
            text = ""
        elif total is None:
            text = _("Counting…")
        elif total == run_total:
            text = ngettext("{count} flag", "{count} flags", total).format(
                count=formatting.count(total)
            )
        else:
            text = _("{count} of {total} flags").format(
                count=formatting.count(total), total=formatting.count(run_total)
            )
        self.count_label.setText(text)
