"""The import wizard: a GBK pair with bad rows to its report, mappings, cancel, 进销存."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from inspector_app.i18n import _
from inspector_app.profiles import OpenProfile
from inspector_app.progress import Progress
from inspector_app.settlement_import import list_mappings, problem_text, role_label
from inspector_app.settlement_import.problems import severity, severity_label
from local_db.enums import ImportFileRole
from local_db.models import (
    Claim,
    ClaimLine,
    EvidenceItem,
    ExtractionRecord,
    ImportProblem,
    InventoryBatch,
    InventoryMovement,
    SettlementBatch,
)
from tests.unit.settlement_import.world import (
    CLAIM_HEADERS,
    LINE_HEADERS,
    claim_row,
    line_row,
    write_csv,
)
from ui.context import ShellContext
from ui.dialogs.import_common import ImportKind
from ui.dialogs.import_mapping_page import ImportMappingPage
from ui.dialogs.import_wizard import ImportWizardDialog
from ui.main_window import MainWindow
from ui.workers import Operation

TIMEOUT = 15_000
TITLE = "北京市朝阳区康宁医院 住院结算明细（导出时间 2026-03-02 10:15）"


def count(profile: OpenProfile, model: Any, *where: Any) -> int:
    """Rows of ``model`` matching ``where``."""
    with profile.read_session() as session:
        return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def gbk_pair(folder: Path) -> tuple[Path, Path]:
    """A GBK export: 8 claims (2 bad) and their lines (3 bad, 2 of a refused claim)."""
    claims = [claim_row(n) for n in range(1, 7)]
    claims.append(claim_row(7, 总费用="一百五"))  # row 9: not money
    claims.append(claim_row(8, 入院日期="2025-13-45"))  # row 10: not a date
    lines = [line_row(n, line) for n in range(1, 7) for line in (1, 2)]
    lines.append(line_row(3, 3, 数量="两盒"))  # row 14: not a quantity
    lines.append(line_row(99, 1))  # row 15: no such claim
    lines.append(line_row(7, 1))  # row 16: its claim was refused
    claims_path = write_csv(
        folder / "结算记录.csv", CLAIM_HEADERS, claims, encoding="gbk", titles=[TITLE]
    )
    lines_path = write_csv(folder / "费用明细.csv", LINE_HEADERS, lines, encoding="gbk")
    return claims_path, lines_path


def open_wizard(qtbot: QtBot, context: ShellContext) -> ImportWizardDialog:
    """The wizard, shown, with its cases read."""
    dialog = ImportWizardDialog(context)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.source_page.targets is not None, timeout=TIMEOUT)
    return dialog


def settle(qtbot: QtBot, page: ImportMappingPage) -> None:
    """Wait until the page's preview matches its choices."""
    qtbot.waitUntil(lambda: page.settled and page.preview is not None, timeout=TIMEOUT)
    qtbot.waitUntil(lambda: not page.busy, timeout=TIMEOUT)


def next_step(qtbot: QtBot, dialog: ImportWizardDialog) -> None:
    """Click Next once it is enabled."""
    current = dialog.stack.currentWidget()
    if isinstance(current, ImportMappingPage):
        settle(qtbot, current)
    qtbot.waitUntil(dialog.next_button.isEnabled, timeout=TIMEOUT)
    qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)


def to_check_page(qtbot: QtBot, dialog: ImportWizardDialog) -> None:
    """From step 1 through every mapping page to the check step."""
    next_step(qtbot, dialog)
    while isinstance(dialog.stack.currentWidget(), ImportMappingPage):
        next_step(qtbot, dialog)
    assert dialog.stack.currentWidget() is dialog.check_page


def run_import(qtbot: QtBot, dialog: ImportWizardDialog) -> None:
    """Click Import on the check step and wait for the result step."""
    next_step(qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.running, timeout=TIMEOUT)
    assert dialog.stack.currentWidget() is dialog.result_page, dialog.run_page.message.text()
    table = dialog.result_page.problems
    qtbot.waitUntil(lambda: table.lazy_model.complete, timeout=TIMEOUT)


