"""The batch workspace's 进销存 tab reconciles the institution's loads with its settlements."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from inspector_app.profiles import OpenProfile
from inspector_app.services.settlement_summary import data_summary
from tests.unit.inventory.world import (
    CLOSING,
    OPENING,
    PURCHASE,
    add_institution,
    add_inventory,
    settle,
)
from ui.context import ShellContext
from ui.data.batch_workspace import BatchWorkspace


def test_inventory_tab_lists_items_settled_beyond_stock(
    qtbot: QtBot, context: ShellContext, profile: OpenProfile
) -> None:
    pharmacy = add_institution(profile, "P9")
    settle(profile, pharmacy, [("A", "2025-01-10", 60, 6_000), ("B", "2025-02-01", 5, 500)])
    add_inventory(profile, pharmacy, [
        (OPENING, "A", "2025-01-01", 0), (PURCHASE, "A", "2025-01-02", 50),
        (CLOSING, "A", "2025-03-31", 0), (PURCHASE, "B", "2025-01-02", 9),
        (CLOSING, "B", "2025-03-31", 4),
    ])  # fmt: skip
    batch = next(b for b in data_summary(profile=profile).batches if b.source == "t")
    workspace = BatchWorkspace(context)
    qtbot.addWidget(workspace)
    workspace.show()
    workspace.set_batch(batch)
    workspace.tabs.setCurrentWidget(workspace.inventory)
    view = workspace.inventory
    qtbot.waitUntil(lambda: view.result is not None, timeout=10_000)
    rows = view.rows.row_model.rows
    assert [row.item_code for row in rows] == ["A"]
    assert rows[0].excess_fen == 1_000
    assert "1 of 2 items" in view.summary.text() and "¥10.00" in view.summary.text()
    view.only_flagged.setChecked(False)
    assert [row.item_code for row in view.rows.row_model.rows] == ["A", "B"]
