"""结算记录 Claims of one batch: filters, a lazily loaded table, the selected claim's lines.

A batch can hold a million claims; the table loads 200 at a time as the user scrolls (see
``ui/widgets/lazy_table.py``) and the first page shows in a few milliseconds. Filters
restart the listing; the count beside them is the batch's stored count, or a capped count
for a filter (computed in the background).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from inspector_app.i18n import _
from inspector_app.vocabulary import (
    coverage_class_label,
    item_category_label,
    patient_sex_label,
    visit_type_label,
)
from ui import error_report, formatting
from ui.context import ShellContext
from ui.widgets.data_table import RIGHT, Column, DataTableWidget
from ui.widgets.lazy_table import LazyTableWidget, Page
from ui.workers import Operation

if TYPE_CHECKING:
    from inspector_app.services.claims_browser import (
        BatchFacets,
        ClaimFilter,
        ClaimLineRow,
        ClaimRow,
    )

FILTER_DELAY_MS = 300  # typing pauses this long before the listing restarts


def _quantity(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:g}"


def _moment(text: str) -> str:
    """An exported timestamp as people read it (``2025-01-02 08:17:42``, no ``T``)."""
    return text.replace("T", " ")


CLAIM_COLUMNS: list[Column[ClaimRow]] = [
    Column(lambda: _("Settlement no."), lambda c: c.settlement_no, width=170, max_width=220),
    Column(lambda: _("Visit type"), lambda c: visit_type_label(c.visit_type), width=70),
    Column(lambda: _("Department"), lambda c: c.department, width=100),
    Column(lambda: _("Doctor"), lambda c: c.doctor, width=80),
    Column(lambda: _("Patient"), lambda c: c.patient, width=70),
    Column(lambda: _("Sex"), lambda c: patient_sex_label(c.patient_sex), width=40),
    Column(lambda: _("Admitted"), lambda c: c.admission_date, width=96),
    Column(lambda: _("Discharged"), lambda c: c.discharge_date, width=96),
    Column(
        lambda: _("Diagnosis"), lambda c: c.diagnosis, stretch=True, tooltip=lambda c: c.diagnosis
    ),
    Column(lambda: _("Total"), lambda c: formatting.money(c.total_fen), align=RIGHT, width=110),
    Column(lambda: _("Fund paid"), lambda c: formatting.money(c.fund_fen), align=RIGHT, width=110),
    Column(lambda: _("Settled at"), lambda c: _moment(c.settled_at), width=150),
]
LINE_COLUMNS: list[Column[ClaimLineRow]] = [
    Column(lambda: _("No."), lambda r: str(r.line_no), align=RIGHT, width=40),
    Column(lambda: _("Item code"), lambda r: r.item_code, width=180, max_width=240),
    Column(lambda: _("Item"), lambda r: r.item_name, stretch=True),
    Column(lambda: _("Category"), lambda r: item_category_label(r.item_category), width=80),
    Column(
        lambda: _("Unit price"),
        lambda r: formatting.money(r.unit_price_fen),
        align=RIGHT,
        width=90,
    ),
    Column(lambda: _("Quantity"), lambda r: _quantity(r.quantity), align=RIGHT, width=70),
    Column(lambda: _("Ordered"), lambda r: _quantity(r.ordered_quantity), align=RIGHT, width=70),
    Column(lambda: _("Amount"), lambda r: formatting.money(r.amount_fen), align=RIGHT, width=100),
    Column(lambda: _("Class"), lambda r: coverage_class_label(r.coverage_class), width=64),
    Column(lambda: _("Service time"), lambda r: _moment(r.service_time), width=150),
    Column(lambda: _("Traceability code"), lambda r: r.trace_code, width=180, max_width=220),
]


class ClaimsView(QWidget):
    """Browse the claims of one batch and the lines of the selected claim."""

    def __init__(self, context: ShellContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.batch_id: str | None = None
        # Departments and visit types per batch: one scan of the batch, so read once.
        self._facets: dict[str, BatchFacets] = {}
        self._count_generation = 0
        self._counted: tuple[int, bool] | None = None  # the last count: (number, exact)
        self._lines_of: str | None = None  # settlement number whose lines are shown
        self._lines_generation = 0
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addLayout(self._filter_bar())
        self.table: LazyTableWidget[ClaimRow] = LazyTableWidget(CLAIM_COLUMNS, self)
        self.lines: DataTableWidget[ClaimLineRow] = DataTableWidget(LINE_COLUMNS, self)
        self.lines_title = QLabel(self)
        self.lines_title.setObjectName("sectionTitle")
        lower = QWidget(self)
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 4, 0, 0)
        lower_layout.addWidget(self.lines_title)
        lower_layout.addWidget(self.lines, 1)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.table)
        splitter.addWidget(lower)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout.addWidget(splitter, 1)
        self._delay = QTimer(self)
        self._delay.setSingleShot(True)
        self._delay.setInterval(FILTER_DELAY_MS)
        self._delay.timeout.connect(self.restart)
        self.search.textChanged.connect(self._delay.start)
        self.doctor.textChanged.connect(self._delay.start)
        self.visit_type.currentIndexChanged.connect(self.restart)
        self.department.currentIndexChanged.connect(self.restart)
        self.table.selectionModel().currentRowChanged.connect(self._selected)
        self.table.lazy_model.page_failed.connect(self._failed)
        self.retranslate()

    def _filter_bar(self) -> QHBoxLayout:
        """Search, visit type, department, doctor and the count, in one row."""
        filters = QHBoxLayout()
        self.search = QLineEdit(self)
        self.search.setClearButtonEnabled(True)
        self.visit_type = QComboBox(self)
        self.department = QComboBox(self)
        self.department.setMinimumContentsLength(10)
        self.doctor = QLineEdit(self)
        self.doctor.setClearButtonEnabled(True)
        self.count_label = QLabel(self)
        self.count_label.setObjectName("muted")
        filters.addWidget(self.search, 2)
        filters.addWidget(self.visit_type)
        filters.addWidget(self.department)
        filters.addWidget(self.doctor, 1)
        filters.addStretch(1)
        filters.addWidget(self.count_label)
        return filters

    def retranslate(self) -> None:
        """Re-read every visible text."""
        self.search.setPlaceholderText(_("Settlement or visit number…"))
        self.doctor.setPlaceholderText(_("Doctor code or name"))
        self._set_choices(self.visit_type, _("All visit types"), None, visit_type_label)
        self._set_choices(self.department, _("All departments"), None)
        self._show_lines_title()
        self._show_count()
        self.table.retranslate()
        self.lines.retranslate()

    def _show_count(self) -> None:
        if self.batch_id is None:
            return
        if self._counted is None:
            self.count_label.setText(_("Counting…"))
            return
        number, exact = self._counted
        text = formatting.count(number)
        self.count_label.setText(
            _("{count} claims").format(count=text)
            if exact
            else _("more than {count} claims").format(count=text)
        )

    def _show_lines_title(self) -> None:
        if self._lines_of is None:
            self.lines_title.setText(_("Select a claim to see its lines"))
        else:
            self.lines_title.setText(
                _("Lines of claim {number} ({count})").format(
                    number=self._lines_of, count=len(self.lines.row_model.rows)
                )
            )

    # ----------------------------------------------------------------- running

    def _run(
        self,
        work: Any,
        done: Any,
        failed: Any,
        *,
        label: str,
    ) -> None:
        operation: Operation[Any] = Operation.of(work, label=label)
        operation.success(done).failure(failed).quietly().owned_by(self).run_in_background(
            self.context.tasks
        )

    def _failed(self, error: BaseException) -> None:
        error_report.log_error(error)
        self.count_label.setText(_("The claims could not be read."))

    # ----------------------------------------------------------------- listing

    def set_batch(self, batch_id: str) -> None:
        """Show the claims of ``batch_id`` (filters reset, facets loaded in the background)."""
        from inspector_app.services.claims_browser import batch_facets

        self.batch_id = batch_id
        for box in (self.visit_type, self.department):
            box.blockSignals(True)
            box.clear()
        self._set_choices(self.visit_type, _("All visit types"), [])
        self._set_choices(self.department, _("All departments"), [])
        for box in (self.visit_type, self.department):
            box.blockSignals(False)
        for field in (self.search, self.doctor):
            field.blockSignals(True)
            field.clear()
            field.blockSignals(False)
        self.restart()
        if batch_id in self._facets:
            self._show_facets(self._facets[batch_id])
            return
        profile = self.context.profile

        def arrived(facets: BatchFacets) -> None:
            self._facets[batch_id] = facets
            if batch_id == self.batch_id:
                self._show_facets(facets)

        self._run(
            lambda: batch_facets(profile=profile, batch_id=batch_id),
            arrived,
            error_report.log_error,
            label=_("Reading the batch's departments"),
        )

    def _set_choices(
        self,
        box: QComboBox,
        everything: str,
        values: list[str] | None,
        label: Callable[[str], str] = str,
    ) -> None:
        """Fill ``box`` with "everything" plus ``values`` shown through ``label``.

        ``values`` None only re-reads the texts (a language switch).
        """
        if values is None:
            if box.count():
                box.setItemText(0, everything)
            for index in range(1, box.count()):
                box.setItemText(index, label(str(box.itemData(index))))
            return
        current = box.currentData()
        box.blockSignals(True)
        box.clear()
        box.addItem(everything, "")
        for value in values:
            box.addItem(label(value), value)
        index = box.findData(current)
        box.setCurrentIndex(max(index, 0))
        box.blockSignals(False)

    def _show_facets(self, facets: BatchFacets) -> None:
        self._set_choices(
            self.visit_type, _("All visit types"), facets.visit_types, visit_type_label
        )
        self._set_choices(self.department, _("All departments"), facets.departments)

    def current_filter(self) -> ClaimFilter | None:
        """The filter the widgets describe (None before a batch is set)."""
        from inspector_app.services.claims_browser import ClaimFilter

        if self.batch_id is None:
            return None
        return ClaimFilter(
            batch_id=self.batch_id,
            search=self.search.text(),
            visit_type=str(self.visit_type.currentData() or ""),
            department=str(self.department.currentData() or ""),
            doctor=self.doctor.text(),
        )

    def restart(self) -> None:
        """List the claims again under the current filter."""
        from inspector_app.services.claims_browser import claim_count, claim_page

        claim_filter = self.current_filter()
        if claim_filter is None:
            return
        profile = self.context.profile
        self._lines_generation += 1  # lines still on their way belong to the old listing
        self._lines_of = None
        self.lines.set_rows([])
        self._show_lines_title()

        def fetch(cursor: Any) -> Page[ClaimRow]:
            page = claim_page(profile=profile, claim_filter=claim_filter, after=cursor)
            return Page(rows=page.rows, cursor=page.next_after)

        def runner(work: Any, done: Any, failed: Any) -> None:
            self._run(work, done, failed, label=_("Reading claims"))

        self.table.lazy_model.restart(fetch, runner)
        self._count_generation += 1
        generation = self._count_generation
        self._counted = None
        self._show_count()

        def counted(result: tuple[int, bool]) -> None:
            if generation == self._count_generation:
                self._counted = result
                self._show_count()

        self._run(
            lambda: claim_count(profile=profile, claim_filter=claim_filter),
            counted,
            self._failed,
            label=_("Counting claims"),
        )

    # ------------------------------------------------------------ claim detail

    def _selected(self, current: Any, _previous: Any) -> None:
        from inspector_app.services.claims_browser import claim_lines

        row = self.table.current_row()
        if row is None:
            return
        self._lines_generation += 1
        generation = self._lines_generation
        profile = self.context.profile
        claim_id = row.id

        def show(lines: list[ClaimLineRow]) -> None:
            if generation != self._lines_generation:
                return
            self.lines.set_rows(lines)
            self._lines_of = row.settlement_no
            self._show_lines_title()

        self._run(
            lambda: claim_lines(profile=profile, claim_id=claim_id),
            show,
            error_report.log_error,
            label=_("Reading the claim's lines"),
        )