def table_texts(table: Any) -> list[list[str]]:
    """Every cell text of a Qt table model."""
    model = table.model()
    return [
        [model.index(r, c).data() for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]


def report_row(
    role: ImportFileRole, row: int, column: str, value: str, code: str, *, detail: str = ""
) -> list[str]:
    """A problem as the result page lists it."""
    return [
        role_label(role), str(row), column, value, severity_label(severity(code)),
        problem_text(code, detail),
    ]  # fmt: skip


def test_gbk_pair_with_bad_rows_through_the_wizard(
    qtbot: QtBot,
    context: ShellContext,
    profile: OpenProfile,
    seeded: dict[str, str],
    tmp_path: Path,
) -> None:
    claims_path, lines_path = gbk_pair(tmp_path)
    dialog = open_wizard(qtbot, context)
    source = dialog.source_page
    assert not dialog.next_button.isEnabled()  # no claims file yet
    assert source.target() is not None and source.target().case_id == seeded["case"]
    source.set_file("claims", claims_path)
    source.set_file("lines", lines_path)
    source.holder_name.setText("刘工")
    source.holder_position.setText("信息科工程师")

    next_step(qtbot, dialog)
    claims_page = dialog.page_for("claims")
    settle(qtbot, claims_page)
    layout = claims_page.preview.layout
    assert (layout.encoding, layout.delimiter, layout.header_row) == ("gb18030", ",", 2)
    assert claims_page.encoding.itemText(0) == "Detected (GB18030 / GBK)"
    assert claims_page.ready
    assert claims_page.columns["total_fen"] == "总费用"

    to_check_page(qtbot, dialog)
    view = dialog.check_page.views[0]
    statuses = [row[1] for row in table_texts(view.rows)]
    assert statuses == ["OK"] * 6 + ["Refused", "Refused"]
    assert [row[:3] for row in table_texts(view.problems)] == [
        ["9", "总费用", "一百五"],
        ["10", "入院日期", "2025-13-45"],
    ]
    view.problems.setCurrentCell(1, 3)  # a problem clicked selects its row
    assert view.rows.currentRow() == 7
    assert dialog.check_page.tabs.tabText(1) == "Settlement lines · 费用明细.csv"
    rows = table_texts(view.rows)
    assert rows[0][2] == "JS000001"
    assert "¥150.00" in rows[0]  # money typed
    assert dialog.next_button.text() == "Import"

    run_import(qtbot, dialog)
    outcome = dialog.outcome
    assert outcome is not None
    assert (outcome.records, outcome.lines, outcome.refused, outcome.warnings) == (6, 12, 5, 0)
    page = dialog.result_page
    assert [tile.value_label.text() for tile in page.tiles[:4]] == ["6", "12", "5", "0"]
    assert table_texts(page.problems) == [
        report_row(ImportFileRole.CLAIMS, 9, "总费用", "一百五", "bad_money"),
        report_row(ImportFileRole.CLAIMS, 10, "入院日期", "2025-13-45", "bad_date"),
        report_row(ImportFileRole.LINES, 14, "数量", "两盒", "bad_quantity"),
        report_row(ImportFileRole.LINES, 15, "结算流水号", "JS000099", "unknown_settlement_no"),
        report_row(
            ImportFileRole.LINES,
            16,
            "结算流水号",
            "JS000007",
            "claim_refused",
            detail='{"claim_row": 9}',
        ),
    ]
    assert page.problems_title.text() == "Problem report: 5 problems (rows refused and warnings)"
    files = table_texts(page.files)
    assert [f[0] for f in files] == ["结算记录.csv", "费用明细.csv"]
    assert [f[7] for f in files] == ["GB18030 / GBK", "GB18030 / GBK"]
    batch_id = outcome.batch_id
    assert count(profile, Claim, Claim.batch_id == batch_id) == 6
    claim_ids = select(Claim.id).where(Claim.batch_id == batch_id)
    assert count(profile, ClaimLine, ClaimLine.claim_id.in_(claim_ids)) == 12
    assert count(profile, ImportProblem, ImportProblem.batch_id == batch_id) == 5
    with profile.read_session() as session:
        batch = session.get_one(SettlementBatch, batch_id)
        assert batch.case_id == seeded["case"] and batch.evidence_id is not None
        assert session.get(EvidenceItem, batch.evidence_id) is not None
        record = session.scalar(
            select(ExtractionRecord).where(ExtractionRecord.evidence_id == batch.evidence_id)
        )
        assert record is not None
        assert (record.holder_name, record.holder_position) == ("刘工", "信息科工程师")
        assert record.source_system == "Hospital information system (HIS)"

    report = tmp_path / "problems.csv"
    page.export_to(report)
    qtbot.waitUntil(lambda: not page.exporting, timeout=TIMEOUT)
    assert report.read_text(encoding="utf-8-sig").count("\n") == 6  # header + 5 problems
    assert "5 problems written to" in page.status.text()

    assert dialog.next_button.text() == "Open the batch"
    with qtbot.waitSignal(dialog.open_batch_requested, timeout=TIMEOUT) as opened:
        qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
    assert opened.args == [batch_id]


def test_a_column_chosen_by_hand_changes_the_preview(
    qtbot: QtBot, context: ShellContext, tmp_path: Path
) -> None:
    headers = [("费用合计" if h == "总费用" else h) for h in CLAIM_HEADERS]
    rows = [claim_row(n, 总费用=f"{n},234.5") for n in range(1, 4)]
    path = write_csv(tmp_path / "claims.csv", headers, rows, encoding="utf-8")
    dialog = open_wizard(qtbot, context)
    dialog.source_page.set_file("claims", path)
    next_step(qtbot, dialog)
    page = dialog.page_for("claims")
    settle(qtbot, page)
    assert page.preview.missing == ("total_fen",)
    assert not page.ready and not dialog.next_button.isEnabled()
    assert page.error_label.text() == (
        "These required fields are not mapped to a column: Total cost."
    )
    assert page.error_label.isVisible() and not page.message.isVisible()

    page.set_column("total_fen", "费用合计")
    assert not page.settled  # the preview runs again a moment later
    settle(qtbot, page)
    assert page.ready and dialog.next_button.isEnabled()
    assert page.message.isVisible() and not page.error_label.isVisible()
    assert page.saved_bar.combo.currentText() == "Custom (chosen here)"
    assert page.preview.rows[0].values["total_fen"] == 123_450
    row = next(i for i in range(page.table.rowCount()) if page._combos["total_fen"] is
               page.table.cellWidget(i, 1))  # fmt: skip
    assert page.table.item(row, 2).text() == "¥1,234.50  ·  ¥2,234.50  ·  ¥3,234.50"

    page.set_column("patient_id_no", None)  # a required field left open again
    settle(qtbot, page)
    assert page.preview.missing == ("patient_id_no",) and not page.ready


def test_a_saved_mapping_is_offered_and_applied_again(
    qtbot: QtBot, context: ShellContext, profile: OpenProfile, tmp_path: Path
) -> None:
    headers = [("费用合计" if h == "总费用" else h) for h in CLAIM_HEADERS]
    path = write_csv(
        tmp_path / "claims.txt", headers, [claim_row(1)], encoding="gbk", delimiter="|"
    )
    dialog = open_wizard(qtbot, context)
    dialog.source_page.set_file("claims", path)
    next_step(qtbot, dialog)
    page = dialog.page_for("claims")
    settle(qtbot, page)
    page.set_column("total_fen", "费用合计")
    page.header_row.setValue(1)
    settle(qtbot, page)
    page.saved_bar.save_as("康宁医院 HIS")
    qtbot.waitUntil(lambda: page.applied == "康宁医院 HIS" and not page.busy, timeout=TIMEOUT)
    qtbot.waitUntil(lambda: page.saved_bar.combo.findData("康宁医院 HIS") >= 0, timeout=TIMEOUT)
    assert page.saved_bar.combo.currentText() == "康宁医院 HIS"
    saved = list_mappings(profile=profile, role=ImportFileRole.CLAIMS)
    assert [s.mapping.name for s in saved] == ["康宁医院 HIS"]
    assert saved[0].mapping.columns["total_fen"] == "费用合计"
    assert saved[0].mapping.options.header_row == 1
    dialog.close()

    again = open_wizard(qtbot, context)
    again.source_page.set_file("claims", path)
    next_step(qtbot, again)
    fresh = again.page_for("claims")
    settle(qtbot, fresh)
    qtbot.waitUntil(lambda: fresh.saved_bar.combo.findData("康宁医院 HIS") >= 0, timeout=TIMEOUT)
    assert not fresh.ready  # automatic mapping: 费用合计 is no known header
    fresh.saved_bar.choose("康宁医院 HIS")
    assert fresh.header_row.value() == 1
    settle(qtbot, fresh)
    assert fresh.ready
    assert fresh.import_mapping().name == "康宁医院 HIS"
    assert fresh.columns["total_fen"] == "费用合计"

    fresh.saved_bar.delete_saved("康宁医院 HIS")
    qtbot.waitUntil(lambda: not fresh.busy and fresh.saved_bar.combo.findData("康宁医院 HIS") < 0,
                    timeout=TIMEOUT)  # fmt: skip
    assert list_mappings(profile=profile, role=ImportFileRole.CLAIMS) == []
    assert fresh.saved_bar.combo.currentText() == "Custom (chosen here)"
    assert fresh.ready  # the columns stay for this import


def test_cancel_leaves_no_batch(
    qtbot: QtBot, context: ShellContext, profile: OpenProfile, tmp_path: Path
) -> None:
    claims_path, lines_path = gbk_pair(tmp_path)
    dialog = open_wizard(qtbot, context)
    dialog.source_page.set_file("claims", claims_path)
    dialog.source_page.set_file("lines", lines_path)
    to_check_page(qtbot, dialog)
    batches, claims = count(profile, SettlementBatch), count(profile, Claim)

    # Hold the database worker so the import is queued behind it, then cancel it.
    release = threading.Event()

    def hold(_progress: Progress) -> None:
        release.wait(TIMEOUT / 1000)

    blocker: Operation[None] = Operation(hold)
    blocker.run_in_background(context.tasks, writes=True)
    next_step(qtbot, dialog)
    assert dialog.running and dialog.stack.currentWidget() is dialog.run_page
    assert not dialog.close_button.isEnabled()
    qtbot.mouseClick(dialog.run_page.cancel_button, Qt.MouseButton.LeftButton)
    release.set()
    qtbot.waitUntil(lambda: not dialog.running, timeout=TIMEOUT)

    assert dialog.run_page.title.text() == "Import cancelled"
    message = dialog.run_page.note.text()
    assert dialog.run_page.note.isVisible() and not dialog.run_page.message.isVisible()
    assert "Nothing was imported: no batch, claim or line was written." in message
    assert "stay recorded" in message
    assert count(profile, SettlementBatch) == batches
    assert count(profile, Claim) == claims
    assert dialog.back_button.isEnabled() and dialog.close_button.isEnabled()
    qtbot.mouseClick(dialog.back_button, Qt.MouseButton.LeftButton)
    assert dialog.stack.currentWidget() is dialog.check_page

    run_import(qtbot, dialog)  # a retry goes through
    assert count(profile, SettlementBatch) == batches + 1


def test_a_refused_import_is_a_plain_message(
    qtbot: QtBot, context: ShellContext, profile: OpenProfile, tmp_path: Path
) -> None:
    rows = [claim_row(n, 总费用="?") for n in range(1, 4)]
    path = write_csv(tmp_path / "claims.csv", CLAIM_HEADERS, rows, encoding="utf-8")
    dialog = open_wizard(qtbot, context)
    dialog.source_page.set_file("claims", path)
    to_check_page(qtbot, dialog)
    batches = count(profile, SettlementBatch)
    next_step(qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.running, timeout=TIMEOUT)
    assert dialog.run_page.title.text() == "Import failed"
    assert dialog.run_page.message.isVisible() and not dialog.run_page.note.isVisible()
    message = dialog.run_page.message.text()
    assert message.startswith("No row of claims.csv could be imported (3 refused)")
    assert "stay recorded" in message and "Nothing was imported" not in message
    assert dialog.close_button.text() == "Close"
    assert count(profile, SettlementBatch) == batches


def inventory_files(folder: Path) -> dict[str, Path]:
    """Purchases as a workbook (with a title row), opening and closing counts as CSV."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "入库明细"
    sheet.append(["药品入库明细表"])
    sheet.append(["药品编码", "药品名称", "单位", "入库日期", "入库数量", "入库金额", "入库单号"])
    sheet.append(["XA01001", "阿莫西林胶囊", "盒", "2025-01-10", 100, 1500.0, "RK001"])
    sheet.append(["XA01002", "头孢克肟片", "盒", "2025-02-03", 50, 900.0, "RK002"])
    sheet.append(["XA01003", "布洛芬缓释胶囊", "盒", "2025-13-01", 20, 300.0, "RK003"])
    purchases = folder / "入库.xlsx"
    book.save(purchases)
    headers = ["药品编码", "药品名称", "单位", "盘点日期", "盘点数量"]
    opening = write_csv(
        folder / "期初.csv", headers,
        [["XA01001", "阿莫西林胶囊", "盒", "2025-01-01", "10"],
         ["XA01002", "头孢克肟片", "盒", "2025-01-01", "5"]],
        encoding="gbk",
    )  # fmt: skip
    closing = write_csv(
        folder / "期末.csv", headers,
        [["XA01001", "阿莫西林胶囊", "盒", "2025-12-31", "20"],
         ["XA01002", "头孢克肟片", "盒", "2025-12-31", "十"]],
        encoding="gbk",
    )  # fmt: skip
    return {"purchases": purchases, "opening": opening, "closing": closing}


def test_a_jinxiaocun_import_through_the_wizard(
    qtbot: QtBot, context: ShellContext, profile: OpenProfile, tmp_path: Path
) -> None:
    files = inventory_files(tmp_path)
    dialog = open_wizard(qtbot, context)
    source = dialog.source_page
    source.set_kind(ImportKind.INVENTORY)
    assert not dialog.next_button.isEnabled()
    for key, path in files.items():
        source.set_file(key, path)
    with profile.read_session() as session:
        hospital = session.scalar(select(SettlementBatch.institution_id))
    assert source.select_target(institution_id=hospital)
    assert not source.extraction_box.isEnabled()
    assert "nothing is recorded as evidence" in source.target_note.text()

    next_step(qtbot, dialog)
    purchases = dialog.page_for("purchases")
    settle(qtbot, purchases)
    assert purchases.sheet.isVisible() and not purchases.encoding.isVisible()
    assert purchases.sheet.currentText() == "入库明细"
    assert purchases.preview.layout.header_row == 2
    to_check_page(qtbot, dialog)
    assert [dialog.check_page.tabs.tabText(i) for i in range(3)] == [
        "Purchases · 入库.xlsx",
        "Opening stock count · 期初.csv",
        "Closing stock count · 期末.csv",
    ]
    run_import(qtbot, dialog)
    outcome = dialog.outcome
    assert outcome is not None and outcome.kind is ImportKind.INVENTORY
    assert (outcome.records, outcome.refused) == (5, 2)
    page = dialog.result_page
    assert not dialog.next_button.isVisible()  # no "Open the batch" for 进销存
    assert page.evidence_note.text() == (
        "No evidence was recorded: the data was loaded without a case."
    )
    assert [row[1:4] for row in table_texts(page.problems)] == [
        ["5", "入库日期", "2025-13-01"],
        ["3", "盘点数量", "十"],
    ]
    with profile.read_session() as session:
        batch = session.get_one(InventoryBatch, outcome.batch_id)
        assert batch.case_id is None
        assert (batch.period_start, batch.period_end) == ("2025-01-01", "2025-12-31")
    assert count(profile, InventoryMovement, InventoryMovement.batch_id == outcome.batch_id) == 5


def test_the_data_page_opens_the_wizard_and_then_the_new_batch(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    claims_path, _lines = gbk_pair(tmp_path)
    page = window.data_page
    window.show_page(window.pages.index(page))
    qtbot.waitUntil(lambda: not page.loading and not page.stale, timeout=TIMEOUT)
    before = len(page.summary.batches) if page.summary else 0
    qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
    dialog = page.findChild(ImportWizardDialog)
    assert dialog is not None and dialog.isVisible()
    assert dialog.windowTitle() == _("Import settlement or 进销存 data")
    qtbot.waitUntil(lambda: dialog.source_page.targets is not None, timeout=TIMEOUT)
    dialog.source_page.set_file("claims", claims_path)
    to_check_page(qtbot, dialog)
    run_import(qtbot, dialog)
    qtbot.waitUntil(
        lambda: page.summary is not None and len(page.summary.batches) == before + 1,
        timeout=TIMEOUT,
    )
    batch_id = dialog.outcome.batch_id if dialog.outcome else ""
    qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.stack.currentWidget() is page.workspace, timeout=TIMEOUT)
    assert page.workspace.batch is not None and page.workspace.batch.id == batch_id


def test_the_progress_counts_bytes_of_csv_and_rows_of_workbooks(qtbot: QtBot) -> None:
    from ui.dialogs.import_result_page import ImportRunPage

    page = ImportRunPage()
    qtbot.addWidget(page)
    page.start([Path("结算.csv"), Path("明细.xlsx")])
    page.set_progress(512 * 1024, 2 * 1024 * 1024, "Importing claims from 结算.csv")
    assert page.phase.text() == "Importing claims from 结算.csv"
    assert page.detail.text().startswith("512.0 KB of 2.0 MB · ")
    assert page.bar.value() == 250
    page.set_progress(300, 1200, "Importing lines from 明细.xlsx")
    assert page.detail.text().startswith("300 of 1,200 rows · ")
    page.set_progress(1024, 4096, "Checking 明细.xlsx")  # hashing reads bytes
    assert page.detail.text().startswith("1.0 KB of 4.0 KB · ")
    page.set_progress(0, None, "Saving the import")
    assert page.bar.maximum() == 0  # busy, no total


def test_settlement_data_prepared_for_an_upcoming_inspection(
    qtbot: QtBot, demo_context: ShellContext, demo_profile: OpenProfile, tmp_path: Path
) -> None:
    from inspector_app.settlement_import.export_csv import export_batch
    from local_db.models import InspectionTask

    with demo_profile.read_session() as session:
        upcoming = session.scalar(
            select(InspectionTask).where(InspectionTask.task_number == "YBJC2026008")
        )
        sealed = session.scalar(
            select(InspectionTask).where(InspectionTask.task_number == "YBJC2026002")
        )
        source_batch = session.scalar(select(SettlementBatch.id))
    assert upcoming is not None and sealed is not None and source_batch is not None
    exported = export_batch(profile=demo_profile, batch_id=source_batch, folder=tmp_path)
    dialog = open_wizard(qtbot, demo_context)
    source = dialog.source_page
    labels = [source.target_combo.itemText(i) for i in range(source.target_combo.count())]
    assert any(text.startswith("Upcoming inspection YBJC2026008") for text in labels)
    assert not any("YBJC2026002" in text for text in labels)  # sealed: its target is unknown
    source.set_kind(ImportKind.INVENTORY)
    inventory_labels = [source.target_combo.itemText(i) for i in range(source.target_combo.count())]
    assert not any(text.startswith("Upcoming inspection") for text in inventory_labels)
    source.set_kind(ImportKind.SETTLEMENT)
    assert source.select_target(task_id=upcoming.id)
    assert "upcoming inspection" in source.target_note.text()
    assert not source.extraction_box.isEnabled()
    source.set_file("claims", exported.claims_path)
    source.set_file("lines", exported.lines_path)
    to_check_page(qtbot, dialog)
    run_import(qtbot, dialog)
    outcome = dialog.outcome
    assert outcome is not None and outcome.refused == 0
    with demo_profile.read_session() as session:
        batch = session.get_one(SettlementBatch, outcome.batch_id)
        assert (batch.task_id, batch.case_id) == (upcoming.id, None)
        assert batch.institution_id == upcoming.institution_id
    assert count(demo_profile, Claim, Claim.batch_id == outcome.batch_id) == exported.claims
