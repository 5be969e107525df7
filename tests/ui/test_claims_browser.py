"""The Data page opens a batch and browses its claims page by page, with filters and lines."""

from __future__ import annotations

from pytestqt.qtbot import QtBot
from sqlalchemy import select

from inspector_app.profiles import OpenProfile
from inspector_app.services.claims_browser import PAGE_SIZE
from local_db.ids import new_id
from local_db.models import Institution, SettlementBatch
from local_db.settlement_load import RowChunk, load_batch, next_claim_id
from local_db.types import utc_now
from tests.ui import seed
from ui.main_window import MainWindow

CLAIMS = 2 * PAGE_SIZE + 57


def _claim(claim_id: int, batch_id: str, n: int) -> tuple[object, ...]:
    inpatient = n % 3 == 0
    return (
        claim_id, batch_id, f"JS{n:08d}", f"V{n:08d}", "张三丰", "M", "1960-01-01",
        "110105196001010011", "职工", "住院" if inpatient else "门诊",
        "骨科" if n % 2 else "内科", "D001", "王医生", "2025-03-01",
        "2025-03-05" if inpatient else None, "M17.1", "膝关节骨关节炎",
        10_000 + n, 8_000 + n, 0, 2_000, "2025-03-05 10:00:00",
    )  # fmt: skip


def _load(profile: OpenProfile) -> str:
    with profile.session() as session:
        hospital = session.scalar(select(Institution).filter_by(name=seed.HOSPITAL))
        assert hospital is not None
        batch = SettlementBatch(
            id=new_id(), institution_id=hospital.id, source="browser-test.csv",
            source_sha256="1" * 64, period_start="2025-03-01", period_end="2025-03-31",
            loaded_at=utc_now(),
        )  # fmt: skip
        first = next_claim_id(session)
        claims = [_claim(first + n, batch.id, n) for n in range(CLAIMS)]
        lines = [
            (first, 1, "X001", "阿莫西林胶囊", "drug", "盒", 1250, 2.0, 2500, "A", "D001",
             "2025-03-01 09:00:00", None, 2.0),
            (first, 2, "S001", "静脉输液", "service", "次", 500, 1.0, 500, "A", "D001",
             "2025-03-01 09:10:00", None, 1.0),
        ]  # fmt: skip
        load_batch(session, batch=batch, chunks=[RowChunk(claims=claims, lines=lines)])
        return batch.id


def test_a_batch_opens_and_browses_lazily(
    qtbot: QtBot, window: MainWindow, profile: OpenProfile
) -> None:
    batch_id = _load(profile)
    page = window.data_page
    window.navigation.setCurrentRow(2)
    qtbot.waitUntil(lambda: not page.loading and page.summary is not None, timeout=10_000)
    row = next(b for b in page.summary.batches if b.id == batch_id)
    page.open_batch(row)
    view = page.workspace.claims
    model = view.table.lazy_model
    qtbot.waitUntil(lambda: len(model.rows) == PAGE_SIZE, timeout=10_000)
    assert not model.complete
    assert view.count_label.text() == f"{CLAIMS:,} claims"
    # Identity is masked in the table.
    assert model.rows[0].patient == "张**"
    assert model.rows[0].settlement_no == "JS00000000"
    # Scrolling to the end fetches the next pages until the list is complete.
    while not model.complete:
        view.table.scrollToBottom()
        model.fetchMore(view.table.rootIndex())
        qtbot.waitUntil(lambda: not model.fetching, timeout=10_000)
    assert len(model.rows) == CLAIMS
    assert [r.settlement_no for r in model.rows] == [f"JS{n:08d}" for n in range(CLAIMS)]

    # Selecting a claim shows its lines.
    view.table.selectRow(0)
    qtbot.waitUntil(lambda: len(view.lines.row_model.rows) == 2, timeout=10_000)
    assert view.lines.row_model.rows[0].item_name == "阿莫西林胶囊"
    assert "JS00000000" in view.lines_title.text()

    # A filter restarts the listing with a counted total.
    qtbot.waitUntil(lambda: view.department.count() == 3, timeout=10_000)
    view.department.setCurrentIndex(view.department.findData("骨科"))
    qtbot.waitUntil(lambda: model.complete or len(model.rows) == PAGE_SIZE, timeout=10_000)
    expected = sum(1 for n in range(CLAIMS) if n % 2)
    qtbot.waitUntil(lambda: view.count_label.text() == f"{expected:,} claims", timeout=10_000)
    assert all(r.department == "骨科" for r in model.rows)
    view.search.setText("JS0000001")
    qtbot.waitUntil(
        lambda: (
            [r.settlement_no for r in model.rows] == [f"JS{n:08d}" for n in range(10, 20) if n % 2]
        ),
        timeout=10_000,
    )
    page.workspace.back_button.click()
    assert page.stack.currentWidget() is page.table
